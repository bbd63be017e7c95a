from django.urls import path

from yiji.equipment import views

urlpatterns = [
    path("equipment/", views.device_list, name="devices"),
    path("equipment/new/", views.device_edit, name="device_new"),
    path("equipment/due/", views.due, name="maintenance_due"),
    path("equipment/radiation/", views.radiation_page, name="radiation"),
    path("equipment/supplies/", views.supplies_page, name="supplies"),
    path("equipment/<id:pk>/", views.device_page, name="device"),
    path("equipment/<id:pk>/edit/", views.device_edit, name="device_edit"),
    path(
        "equipment/<id:pk>/documents/<id:document_pk>/",
        views.document,
        name="device_document",
    ),
]
