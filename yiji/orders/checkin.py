"""Check-in (登记) and queues (分诊叫号): identity check, accompaniment, allergy screen,
accession and queue numbers, and calling patients in order of priority then arrival."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import (
    Case,
    Count,
    FilteredRelation,
    IntegerField,
    Min,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils import timezone

from yiji.core import numbering, policy
from yiji.core.models import Patient, PatientSource, Room, Staff
from yiji.core.permissions import Action, require
from yiji.core.rulebook import RuleViolation, carries_out
from yiji.orders.models import AllergyScreen, EventKind, Exam, ExamStatus, Modality, Priority
from yiji.orders.scheduling import is_special_contrast, queue_room, walk_in_problem
from yiji.orders.services import needs_allergy_screen, record_event

IDENTIFIER_LABELS = {
    "name": ("姓名", "name"),
    "patient_id": ("患者ID", "patient ID"),
    "birth_date": ("出生日期", "birth date"),
    "id_card": ("身份证号", "ID-card number"),
    "phone": ("电话", "phone"),
}


@dataclass
class Identifiers:
    """What the patient states at the desk, to be checked against the requisition (ORD-5)."""

    name: str = ""
    patient_id: str = ""
    birth_date: str = ""  # YYYY-MM-DD
    id_card: str = ""
    phone: str = ""


def _matching(patient: Patient, ids: Identifiers) -> tuple[list[str], list[str]]:
    """(identifiers that match, identifiers given that do not match)."""
    stored = {
        "name": patient.name,
        "patient_id": patient.patient_id,
        "birth_date": patient.birth_date.isoformat() if patient.birth_date else "",
        "id_card": patient.id_card.upper(),
        "phone": patient.phone,
    }
    given = {k: str(getattr(ids, k)).strip() for k in IDENTIFIER_LABELS}
    given["id_card"] = given["id_card"].upper()
    matched = [k for k, v in given.items() if v and stored[k] and v == stored[k]]
    wrong = [k for k, v in given.items() if v and v != stored[k]]
    return matched, wrong


@carries_out("ORD-5")
def verify_identity(patient: Patient, ids: Identifiers, department=None) -> None:
    """ORD-5: two identifiers (policy) must match, and none given may contradict."""
    needed = policy.value("ord.identifiers_required", department=department)
    matched, wrong = _matching(patient, ids)
    if wrong:
        names = "、".join(IDENTIFIER_LABELS[k][0] for k in wrong)
        raise RuleViolation(
            "ORD-5",
            f"身份核对不符：{names}与申请单不一致，请核实患者身份。",
            "Identity check failed: "
            + ", ".join(IDENTIFIER_LABELS[k][1] for k in wrong)
            + " do not match the requisition.",
            field=wrong[0],
        )
    if len(matched) < needed:
        raise RuleViolation(
            "ORD-5",
            f"身份核对须至少{needed}种身份标识相符（姓名、患者ID、出生日期、身份证号、电话）。",
            f"The identity check needs at least {needed} matching identifiers.",
            field="name",
        )


def needs_accompaniment(exam: Exam) -> list[str]:
    """The ORD-4 patient classes this exam's patient falls in (policy: which classes)."""
    classes = set(policy.value("ord.accompanied_patient_classes", department=exam.department))
    found = []
    if "critically_ill" in classes and exam.requisition.critically_ill:
        found.append("critically_ill")
    if "inpatient" in classes and exam.patient.source == PatientSource.INPATIENT:
        found.append("inpatient")
    if "special_contrast" in classes and is_special_contrast(exam):
        found.append("special_contrast")
    if "contrast" in classes and exam.item.uses_contrast:  # a hospital's wider choice
        found.append("contrast")
    return found


@carries_out("EXM-8")
def needs_consent(exam: Exam) -> list[str]:
    """The policy's consent classes (EXM-8) this exam falls in."""
    classes = set(policy.value("exm.consent_required_for", department=exam.department))
    found = []
    if "radiation" in classes and exam.item.radiation:
        found.append("radiation")
    if "contrast" in classes and needs_allergy_screen(exam.item):
        found.append("contrast")
    if "interventional" in classes and exam.modality == Modality.DSA:
        found.append("interventional")
    return found


