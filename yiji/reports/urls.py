from django.urls import path

from yiji.reports import views

urlpatterns = [
    path("reading/", views.reading, name="reading"),
    path("exams/<id:pk>/report/", views.report_page, name="report"),
    path("exams/<id:pk>/report.pdf", views.report_pdf, name="report_pdf"),
    path("exams/<id:pk>/report/autosave/", views.autosave, name="report_autosave"),
    path("verify/<uuid:key>/<str:digest>/", views.verify, name="verify"),
    path("critical/", views.critical_register, name="critical"),
    path("critical/alerts/", views.critical_alerts, name="critical_alerts"),
    path("tat/", views.tat, name="tat"),
    path("tat/late/", views.tat_late, name="tat_late"),
    path("results/<id:pk>/", views.result, name="result"),
]
