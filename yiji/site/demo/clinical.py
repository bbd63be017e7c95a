"""Demo clinical work: the catalogue, a week of bookings and a day in progress, all made
through the same services staff use, so every event is real."""

from __future__ import annotations

import datetime as dt
import random

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from yiji.core.models import Department, Patient, Staff
from yiji.core.rulebook import RuleViolation
from yiji.exams import services as room_work
from yiji.orders import checkin, scheduling
from yiji.orders.catalogue import load_demo_catalogue
from yiji.orders.models import AllergyScreen, ExamItem, ExamStatus, Requisition
from yiji.orders.services import RequisitionInput, create_requisition

HISTORIES = [
    ("咳嗽、咳痰一周，发热2天", "社区获得性肺炎？", "明确肺部病变"),
    ("反复上腹痛3月", "慢性胃炎？胆囊结石？", "排除胆囊结石"),
    ("头痛、头晕3天", "脑梗死？", "排除颅内病变"),
    ("体检", "健康体检", "常规筛查"),
    ("胸闷、心悸1月", "冠心病？", "评估心脏功能"),
    ("外伤后右腕疼痛", "桡骨远端骨折？", "明确有无骨折"),
    ("腰痛伴右下肢放射痛", "腰椎间盘突出症", "评估椎间盘"),
    ("甲状腺结节复查", "甲状腺结节", "随访结节变化"),
]


def _user(username: str):
    return get_user_model().objects.get(username=username)


def load(seed: int = 7) -> bool:
    """Idempotent: the catalogue is topped up; exams are added only to an empty department."""
    load_demo_catalogue()
    if Requisition.objects.exists():
        return False
    rng = random.Random(seed)
    clinician, clerk, tech = _user("clinician"), _user("clerk"), _user("tech")
    wards = list(Department.objects.filter(kind="clinical"))
    items = {
        "DR": list(ExamItem.objects.filter(modality="DR", needs_appointment=False)[:12]),
        "CT": list(ExamItem.objects.filter(modality="CT")[:20]),
        "MR": list(ExamItem.objects.filter(modality="MR")[:12]),
        "US": list(ExamItem.objects.filter(modality="US")[:15]),
        "ECG": list(ExamItem.objects.filter(modality="ECG", exercise=False)[:4]),
    }
    patients = list(Patient.objects.order_by("pk")[:160])
    with transaction.atomic():
        for index, patient in enumerate(patients):
            modality = rng.choice(["DR", "DR", "CT", "CT", "MR", "US", "US", "ECG"])
            item = rng.choice(items[modality])
            history, diagnosis, purpose = rng.choice(HISTORIES)
            urgent = index % 17 == 0
            requisition = create_requisition(
                clinician,
                RequisitionInput(
                    patient=patient,
                    items=[item],
                    ordering_physician=clinician.staff,
                    ordering_department=rng.choice(wards),
                    clinical_history=history,
                    clinical_diagnosis=diagnosis,
                    purpose=purpose,
                    priority="urgent" if urgent else "routine",
                    allergy_screen=AllergyScreen.CLEAR if item.uses_contrast else "not_done",
                ),
            )
            exam = requisition.exams.get()
            _progress(rng, exam, index, clerk, tech)
    return True


def _progress(rng: random.Random, exam, index: int, clerk, tech) -> None:
    """About a third waits to be booked, a third is booked this week, a third is here today."""
    try:
        if index % 3 == 0 and not exam.item.needs_appointment:
            _today(rng, exam, index, clerk, tech)
        elif index % 3 == 1 or exam.item.needs_appointment:
            after = timezone.now() + dt.timedelta(
                days=rng.randrange(0, 6), hours=rng.randrange(0, 8)
            )
            slot = scheduling.earliest_slot(exam, after=after)
            if slot:
                scheduling.book(clerk, exam, slot[0], slot[1])
    except RuleViolation:
        pass  # a real desk would ask the patient; the demo leaves the exam requested


def _operator(exam, tech):
    """The imaging technologist, or for ultrasound and ECG a licensed physician of that
    department, who hold what the post asks (RAD-1)."""
    if exam.modality not in ("US", "ECG"):
        return tech
    staff = (
        Staff.objects.filter(
            memberships__department=exam.department, physician_title__isnull=False,
            trainee_kind="", user__isnull=False,
        )
        .order_by("pk")
        .first()
    )  # fmt: skip
    return staff.user if staff else tech


def _today(rng, exam, index, clerk, tech) -> None:
    patient = exam.patient
    ids = checkin.Identifiers(name=patient.name, patient_id=patient.patient_id)
    try:
        exam = checkin.check_in(
            clerk, exam, ids, accompanying_physician="值班医师", consent_by=clerk.staff
        )
    except RuleViolation:
        return  # an inpatient after the day's cut-off (SCH-7) comes tomorrow
    stage = index % 4
    if stage == 0 or exam.item.important:
        return  # waiting in the queue
    operator = _operator(exam, tech)
    checkin.call_next(operator, exam.room)
    try:
        exam = room_work.start_exam(operator, exam)
    except RuleViolation:
        return  # a lapsed certificate (RAD-1): the patient waits for a colleague
    tech = operator
    if stage == 1:
        return  # in the room now
    details = {"protocol": "常规", "shielding": "铅围裙", "pregnancy_checked": True}
    if exam.item.radiation:
        details |= {"kv": 120, "mas": 100}
    room_work.record_details(tech, exam, details)
    if exam.status == ExamStatus.IN_PROGRESS:
        room_work.complete_exam(tech, exam)
