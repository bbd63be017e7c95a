"""Credentials (RAD-1): one expired licence blocks both rostering to the post and signing a
report; what a post needs is a policy setting; expiring credentials are reminded ahead and on
expiry."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.conftest import PASSWORD
from yiji.core import policy
from yiji.core.models import CredentialKind, Notice
from yiji.core.rulebook import RuleViolation
from yiji.core.services import add_credential
from yiji.people import credentials, roster
from yiji.reports import services as reports
from yiji.reports.models import ReportStatus


@pytest.mark.rules("RAD-1")
def test_an_expired_licence_blocks_rostering_and_signing(
    doctor, completed, items, leader, shifts, december
):
    writer, reviewer = doctor("resident"), doctor("attending", licence="expired")
    exam = completed(items["chest"])
    report = reports.save_draft(
        writer.user, exam, reports.Draft("两肺清晰", "未见异常"), expected_version=0
    )
    report = reports.submit(writer.user, report, PASSWORD)
    with pytest.raises(RuleViolation, match="RAD-1") as refused:
        reports.sign_final(reviewer.user, report, PASSWORD)
    assert "不能签发报告" in refused.value.zh
    with pytest.raises(RuleViolation, match="RAD-1"):
        roster.assign(leader.user, december, reviewer, shifts["duty24"], dt.date(2026, 12, 5))
    # The renewed licence opens both.
    add_credential(None, reviewer, kind=CredentialKind.PRACTISING_LICENCE, number="L-NEW",
                   expires_on=dt.date(2031, 1, 1))  # fmt: skip
    roster.assign(leader.user, december, reviewer, shifts["duty24"], dt.date(2026, 12, 5))
    assert reports.sign_final(reviewer.user, report, PASSWORD).status == ReportStatus.FINAL


@pytest.mark.rules("RAD-1")
def test_what_a_post_needs_is_a_policy_setting(doctor, director, completed, items, imaging):
    writer, reviewer = doctor("resident"), doctor("attending")
    policy.change(
        director.user, "stf.post_requirements_diagnosis",
        ["practising_licence", "radiation_training"], hospital=imaging.hospital, reason="测试",
    )  # fmt: skip
    report = reports.save_draft(
        writer.user, completed(items["chest"]), reports.Draft("所见", "意见"), expected_version=0
    )
    with pytest.raises(RuleViolation, match="RAD-1"):  # the author is held to it too (RPT-1)
        reports.submit(writer.user, report, PASSWORD)
    add_credential(None, writer, kind=CredentialKind.RADIATION_TRAINING, number="R-1",
                   expires_on=dt.date(2030, 1, 1))  # fmt: skip
    report = reports.submit(writer.user, report, PASSWORD)
    with pytest.raises(RuleViolation, match="RAD-1") as refused:
        reports.sign_final(reviewer.user, report, PASSWORD)
    assert refused.value.data["missing"] == ["radiation_training"]


@pytest.mark.rules("RAD-1")
def test_expiring_credentials_are_reminded_ahead_and_on_expiry(make_staff, director, frozen_clock):
    person = make_staff(name="持证人")
    add_credential(None, person, kind=CredentialKind.LARGE_EQUIPMENT, number="DX1",
                   expires_on=dt.date(2027, 1, 31))  # fmt: skip
    add_credential(None, person, kind=CredentialKind.PRE_JOB_MEDICAL, number="TJ1",
                   expires_on=dt.date(2027, 6, 1))  # fmt: skip
    assert [c.number for c, _until in credentials.expiring()] == ["DX1"]  # within 90 days
    assert credentials.remind_expiring() == 2  # the holder and the director
    assert credentials.remind_expiring() == 0
    frozen_clock.move_to(dt.datetime(2027, 2, 1, 8, tzinfo=dt.timezone(dt.timedelta(hours=8))))
    assert credentials.remind_expiring() >= 2  # expired now: told again
    assert Notice.objects.filter(recipient=person, message__contains="已于").exists()


@pytest.mark.rules("RAD-1")
def test_the_director_renews_a_credential_from_the_persons_page(client_for, director, make_staff):
    person = make_staff(name="续证人")
    web = client_for(director)
    url = f"/people/{person.pk}/"
    web.post(url, {"action": "credential", "kind": "practising_licence", "number": "110100",
                   "expires_on": "2031-12-31"})  # fmt: skip
    assert person.credentials.get().number == "110100"
    bad = web.post(url, {"action": "credential", "kind": "nonsense", "number": "",
                         "issued_on": "2026-02-30"}, follow=True)  # fmt: skip
    assert bad.status_code == 200 and person.credentials.count() == 1
    assert "请选择证书类别" in bad.content.decode()
    other = make_staff(name="同事")
    assert client_for(other).post(url, {"action": "credential"}).status_code == 403
