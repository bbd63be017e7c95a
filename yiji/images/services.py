"""A person's decisions about studies in the archive: attaching a study that matched no exam
or another patient (ORD-5), setting one aside, asking for one to be deleted (refused while an
incident freezes the exam, INC-2)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from yiji.core import audit
from yiji.core.models import AuditAction
from yiji.core.permissions import Action, require
from yiji.core.rulebook import RuleViolation, carries_out
from yiji.images.models import DeletionRequest, Problem, Study
from yiji.incidents.freeze import active_freeze, require_unfrozen
from yiji.orders.models import EventKind, Exam
from yiji.orders.services import record_event


def _reason(reason: str, rule: str) -> str:
    reason = reason.strip()
    if not reason:
        raise RuleViolation(rule, "请填写原因。", "Give the reason.", field="reason")
    return reason


@carries_out("ORD-5")
def attach(actor, study: Study, exam: Exam, reason: str = "") -> Study:
    """The person confirms the study is this exam's. A study whose patient ID is not the
    exam's patient's needs the reason (the identity was checked, the archive's header is to be
    corrected); it is never attached silently."""
    require(actor, Action.PERFORM_EXAM)
    with transaction.atomic():
        study = Study.objects.select_for_update().get(pk=study.pk)
        exam = Exam.objects.select_related("patient").get(pk=exam.pk)
        require_unfrozen(exam)
        if study.patient_id != exam.patient.patient_id:
            reason = _reason(reason, "ORD-5")
        now = timezone.now()
        study.exam, study.problem, study.complete = exam, Problem.NONE, False
        study.reconciled_by, study.reconciled_at, study.reconcile_note = actor, now, reason[:200]
        study.save()
        if (
            study.instance_count
            and not exam.events.filter(kind=EventKind.IMAGES_AVAILABLE).exists()
        ):
            record_event(
                exam,
                EventKind.IMAGES_AVAILABLE,
                actor,
                at=now,
                series=study.series_count,
                instances=study.instance_count,
                study_uid=study.study_uid,
                reconciled=True,
            )
        audit.record(
            actor, AuditAction.UPDATE, study, patient=exam.patient,
            after={"exam": exam.pk, "study_uid": study.study_uid}, reason=reason or "attached",
        )  # fmt: skip
    return study


@carries_out("ORD-5")
def set_aside(actor, study: Study, reason: str) -> Study:
    """Not any exam's (a test scan, a phantom): off the list, with who and why."""
    require(actor, Action.PERFORM_EXAM)
    reason = _reason(reason, "ORD-5")
    with transaction.atomic():
        study = Study.objects.select_for_update().get(pk=study.pk)
        study.problem, study.exam = Problem.DISMISSED, None
        study.reconciled_by, study.reconciled_at = actor, timezone.now()
        study.reconcile_note = reason[:200]
        study.save()
        audit.record(actor, AuditAction.UPDATE, study, reason=reason)
    return study


@carries_out("INC-2")
def request_deletion(actor, study: Study, reason: str) -> DeletionRequest:
    """Ask the PACS administrator to delete a study; refused while its exam is frozen."""
    require(actor, Action.PERFORM_EXAM)
    reason = _reason(reason, "INC-2")
    with transaction.atomic():
        study = (
            Study.objects.select_for_update(of=("self",))
            .select_related("exam__patient")
            .get(pk=study.pk)
        )
        if study.exam is not None:
            require_unfrozen(study.exam)
        request = DeletionRequest.objects.create(study=study, requested_by=actor, reason=reason)
        audit.record(
            actor, AuditAction.CREATE, request,
            patient=study.exam.patient if study.exam else None, reason=reason,
        )  # fmt: skip
    return request


@carries_out("INC-2")
def note_viewing(actor, exam: Exam, study: Study) -> None:
    """Opening a frozen exam's images is noted with its incident's number, beside the record
    access the page's gate has logged (ORD-7)."""
    freeze = active_freeze(exam.pk)
    if freeze is not None:
        audit.record(
            actor, AuditAction.VIEW, study, patient=exam.patient,
            reason=f"frozen images viewed ({freeze.incident.number})",
        )  # fmt: skip
