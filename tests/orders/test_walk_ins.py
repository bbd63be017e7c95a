"""Walk-ins and emergencies: SCH-7 holds for a patient who comes without a booking and when an
exam starts, not only at booking; an emergency needs no slot and joins the queue of a room
whose device works (ORD-2, EQP-3)."""

from __future__ import annotations

import pytest

from tests.orders.fixtures import at
from yiji.core.models import Role, Room
from yiji.core.rulebook import RuleViolation
from yiji.equipment import services as equipment
from yiji.equipment.models import Device
from yiji.exams import services as room_work
from yiji.orders.checkin import Identifiers, check_in
from yiji.orders.models import ExamStatus


@pytest.fixture
def inpatient(patient):
    patient.source = "inpatient"
    patient.save()
    return patient


def _ids(patient) -> Identifiers:
    return Identifiers(name=patient.name, patient_id=patient.patient_id)


@pytest.mark.rules("SCH-7")
def test_an_inpatient_walk_in_after_the_cut_off_is_refused_at_check_in(
    frozen_clock, clerk, client_for, order, items, inpatient, rooms
):
    frozen_clock.move_to(at(16, 56))  # the afternoon closes 18:00; inpatients end by 17:00
    exam = order(items["chest"])[0]
    page = client_for(clerk).post(
        f"/exams/{exam.pk}/",
        {"action": "checkin", "name": inpatient.name, "patient_id": inpatient.patient_id,
         "accompanying_physician": "王医生"},
    )  # fmt: skip
    assert "SCH-7" in page.text
    exam.refresh_from_db()
    assert exam.status == ExamStatus.REQUESTED
    critical = order(items["chest"], critically_ill=True)[0]  # the critically ill still come
    assert check_in(clerk.user, critical, _ids(inpatient), accompanying_physician="王医生")


@pytest.mark.rules("SCH-7")
def test_an_inpatient_exam_does_not_start_after_the_cut_off(
    frozen_clock, clerk, technologist, order, items, inpatient, rooms
):
    frozen_clock.move_to(at(15, 0))
    exam = check_in(
        clerk.user, order(items["chest"])[0], _ids(inpatient), accompanying_physician="王医生"
    )
    frozen_clock.move_to(at(16, 58))
    with pytest.raises(RuleViolation, match="SCH-7"):
        room_work.start_exam(technologist.user, exam)


@pytest.mark.rules("ORD-2", "EQP-3")
def test_an_emergency_joins_a_working_room_s_queue_without_a_slot(
    frozen_clock, clerk, client_for, order, items, patient, rooms, make_staff, imaging
):
    frozen_clock.move_to(at(16, 55))  # late in the day: no slot today, and none needed
    second = Room.objects.create(department=imaging, code="CT2", name="CT二室", modalities=["CT"])
    engineer, tech = make_staff(Role.ENGINEER), make_staff(Role.TECHNOLOGIST)
    device = equipment.register_device(engineer.user, Device(
        department=imaging, name="CT一号机", kind="CT", modality="CT", serial="CT-1",
        room=rooms["CT1"], custodian=tech, large=True,
    ))  # fmt: skip
    equipment.report_fault(tech.user, device, "球管打火")
    exam = order(items["ct_head"], priority="urgent")[0]
    page = client_for(clerk).get(f"/exams/{exam.pk}/")
    assert page.context["proposal"] is None and "ORD-2" in page.text
    exam = check_in(clerk.user, exam, _ids(patient))
    assert exam.room == second and exam.status == ExamStatus.ARRIVED  # not the room that is down