def _check_consent(exam: Exam, explained_by: Staff | None) -> None:
    if needs_consent(exam) and explained_by is None:
        raise RuleViolation(
            "EXM-8",
            "该检查须在登记时告知患者并取得知情同意，请确认并记录告知人。",
            "This exam needs the patient's informed consent at check-in: confirm it and who "
            "explained it.",
            field="consent",
        )


@carries_out("ORD-2", "ORD-4", "ORD-6", "SCH-1", "SCH-7", "EXM-8")
def check_in(
    actor,
    exam: Exam,
    ids: Identifiers,
    *,
    accompanying_physician: str = "",
    room: Room | None = None,
    consent_by: Staff | None = None,
) -> Exam:
    """Check a patient in for an exam: the rules, then an accession and a queue number.
    `consent_by` is who explained the exam when the patient gave informed consent."""
    require(actor, Action.BOOK_EXAM)
    with transaction.atomic():
        exam = (
            Exam.objects.select_for_update(of=("self",))
            .select_related("item", "patient", "requisition", "room")
            .get(pk=exam.pk)
        )
        if exam.status not in (ExamStatus.REQUESTED, ExamStatus.BOOKED):
            raise RuleViolation(
                "ORD-5",
                "该检查已登记或已结束。",
                "This exam is already checked in or ended.",
                field="exam",
            )
        if exam.requisition.cancelled_at:
            raise RuleViolation("ORD-1", "申请单已撤销。", "The requisition was cancelled.")
        verify_identity(exam.patient, ids, exam.department)
        _check_appointment(exam)
        _check_accompaniment(exam, accompanying_physician)
        _check_allergy_screen(exam)
        _check_consent(exam, consent_by)
        now = timezone.now()
        if exam.status != ExamStatus.BOOKED and (late := walk_in_problem(exam, now)):
            raise late  # a booking was checked when it was made
        room = exam.room or room or queue_room(exam)
        if room is None:
            raise RuleViolation(
                "SCH-1", "没有可做该检查的检查室（或设备均故障）。",
                "No working room performs this exam.", field="room",
            )  # fmt: skip
        today = timezone.localdate(now)
        exam.room = room
        exam.accession = exam.accession or numbering.daily_number("A", today, width=6)
        exam.queue_number = next_queue_number(room, today)
        exam.accompanying_physician = accompanying_physician.strip()
        if consent_by is not None:
            exam.consent_explained_by, exam.consent_at = consent_by, now
        exam.status = ExamStatus.ARRIVED
        exam.arrived_at = exam.queued_at = now
        exam.save()
        record_event(
            exam,
            EventKind.ARRIVED,
            actor,
            at=now,
            accession=exam.accession,
            queue=exam.queue_number,
            room=room.code,
        )
    return exam


def next_queue_number(room: Room, day) -> int:
    """The room's next queue number of the day (the waiting-room screen calls it)."""
    return numbering.next_value(f"Q{room.pk}", day)


def _check_appointment(exam: Exam) -> None:
    """SCH-1: items booked in advance are not examined without an appointment, except
    emergencies, which are examined on arrival (ORD-2)."""
    if exam.item.needs_appointment and exam.status != ExamStatus.BOOKED:
        if exam.priority != Priority.URGENT:
            raise RuleViolation(
                "SCH-1",
                f"{exam.item.name}须提前预约，请先预约。",
                f"{exam.item.name_en or exam.item.name} must be booked in advance.",
                field="exam",
            )


def _check_accompaniment(exam: Exam, physician: str) -> None:
    classes = needs_accompaniment(exam)
    if classes and not physician.strip():
        raise RuleViolation(
            "ORD-4",
            "危重、住院或特殊造影患者须由医师携带急救药品陪同，请登记陪同医师。",
            "Critically ill, inpatient or special-contrast patients come with a physician "
            "carrying emergency drugs: record the accompanying physician.",
            field="accompanying_physician",
            data={"classes": classes},
        )


