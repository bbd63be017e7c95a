from django.urls import path

from yiji.archive import views

urlpatterns = [
    path("archive/backups/", views.backups_page, name="backups"),
]
