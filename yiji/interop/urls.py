from django.urls import path

from yiji.interop import views

urlpatterns = [
    path("interfaces/", views.overview, name="interfaces"),
    path(
        "interfaces/reference-triggers/",
        views.restore_reference_triggers,
        name="interface_restore_triggers",
    ),
    path("interfaces/inbound/", views.inbound_list, name="interface_inbound"),
    path("interfaces/inbound/<id:pk>/", views.inbound_detail, name="interface_inbound_detail"),
    path(
        "interfaces/inbound/<id:pk>/reprocess/",
        views.inbound_reprocess,
        name="interface_inbound_reprocess",
    ),
    path("interfaces/outbound/", views.outbound_list, name="interface_outbound"),
    path("interfaces/unscheduled/", views.unscheduled, name="interface_unscheduled"),
    path(
        "interfaces/unscheduled/<id:pk>/reconcile/",
        views.unscheduled_reconcile,
        name="interface_unscheduled_reconcile",
    ),
    path(
        "interfaces/outbound/<id:pk>/resend/",
        views.outbound_resend,
        name="interface_outbound_resend",
    ),
]
