"""Each exam's archive record (ARC-1, ARC-7): the report and its versions and addenda, what
the modality reported of the PACS study, where films or CD are kept, and the work records —
the exam's own events and record (protocol, exposure, dose, contrast), and the QC and
maintenance recorded on the room's devices that day."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone

from yiji.core import access, audit
from yiji.core.models import AuditAction
from yiji.core.permissions import Action, require
from yiji.core.rulebook import carries_out
from yiji.equipment.models import PlanRecord
from yiji.orders.models import Exam


@dataclass(frozen=True)
class Study:
    uid: str
    ae_title: str
    status: str
    series: int
    images: int


@dataclass(frozen=True)
class WorkRecords:
    events: list
    record: object | None
    qc: list


def studies(exam: Exam) -> list[Study]:
    """What the modality reported (MPPS): Study Instance UID, series and image counts."""
    return [
        Study(step.study_uid, step.calling_ae, step.get_status_display(), len(step.series),
              sum(int(s.get("instances") or 0) for s in step.series))
        for step in exam.performed_steps.all()
    ]  # fmt: skip


@carries_out("ARC-5", "ORD-7")
def open_record(actor, exam: Exam) -> Exam:
    """An exam's archive record opens by role and relationship (else break-glass), and the
    opening is logged."""
    require(actor, Action.VIEW_PATIENT)
    access.require_open(actor, exam.patient)
    audit.record(actor, AuditAction.VIEW, exam, patient=exam.patient)
    return exam


@carries_out("ARC-7")
def work_records(exam: Exam) -> WorkRecords:
    """The exam record, its operation events, and the day's QC of the devices in its room."""
    qc = []
    if exam.room_id and exam.started_at:
        day = timezone.localtime(exam.started_at).date()
        qc = list(
            PlanRecord.objects.filter(plan__device__room_id=exam.room_id, done_on=day)
            .select_related("plan__device", "done_by")
            .order_by("done_at")
        )
    return WorkRecords(
        events=list(exam.events.select_related("actor__staff")),
        record=getattr(exam, "record", None),
        qc=qc,
    )
