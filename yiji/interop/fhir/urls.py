from django.urls import path

from yiji.interop.fhir import views

urlpatterns = [
    path("metadata", views.metadata, name="fhir_metadata"),
    path("Patient", views.patient_search, name="fhir_patients"),
    path("Patient/<str:pk>", views.patient_read, name="fhir_patient"),
    path("ServiceRequest", views.service_requests, name="fhir_service_requests"),
    path("ServiceRequest/<str:pk>", views.service_request_read, name="fhir_service_request"),
    path("DiagnosticReport", views.diagnostic_reports, name="fhir_diagnostic_reports"),
    path("DiagnosticReport/<str:pk>", views.diagnostic_report_read, name="fhir_diagnostic_report"),
]
