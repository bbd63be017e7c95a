"""EXM-5 on the modality's path: while a room waits for disinfection after an infectious
patient, its worklist offers nobody; an MPPS start that still arrives is accepted (the
modality is the truth), recorded against the exam as a rule exception, counted on the
compliance page, and the group leader is told at once."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from pydicom.uid import generate_uid

from tests.interop.test_dicom import _create, _mpps, _set, find, query
from yiji.core.models import Notice, Role
from yiji.exams import services as room_work
from yiji.exams.models import Disinfection
from yiji.orders.checkin import Identifiers, check_in
from yiji.orders.models import EventKind, ExamStatus
from yiji.quality.compliance import period_figures

pytestmark = [pytest.mark.django_db(transaction=True)]


@pytest.mark.rules("EXM-5")
def test_a_room_awaiting_disinfection_is_offered_nobody_and_a_start_is_a_breach(
    dicom, waiting, make_staff, technologist
):
    leader = make_staff(Role.GROUP_LEADER, Role.PHYSICIAN)
    exam = waiting["ct"]
    hold = Disinfection.objects.create(room=exam.room)
    assert find(dicom, query(station="CT1_GE"))[0] == []  # the modality cannot pick the next

    assoc = _mpps(dicom)
    try:
        assert _create(assoc, exam.accession, generate_uid()) == 0  # accepted all the same
    finally:
        assoc.release()
    exam.refresh_from_db()
    assert exam.status == ExamStatus.IN_PROGRESS
    breach = exam.events.get(kind=EventKind.RULE_EXCEPTION)
    assert breach.data["rule"] == "EXM-5"
    told = Notice.objects.get(recipient=leader, rule="EXM-5")
    assert exam.patient.name in told.message and told.url == f"/exams/{exam.pk}/"
    day = dt.date(2026, 11, 23)
    assert period_figures(day, day)["EXM-5"].exceptions == 1

    hold.done_by = technologist.user
    hold.done_at = exam.started_at
    hold.save()
    offered = find(dicom, query(station="CT1_GE"))[0]
    assert [a.AccessionNumber for a in offered] == [waiting["other_ct"].accession]


@pytest.mark.rules("EXM-2")
def test_a_modality_s_completion_is_not_image_acceptance(
    dicom, clerk, order, items, patient, technologist, client_for, modality_rooms
):
    exam = order(items["ct_enh"], priority="urgent", allergy_screen="clear")[0]
    ids = Identifiers(name=patient.name, patient_id=patient.patient_id)
    exam = check_in(clerk.user, exam, ids, consent_by=clerk)
    uid = generate_uid()
    assoc = _mpps(dicom)
    try:
        assert _create(assoc, exam.accession, uid) == 0
        assert _set(assoc, uid, "COMPLETED", CTDIvol=12.5) == 0
    finally:
        assoc.release()
    exam.refresh_from_db()
    assert exam.status == ExamStatus.IN_PROGRESS  # the patient has not left: images unaccepted
    assert exam.events.filter(kind=EventKind.MODALITY_FINISHED).exists()
    assert not exam.events.filter(kind=EventKind.RULE_EXCEPTION, data__rule="EXM-2").exists()
    assert exam.record.ctdi_vol == Decimal("12.500")
    client = client_for(technologist)
    assert patient.name in client.get(f"/rooms/{exam.room_id}/queue/").text
    client.post(f"/exams/{exam.pk}/act/", {"action": "accept"})
    room_work.record_details(technologist.user, exam, {
        "kv": Decimal("120"), "shielding": "铅围脖", "contrast_agent": "碘海醇350",
        "contrast_ml": Decimal("80"), "contrast_route": "iv", "reaction": "none",
    })  # fmt: skip
    client.post(f"/exams/{exam.pk}/act/", {"action": "complete"})
    exam.refresh_from_db()
    assert exam.status == ExamStatus.COMPLETED and exam.record.images_accepted_by == technologist
