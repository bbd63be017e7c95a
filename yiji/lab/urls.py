from django.urls import path

from yiji.lab import results_views, views

urlpatterns = [
    path("results/", results_views.results, name="results"),
    path("lab/", views.workbench, name="lab"),
    path("lab/requisitions/<id:pk>/labels.pdf", views.labels, name="lab_labels"),
    path("lab/specimens/<id:pk>/", views.specimen_page, name="lab_specimen"),
    path("lab/exams/<id:pk>/", views.exam_page, name="lab_exam"),
    path("lab/exams/<id:pk>/report.pdf", views.report_pdf, name="lab_report_pdf"),
    path("lab/import/", views.import_page, name="lab_import"),
    path("lab/qc/", views.qc_page, name="lab_qc"),
    path("lab/qc/<id:test>/<id:instrument>/", views.qc_chart, name="lab_qc_chart"),
    path("lab/indicators/", views.indicators, name="lab_indicators"),
]
