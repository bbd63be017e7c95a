"""Follow-up (QLT-1, QLT-2, QLT-8): positive, suspicious and critical cases get a follow-up
task when their report goes out; the final diagnosis (pathology, surgery, clinical course) is
graded against the report; a missed diagnosis or misdiagnosis is registered with its cause
and listed at the next reading session; follow-up, concordance and missed-diagnosis rates per
reader, modality, body system and month."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from yiji.core import audit, notices, policy
from yiji.core.calendar import day_bounds
from yiji.core.models import AuditAction, Staff
from yiji.core.permissions import Action, require
from yiji.core.rulebook import RuleViolation, carries_out
from yiji.quality.models import (
    Concordance,
    DiagnosticError,
    EvidenceSource,
    FollowUp,
    FollowUpReason,
)
from yiji.reports.models import Report, ReportStatus
from yiji.reports.structured import SUSPICIOUS_CATEGORIES, is_suspicious

LOOK_BACK = dt.timedelta(days=60)
GROUPINGS = ("reader", "modality", "body_part", "month")


def _reason(report: Report) -> str | None:
    if report.exam.critical_results.exists():
        return FollowUpReason.CRITICAL
    if is_suspicious(report.exam.item, report.category):
        return FollowUpReason.SUSPICIOUS
    if report.positive:
        return FollowUpReason.POSITIVE
    return None


@carries_out("QLT-1", "QLT-8")
def _due_days(report: Report) -> int:
    """The policy's days, or longer where a structured report set the next exam later (a
    Lung-RADS 4A: a CT in 3 months): the outcome is looked for once that exam is done."""
    days = policy.value("qlt.follow_up_due_days", department=report.exam.department)
    months = (report.structured or {}).get("follow_up_months")
    return max(days, months * 30) if months else days


def open_follow_ups(now: dt.datetime | None = None) -> int:
    """A follow-up task for every released positive, suspicious or critical report of the
    last 60 days that has none yet; returns how many were opened."""
    now = now or timezone.now()
    reports = (
        Report.objects.filter(
            status__in=[ReportStatus.FINAL, ReportStatus.AMENDED],
            released_at__gte=now - LOOK_BACK,
            released_at__lte=now,
            exam__follow_up__isnull=True,
        )
        .filter(
            Q(positive=True)
            | Q(category__in=SUSPICIOUS_CATEGORIES)
            | Q(exam__critical_results__isnull=False)
        )
        .select_related("exam__item", "exam__department")
        .distinct()
    )
    tasks = []
    for report in reports:
        reason = _reason(report)
        if reason is None:
            continue
        tasks.append(
            FollowUp(
                exam=report.exam,
                reason=reason,
                reader_id=report.author_id,
                created_at=report.released_at,
                due_at=report.released_at + dt.timedelta(days=_due_days(report)),
            )
        )
    FollowUp.objects.bulk_create(tasks, ignore_conflicts=True)
    return len(tasks)


@carries_out("QLT-1", "QLT-2")
def open_follow_up(actor, report: Report) -> FollowUp:
    """A physician opens a follow-up on any released report, a negative one included: a
    missed diagnosis is found by following reports that said nothing was wrong. One per exam:
    an existing follow-up is returned."""
    require(actor, Action.WRITE_REPORT)
    if report.status not in (ReportStatus.FINAL, ReportStatus.AMENDED):
        raise RuleViolation(
            "QLT-1", "只有已签发的报告可以随访。", "Only a signed-out report is followed up."
        )
    existing = FollowUp.objects.filter(exam=report.exam).first()
    if existing is not None:
        return existing
    now = timezone.now()
    days = policy.value("qlt.follow_up_due_days", department=report.exam.department)
    with transaction.atomic():
        follow_up, _created = FollowUp.objects.get_or_create(
            exam=report.exam,
            defaults={
                "reason": FollowUpReason.REQUESTED,
                "reader_id": report.author_id,
                "created_at": now,
                "due_at": now + dt.timedelta(days=days),
            },
        )
        audit.record(actor, AuditAction.CREATE, follow_up, patient=report.exam.patient)
    return follow_up


@carries_out("QLT-1", "QLT-2")
def record_outcome(
    actor,
    follow_up: FollowUp,
    *,
    final_diagnosis: str,
    source: str,
    concordance: str,
    error: str = "",
    cause: str = "",
) -> FollowUp:
    require(actor, Action.WRITE_REPORT)
    staff = getattr(actor, "staff", None)
    if not final_diagnosis.strip():
        raise RuleViolation(
            "QLT-1", "请填写最终诊断。", "Enter the final diagnosis.", field="final_diagnosis"
        )
    if source not in EvidenceSource.values:
        raise RuleViolation("QLT-1", "请选择诊断依据。", "Choose the evidence.", field="source")
    if concordance not in Concordance.values:
        raise RuleViolation(
            "QLT-1", "请评定诊断符合程度。", "Grade the concordance.", field="concordance"
        )
    if error not in DiagnosticError.values:
        raise RuleViolation("QLT-2", "差错类型无效。", "Not an error kind.", field="error")
    if error and concordance == Concordance.FULL:
        raise RuleViolation(
            "QLT-2",
            "漏诊或误诊的病例不能评为“符合”。",
            "A missed diagnosis or misdiagnosis cannot be graded concordant.",
            field="concordance",
        )
    if error and not cause.strip():
        raise RuleViolation(
            "QLT-2", "漏诊、误诊须登记原因。", "Register the cause of the error.", field="cause"
        )
    with transaction.atomic():
        follow_up.final_diagnosis = final_diagnosis.strip()
        follow_up.source = source
        follow_up.concordance = concordance
        follow_up.error = error
        follow_up.cause = cause.strip()[:300]
        follow_up.recorded_by = staff
        follow_up.recorded_at = timezone.now()
        follow_up.save()
        audit.record(actor, AuditAction.UPDATE, follow_up, patient=follow_up.exam.patient)
    return follow_up


@carries_out("QLT-8")
def remind_overdue(now: dt.datetime | None = None) -> int:
    """The reader is reminded once of each follow-up past its due date without an outcome."""
    now = now or timezone.now()
    overdue = FollowUp.objects.filter(recorded_at__isnull=True, due_at__lt=now).select_related(
        "exam__patient", "exam__item", "reader"
    )
    sent = 0
    for follow_up in overdue[:500]:
        exam = follow_up.exam
        sent += notices.notify(
            [follow_up.reader],
            "QLT-8",
            f"followup:{follow_up.pk}",
            f"随访逾期：{exam.patient.name} {exam.item.name}（{exam.accession}）尚未登记最终诊断。",
            url=f"/quality/follow-ups/{follow_up.pk}/",
        )
    return sent


@dataclass
class FollowUpRate:
    key: object
    label: str
    cases: int
    followed: int
    full: int
    partial: int
    discordant: int
    missed: int
    misdiagnosed: int

    @property
    def follow_up_rate(self) -> float | None:
        return 100 * self.followed / self.cases if self.cases else None

    @property
    def concordance_rate(self) -> float | None:
        """Concordant and partly concordant of the cases followed up."""
        return 100 * (self.full + self.partial) / self.followed if self.followed else None

    @property
    def missed_rate(self) -> float | None:
        return 100 * self.missed / self.followed if self.followed else None


@carries_out("QLT-1", "QLT-2")
def follow_up_rates(first: dt.date, last: dt.date, by: str, department=None) -> list[FollowUpRate]:
    """Follow-up cases opened in the period, grouped `by` reader, modality, body part or
    month, counted in the database."""
    if by not in GROUPINGS:
        raise ValueError(by)
    zone = timezone.get_current_timezone()
    start, end = day_bounds(first, last)
    cases = FollowUp.objects.filter(created_at__gte=start, created_at__lt=end)
    if department is not None:
        cases = cases.filter(exam__department=department)
    field = {
        "reader": "reader",
        "modality": "exam__modality",
        "body_part": "exam__item__body_part",
        "month": "month",
    }[by]
    rows = (
        cases.annotate(month=TruncMonth("created_at", tzinfo=zone))
        .values(field)
        .annotate(
            cases=Count("pk"),
            followed=Count("pk", filter=Q(recorded_at__isnull=False)),
            full=Count("pk", filter=Q(concordance=Concordance.FULL)),
            partial=Count("pk", filter=Q(concordance=Concordance.PARTIAL)),
            discordant=Count("pk", filter=Q(concordance=Concordance.NONE)),
            missed=Count("pk", filter=Q(error=DiagnosticError.MISSED)),
            misdiagnosed=Count("pk", filter=Q(error=DiagnosticError.MISDIAGNOSIS)),
        )
        .order_by(field)
    )
    names = {}
    if by == "reader":
        names = dict(
            Staff.objects.filter(pk__in=[r[field] for r in rows]).values_list("pk", "name")
        )
    result = []
    for row in rows:
        key = row.pop(field)
        if by == "month":
            label = timezone.localtime(key).strftime("%Y-%m")
        else:
            label = names.get(key, str(key or "—"))
        result.append(FollowUpRate(key=key, label=label, **row))
    return result
