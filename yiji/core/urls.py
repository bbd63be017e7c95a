from django.urls import path

from yiji.core import views

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("account/", views.account, name="account"),
    path("notices/<int:pk>/read/", views.notice_read, name="notice_read"),
    path("patients/", views.patients, name="patients"),
    path("patients/new/", views.patient_new, name="patient_new"),
    path("patients/<int:pk>/", views.patient, name="patient"),
    path("patients/<int:pk>/edit/", views.patient_edit, name="patient_edit"),
    path("patients/<int:pk>/break-glass/", views.break_glass, name="break_glass"),
    path("patients/<int:pk>/access/", views.patient_access, name="patient_access"),
    path("privacy/break-glass/", views.break_glass_register, name="break_glass_register"),
    path("staff/", views.staff_list, name="staff"),
    path("staff/<int:pk>/", views.staff_detail, name="staff_detail"),
    path("organisation/", views.organisation, name="organisation"),
    path("rules/", views.rules, name="rules"),
    path("policy/", views.policy_list, name="policy"),
    path("policy/<str:key>/", views.policy_edit, name="policy_edit"),
    path("audit/", views.audit_log, name="audit"),
    path("calendar/<int:year>/", views.holiday_calendar, name="holiday_calendar"),
]
