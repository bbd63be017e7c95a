"""Electronic signatures: re-authentication by password or signing PIN, recorded with title
and licence number at the time of signing."""

from __future__ import annotations

import pytest

from tests.conftest import PASSWORD
from yiji.core import accounts, policy
from yiji.core.models import (
    AuditAction,
    AuditEntry,
    CredentialKind,
    PhysicianTitle,
    Role,
)
from yiji.core.services import add_credential


@pytest.fixture
def attending(make_staff):
    staff = make_staff(Role.PHYSICIAN, physician_title=PhysicianTitle.ATTENDING, name="刘医生")
    add_credential(None, staff, kind=CredentialKind.PRACTISING_LICENCE, number="110420000001")
    return staff


def test_sign_with_password_keeps_title_and_licence(attending):
    signature = accounts.sign(attending.user, PASSWORD, "test", attending)
    assert signature.method == "password"
    assert signature.signer_name == "刘医生"
    assert signature.title == "Attending physician" or signature.title == "主治医师"
    assert signature.licence_number == "110420000001"
    assert signature.object_id == str(attending.pk)
    assert AuditEntry.objects.filter(action=AuditAction.SIGN, actor=attending.user).exists()


def test_sign_with_a_pin(attending, client_for):
    client = client_for(attending)
    response = client.post("/account/", {"form": "pin", "signature": PASSWORD, "pin": "246810"})
    assert response.status_code == 302
    attending.refresh_from_db()
    assert accounts.sign(attending.user, "246810", "test").method == "pin"


def test_a_pin_must_be_digits(attending):
    with pytest.raises(accounts.SignatureRefused):
        accounts.set_signing_pin(attending.user, "abc123")


def test_a_wrong_secret_is_refused_and_repeated_failures_lock_signing(attending):
    for _ in range(policy.value("sec.lockout_failures")):
        with pytest.raises(accounts.SignatureRefused):
            accounts.sign(attending.user, "wrong", "test")
    with pytest.raises(accounts.SignatureRefused):
        accounts.sign(attending.user, PASSWORD, "test")  # locked, even with the right one
    assert AuditEntry.objects.filter(action=AuditAction.SIGN_FAILED).exists()


def test_a_user_without_a_staff_file_cannot_sign(db, django_user_model):
    user = django_user_model.objects.create_user("nostaff", password=PASSWORD)
    with pytest.raises(accounts.SignatureRefused):
        accounts.sign(user, PASSWORD, "test")
