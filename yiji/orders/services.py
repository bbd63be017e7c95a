"""Requisitions and the exam state machine. Every path that creates or moves an exam (web
form, API, later HL7 and FHIR) goes through these functions, where the rules live."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from yiji.core import audit, numbering, policy
from yiji.core import services as patient_services
from yiji.core.accounts import staff_of
from yiji.core.models import AuditAction, Department, Patient, Staff
from yiji.core.permissions import Action, require
from yiji.core.rulebook import RuleViolation, carries_out
from yiji.orders import hooks
from yiji.orders.models import (
    OPEN_STATUSES,
    AllergyScreen,
    EventKind,
    Exam,
    ExamEvent,
    ExamItem,
    ExamStatus,
    OrderSource,
    Pregnancy,
    Priority,
    Requisition,
)

# ORD-1 field names, as in the policy setting ord.required_requisition_fields.
FIELD_LABELS = {
    "patient_identity": ("患者身份信息", "patient identity"),
    "ordering_physician": ("申请医师", "ordering physician"),
    "ordering_department": ("申请科室", "ordering department"),
    "clinical_history": ("病史", "clinical history"),
    "clinical_diagnosis": ("临床诊断", "clinical diagnosis"),
    "purpose": ("检查目的", "purpose of the exam"),
    "items": ("检查项目", "exam items"),
}


@dataclass
class RequisitionInput:
    """What a requisition carries, whichever interface it came through."""

    patient: Patient | None
    items: list[ExamItem] = field(default_factory=list)
    ordering_physician: Staff | None = None
    ordering_physician_name: str = ""
    ordering_department: Department | None = None
    clinical_history: str = ""
    clinical_diagnosis: str = ""
    purpose: str = ""
    priority: str = Priority.ROUTINE
    bedside: bool = False
    critically_ill: bool = False
    infectious: bool = False
    infectious_disease: str = ""
    pregnancy: str = Pregnancy.NOT_APPLICABLE
    allergy_screen: str = AllergyScreen.NOT_DONE
    allergy_note: str = ""
    source: str = OrderSource.WEB
    external_id: str = ""
    submission_key: str = ""
    # The HIS's order number of each item (HL7 ORC-2), in the order of `items`.
    placer_numbers: list[str] = field(default_factory=list)


class DuplicateSubmission(Exception):
    """The same submission arrived twice; the first requisition stands."""

    def __init__(self, requisition: Requisition):
        super().__init__(requisition.number)
        self.requisition = requisition


def exam_by_accession(accession: str, rule: str) -> Exam:
    """The exam a person names by its accession number, or a refusal under `rule`."""
    exam = Exam.objects.filter(accession=accession.strip()).first()
    if exam is None:
        zh, en = f"没有检查号为 {accession} 的检查。", f"No exam {accession}."
        raise RuleViolation(rule, zh, en, field="accession")
    return exam


def ordering_physician(user) -> Staff | None:
    """The signed-in clinician orders in their own name; a clerk entering a paper
    requisition types the physician's name instead."""
    staff = getattr(user, "staff", None)
    return staff if staff and staff.physician_title else None


def policy_modality(modality: str) -> str:
    """Catalogue modality as the policy settings name it (DR and CR are both X-ray)."""
    return "XR" if modality in ("DR", "CR") else modality


def _missing_fields(data: RequisitionInput) -> list[str]:
    present = {
        "patient_identity": data.patient is not None,
        "ordering_physician": bool(data.ordering_physician or data.ordering_physician_name.strip()),
        "ordering_department": data.ordering_department is not None,
        "clinical_history": bool(data.clinical_history.strip()),
        "clinical_diagnosis": bool(data.clinical_diagnosis.strip()),
        "purpose": bool(data.purpose.strip()),
        "items": bool(data.items),
    }
    departments = {item.department for item in data.items} or {None}
    required: set[str] = {"patient_identity", "items"}  # never optional: nothing to examine
    for department in departments:
        required |= set(policy.value("ord.required_requisition_fields", department=department))
    return [name for name in FIELD_LABELS if name in required and not present[name]]


