from django.urls import path

from yiji.quality import (
    assessment_views,
    cockpit_views,
    kpi_views,
    qc_views,
    technique_views,
    views,
)

urlpatterns = [
    path("quality/sessions/", views.session_list, name="reading_sessions"),
    path("quality/new-techniques/", technique_views.register, name="new_techniques"),
    path("quality/sessions/<id:pk>/", views.session_detail, name="reading_session"),
    path("quality/attendance/", views.absence_sheet, name="session_attendance"),
    path("quality/films/", views.film_quality, name="film_quality"),
    path("quality/follow-ups/", views.follow_up_list, name="follow_ups"),
    path("quality/follow-ups/<id:pk>/", views.follow_up_detail, name="follow_up"),
    path("exams/<id:exam_pk>/follow-up/", views.follow_up_open, name="follow_up_open"),
    path("quality/consultations/", views.consultation_list, name="consultations"),
    path("quality/consultations/<id:pk>/", views.consultation_detail, name="consultation"),
    path("quality/difficult/", views.difficult_cases, name="difficult_cases"),
    path("quality/cockpit/", cockpit_views.cockpit_page, name="cockpit"),
    path("quality/kpi/", kpi_views.summary, name="kpi"),
    path("quality/revisions/", kpi_views.revisions, name="revisions"),
    path("quality/kpi/<str:code>/", kpi_views.detail, name="kpi_detail"),
    path("quality/kpi/<str:code>/records/", kpi_views.records, name="kpi_records"),
    path("quality/assessments/", assessment_views.assessment_list, name="assessments"),
    path("quality/assessments/<id:pk>/", assessment_views.assessment_detail, name="assessment"),
    path(
        "quality/assessments/<id:pk>/print.pdf",
        assessment_views.assessment_print,
        name="assessment_print",
    ),
    path("quality/surveys/", assessment_views.surveys, name="surveys"),
    path("quality/qc/", qc_views.inspections, name="qc_inspections"),
    path("quality/qc/<id:pk>/", qc_views.inspection, name="qc_inspection"),
    path("quality/annual/", assessment_views.annual_summary, name="annual_summary"),
    path("quality/compliance/", views.compliance_page, name="compliance"),
    path("quality/compliance/<str:rule>/", views.compliance_rule, name="compliance_rule"),
]
