"""Unscheduled procedures (IHE Scheduled Workflow, "unscheduled case"): a patient scanned
without a worklist entry — an emergency at night, say — reaches Yiji as an MPPS step with no
accession number. The step is kept with the patient the modality named, the technologists of
the room are told, and a person reconciles it with the right order: the same patient ID, an
exam of that modality checked in or under way, nearest in time first. Reconciling moves the
exam as the modality did (started, completed with its dose, or discontinued) and attaches the
step's study and series to it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from yiji.core import audit, notices
from yiji.core.models import AuditAction, Role, Room
from yiji.core.permissions import Action, require
from yiji.core.rulebook import RuleViolation, carries_out
from yiji.exams import services as exam_services
from yiji.interop.models import PerformedStep, StepStatus
from yiji.orders.models import Exam, ExamStatus, Modality

# DICOM Modality (0008,0060) values and Yiji's modality they are.
MODALITIES = {
    "CT": Modality.CT, "MR": Modality.MR, "US": Modality.US, "DX": Modality.DR,
    "DR": Modality.DR, "CR": Modality.CR, "MG": Modality.MG, "RF": Modality.RF,
    "XA": Modality.DSA, "ECG": Modality.ECG,
}  # fmt: skip
OPEN = (ExamStatus.ARRIVED, ExamStatus.IN_PROGRESS)
WINDOW = dt.timedelta(hours=24)  # an order registered up to a day before or after the scan
LIMIT = 10


def waiting() -> QuerySet[PerformedStep]:
    """Steps not yet reconciled, newest first."""
    return PerformedStep.objects.filter(exam__isnull=True).order_by("-created_at")


def candidates(step: PerformedStep) -> list[Exam]:
    """The orders the step may belong to, nearest in time first."""
    if not step.patient_id:
        return []
    started = step.started_at or step.created_at
    rows = (
        Exam.objects.filter(
            patient__patient_id=step.patient_id,
            status__in=OPEN,
            created_at__range=(started - WINDOW, started + WINDOW),
        )
        .exclude(modality=Modality.LAB)
        .select_related("patient", "item", "room")
    )
    modality = MODALITIES.get(step.modality.upper())
    if modality:
        rows = rows.filter(modality=modality)
    return sorted(rows[:LIMIT], key=lambda exam: abs(_when(exam) - started))


def _when(exam: Exam) -> dt.datetime:
    return exam.arrived_at or exam.created_at


def announce(step: PerformedStep) -> int:
    """Tell the technologists of the modality's department that a step waits to be matched."""
    room = Room.objects.filter(ae_title=step.calling_ae).select_related("department").first()
    department = room.department if room else None
    who = f"{step.patient_name or '—'}（ID {step.patient_id or '—'}）"
    return notices.notify(
        notices.holders(Role.TECHNOLOGIST, department),
        "ORD-5",
        f"unscheduled:{step.pk}",
        f"{step.calling_ae}未按工作列表检查了{who}，请核对身份后归入相应检查。",
        url=reverse("interface_unscheduled"),
    )


@carries_out("ORD-5", "EXM-3")
def reconcile(actor, step: PerformedStep, exam: Exam) -> PerformedStep:
    """A person confirms which order the step belongs to (ORD-5: the patient the modality
    named is the order's patient; EXM-3: the order is checked in or under way). The exam
    then follows the modality, and the step's images and dose become the exam's."""
    require(actor, Action.PERFORM_EXAM)
    with transaction.atomic():
        step = PerformedStep.objects.select_for_update().get(pk=step.pk)
        if step.exam_id is not None:
            raise RuleViolation(
                "ORD-5", "该设备检查已归入检查，不能再次归入。", "This step is already reconciled."
            )
        _check_match(step, exam)
        now = timezone.now()
        if exam.status == ExamStatus.ARRIVED:
            exam_services.modality_started(actor, exam, step.started_at or now)
        if step.status == StepStatus.COMPLETED:
            dose = {name: Decimal(value) for name, value in step.dose.items()}
            exam_services.modality_completed(actor, exam, step.ended_at or now, dose)
        elif step.status == StepStatus.DISCONTINUED:
            exam_services.modality_discontinued(actor, exam, step.ended_at or now, "")
        step.exam, step.reconciled_at, step.reconciled_by = exam, now, actor
        step.save(update_fields=["exam", "reconciled_at", "reconciled_by"])
        audit.record(
            actor, AuditAction.UPDATE, step, patient=exam.patient,
            after={"exam": exam.pk}, reason="unscheduled step reconciled",
        )  # fmt: skip
    return step


def _check_match(step: PerformedStep, exam: Exam) -> None:
    if exam.patient.patient_id != step.patient_id:
        raise RuleViolation(
            "ORD-5",
            f"设备登记的患者ID（{step.patient_id or '空'}）与该检查的患者ID"
            f"（{exam.patient.patient_id}）不一致，不能归入。",
            f"The modality's patient ID ({step.patient_id or 'empty'}) is not the order's "
            f"({exam.patient.patient_id}).",
        )
    if exam.pk not in {candidate.pk for candidate in candidates(step)}:
        raise RuleViolation(
            "EXM-3",
            "只能归入同类、已登记候检或检查中、且与设备检查时间相近的检查。",
            "Only an exam of the same modality, checked in or under way, near the scan's time.",
        )
