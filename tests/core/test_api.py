"""The JSON API: tokens, the OpenAPI schema, and the same rules as the pages."""

from __future__ import annotations

import json
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from yiji.core import rulebook
from yiji.core.models import AuditAction, AuditEntry, Patient, Role

VALID_CARD = "11010519491231002X"


@pytest.fixture
def token_for():
    def create(staff) -> Client:
        out = StringIO()
        call_command("token", "create", staff.user.username, stdout=out)
        key = out.getvalue().strip()
        return Client(HTTP_AUTHORIZATION=f"Bearer {key}")

    return create


def test_token_command_prints_a_working_token(clerk, token_for):
    client = token_for(clerk)
    response = client.get("/api/me")
    assert response.status_code == 200
    assert response.json()["username"] == "clerk" and response.json()["roles"] == ["clerk"]


def test_the_token_command_refuses_an_unknown_user(db):
    with pytest.raises(CommandError, match="no active user"):
        call_command("token", "create", "ghost")


def test_no_or_a_bad_token_is_unauthorised(clerk):
    assert Client().get("/api/me").status_code == 401
    bad = Client(HTTP_AUTHORIZATION="Bearer yj_not-a-real-token")
    assert bad.get("/api/me").status_code == 401


def test_a_revoked_token_stops_working(clerk, client_for):
    from yiji.core import accounts

    token, key = accounts.create_token(clerk.user, "scanner")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert api.get("/api/me").status_code == 200
    client_for(clerk).post("/account/", {"form": "revoke", "token": token.pk})
    assert api.get("/api/me").status_code == 401


def test_the_session_works_for_the_api_too(clerk, client_for):
    assert client_for(clerk).get("/api/me").status_code == 200


def test_create_and_read_a_patient_through_the_api(clerk, make_staff, token_for):
    payload = {
        "patient_id": "P9",
        "name": "王五",
        "sex": "F",
        "source": "emergency",
        "id_card": VALID_CARD,
    }
    created = token_for(clerk).post("/api/patients", payload, content_type="application/json")
    assert created.status_code == 201
    assert created.json()["id_card_masked"] == "110105********002X"
    assert "id_card" not in created.json()
    reader = token_for(make_staff(Role.PHYSICIAN))
    assert reader.get("/api/patients/P9").json()["name"] == "王五"
    view = AuditEntry.objects.get(action=AuditAction.VIEW)
    assert view.reason == "api" and view.patient.patient_id == "P9"


def test_bad_input_is_a_clear_400_and_nothing_is_stored(clerk, token_for):
    client = token_for(clerk)
    bad_card = client.post(
        "/api/patients",
        {"patient_id": "P1", "name": "王五", "sex": "F", "source": "emergency", "id_card": "123"},
        content_type="application/json",
    )
    assert bad_card.status_code == 400 and "id_card" in bad_card.json()["errors"]
    missing = client.post("/api/patients", {"name": "x"}, content_type="application/json")
    assert missing.status_code == 422
    garbage = client.post("/api/patients", "{not json", content_type="application/json")
    assert garbage.status_code in (400, 422)
    assert not Patient.objects.exists()


def test_a_refusal_names_the_rule_in_both_languages(make_staff, token_for):
    engineer = token_for(make_staff(Role.ENGINEER))
    response = engineer.post(
        "/api/patients",
        {"patient_id": "P1", "name": "王五", "sex": "F", "source": "emergency"},
        content_type="application/json",
    )
    assert response.status_code == 403
    body = response.json()
    assert body["rule"] == "ORD-6" and body["message_zh"] and body["message_en"]


def test_openapi_schema_and_docs_are_served_locally(db):
    client = Client()
    schema = client.get("/api/openapi.json")
    assert schema.status_code == 200
    spec = json.loads(schema.content)
    assert spec["openapi"].startswith("3.")
    assert "/api/patients" in spec["paths"] and "/api/rules" in spec["paths"]
    docs = client.get("/api/docs")
    assert docs.status_code == 200
    # No script or style from elsewhere (a CDN): every src and href is this site's own. (A
    # bare "cdn" check failed whenever the page's random CSRF token happened to contain it.)
    outside = re.findall(r'(?:src|href)="((?:https?:)?//[^"]+)"', docs.text)
    assert outside == [] and "/static/ninja/" in docs.text


def test_the_rules_endpoint_lists_every_rule(clerk, token_for):
    rows = token_for(clerk).get("/api/rules").json()
    assert len(rows) == len(rulebook.all_rules()) and rows[0]["id"] == "ORD-1"
