"""Critical results (危急值, RPT-12): found, notified to the clinic with read-back within the
limit, acknowledged, escalated when late, and counted for the national rates."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, DurationField, ExpressionWrapper, F, Q
from django.urls import reverse
from django.utils import timezone

from yiji.core import audit, notices, policy
from yiji.core.calendar import day_bounds
from yiji.core.models import AuditAction, Role
from yiji.core.permissions import Action, require
from yiji.core.rulebook import RuleViolation, carries_out
from yiji.orders.models import Exam, Modality
from yiji.reports.models import Channel, CriticalResult

LIST_KEY = {Modality.US: "crit.ultrasound_items", Modality.ECG: "crit.ecg_items"}


def critical_items(exam: Exam) -> list[tuple[str, str]]:
    """The department's critical-value list for this exam: (code, label)."""
    key = LIST_KEY.get(exam.modality, "crit.imaging_items")
    spec = policy.setting(key)
    chosen = set(policy.value(key, department=exam.department))
    return [(code, zh) for code, zh, _en in spec.choices if code in chosen]


def _require_handler(actor, exam: Exam) -> None:
    """Lab critical values are handled by lab staff, imaging ones by the report writers."""
    require(
        actor, Action.PROCESS_SPECIMEN if exam.modality == Modality.LAB else Action.WRITE_REPORT
    )


@carries_out("RPT-12")
def flag_critical(actor, exam: Exam, item: str, finding: str) -> CriticalResult:
    """The reader marks a critical finding: the clock to notify starts now."""
    require(actor, Action.WRITE_REPORT)
    if item not in dict(critical_items(exam)):
        raise RuleViolation(
            "RPT-12",
            "该项目不在本科室危急值目录中。",
            "Not on the department's critical list.",
            field="item",
        )
    if not finding.strip():
        raise RuleViolation(
            "RPT-12", "请描述危急值所见。", "Describe the critical finding.", field="finding"
        )
    return open_critical(actor, exam, item, finding.strip())


@carries_out("RPT-12", "LAB-3")
def open_critical(actor, exam: Exam, item: str, finding: str) -> CriticalResult:
    """Start a critical result's clock (imaging findings, lab values). The same item found
    again on the same exam (a lab recheck of one specimen) is the same critical result, so
    it is notified and counted once (CL-14/15)."""
    existing = CriticalResult.objects.filter(exam=exam, item=item).first()
    if existing is not None and exam.modality == Modality.LAB:
        return existing
    result = CriticalResult.objects.create(
        exam=exam, item=item, finding=finding, found_by=actor.staff
    )
    audit.record(actor, AuditAction.CREATE, result, patient=exam.patient)
    return result


@carries_out("RPT-12")
def record_notification(
    actor, result: CriticalResult, *, receiver: str, department: str, channel: str, read_back: bool
) -> CriticalResult:
    """The clinic was told: who received it, how, and that they read it back (required)."""
    _require_handler(actor, result.exam)
    if not receiver.strip():
        raise RuleViolation(
            "RPT-12", "请记录接收人姓名。", "Record who received it.", field="receiver"
        )
    if channel not in Channel.values:
        raise RuleViolation(
            "RPT-12", "请选择通知方式。", "Choose how it was sent.", field="channel"
        )
    if not read_back:
        raise RuleViolation(
            "RPT-12",
            "接收人须复述确认危急值内容后方可登记通知。",
            "The receiver must read the result back before the notification is recorded.",
            field="read_back",
        )
    with transaction.atomic():
        result = CriticalResult.objects.select_for_update().get(pk=result.pk)
        if result.notified_at:
            return result
        result.notified_at = timezone.now()
        result.notified_by = actor.staff
        result.receiver, result.receiver_department = receiver.strip(), department.strip()
        result.channel, result.read_back = channel, True
        result.save()
    return result


@carries_out("RPT-12")
def acknowledge(actor, result: CriticalResult, action_taken: str) -> CriticalResult:
    """The clinical team confirms and records what it did."""
    _require_handler(actor, result.exam)
    if result.notified_at is None:
        raise RuleViolation("RPT-12", "尚未登记通知。", "Not notified yet.")
    if not action_taken.strip():
        raise RuleViolation(
            "RPT-12", "请记录临床处理措施。", "Record the action taken.", field="action_taken"
        )
    result.acknowledged_at = timezone.now()
    result.action_taken = action_taken.strip()
    result.save(update_fields=["acknowledged_at", "action_taken"])
    return result


@carries_out("RPT-12")
def escalate(now: dt.datetime | None = None) -> int:
    """Run by the task queue: not notified within the limit → group leader and director;
    not acknowledged in time → director and medical affairs."""
    now = now or timezone.now()
    sent = 0
    open_results = CriticalResult.objects.filter(
        Q(notified_at__isnull=True) | Q(acknowledged_at__isnull=True),
        found_at__gte=now - dt.timedelta(days=2),
    ).select_related("exam__patient", "exam__department", "exam__room__group")
    for result in open_results:
        dept = result.exam.department
        notify_by = result.found_at + dt.timedelta(
            minutes=policy.value("crit.notify_minutes", department=dept)
        )
        url = reverse("critical")
        what = f"{result.exam.patient.name}：{result.finding}"
        if result.notified_at is None and now >= notify_by:
            leaders, directors = notices.escalation_chain(
                dept, getattr(result.exam.room, "group", None)
            )
            sent += notices.notify(
                leaders + directors,
                "RPT-12",
                f"crit-notify-{result.pk}",
                f"【RPT-12】危急值超时未通知临床：{what}",
                url,
            )
        if result.notified_at and result.acknowledged_at is None:
            ack_by = result.notified_at + dt.timedelta(
                minutes=policy.value("crit.acknowledge_minutes", department=dept)
            )
            if now >= ack_by:
                _leaders, directors = notices.escalation_chain(dept)
                to = directors + (
                    notices.holders(Role.MEDICAL_AFFAIRS)
                    if "medical_affairs" in policy.value("crit.escalate_to")
                    else []
                )
                sent += notices.notify(
                    to,
                    "RPT-12",
                    f"crit-ack-{result.pk}",
                    f"【RPT-12】危急值超时未获临床确认：{what}",
                    url,
                )
    return sent


@dataclass(frozen=True)
class CriticalRates:
    total: int
    notified: int
    within_limit: int

    def percent(self, part: int) -> float | None:
        return round(100 * part / self.total, 1) if self.total else None


@carries_out("RPT-12")
def rates(first: dt.date, last: dt.date, department=None, modality: str = "") -> CriticalRates:
    """Notification rate and within-limit rate (R4; CL-14/15 for the lab), counted in the
    database."""
    start, end = day_bounds(first, last)
    rows = CriticalResult.objects.filter(found_at__gte=start, found_at__lt=end)
    if department:
        rows = rows.filter(exam__department=department)
    if modality:
        rows = rows.filter(exam__modality=modality)
    limit = dt.timedelta(minutes=policy.value("crit.notify_minutes", department=department))
    figures = rows.annotate(
        delay=ExpressionWrapper(F("notified_at") - F("found_at"), output_field=DurationField())
    ).aggregate(
        total=Count("pk"),
        notified=Count("pk", filter=Q(notified_at__isnull=False)),
        within=Count("pk", filter=Q(notified_at__isnull=False, delay__lte=limit)),
    )
    return CriticalRates(figures["total"], figures["notified"], figures["within"])