@carries_out("ORD-1", "ORD-3")
def create_requisition(actor, data: RequisitionInput) -> Requisition:
    """A requisition with one exam per item. ORD-1: refused while a required field is
    missing. ORD-3: the bedside flag is recorded, for the modalities that go to the bedside."""
    require(actor, Action.ORDER_EXAM)
    if data.submission_key:
        earlier = Requisition.objects.filter(submission_key=data.submission_key).first()
        if earlier:
            raise DuplicateSubmission(earlier)
    missing = _missing_fields(data)
    if missing:
        raise RuleViolation(
            "ORD-1",
            "申请单缺少必填项：" + "、".join(FIELD_LABELS[m][0] for m in missing) + "。",
            "The requisition lacks: " + ", ".join(FIELD_LABELS[m][1] for m in missing) + ".",
            field=missing[0],
        )
    inactive = [item.name for item in data.items if not item.active]
    if inactive:
        raise RuleViolation(
            "ORD-1",
            f"检查项目已停用：{'、'.join(inactive)}。",
            f"Exam items no longer offered: {', '.join(inactive)}.",
            field="items",
        )
    if data.bedside:
        _check_bedside(data.items)
    if known := _known_contrast_allergy(data.patient, data.items):
        data.allergy_screen, data.allergy_note = AllergyScreen.CONTRAINDICATED, known
    now = timezone.now()
    with transaction.atomic(savepoint=False):
        requisition = Requisition.objects.create(
            number=numbering.daily_number("R", timezone.localdate(now)),
            patient=data.patient,
            ordering_physician=data.ordering_physician,
            ordering_physician_name=(
                data.ordering_physician.name
                if data.ordering_physician
                else data.ordering_physician_name.strip()
            ),
            ordering_department=data.ordering_department,
            clinical_history=data.clinical_history.strip(),
            clinical_diagnosis=data.clinical_diagnosis.strip(),
            purpose=data.purpose.strip(),
            priority=data.priority,
            bedside=data.bedside,
            critically_ill=data.critically_ill,
            infectious=data.infectious,
            infectious_disease=data.infectious_disease.strip(),
            pregnancy=data.pregnancy,
            allergy_screen=data.allergy_screen,
            allergy_note=data.allergy_note.strip(),
            source=data.source,
            external_id=data.external_id,
            submission_key=data.submission_key or None,
            created_at=now,
            created_by=actor,
        )
        placer_numbers = data.placer_numbers or [""] * len(data.items)
        for item, placer_number in zip(data.items, placer_numbers, strict=True):
            exam = Exam.objects.create(
                requisition=requisition,
                placer_number=placer_number,
                item=item,
                patient=data.patient,
                department=item.department,
                modality=item.modality,
                priority=data.priority,
                created_at=now,
            )
            record_event(exam, EventKind.REQUESTED, actor, at=now)
        audit.record(
            actor,
            AuditAction.CREATE,
            requisition,
            patient=data.patient,
            after={"items": [item.code for item in data.items], "priority": data.priority},
        )
    return requisition


def needs_allergy_screen(item: ExamItem) -> bool:
    """ORD-6: contrast given by vein or into a cavity needs the screen; oral contrast not."""
    return item.uses_contrast and item.contrast_route != "oral"


def _known_contrast_allergy(patient: Patient | None, items: list[ExamItem]) -> str:
    """A recorded contrast allergy makes a contrast requisition's screen positive from the
    start (ORD-6): only a physician clears it."""
    if patient is None or not any(needs_allergy_screen(item) for item in items):
        return ""
    found = patient_services.contrast_allergies(patient)
    return ("已知造影剂过敏：" + "、".join(str(a) for a in found))[:200] if found else ""


