"""Reading claims (认领): opening a case to report claims it, so two radiologists do not read
the same case; the reading list shows who reads what. A claim lapses after
rpt.claim_minutes without activity; a colleague may take a live one over with a reason,
which is logged and told to the holder."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from yiji.core import audit, notices, policy
from yiji.core.models import AuditAction, Staff
from yiji.core.permissions import Action, require
from yiji.core.rulebook import RuleViolation, carries_out
from yiji.orders.models import Exam
from yiji.reports.models import ReadingClaim


def _live_since(exam: Exam) -> dt.datetime:
    minutes = policy.value("rpt.claim_minutes", department=exam.department)
    return timezone.now() - dt.timedelta(minutes=minutes)


def holder(exam: Exam) -> Staff | None:
    """Who holds a live claim on the case, if anyone."""
    claim = (
        ReadingClaim.objects.filter(exam=exam, touched_at__gte=_live_since(exam))
        .select_related("staff")
        .first()
    )
    return claim.staff if claim else None


@carries_out("RPT-1")
def require_holder(actor, exam: Exam) -> None:
    """A save or signature by someone other than the reader holding a live claim is refused:
    take the case over first (with a reason)."""
    reader = holder(exam)
    staff = getattr(actor, "staff", None)
    if reader is not None and reader != staff:
        raise RuleViolation(
            "RPT-1",
            f"{reader.name}正在阅片此病例；请先接手（写明理由）。",
            f"{reader.name} is reading this case; take it over first, saying why.",
        )


def claim(actor, exam: Exam) -> Staff:
    """Claim the case for the reader, unless a colleague holds it: the holder either way."""
    require(actor, Action.WRITE_REPORT)
    staff = actor.staff
    with transaction.atomic():
        current = ReadingClaim.objects.select_for_update().filter(exam=exam).first()
        now = timezone.now()
        if current and current.staff_id != staff.pk and current.touched_at >= _live_since(exam):
            return current.staff
        if current and current.staff_id == staff.pk:
            current.touched_at = now
            current.save(update_fields=["touched_at"])
        elif current:
            current.staff, current.claimed_at, current.touched_at = staff, now, now
            current.save()
        else:
            ReadingClaim.objects.create(exam=exam, staff=staff, claimed_at=now, touched_at=now)
    return staff


@carries_out("RPT-1")
def take_over(actor, exam: Exam, reason: str) -> None:
    """Take a colleague's live claim, saying why; logged and told to them."""
    require(actor, Action.WRITE_REPORT)
    reason = reason.strip()
    if len(reason) < 2:
        raise RuleViolation(
            "RPT-1", "接手他人正在阅片的病例须写明理由。", "Say why you take over the case.",
            field="reason",
        )  # fmt: skip
    staff = actor.staff
    with transaction.atomic():
        current = ReadingClaim.objects.select_for_update().filter(exam=exam).first()
        previous = current.staff if current else None
        now = timezone.now()
        if current:
            current.staff, current.claimed_at, current.touched_at = staff, now, now
            current.save()
        else:
            ReadingClaim.objects.create(exam=exam, staff=staff, claimed_at=now, touched_at=now)
        audit.record(
            actor, AuditAction.UPDATE, exam, patient=exam.patient,
            reason=f"接手阅片：{reason}"[:200],
            before={"reader": previous.name if previous else ""}, after={"reader": staff.name},
        )  # fmt: skip
        if previous and previous.pk != staff.pk:
            case = f"{exam.patient.name} {exam.item.name}"
            notices.notify(
                [previous], "RPT-1", f"claim-{exam.pk}-{now.timestamp():.0f}",
                f"{staff.name}已接手您正在阅片的病例：{case}（{reason}）",
                reverse("report", args=[exam.pk]),
                message_en=f"{staff.name} took over your case: {case} ({reason})",
            )  # fmt: skip


def readers(exam_ids: list[int]) -> dict[int, str]:
    """Who reads each of these cases now, for the reading list's column."""
    live = timezone.now() - dt.timedelta(minutes=policy.value("rpt.claim_minutes"))
    return dict(
        ReadingClaim.objects.filter(exam_id__in=exam_ids, touched_at__gte=live).values_list(
            "exam_id", "staff__name"
        )
    )
