"""FHIR R4: every resource the server returns is validated with the fhir.resources models;
order entry through ServiceRequest keeps ORD-1; errors are OperationOutcomes; released
reports only, with the PDF as presentedForm."""

from __future__ import annotations

import base64

import pytest
from django.test import Client

from tests.conftest import PASSWORD
from tests.interop.conftest import Fhir
from tests.orders.fixtures import at
from yiji.core.models import Role
from yiji.interop.fhir import resources as fhir
from yiji.orders.models import Exam, OrderSource
from yiji.reports import services


def _request(patient, ward, **changes):
    body = {
        "resourceType": "ServiceRequest",
        "status": "active",
        "intent": "order",
        "priority": "routine",
        "identifier": [{"system": fhir.PLACER_SYSTEM, "value": "HIS-9001"}],
        "code": {"coding": [{"system": fhir.ITEM_SYSTEM, "code": "CT-HEAD"}]},
        "subject": {"reference": f"Patient/{patient.pk}"},
        "requester": {"display": "王医生"},
        "extension": [{"url": fhir.DEPARTMENT_EXTENSION, "valueString": ward.code}],
        "note": [{"text": "头痛三天"}],
        "reasonCode": [{"text": "头痛待查"}],
        "orderDetail": [{"text": "排除颅内出血"}],
    }
    body.update(changes)
    return body


def test_metadata_is_a_capability_statement(his_api):
    status, body = his_api.get("metadata")
    assert status == 200 and body["fhirVersion"] == "4.0.1"
    kinds = {r["type"] for r in body["rest"][0]["resource"]}
    assert {"Patient", "ServiceRequest", "DiagnosticReport"} <= kinds


def test_no_token_is_an_operation_outcome(db):
    response = Client().get("/fhir/r4/Patient?identifier=P100")
    assert response.status_code == 401
    assert response.json()["resourceType"] == "OperationOutcome"


def test_patient_read_and_search(his_api, patient):
    status, body = his_api.get(f"Patient/{patient.pk}")
    assert status == 200 and body["name"][0]["text"] == "张三明"
    assert {"system": fhir.PATIENT_ID_SYSTEM, "value": "P100", "use": "usual"} in body["identifier"]
    status, found = his_api.get("Patient", identifier=f"{fhir.PATIENT_ID_SYSTEM}|P100")
    assert found["total"] == 1 and found["entry"][0]["resource"]["id"] == str(patient.pk)
    assert his_api.get("Patient/999999")[0] == 404
    assert his_api.get("Patient/abc")[0] == 404


@pytest.mark.rules("ORD-1")
def test_service_request_create_is_order_entry_with_ord1(his_api, patient, items, ward):
    status, created = his_api.post("ServiceRequest", _request(patient, ward))
    assert status == 201, created
    exam = Exam.objects.get(pk=created["id"])
    assert exam.requisition.source == OrderSource.FHIR and exam.placer_number == "HIS-9001"
    assert exam.requisition.purpose == "排除颅内出血"
    # Sent again (the HIS did not see the answer): the same order, not a second one.
    status, again = his_api.post("ServiceRequest", _request(patient, ward))
    assert status == 200 and again["id"] == created["id"]

    status, refused = his_api.post(
        "ServiceRequest",
        _request(patient, ward, identifier=[], orderDetail=[]),
    )
    assert status == 422
    issue = refused["issue"][0]
    assert issue["code"] == "business-rule" and "ORD-1" in issue["diagnostics"]
    assert issue["expression"] == ["ServiceRequest.orderDetail"]


@pytest.mark.parametrize(
    "body",
    [
        "not json",
        {"resourceType": "Patient"},
        {
            "resourceType": "ServiceRequest",
            "status": "active",
            "intent": "order",
            "subject": "Patient/1",
        },
        {
            "resourceType": "ServiceRequest",
            "status": "bogus",
            "intent": "order",
            "subject": {"reference": "Patient/1"},
        },
    ],
)
def test_bad_service_requests_get_an_operation_outcome(his_api, patient, items, body):
    status, outcome = his_api.post("ServiceRequest", body)
    assert status == 400 and outcome["resourceType"] == "OperationOutcome"


def test_service_request_search_by_patient_identifier_status_and_date(
    his_api, patient, items, ward, order
):
    his_api.post("ServiceRequest", _request(patient, ward))
    order(items["chest"])
    status, found = his_api.get("ServiceRequest", patient=str(patient.pk), _count="1")
    assert found["total"] == 2 and len(found["entry"]) == 1
    assert any(link["relation"] == "next" for link in found["link"])
    _, by_placer = his_api.get("ServiceRequest", identifier=f"{fhir.PLACER_SYSTEM}|HIS-9001")
    assert by_placer["total"] == 1
    assert his_api.get("ServiceRequest", status="active", date="ge2026-11-23")[1]["total"] == 2
    assert his_api.get("ServiceRequest", date="lt2026-11-23")[1]["total"] == 0
    assert his_api.get("ServiceRequest", date="eq2026-11-23")[1]["total"] == 2
    assert his_api.get("ServiceRequest", date="yesterday")[0] == 400


@pytest.mark.rules("RPT-11", "RPT-4")
def test_diagnostic_reports_only_once_released_with_the_pdf(
    his_api, frozen_clock, completed, items, doctor
):
    frozen_clock.move_to(at(15, 0))
    writer = doctor("resident")
    exam = completed(items["ct_head"])
    report = services.save_draft(
        writer.user, exam, services.Draft("未见异常。", "头颅CT平扫未见异常。"), expected_version=0
    )
    report = services.submit(writer.user, report, PASSWORD)
    report = services.sign_final(doctor("attending").user, report, PASSWORD)
    assert his_api.get("DiagnosticReport", patient=str(exam.patient_id))[1]["total"] == 0
    assert his_api.get(f"DiagnosticReport/{report.pk}")[0] == 404

    frozen_clock.move_to(at(10, 1, days=1))  # released after the morning session (RPT-4)
    _, found = his_api.get("DiagnosticReport", patient=str(exam.patient_id), status="final")
    assert found["total"] == 1
    status, body = his_api.get(f"DiagnosticReport/{report.pk}")
    assert status == 200 and body["status"] == "final"
    assert body["identifier"][0]["value"] == exam.accession
    assert base64.b64decode(body["presentedForm"][0]["data"]).startswith(b"%PDF")


def test_a_clinician_token_sees_only_their_patients(
    frozen_clock, completed, items, doctor, make_staff
):
    writer = doctor("resident")
    exam = completed(items["chest"])
    report = services.save_draft(
        writer.user, exam, services.Draft("双肺清晰。", "胸部未见异常。"), expected_version=0
    )
    report = services.submit(writer.user, report, PASSWORD)
    services.sign_final(doctor("attending").user, report, PASSWORD)
    stranger = Fhir(make_staff(Role.CLINICIAN).user)
    assert stranger.get("DiagnosticReport")[1]["total"] == 0
    clerk = Fhir(make_staff(Role.CLERK).user)
    assert clerk.get("DiagnosticReport")[0] == 403