@carries_out("ORD-6")
def flag_known_allergies(actor, patient: Patient) -> int:
    """A contrast allergy that arrives after the order (a later ADT from the HIS) reaches the
    screen of the patient's contrast requisitions that have not started."""
    flagged = 0
    waiting = Requisition.objects.filter(
        patient=patient, cancelled_at=None,
        exams__status__in=[ExamStatus.REQUESTED, ExamStatus.BOOKED],
    ).exclude(allergy_screen=AllergyScreen.CONTRAINDICATED).distinct()  # fmt: skip
    for requisition in waiting:
        note = _known_contrast_allergy(patient, [e.item for e in requisition.exams.all()])
        if note:
            before = {"allergy_screen": requisition.allergy_screen}
            requisition.allergy_screen, requisition.allergy_note = (
                AllergyScreen.CONTRAINDICATED,
                note,
            )
            requisition.save(update_fields=["allergy_screen", "allergy_note"])
            audit.record(actor, AuditAction.UPDATE, requisition, before=before,
                         after={"allergy_screen": requisition.allergy_screen})  # fmt: skip
            flagged += 1
    return flagged


@carries_out("ORD-6")
def record_allergy_screen(actor, requisition: Requisition, screen: str, note: str = ""):
    """The contrast screen done or corrected at the desk or by a physician. A positive screen,
    or a patient with a recorded contrast allergy, is cleared only by a physician, who says
    why."""
    require(actor, Action.BOOK_EXAM)
    staff = staff_of(actor, "ORD-6")
    if screen not in AllergyScreen.values:
        raise RuleViolation(
            "ORD-6", "请选择筛查结果。", "Choose the screen's result.", field="allergy_screen"
        )
    note = note.strip()
    with transaction.atomic():
        requisition = Requisition.objects.select_for_update().get(pk=requisition.pk)
        started = requisition.exams.exclude(
            status__in=[ExamStatus.REQUESTED, ExamStatus.BOOKED, ExamStatus.ARRIVED]
        ).exists()
        if started or requisition.cancelled_at:
            raise RuleViolation(
                "ORD-6", "检查已开始或申请单已撤销，不能再改筛查结果。",
                "The exam has started or the requisition was cancelled.",
            )  # fmt: skip
        known = patient_services.contrast_allergies(requisition.patient)
        clearing = screen == AllergyScreen.CLEAR and (
            known or requisition.allergy_screen == AllergyScreen.CONTRAINDICATED
        )
        if clearing and not (staff.physician_title and note):
            raise RuleViolation(
                "ORD-6",
                "患者有造影剂过敏史或筛查阳性：须由医师评估后解除，并写明理由。",
                "The patient has a contrast allergy or a positive screen: only a physician "
                "clears it, giving the reason.",
                field="allergy_screen",
            )
        if screen == AllergyScreen.CONTRAINDICATED and not note:
            raise RuleViolation(
                "ORD-6", "筛查阳性须写明过敏史或禁忌证。",
                "Describe the allergy or contraindication.", field="allergy_note",
            )  # fmt: skip
        before = audit.snapshot(requisition, ["allergy_screen", "allergy_note"])
        requisition.allergy_screen, requisition.allergy_note = screen, note[:200]
        requisition.allergy_screened_by, requisition.allergy_screened_at = staff, timezone.now()
        requisition.save(update_fields=["allergy_screen", "allergy_note",
                                        "allergy_screened_by", "allergy_screened_at"])  # fmt: skip
        audit.record(actor, AuditAction.UPDATE, requisition, before=before,
                     after={"allergy_screen": screen, "allergy_note": note})  # fmt: skip
    return requisition


def _check_bedside(items: list[ExamItem]) -> None:
    allowed = set(policy.value("ord.bedside_modalities"))
    refused = [item.name for item in items if policy_modality(item.modality) not in allowed]
    if refused:
        raise RuleViolation(
            "ORD-3",
            f"以下项目不能床旁检查：{'、'.join(refused)}。",
            f"These items cannot be done at the bedside: {', '.join(refused)}.",
            field="bedside",
        )


