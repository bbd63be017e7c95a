from django.urls import path

from yiji.exams import views as exam_views
from yiji.orders import catalogue_views, views
from yiji.reports import views as report_views

urlpatterns = [
    path("requisitions/new/", views.requisition_new, name="requisition_new"),
    path("requisitions/<int:pk>/", views.requisition, name="requisition"),
    path("exams/<int:pk>/", views.exam_detail, name="exam"),
    path("exams/<int:pk>/act/", exam_views.act, name="exam_act"),
    path("exams/<int:pk>/slip.pdf", views.slip, name="slip"),
    path("worklist/", views.worklist, name="worklist"),
    path("reading/", report_views.reading, name="reading"),
    path("exams/<int:pk>/report/", report_views.report_page, name="report"),
    path("exams/<int:pk>/report.pdf", report_views.report_pdf, name="report_pdf"),
    path("exams/<int:pk>/report/autosave/", report_views.autosave, name="report_autosave"),
    path("verify/<uuid:key>/<str:digest>/", report_views.verify, name="verify"),
    path("results/", report_views.results, name="results"),
    path("critical/", report_views.critical_register, name="critical"),
    path("tat/", report_views.tat, name="tat"),
    path("tat/late/", report_views.tat_late, name="tat_late"),
    path("results/<int:pk>/", report_views.result, name="result"),
    path("special-contrast/", views.special_contrast, name="special_contrast"),
    path("rooms/<int:pk>/queue/", views.room_queue, name="room_queue"),
    path("rooms/<int:pk>/disinfect/", views.disinfect, name="disinfect"),
    path("screen/<int:pk>/", views.screen, name="screen"),
    path("catalogue/", catalogue_views.catalogue_list, name="catalogue"),
    path("catalogue/new/", catalogue_views.item_edit, name="item_new"),
    path("catalogue/<int:pk>/", catalogue_views.item_edit, name="item_edit"),
    path("catalogue/export.xlsx", catalogue_views.export, name="catalogue_export"),
    path("catalogue/import/", catalogue_views.import_items, name="catalogue_import"),
]
