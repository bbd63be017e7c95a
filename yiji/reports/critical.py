"""Critical results (危急值, RPT-12): found, notified to the clinic with read-back within the
limit, acknowledged, escalated when late, and counted for the national rates."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, DurationField, ExpressionWrapper, F, Q
from django.urls import reverse
from django.utils import timezone

from yiji.core import accounts, audit, notices, policy
from yiji.core.accounts import home_department, staff_of
from yiji.core.calendar import day_bounds
from yiji.core.models import AuditAction, PatientSource, Role, Staff
from yiji.core.permissions import Action, may, require
from yiji.core.rulebook import RuleViolation, carries_out
from yiji.orders.models import Exam, Modality
from yiji.reports.models import Channel, CriticalResult, FindingKind

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
def communicate_positive(report) -> CriticalResult | None:
    """An inpatient's positive or suspicious finding is communicated to the ward like a
    critical value (RPT-12; 住院病员阳性结果应与临床科取得联系): once per exam, when its
    report is issued."""
    exam = report.exam
    if not report.positive or exam.patient.source != PatientSource.INPATIENT:
        return None
    found, _created = CriticalResult.objects.get_or_create(
        exam=exam, kind=FindingKind.POSITIVE,
        defaults={"item": "positive", "finding": (report.impression or report.findings)[:300],
                  "found_by": report.author},
    )  # fmt: skip
    return found


@carries_out("RPT-12")
def record_notification(
    actor, result: CriticalResult, *, receiver: str = "", department: str = "", channel: str,
    read_back: bool, receiver_staff: Staff | None = None,
) -> CriticalResult:  # fmt: skip
    """The clinic was told: who received it (chosen from the staff list), how, and that they
    read it back (required)."""
    _require_handler(actor, result.exam)
    if receiver_staff is not None:
        receiver = receiver_staff.name
        department = department or _department_name(receiver_staff)
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
        result.receiver_staff = receiver_staff
        result.channel, result.read_back = channel, True
        result.save()
    return result


def _department_name(staff: Staff) -> str:
    home = home_department(staff)
    return home.name if home else ""


def for_clinician(actor):
    """The critical results and positive findings of the clinician's own patients: those they
    ordered for, or their departments ordered for."""
    require(actor, Action.READ_RESULTS)
    staff = staff_of(actor, "RPT-12")
    departments = list(staff.memberships.values_list("department_id", flat=True))
    return CriticalResult.objects.filter(
        Q(exam__requisition__ordering_physician=staff)
        | Q(exam__requisition__ordering_department__in=departments)
    ).select_related("exam__patient", "exam__item", "exam__requisition__ordering_department")


def clinician_alerts(user) -> list[CriticalResult]:
    """What the clinician is alerted to on every page: their patients' results not yet
    acknowledged (the last week's; older ones are the escalation's business)."""
    if not may(user, Action.READ_RESULTS) or getattr(user, "staff", None) is None:
        return []
    since = timezone.now() - dt.timedelta(days=7)
    waiting = for_clinician(user).filter(acknowledged_at=None, found_at__gte=since)
    # On most pages there is none: asking for the ids first spares every page the joined
    # query (a millisecond of Python to build) that only the pages with alerts need.
    ids = list(waiting.values_list("pk", flat=True)[:20])
    return list(waiting.filter(pk__in=ids)) if ids else []


@carries_out("RPT-12")
def acknowledge_in_yiji(actor, result: CriticalResult, action_taken: str, secret: str):
    """The clinician acknowledges with their own electronic signature: the result counts as
    received by them (through the information system) and the escalation clock stops."""
    if not for_clinician(actor).filter(pk=result.pk).exists():
        raise RuleViolation(
            "ARC-5", "只能确认本人或本科室患者的危急值。",
            "Only results of your own or your department's patients.",
        )  # fmt: skip
    if not action_taken.strip():
        raise RuleViolation(
            "RPT-12", "请记录临床处理措施。", "Record the action taken.", field="action_taken"
        )
    try:
        signature = accounts.sign(actor, secret, "确认危急值", result)
    except accounts.SignatureRefused as exc:
        raise RuleViolation("RPT-12", str(exc), str(exc), field="signature") from exc
    staff = actor.staff
    with transaction.atomic():
        result = CriticalResult.objects.select_for_update().get(pk=result.pk)
        if result.acknowledged_at:
            return result
        now = timezone.now()
        if result.notified_at is None:  # read in Yiji before anyone telephoned
            result.notified_at, result.channel, result.read_back = now, Channel.SYSTEM, True
            result.receiver, result.receiver_staff = staff.name, staff
            result.receiver_department = _department_name(staff)
        result.acknowledged_at, result.acknowledged_by = now, staff
        result.action_taken, result.signature = action_taken.strip(), signature
        result.save()
        audit.record(actor, AuditAction.UPDATE, result, patient=result.exam.patient,
                     after={"acknowledged": now.isoformat()})  # fmt: skip
    return result


@carries_out("RPT-12")
def acknowledge(actor, result: CriticalResult, action_taken: str) -> CriticalResult:
    """The department records the clinical team's confirmation given by telephone."""
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
    rows = CriticalResult.objects.filter(
        found_at__gte=start, found_at__lt=end, kind=FindingKind.CRITICAL
    )
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
