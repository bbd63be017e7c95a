"""FHIR R4 addressing (R4 3.1.0): every fullUrl and Location is absolute, a created resource's
Location names its version, a type Yiji does not serve answers 404 with an OperationOutcome,
and an unknown search parameter is left out of the self link — or, with
`Prefer: handling=strict`, refused with 400."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from django.test import Client

from tests.interop.test_fhir import _request
from yiji.interop.fhir import resources as fhir

BASE = "http://testserver/fhir/r4/"


def test_search_entries_have_absolute_full_urls_and_the_self_link_only_used_parameters(
    his_api, patient
):
    status, found = his_api.get(
        "Patient", identifier=f"{fhir.PATIENT_ID_SYSTEM}|P100", foo="bar", _count="5"
    )
    assert status == 200
    assert [e["fullUrl"] for e in found["entry"]] == [f"{BASE}Patient/{patient.pk}"]
    self_link = next(link["url"] for link in found["link"] if link["relation"] == "self")
    assert self_link.startswith(f"{BASE}Patient?")
    assert set(parse_qs(urlsplit(self_link).query)) == {"identifier", "_count", "_offset"}


def test_strict_handling_refuses_an_unknown_search_parameter(his_api, patient):
    strict = his_api.client.get(
        "/fhir/r4/Patient", {"name": "张", "foo": "bar"}, headers={"Prefer": "handling=strict"}
    )
    status, body = his_api._check(strict)
    assert status == 400 and body["resourceType"] == "OperationOutcome"
    assert body["issue"][0]["expression"] == ["foo"] and "foo" in body["issue"][0]["diagnostics"]
    lenient = his_api.client.get(
        "/fhir/r4/Patient", {"name": "张", "foo": "bar"}, headers={"Prefer": "handling=lenient"}
    )
    assert his_api._check(lenient)[0] == 200


def test_a_resource_type_yiji_does_not_serve_is_a_404_outcome(his_api, db):
    status, body = his_api.get("Encounter")
    assert status == 404 and body["issue"][0]["code"] == "not-supported"
    response = Client().get("/fhir/r4/Medication/1")
    assert response.status_code == 404 and response.json()["resourceType"] == "OperationOutcome"


def test_the_location_of_a_created_order_is_absolute_with_its_version(
    his_api, patient, items, ward
):
    response = his_api.client.post(
        "/fhir/r4/ServiceRequest",
        _request(patient, ward),
        content_type="application/fhir+json",
    )
    status, created = his_api._check(response)
    assert status == 201
    assert response["Location"] == f"{BASE}ServiceRequest/{created['id']}/_history/1"
