"""The accounts hospital systems use: `yiji interface account` makes one (and a token) before
any message arrives; a FHIR 403 says, in the caller's terms, whose token it is, what it may not
do and who may."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import Client

from tests.interop.conftest import Fhir
from yiji.core.models import Role
from yiji.core.permissions import roles_of


def test_the_command_makes_an_interface_account_and_a_working_token(hospital, patient):
    out = io.StringIO()
    call_command("interface", "account", "his", "--token", stdout=out, stderr=io.StringIO())
    key = out.getvalue().strip()
    response = Client(HTTP_AUTHORIZATION=f"Bearer {key}").get(f"/fhir/r4/Patient/{patient.pk}")
    assert response.status_code == 200
    user = get_user_model().objects.get(username="his")
    assert roles_of(user) == {Role.INTERFACE} and not user.has_usable_password()
    call_command("interface", "account", "his", stdout=io.StringIO(), stderr=io.StringIO())
    assert get_user_model().objects.filter(username="his").count() == 1  # found, not made again


def test_a_bad_name_is_refused(hospital):
    with pytest.raises(CommandError):
        call_command("interface", "account", "病人 接口", stderr=io.StringIO())


def test_a_403_names_the_token_s_account_and_who_may(make_staff):
    director = make_staff(Role.DIRECTOR, username="dir1")
    status, body = Fhir(director.user).get("DiagnosticReport")
    assert status == 403
    text = body["issue"][0]["diagnostics"]
    assert "dir1" in text and "科主任" in text
    assert "临床医师" in text and "接口" in text and "[ARC-5]" in text
