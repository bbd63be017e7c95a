"""RAD-1 at the machine: whoever starts an exam holds, valid today, what the modality's post
asks (CT/MR/DSA: the large-equipment certificate, radiation-safety training and the pre-job
medical); a modality's own start over MPPS names no operator and is not refused."""

from __future__ import annotations

import datetime as dt

import pytest

from yiji.core.models import CredentialKind, Role, TechnologistTitle
from yiji.core.services import add_credential
from yiji.orders.checkin import Identifiers, check_in
from yiji.orders.models import ExamStatus


@pytest.mark.rules("RAD-1")
def test_a_technologist_without_the_ct_certificate_cannot_start_a_ct(
    make_staff, clerk, order, patient, items, client_for
):
    novice = make_staff(Role.TECHNOLOGIST, technologist_title=TechnologistTitle.TECHNICIAN)
    for kind in (CredentialKind.RADIATION_TRAINING, CredentialKind.PRE_JOB_MEDICAL):
        add_credential(None, novice, kind=kind, number=f"N-{kind}")
    exam = check_in(
        clerk.user, order(items["ct_head"])[0],
        Identifiers(name=patient.name, patient_id=patient.patient_id),
    )  # fmt: skip
    client = client_for(novice)
    refused = client.post(f"/exams/{exam.pk}/act/", {"action": "start"}, follow=True)
    assert "RAD-1" in refused.text and "不能开始检查" in refused.text
    exam.refresh_from_db()
    assert exam.status == ExamStatus.ARRIVED
    add_credential(None, novice, kind=CredentialKind.LARGE_EQUIPMENT, number="DX1",
                   expires_on=dt.date(2030, 1, 1))  # fmt: skip
    client.post(f"/exams/{exam.pk}/act/", {"action": "start"})
    exam.refresh_from_db()
    assert exam.status == ExamStatus.IN_PROGRESS
