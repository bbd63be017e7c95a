"""FHIR R4 under /fhir/r4/: Patient, ServiceRequest (order entry), DiagnosticReport."""