def _check_allergy_screen(exam: Exam) -> None:
    if not needs_allergy_screen(exam.item):
        return
    screen = exam.requisition.allergy_screen
    if screen == AllergyScreen.NOT_DONE:
        raise RuleViolation(
            "ORD-6",
            "造影检查前须完成过敏史及禁忌证筛查。",
            "A contrast exam needs the allergy and contraindication screen first.",
            field="allergy_screen",
        )
    if screen == AllergyScreen.CONTRAINDICATED:
        raise RuleViolation(
            "ORD-6",
            "过敏史或禁忌证筛查阳性，不能进行造影检查，请与临床医师联系。",
            "The allergy screen found an allergy or contraindication: no contrast exam; call "
            "the ordering physician.",
            field="allergy_screen",
        )


def with_waiting(rooms: QuerySet[Room]) -> QuerySet[Room]:
    """Rooms with how many patients wait there now (`waiting`) and the earliest queued
    (`since`). The status sits in the join's condition, so each room's count reads its
    arrived exams by the (room, status) index, not every exam the room ever did (a third of
    a second a page at a million exams)."""
    arrived = FilteredRelation("exam", condition=Q(exam__status=ExamStatus.ARRIVED))
    return rooms.annotate(arrived=arrived).annotate(
        waiting=Count("arrived"), since=Min("arrived__queued_at")
    )


def queue(room: Room):
    """Patients waiting for a room: emergencies first (ORD-2), then by arrival."""
    return (
        Exam.objects.filter(room=room, status=ExamStatus.ARRIVED)
        .select_related("patient", "item")
        .annotate(
            urgent=Case(
                When(priority=Priority.URGENT, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("urgent", "queued_at", "pk")
    )


@carries_out("ORD-2")
def call_next(actor, room: Room) -> Exam | None:
    """Call the first waiting patient: an emergency ahead of everyone (ORD-2)."""
    require(actor, Action.PERFORM_EXAM)
    with transaction.atomic():
        Room.objects.select_for_update().get(pk=room.pk)
        exam = queue(room).exclude(events__kind=EventKind.CALLED).first() or queue(room).first()
        if exam is not None:
            record_event(exam, EventKind.CALLED, actor, room=room.code, queue=exam.queue_number)
    return exam


def recall(actor, exam: Exam) -> None:
    require(actor, Action.PERFORM_EXAM)
    record_event(
        exam, EventKind.CALLED, actor, room=exam.room.code, queue=exam.queue_number, recall=True
    )


def skip(actor, exam: Exam) -> Exam:
    """A patient not there when called goes to the back of the queue (the arrival time stays)."""
    require(actor, Action.PERFORM_EXAM)
    with transaction.atomic():
        exam = Exam.objects.select_for_update().get(pk=exam.pk)
        if exam.status != ExamStatus.ARRIVED:
            raise RuleViolation("ORD-2", "该患者不在候检队列中。", "This patient is not waiting.")
        exam.queued_at = timezone.now()
        exam.save(update_fields=["queued_at"])
        record_event(exam, EventKind.SKIPPED, actor)
    return exam


def mark_no_show(actor, exam: Exam) -> Exam:
    require(actor, Action.PERFORM_EXAM)
    with transaction.atomic():
        exam = Exam.objects.select_for_update().get(pk=exam.pk)
        if exam.status not in (ExamStatus.ARRIVED, ExamStatus.BOOKED):
            raise RuleViolation("SCH-6", "该检查不在候检状态。", "This exam is not waiting.")
        exam.status = ExamStatus.NO_SHOW
        exam.save(update_fields=["status"])
        record_event(exam, EventKind.NO_SHOW, actor)
    return exam


def masked_name(name: str) -> str:
    """张三明 → 张*明, 张三 → 张*: how a public screen shows a patient."""
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def current_call(room: Room):
    """The last call in this room of a patient who has not finished yet (a recall is a new
    call: the waiting-room screen announces it again)."""
    from yiji.orders.models import ExamEvent

    return (
        ExamEvent.objects.filter(
            kind=EventKind.CALLED,
            exam__room=room,
            exam__status__in=[ExamStatus.ARRIVED, ExamStatus.IN_PROGRESS],
        )
        .select_related("exam__patient")
        .order_by("-at", "-pk")
        .first()
    )


def current(room: Room) -> Exam | None:
    """The patient called last in this room who has not finished yet."""
    called = current_call(room)
    return called.exam if called else None