def record_event(exam: Exam, kind: str, actor, *, at=None, note: str = "", **data) -> ExamEvent:
    """Every step of an exam is an event; the steps a placing HIS follows are also queued
    to it as order status messages."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    event = ExamEvent.objects.create(
        exam=exam, kind=kind, at=at or timezone.now(), actor=user, note=note, data=data
    )
    hooks.exam_event_recorded(exam, kind)
    return event


def cancel_requisition(
    actor, requisition: Requisition, reason: str, *, exams: list[Exam] | None = None
) -> Requisition:
    """Cancel what has not started; the requisition and its exams are kept with the reason.
    With `exams`, only those items are cancelled (the HIS withdraws one order of several);
    the requisition itself is cancelled once none of its items is left open."""
    require(actor, Action.CANCEL_ORDER)
    reason = reason.strip()
    if not reason:
        raise RuleViolation(
            "ORD-1", "撤销申请单须填写原因。", "A cancellation needs a reason.", field="reason"
        )
    with transaction.atomic():
        requisition = Requisition.objects.select_for_update().get(pk=requisition.pk)
        if requisition.cancelled_at:
            return requisition
        chosen = requisition.exams.all()
        if exams is not None:
            chosen = chosen.filter(pk__in=[exam.pk for exam in exams])
        started = chosen.exclude(
            status__in=[ExamStatus.REQUESTED, ExamStatus.BOOKED, ExamStatus.ARRIVED]
        ).exclude(status__in=[ExamStatus.CANCELLED, ExamStatus.NO_SHOW])
        if started.exists():
            raise RuleViolation(
                "ORD-1",
                "已开始或已完成的检查不能撤销申请单。",
                "A requisition whose exam has started cannot be cancelled.",
            )
        for exam in chosen.filter(status__in=OPEN_STATUSES):
            exam.status = ExamStatus.CANCELLED
            exam.queue_number = None
            exam.save(update_fields=["status", "queue_number"])
            record_event(exam, EventKind.CANCELLED, actor, note=reason)
        if not requisition.exams.filter(status__in=OPEN_STATUSES).exists():
            requisition.cancelled_at = timezone.now()
            requisition.cancel_reason = reason
            requisition.save(update_fields=["cancelled_at", "cancel_reason"])
        audit.record(
            actor,
            AuditAction.UPDATE,
            requisition,
            patient=requisition.patient,
            after={"cancelled": [exam.pk for exam in chosen]},
            reason=reason,
        )
    return requisition


AMENDABLE_FIELDS = ("clinical_history", "clinical_diagnosis", "purpose", "priority")


def amend_requisition(actor, requisition: Requisition, changes: dict[str, str]) -> Requisition:
    """The ordering side changes an order that has not started (HL7 ORC-1 XO): clinical
    information and priority; ORD-1 still holds afterwards."""
    require(actor, Action.ORDER_EXAM)
    changes = {k: v.strip() for k, v in changes.items() if k in AMENDABLE_FIELDS}
    with transaction.atomic():
        requisition = Requisition.objects.select_for_update().get(pk=requisition.pk)
        if (
            requisition.cancelled_at
            or requisition.exams.exclude(
                status__in=[ExamStatus.REQUESTED, ExamStatus.BOOKED, ExamStatus.ARRIVED]
            ).exists()
        ):
            raise RuleViolation(
                "ORD-1",
                "已撤销或已开始检查的申请单不能修改。",
                "A cancelled or started requisition cannot be changed.",
            )
        before = audit.snapshot(requisition, list(changes))
        for key, value in changes.items():
            if value:
                setattr(requisition, key, value)
        old, new = audit.changes(before, audit.snapshot(requisition, list(changes)))
        if new:
            requisition.save(update_fields=list(new))
            if "priority" in new:
                requisition.exams.update(priority=requisition.priority)
            audit.record(actor, AuditAction.UPDATE, requisition, before=old, after=new)
    return requisition
