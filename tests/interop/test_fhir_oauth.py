"""SMART Backend Services for hospital systems: a client made with `yiji interface account
NAME --client` gets an access token from the token endpoint with its ID and secret (OAuth2
client credentials, django-oauth-toolkit), reads with `system/*.read`, needs
`system/*.write` to place an order, and a wrong secret or token is refused."""

from __future__ import annotations

import base64
import io

from django.core.management import call_command
from django.test import Client

from tests.interop.conftest import Fhir
from tests.interop.test_fhir import _request
from yiji.interop.accounts import interface_user


def _client(name="his") -> tuple[str, str]:
    out = io.StringIO()
    call_command("interface", "account", name, "--client", stdout=out, stderr=io.StringIO())
    values = dict(line.split("=", 1) for line in out.getvalue().split())
    return values["client_id"], values["client_secret"]


def _token(client_id: str, secret: str, scope: str):
    basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    return Client().post(
        "/fhir/r4/auth/token",
        {"grant_type": "client_credentials", "scope": scope},
        HTTP_AUTHORIZATION=f"Basic {basic}",
    )


def test_the_smart_configuration_names_the_token_endpoint(db):
    config = Client().get("/fhir/r4/.well-known/smart-configuration").json()
    assert config["token_endpoint"] == "http://testserver/fhir/r4/auth/token"
    assert config["grant_types_supported"] == ["client_credentials"]
    assert "system/*.read" in config["scopes_supported"]


def test_the_capability_statement_points_at_the_token_endpoint(his_api):
    status, body = his_api.get("metadata")  # validated as R4 by the client
    security = body["rest"][0]["security"]
    assert security["service"][0]["coding"][0]["code"] == "SMART-on-FHIR"
    assert security["extension"][0]["extension"][0]["valueUri"].endswith("/fhir/r4/auth/token")


def test_a_client_reads_with_its_token_and_writes_only_with_the_write_scope(
    hospital, patient, items, ward
):
    client_id, secret = _client()
    issued = _token(client_id, secret, "system/*.read")
    assert issued.status_code == 200, issued.content
    reading = Client(HTTP_AUTHORIZATION=f"Bearer {issued.json()['access_token']}")
    assert reading.get(f"/fhir/r4/Patient/{patient.pk}").status_code == 200
    refused = reading.post(
        "/fhir/r4/ServiceRequest", _request(patient, ward), content_type="application/fhir+json"
    )
    assert refused.status_code == 403 and "system/*.write" in refused.content.decode()

    writing = _token(client_id, secret, "system/*.read system/*.write").json()["access_token"]
    created = Client(HTTP_AUTHORIZATION=f"Bearer {writing}").post(
        "/fhir/r4/ServiceRequest", _request(patient, ward), content_type="application/fhir+json"
    )
    assert created.status_code == 201
    assert Fhir(interface_user("his")).get(f"ServiceRequest/{created.json()['id']}")[0] == 200


def test_a_wrong_secret_gets_no_token_and_a_made_up_token_no_data(hospital, patient):
    client_id, _secret = _client()
    assert _token(client_id, "not-the-secret", "system/*.read").status_code == 401
    stranger = Client(HTTP_AUTHORIZATION="Bearer made-up-token")
    response = stranger.get(f"/fhir/r4/Patient/{patient.pk}")
    assert response.status_code == 401 and response.json()["resourceType"] == "OperationOutcome"
