"""Turnaround clocks for reports (RPT-5, RPT-6, RPT-8, US-TL-01): the reminders and escalations
the task queue sends when a report's deadline (exams.clocks, set when the exam is completed)
nears or passes."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from yiji.core import notices, policy
from yiji.core.models import Role
from yiji.core.rulebook import carries_out
from yiji.orders.models import Exam, ExamStatus, Modality
from yiji.reports.models import Report, ReportStatus

UNREPORTED = Q(report__isnull=True) | Q(
    report__status__in=[ReportStatus.DRAFT, ReportStatus.SUBMITTED]
)
LOOKBACK = dt.timedelta(days=3)


def awaiting_report(now: dt.datetime):
    return (
        Exam.objects.filter(status=ExamStatus.COMPLETED, completed_at__gte=now - LOOKBACK)
        .exclude(modality=Modality.LAB)  # the lab's own clock is LAB-2 (yiji.lab.tat)
        .filter(UNREPORTED)
        .select_related("patient", "item", "requisition", "room__group", "department", "report")
    )


@carries_out("RPT-5", "RPT-6", "RPT-8")
def remind_and_escalate(now: dt.datetime | None = None) -> int:
    """Before a deadline remind the readers; when it passes tell the group leader; later the
    director. Run every minute by the task queue. Returns the notices sent."""
    now = now or timezone.now()
    sent = 0
    for exam in awaiting_report(now):
        due, rule = exam.report_due_at, exam.report_due_rule  # fixed when it was completed
        if due is None:
            continue
        dept = exam.department
        warn = dt.timedelta(minutes=policy.value("rpt.deadline_warning_minutes", department=dept))
        late = dt.timedelta(minutes=policy.value("rpt.escalate_director_minutes", department=dept))
        url = reverse("report", args=[exam.pk])
        what = f"{exam.patient.name} {exam.item.name}"
        due_text = timezone.localtime(due).strftime("%m-%d %H:%M")
        if now >= due - warn:
            sent += notices.notify(
                _readers(exam),
                rule,
                f"report-warn-{exam.pk}",
                f"【{rule}】报告即将到期（{due_text}）：{what}",
                url,
            )
        if now >= due:
            leaders, directors = notices.escalation_chain(
                dept, exam.room.group if exam.room else None
            )
            sent += notices.notify(
                leaders or directors,
                rule,
                f"report-late-{exam.pk}",
                f"【{rule}】报告已超时（应于{due_text}前发出）：{what}",
                url,
            )
        if now >= due + late:
            _leaders, directors = notices.escalation_chain(dept)
            sent += notices.notify(
                directors,
                rule,
                f"report-late-director-{exam.pk}",
                f"【{rule}】报告超时未发，已升级至科主任：{what}",
                url,
            )
    return sent


def _readers(exam: Exam):
    report = getattr(exam, "report", None)
    if report is not None:
        return [report.author]
    return notices.holders(Role.PHYSICIAN, exam.department)


def finalise_due(report: Report) -> dt.datetime:
    """When a preliminary emergency report must be final (RPT-7, rpt.preliminary_finalise_hours)."""
    hours = policy.value("rpt.preliminary_finalise_hours", department=report.exam.department)
    return report.preliminary_at + dt.timedelta(hours=hours)


@carries_out("RPT-7")
def remind_preliminary(now: dt.datetime | None = None) -> int:
    """A preliminary report waits for its review and final signature: before its time the
    author and the department's physicians are reminded, when it passes the group leader is
    told, later the director. Run every minute with the report deadlines."""
    now = now or timezone.now()
    sent = 0
    waiting = Report.objects.filter(
        status=ReportStatus.PRELIMINARY, preliminary_at__gte=now - 2 * LOOKBACK
    ).select_related("exam__patient", "exam__item", "exam__department", "exam__room", "author")
    for report in waiting:
        exam, due = report.exam, finalise_due(report)
        dept = exam.department
        warn = dt.timedelta(minutes=policy.value("rpt.deadline_warning_minutes", department=dept))
        late = dt.timedelta(minutes=policy.value("rpt.escalate_director_minutes", department=dept))
        url = reverse("report", args=[exam.pk])
        what = f"{exam.patient.name} {exam.item.name}"
        due_text = timezone.localtime(due).strftime("%m-%d %H:%M")
        if now >= due - warn:
            reviewers = [report.author, *notices.holders(Role.PHYSICIAN, dept)]
            sent += notices.notify(
                reviewers, "RPT-7", f"preliminary-warn-{report.pk}",
                f"【RPT-7】初步报告须于{due_text}前审核定稿：{what}", url,
            )  # fmt: skip
        if now >= due:
            leaders, directors = notices.escalation_chain(
                dept, exam.room.group if exam.room else None
            )
            sent += notices.notify(
                leaders or directors, "RPT-7", f"preliminary-late-{report.pk}",
                f"【RPT-7】初步报告超时未定稿（应于{due_text}前）：{what}", url,
            )  # fmt: skip
        if now >= due + late:
            _leaders, directors = notices.escalation_chain(dept)
            sent += notices.notify(
                directors, "RPT-7", f"preliminary-late-director-{report.pk}",
                f"【RPT-7】初步报告超时未定稿，已升级至科主任：{what}", url,
            )  # fmt: skip
    return sent
