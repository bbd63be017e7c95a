"""Bad input found by probing (issue 24, point 5) gets a clear 400 or 404, never a 500:
impossible years and record ids in page URLs, impossible dates and ids in FHIR searches, and
a body nested past Python's recursion limit, to FHIR and to the API."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.interop.conftest import interface_user
from yiji.core import accounts
from yiji.core.models import Role

HUGE = "1" + "0" * 30


@pytest.mark.parametrize(
    "url",
    ["/calendar/99999/", f"/calendar/{HUGE}/", "/calendar/0/", f"/exams/{HUGE}/",
     f"/exams/{HUGE}/report/", f"/patients/{HUGE}/", f"/lab/qc/{HUGE}/{HUGE}/",
     f"/exams/{HUGE}/follow-up/"],
)  # fmt: skip
def test_page_urls_with_impossible_numbers_are_not_found(client_for, director, url):
    assert client_for(director).get(url).status_code == 404


@pytest.fixture
def fhir(hospital) -> Client:
    _token, key = accounts.create_token(interface_user("fhir"), "probe")
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


@pytest.mark.parametrize(
    ("query", "status"),
    [("ServiceRequest?date=ge0000-00-00", 400), ("ServiceRequest?date=2026-02-30", 400),
     (f"ServiceRequest?patient={HUGE}", 200), (f"ServiceRequest/{HUGE}", 404),
     (f"Patient/{HUGE}", 404), (f"AllergyIntolerance?patient={HUGE}", 404)],
)  # fmt: skip
def test_fhir_searches_with_impossible_values_answer_an_operation_outcome(fhir, query, status):
    response = fhir.get(f"/fhir/r4/{query}")
    assert response.status_code == status
    if status != 200:
        assert response.json()["resourceType"] == "OperationOutcome"


def test_a_body_nested_past_the_recursion_limit_is_refused(fhir, make_staff):
    nested = "[" * 100_000
    response = fhir.post("/fhir/r4/ServiceRequest", nested, content_type="application/fhir+json")
    assert response.status_code == 400 and response.json()["resourceType"] == "OperationOutcome"
    _token, key = accounts.create_token(make_staff(Role.CLINICIAN).user, "probe")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    response = api.post("/api/requisitions", nested, content_type="application/json")
    assert response.status_code in (400, 422)


def test_a_role_that_may_not_order_learns_nothing_from_the_api_s_errors(make_staff):
    _token, key = accounts.create_token(make_staff(Role.TECHNOLOGIST).user, "probe")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    body = {"patient_id": "P-NOBODY", "items": ["NO-SUCH-ITEM"], "clinical_history": "x"}
    response = api.post("/api/requisitions", body, content_type="application/json")
    assert response.status_code == 403
    assert "NO-SUCH-ITEM" not in response.text and "无此患者" not in response.text


ODD_VALUES = ["0", HUGE, "abc", "１２３", "%E4%BD%A0", "-1"]


def test_every_url_with_a_parameter_answers_odd_values_without_a_server_error(
    client_for, director, hospital
):
    """Every route that takes a parameter (pages, API, FHIR), with values no form would send."""
    from tests.test_privacy_doors import _params, _patterns

    web = client_for(director)
    _token, key = accounts.create_token(interface_user("fhir"), "odd")
    fhir_client = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    failures = []
    for route, name, *_rest in _patterns():
        if not _params(route) or name in ("logout", "set_language"):
            continue
        for value in ODD_VALUES:
            path = "/" + route.lstrip("^").rstrip("$")
            for param in _params(route):
                path = path.replace(f"<{param}>", value)
            client = fhir_client if path.startswith("/fhir/") else web
            if client.get(path).status_code >= 500:
                failures.append(path)
    assert failures == []
