"""In the exam room: technique (EXM-1), image acceptance (EXM-2), parameters and dose (EXM-3),
protection and pregnancy (EXM-4), disinfection (EXM-5), contrast (EXM-6), exercise (EXM-7)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tests.orders.fixtures import at
from yiji.core.models import PhysicianTitle, Role
from yiji.core.rulebook import RuleViolation
from yiji.exams import services as room
from yiji.orders.checkin import Identifiers, check_in
from yiji.orders.models import AllergyScreen, ExamItem, ExamStatus
from yiji.orders.scheduling import book


@pytest.fixture
def arrive(clerk, order, patient, rooms):
    """arrive(item, **requisition fields) -> the exam, checked in."""

    def make(item, **fields):
        exam = order(item, **fields)[0]
        if item.needs_appointment and fields.get("priority") != "urgent":
            book(clerk.user, exam, rooms["CT1" if item.modality == "CT" else "RF1"], at(9, 0))
        ids = Identifiers(name=patient.name, patient_id=patient.patient_id)
        extra = {}
        if item.needs_appointment:
            extra = {"accompanying_physician": "王医生", "consent_by": clerk}
        return check_in(clerk.user, exam, ids, **extra)

    return make


DOSE = {
    "kv": Decimal("120"),
    "mas": Decimal("200"),
    "ctdi_vol": Decimal("45.1"),
    "dlp": Decimal("820"),
    "shielding": "铅围脖",
}


@pytest.mark.rules("EXM-3")
def test_a_routine_exam_from_start_to_completion(arrive, technologist, items):
    exam = arrive(items["ct_head"])
    room.start_exam(technologist.user, exam)
    with pytest.raises(RuleViolation) as refused:
        room.complete_exam(technologist.user, exam)
    assert refused.value.rule_id == "EXM-3"
    room.record_details(technologist.user, exam, DOSE | {"protocol": "头颅常规"})
    exam = room.complete_exam(technologist.user, exam)
    assert exam.status == ExamStatus.COMPLETED
    times = room.turnaround(exam)
    assert times["arrival_to_start"] == dt.timedelta(0)
    assert exam.record.ctdi_vol == Decimal("45.1")


@pytest.mark.rules("EXM-1")
def test_important_exams_need_physician_and_technologist_to_agree_technique(
    arrive, technologist, physician, items
):
    exam = arrive(items["ct_enh"], allergy_screen=AllergyScreen.CLEAR)
    with pytest.raises(RuleViolation) as refused:
        room.start_exam(technologist.user, exam)
    assert refused.value.rule_id == "EXM-1"
    room.confirm_technique(technologist.user, exam, "胸部增强双期")
    with pytest.raises(RuleViolation, match="EXM-1"):
        room.start_exam(technologist.user, exam)
    room.confirm_technique(physician.user, exam)
    assert room.start_exam(technologist.user, exam).status == ExamStatus.IN_PROGRESS
    assert exam.record.technique_physician == physician


@pytest.mark.rules("EXM-2", "EXM-6")
def test_important_exams_complete_only_after_images_are_accepted_and_contrast_recorded(
    arrive, technologist, physician, items
):
    exam = arrive(items["ct_enh"], allergy_screen=AllergyScreen.CLEAR)
    room.confirm_technique(technologist.user, exam)
    room.confirm_technique(physician.user, exam)
    room.start_exam(technologist.user, exam)
    room.record_details(technologist.user, exam, DOSE)
    with pytest.raises(RuleViolation) as refused:
        room.complete_exam(technologist.user, exam)
    assert refused.value.rule_id == "EXM-2"
    room.accept_images(technologist.user, exam)
    with pytest.raises(RuleViolation) as refused:
        room.complete_exam(technologist.user, exam)
    assert refused.value.rule_id == "EXM-6"
    room.record_details(
        technologist.user,
        exam,
        {
            "contrast_agent": "碘海醇350",
            "contrast_ml": Decimal("80"),
            "contrast_route": "iv",
            "reaction": "none",
            "extravasation": False,
        },
    )
    assert room.complete_exam(technologist.user, exam).status == ExamStatus.COMPLETED


@pytest.mark.rules("EXM-4")
def test_radiation_exams_record_shielding(arrive, technologist, items):
    exam = arrive(items["chest"])
    room.start_exam(technologist.user, exam)
    room.record_details(technologist.user, exam, {"kv": Decimal("125"), "mas": Decimal("2.5")})
    with pytest.raises(RuleViolation) as refused:
        room.complete_exam(technologist.user, exam)
    assert refused.value.rule_id == "EXM-4"
    room.record_details(technologist.user, exam, {"shielding": "铅围裙"})
    room.complete_exam(technologist.user, exam)


@pytest.mark.rules("EXM-4")
def test_women_of_child_bearing_age_are_asked_about_pregnancy(arrive, technologist, items, patient):
    patient.sex, patient.birth_date = "F", dt.date(1995, 3, 1)
    patient.save()
    exam = arrive(items["chest"])
    room.start_exam(technologist.user, exam)
    room.record_details(technologist.user, exam, {"kv": Decimal("125"), "shielding": "铅围裙"})
    with pytest.raises(RuleViolation, match="EXM-4"):
        room.complete_exam(technologist.user, exam)
    room.record_details(technologist.user, exam, {"pregnancy_checked": True})
    room.complete_exam(technologist.user, exam)


@pytest.mark.rules("EXM-5")
def test_after_an_infectious_patient_the_room_waits_for_disinfection(arrive, technologist, items):
    infectious = arrive(items["chest"], infectious=True, infectious_disease="肺结核")
    room.start_exam(technologist.user, infectious)
    room.record_details(
        technologist.user, infectious, {"kv": Decimal("125"), "shielding": "铅围裙"}
    )
    room.complete_exam(technologist.user, infectious)
    assert room.pending_disinfection(infectious.room)
    following = arrive(items["chest"])
    with pytest.raises(RuleViolation) as refused:
        room.start_exam(technologist.user, following)
    assert refused.value.rule_id == "EXM-5" and "消毒" in refused.value.zh
    with pytest.raises(RuleViolation):
        room.record_disinfection(technologist.user, infectious.room, " ")
    room.record_disinfection(technologist.user, infectious.room, "含氯消毒剂擦拭，紫外线照射30分钟")
    assert room.start_exam(technologist.user, following).status == ExamStatus.IN_PROGRESS


@pytest.mark.rules("EXM-7")
def test_exercise_ecg_needs_a_physician_present(
    clerk, order, patient, technologist, make_staff, rooms, ultrasound
):
    from yiji.core.models import Department, Room

    ecg = Department.objects.create(
        hospital=ultrasound.hospital, code="ECG", name="心电图室", kind="ecg"
    )
    Room.objects.create(department=ecg, code="ECG2", name="运动平板室", modalities=["ECG"])
    treadmill = ExamItem.objects.create(
        code="ECG-TM", name="运动平板试验", department=ecg, modality="ECG", exercise=True
    )
    exam = order(treadmill)[0]
    exam = check_in(clerk.user, exam, Identifiers(name=patient.name, patient_id=patient.patient_id))
    with pytest.raises(RuleViolation) as refused:
        room.start_exam(technologist.user, exam)
    assert refused.value.rule_id == "EXM-7"
    with pytest.raises(RuleViolation):
        room.confirm_physician_present(technologist.user, exam)  # a technologist is not one
    cardiologist = make_staff(Role.PHYSICIAN, physician_title=PhysicianTitle.ATTENDING)
    room.confirm_physician_present(cardiologist.user, exam)
    assert room.start_exam(technologist.user, exam).status == ExamStatus.IN_PROGRESS


def test_discontinue_needs_a_reason(arrive, technologist, items):
    exam = arrive(items["chest"])
    room.start_exam(technologist.user, exam)
    with pytest.raises(RuleViolation):
        room.discontinue_exam(technologist.user, exam, "")
    exam = room.discontinue_exam(technologist.user, exam, "患者不能配合")
    assert exam.status == ExamStatus.DISCONTINUED and exam.record.discontinue_reason


def test_negative_dose_is_refused(arrive, technologist, items):
    exam = arrive(items["chest"])
    with pytest.raises(RuleViolation):
        room.record_details(technologist.user, exam, {"dlp": Decimal("-1")})
