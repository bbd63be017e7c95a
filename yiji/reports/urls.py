from django.urls import path

from yiji.reports import self_service_views, views

urlpatterns = [
    path("reading/", views.reading, name="reading"),
    path("reading/templates/", views.templates_page, name="report_templates"),
    path("exams/<id:pk>/report/", views.report_page, name="report"),
    path("exams/<id:pk>/report.pdf", views.report_pdf, name="report_pdf"),
    path("exams/<id:pk>/report/autosave/", views.autosave, name="report_autosave"),
    path("verify/<uuid:key>/<str:digest>/", views.verify, name="verify"),
    path("kiosk/", self_service_views.kiosk, name="kiosk"),
    path("p/<str:token>/", self_service_views.patient_link, name="patient_link"),
    path("p/<str:token>/report.pdf", self_service_views.patient_link_pdf, name="patient_link_pdf"),
    path(
        "p/<str:token>/key/<int:number>.jpg",
        self_service_views.patient_link_key_image,
        name="patient_link_key_image",
    ),
    path("critical/", views.critical_register, name="critical"),
    path("critical/alerts/", views.critical_alerts, name="critical_alerts"),
    path("tat/", views.tat, name="tat"),
    path("tat/late/", views.tat_late, name="tat_late"),
    path("results/<id:pk>/", views.result, name="result"),
]
