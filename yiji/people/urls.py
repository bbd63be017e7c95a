from django.urls import path

from yiji.people import (
    attendance_views,
    dosimetry_views,
    leave_views,
    roster_views,
    training_views,
    views,
)

urlpatterns = [
    path("people/", views.people_home, name="people"),
    path("people/roster/", roster_views.roster_page, name="roster"),
    path("people/handover/", roster_views.handover_page, name="handover"),
    path("people/leave/", leave_views.leave_page, name="leave"),
    path("people/attendance/", attendance_views.attendance_page, name="attendance"),
    path("people/training/", training_views.training_page, name="training"),
    path("people/dosimetry/", dosimetry_views.dosimetry_page, name="dosimetry"),
    path("people/dosimetry/imports/<id:pk>/", dosimetry_views.dose_import, name="dose_import"),
    path("people/<id:pk>/", views.person_page, name="person"),
    path("people/<id:pk>/dose/", views.dose_history, name="dose_history"),
]
