from django.urls import path

from yiji.archive import views

urlpatterns = [
    path("archive/", views.registry, name="archive"),
    path("archive/exams/<id:pk>/", views.exam_record, name="archive_exam"),
    path("archive/loans/", views.loan_list, name="loans"),
    path("archive/loans/<id:pk>/", views.loan_page, name="loan"),
    path("archive/backups/", views.backups_page, name="backups"),
    path("archive/teaching/", views.teaching_file, name="teaching"),
]
