from django.urls import path, re_path
from oauth2_provider.views import TokenView

from yiji.interop.fhir import appointments, oauth, views

urlpatterns = [
    path("metadata", views.metadata, name="fhir_metadata"),
    path(".well-known/smart-configuration", oauth.smart_configuration, name="fhir_smart"),
    path("auth/token", TokenView.as_view(), name="fhir_token"),
    path("Patient", views.patient_search, name="fhir_patients"),
    path("Patient/<str:pk>", views.patient_read, name="fhir_patient"),
    path("AllergyIntolerance", views.allergy_search, name="fhir_allergies"),
    path("AllergyIntolerance/<str:pk>", views.allergy_read, name="fhir_allergy"),
    path("ServiceRequest", views.service_requests, name="fhir_service_requests"),
    path("ServiceRequest/<str:pk>", views.service_request_read, name="fhir_service_request"),
    path("DiagnosticReport", views.diagnostic_reports, name="fhir_diagnostic_reports"),
    path("DiagnosticReport/<str:pk>", views.diagnostic_report_read, name="fhir_diagnostic_report"),
    path("Observation", views.observations, name="fhir_observations"),
    path("Observation/<str:pk>", views.observation_read, name="fhir_observation"),
    path("ImagingStudy", views.imaging_studies, name="fhir_imaging_studies"),
    path("ImagingStudy/<str:pk>", views.imaging_study_read, name="fhir_imaging_study"),
    path("Schedule/<str:pk>", appointments.schedule_read, name="fhir_schedule"),
    path("Slot", appointments.slots, name="fhir_slots"),
    path("Slot/<str:pk>", appointments.slot_read, name="fhir_slot"),
    path("Appointment", appointments.appointments, name="fhir_appointments"),
    path("Appointment/<str:pk>", appointments.appointment_read, name="fhir_appointment"),
    re_path(r"^(?P<rest>.*)$", views.unknown_type, name="fhir_unknown"),
]
