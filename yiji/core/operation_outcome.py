"""FHIR's OperationOutcome, the shape of every error a /fhir/ request gets: the FHIR interface
answers with it, and so does core's middleware when it refuses a request before any view."""

from __future__ import annotations


def outcome(code: str, text: str, severity: str = "error", expression: str = "") -> dict:
    issue = {"severity": severity, "code": code, "diagnostics": text}
    if expression:
        issue["expression"] = [expression]
    return {"resourceType": "OperationOutcome", "issue": [issue]}
