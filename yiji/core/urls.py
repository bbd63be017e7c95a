from django.urls import path

from yiji.core import account_views, patient_views, policy_views, staff_views

urlpatterns = [
    path("", account_views.home, name="home"),
    path("login/", account_views.login_view, name="login"),
    path("logout/", account_views.logout_view, name="logout"),
    path("account/", account_views.account, name="account"),
    path("notices/<id:pk>/read/", account_views.notice_read, name="notice_read"),
    path("patients/", patient_views.patients, name="patients"),
    path("patients/new/", patient_views.patient_new, name="patient_new"),
    path("patients/<id:pk>/", patient_views.patient, name="patient"),
    path("patients/<id:pk>/edit/", patient_views.patient_edit, name="patient_edit"),
    path("patients/<id:pk>/break-glass/", patient_views.break_glass, name="break_glass"),
    path("patients/<id:pk>/access/", patient_views.patient_access, name="patient_access"),
    path(
        "privacy/break-glass/",
        patient_views.break_glass_register,
        name="break_glass_register",
    ),
    path("staff/", staff_views.staff_list, name="staff"),
    path("staff/<id:pk>/", staff_views.staff_detail, name="staff_detail"),
    path("organisation/", staff_views.organisation, name="organisation"),
    path("rules/", policy_views.rules, name="rules"),
    path("policy/", policy_views.policy_list, name="policy"),
    path("policy/<str:key>/", policy_views.policy_edit, name="policy_edit"),
    path("audit/", policy_views.audit_log, name="audit"),
    path("calendar/<year:year>/", policy_views.holiday_calendar, name="holiday_calendar"),
]
