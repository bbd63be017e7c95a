"""Input the fuzz tests found reaching the database raw, kept here as plain cases: a NUL
character (PostgreSQL cannot store it, no real input has one) is refused at the door in each
interface's format — a page, the JSON API, FHIR, HL7 — and stripped from C-FIND values; paging
offsets beyond what LIMIT/OFFSET accepts are refused instead of failing in the database."""

from __future__ import annotations

import json

from django.test import Client
from pydicom.dataset import Dataset

from yiji.core import accounts
from yiji.core.models import Patient, Role
from yiji.interop.accounts import interface_user
from yiji.interop.dicom import worklist
from yiji.interop.hl7 import inbound


def test_pages_api_and_fhir_refuse_a_nul(make_staff, client_for, hospital):
    clerk = make_staff(Role.CLERK)
    page = client_for(clerk).get("/patients/", {"q": "张\x00三"})
    assert page.status_code == 400 and "NUL" in page.content.decode()
    posted = client_for(clerk).post("/patients/new/", {"patient_id": "P9", "name": "a\x00b"})
    assert posted.status_code == 400 and not Patient.objects.exists()
    _token, key = accounts.create_token(interface_user("fhir"), "t")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert api.get("/api/patients", {"q": "\x00"}).status_code == 400
    body = json.dumps({"resourceType": "ServiceRequest", "note": [{"text": "a\x00"}]})
    fhir = api.post("/fhir/r4/ServiceRequest", body, content_type="application/fhir+json")
    assert fhir.status_code == 400 and fhir.json()["resourceType"] == "OperationOutcome"


def test_hl7_with_a_nul_is_rejected_and_kept(hospital):
    raw = b"MSH|^~\\&|HIS|H1|YIJI|RAD|20261123||ADT^A04|N1|P|2.5.1\rPID|1||X\x00||N\r"
    ack = inbound.receive(interface_user("hl7"), raw)
    assert b"MSA|AR" in ack


def test_a_nul_padded_cfind_value_still_matches(hospital):
    identifier = Dataset()
    identifier.PatientID = "P100\x00"
    assert list(worklist.find(identifier)) == []


def test_paging_beyond_any_result_is_refused_not_a_server_error(hospital):
    _token, key = accounts.create_token(interface_user("fhir"), "t")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert client.get("/api/patients", {"offset": 2**63}).status_code == 422
    assert client.get("/api/patients", {"limit": 0}).status_code == 422
    assert client.get("/api/patients", {"offset": 10, "limit": 5}).status_code == 200
    assert client.get("/fhir/r4/Patient", {"_offset": 2**63}).status_code == 400
