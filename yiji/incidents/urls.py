from django.urls import path

from yiji.incidents import views

urlpatterns = [
    path("incidents/", views.register_page, name="incidents"),
    path("incidents/new/", views.report_page, name="incident_new"),
    path("incidents/<id:pk>/", views.incident_page, name="incident"),
]
