"""Bad input at scale through the JSON API and FHIR: schemathesis generates requests from
`/api/openapi.json` for every operation, hypothesis throws arbitrary search parameters at the
FHIR endpoints; nothing may answer with a server error."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import pytest
import schemathesis
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.core import NOT_SET

from yiji.core import accounts
from yiji.interop.accounts import interface_user

pytestmark = [pytest.mark.django_db, pytest.mark.filterwarnings("ignore")]


def fast(examples: int) -> settings:
    return settings(max_examples=examples, deadline=None, suppress_health_check=list(HealthCheck))


@pytest.fixture
def token(hospital):
    _token, key = accounts.create_token(interface_user("hl7"), "fuzz")
    return key


def _send(client: Client, case) -> int:
    path = case.formatted_path
    if case.query:
        path += "?" + urlencode(case.query, doseq=True)
    body = {}
    if case.body is not NOT_SET:
        body = {"data": json.dumps(case.body), "content_type": "application/json"}
    response = client.generic(case.method, path, **body)
    assert response.status_code < 500, (case.method, path, case.body, response.content[:300])
    return response.status_code


def test_no_api_operation_answers_with_a_server_error(token, rooms, items, ward, patient):
    # The schema as served, read through Django's test client (the WSGI app would close the
    # test's database connection at the end of the request).
    schema = schemathesis.openapi.from_dict(Client().get("/api/openapi.json").json())
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 10
    for operation in operations:

        @fast(10)
        @given(case=operation.as_strategy())
        def check(case):
            _send(client, case)

        check()


FHIR_SEARCHES = ["Patient", "ServiceRequest", "DiagnosticReport", "Observation", "Appointment",
                 "Slot", "ImagingStudy"]  # fmt: skip
PARAMETER = st.sampled_from(["patient", "identifier", "status", "date", "category", "code",
                             "_count", "_offset", "name", "based-on", "start", "schedule",
                             "service-request", "x"])  # fmt: skip
VALUE = st.text(max_size=30)


@fast(60)
@given(
    resource=st.sampled_from(FHIR_SEARCHES),
    params=st.dictionaries(PARAMETER, VALUE, max_size=4),
    read=st.text(max_size=20),
)
def test_no_fhir_search_or_read_answers_with_a_server_error(token, resource, params, read):
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    found = client.get(f"/fhir/r4/{resource}", params)
    assert found.status_code < 500, (resource, params, found.content[:300])
    assert found["Content-Type"].startswith("application/fhir+json")
    one = client.get(f"/fhir/r4/{resource}/{read}") if read and "/" not in read else None
    assert one is None or one.status_code < 500, (resource, read)
