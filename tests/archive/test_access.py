"""Access to patients' records (ARC-5): staff of a department the patient has an exam in, the
ordering clinician and department, and the hospital-wide oversight roles open it; anyone else
gives a break-glass reason, which is logged, shown on the patient's access history and
reported to the director the next morning."""

from __future__ import annotations

import datetime as dt

import pytest

from yiji.core import access
from yiji.core.models import AuditEntry, BreakGlass, Notice, Role
from yiji.core.rulebook import RuleViolation

BEIJING = dt.timezone(dt.timedelta(hours=8))


@pytest.fixture(autouse=True)
def _monday(frozen_clock):
    yield


@pytest.mark.rules("ARC-5")
def test_relationship_decides_and_break_glass_is_logged(
    client_for, order, items, patient, clinician, clerk, make_staff, ultrasound, director,
    frozen_clock,
):  # fmt: skip
    exam = order(items["chest"])[0]  # an imaging exam ordered by the clinician
    sonographer = make_staff(Role.PHYSICIAN, department=ultrasound, name="超声医师")
    other_clinician = make_staff(Role.CLINICIAN, department=ultrasound, name="他科医师")
    officer = make_staff(Role.MEDICAL_AFFAIRS, whole_hospital=True)
    assert access.may_open(clerk.user, patient)  # imaging: the exam is there
    assert access.may_open(clinician.user, patient)  # the ordering clinician
    assert access.may_open(officer.user, patient)  # oversight
    assert not access.may_open(sonographer.user, patient)
    assert not access.may_open(other_clinician.user, patient)
    page = client_for(sonographer).get(f"/patients/{patient.pk}/")
    assert page.status_code == 403 and "【ARC-5】" in page.content.decode()
    assert patient.name not in page.content.decode()  # not even the name before the reason
    with pytest.raises(RuleViolation, match="ARC-5"):
        access.break_glass(sonographer.user, patient, "看")
    web = client_for(sonographer)
    url = f"/patients/{patient.pk}/"
    opened = web.post(f"{url}break-glass/", {"reason": "会诊需要查看既往检查", "next": url})
    assert opened.status_code == 302
    assert web.get(f"/patients/{patient.pk}/").status_code == 200
    assert web.get(f"/archive/exams/{exam.pk}/").status_code == 200
    history = client_for(officer).get(f"/patients/{patient.pk}/access/").content.decode()
    assert "会诊需要查看既往检查" in history and "超声医师" in history
    assert AuditEntry.objects.filter(patient=patient, reason__contains="紧急授权").exists()
    # The access closes after the policy hours.
    frozen_clock.move_to(dt.datetime(2026, 11, 23, 12, 0, tzinfo=BEIJING))
    assert not access.may_open(sonographer.user, patient)
    assert client_for(sonographer).get(f"/archive/exams/{exam.pk}/").status_code == 403
    frozen_clock.move_to(dt.datetime(2026, 11, 24, 7, 5, tzinfo=BEIJING))
    assert access.report_to_director() == 1
    notice = Notice.objects.get(rule="ARC-5", recipient=director)
    assert "超声医师" in notice.message and "会诊需要查看既往检查" in notice.message
    assert access.report_to_director() == 0
    assert BreakGlass.objects.count() == 1


@pytest.mark.rules("ARC-5")
def test_the_api_refuses_with_the_rule(client_for, patient, order, items, make_staff, ultrasound):
    from django.test import Client

    from yiji.core.accounts import create_token

    order(items["chest"])
    stranger = make_staff(Role.PHYSICIAN, department=ultrasound)
    _token, key = create_token(stranger.user, "test")
    response = Client().get(
        f"/api/patients/{patient.patient_id}", HTTP_AUTHORIZATION=f"Bearer {key}"
    )
    assert response.status_code in (403, 409, 422) and response.json()["rule"] == "ARC-5"


@pytest.mark.rules("ARC-5")
def test_relations_through_a_report_a_loan_or_a_consultation_open_the_record(
    order, items, patient, make_staff, ultrasound, clerk
):
    """Beside the department's own work, a person of another department is related to the
    patient through a report they wrote or reviewed, an open loan of theirs, or a
    consultation they asked for or answered; and to no one else's patient through these."""
    from yiji.archive.models import Loan
    from yiji.quality.models import Consultation
    from yiji.reports.models import Report

    exam = order(items["chest"])[0]
    people = {
        name: make_staff(Role.PHYSICIAN, department=ultrasound, name=name)
        for name in ("写报告", "审核", "借阅", "会诊提请", "会诊答复", "无关")
    }
    Report.objects.create(exam=exam, author=people["写报告"], reviewer=people["审核"])
    Loan.objects.create(
        exam=exam, kind="borrow", medium="film", borrower=people["借阅"], borrower_name="借阅",
        borrower_unit="超声科", purpose="会诊", status="handed_out",
        requested_by=people["借阅"],
    )  # fmt: skip
    Consultation.objects.create(
        exam=exam, kind="internal", question="?", requested_by=people["会诊提请"],
        answered_by=people["会诊答复"],
    )  # fmt: skip
    for name, person in people.items():
        assert access.may_open(person.user, patient) is (name != "无关"), name
    seen = access.visible_exams(people["借阅"].user, exam.__class__.objects.all())
    assert list(seen) == [exam]
    assert not access.visible_exams(people["无关"].user, exam.__class__.objects.all()).exists()
