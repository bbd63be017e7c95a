from django.urls import path

from yiji.people import views

urlpatterns = [
    path("people/", views.people_home, name="people"),
    path("people/roster/", views.roster_page, name="roster"),
    path("people/handover/", views.handover_page, name="handover"),
    path("people/leave/", views.leave_page, name="leave"),
    path("people/attendance/", views.attendance_page, name="attendance"),
    path("people/training/", views.training_page, name="training"),
    path("people/dosimetry/", views.dosimetry_page, name="dosimetry"),
    path("people/dosimetry/imports/<int:pk>/", views.dose_import, name="dose_import"),
    path("people/<int:pk>/", views.person_page, name="person"),
    path("people/<int:pk>/dose/", views.dose_history, name="dose_history"),
]
