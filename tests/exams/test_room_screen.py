"""The technologist's room screen (issue 27, point 2): the queue, and everything for the
patient in front of the machine on one page — identity check, allergies and contrast
screen, consent, technique, start, parameters and dose, image acceptance — each action
coming back to the same screen; calling the next patient is one key (N)."""

from __future__ import annotations

from tests.orders.fixtures import at
from yiji.orders.checkin import Identifiers, check_in
from yiji.orders.models import ExamStatus
from yiji.orders.scheduling import book


def test_the_called_patient_s_whole_exam_is_on_the_room_screen(
    clerk, technologist, client_for, order, items, patient, rooms
):
    exam = order(items["ct_head"])[0]
    book(clerk.user, exam, rooms["CT1"], at(8))
    check_in(
        clerk.user, exam, Identifiers(name=patient.name, patient_id=patient.patient_id),
        accompanying_physician="王医生", consent_by=clerk,
    )  # fmt: skip
    client = client_for(technologist)
    queue = f"/rooms/{rooms['CT1'].pk}/queue/"
    empty = client.get(queue).content.decode()
    assert 'data-hotkey="n"' in empty and "核对患者身份" not in empty
    client.post(queue, {"action": "call"})
    html = client.get(queue).content.decode()
    for shown in ("核对患者身份", patient.patient_id, "1970-05-01", "对比剂过敏筛查", "知情同意"):
        assert shown in html, shown
    assert 'value="start"' in html and 'name="next" value="room"' in html
    started = client.post(f"/exams/{exam.pk}/act/", {"action": "start", "next": "room"})
    assert started["Location"] == queue
    exam.refresh_from_db()
    assert exam.status == ExamStatus.IN_PROGRESS
    html = client.get(queue).content.decode()
    assert 'value="accept"' in html and 'value="record"' in html  # acceptance, dose
    # From the exam page, the same action goes back to the exam page.
    assert client.post(f"/exams/{exam.pk}/act/", {"action": "accept"})["Location"] == (
        f"/exams/{exam.pk}/"
    )
