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
        sent += _escalate(
            exam, rule, due, now, f"report-{{}}-{exam.pk}", _readers(exam),
            warn=("报告即将到期（{due}）", "Report due at {due}"),
            late=("报告已超时（应于{due}前发出）", "Report overdue (due at {due})"),
            director=("报告超时未发，已升级至科主任", "Report overdue, escalated to the director"),
        )  # fmt: skip
    return sent


def _escalate(exam, rule, due, now, key, readers, *, warn, late, director) -> int:
    """One clock's notices: the readers before it runs out (rpt.deadline_warning_minutes), the
    group leader when it has, the director rpt.escalate_director_minutes later; each once."""
    dept = exam.department
    warning = dt.timedelta(minutes=policy.value("rpt.deadline_warning_minutes", department=dept))
    later = dt.timedelta(minutes=policy.value("rpt.escalate_director_minutes", department=dept))
    url = reverse("report", args=[exam.pk])
    what = f"{exam.patient.name} {exam.item.name}"
    due_text = timezone.localtime(due).strftime("%m-%d %H:%M")

    def tell(recipients, step: str, text: tuple[str, str]) -> int:
        zh, en = (t.format(due=due_text) for t in text)
        return notices.notify(
            recipients, rule, key.format(step), f"【{rule}】{zh}：{what}", url,
            message_en=f"[{rule}] {en}: {what}",
        )  # fmt: skip

    sent = 0
    if now >= due - warning:
        sent += tell(readers, "warn", warn)
    if now >= due:
        leaders, directors = notices.escalation_chain(dept, exam.room.group if exam.room else None)
        sent += tell(leaders or directors, "late", late)
    if now >= due + later:
        _leaders, directors = notices.escalation_chain(dept)
        sent += tell(directors, "late-director", director)
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
        exam = report.exam
        readers = [report.author, *notices.holders(Role.PHYSICIAN, exam.department)]
        sent += _escalate(
            exam, "RPT-7", finalise_due(report), now, f"preliminary-{{}}-{report.pk}", readers,
            warn=("初步报告须于{due}前审核定稿", "Preliminary report to finalise by {due}"),
            late=("初步报告超时未定稿（应于{due}前）", "Preliminary report late (due {due})"),
            director=("初步报告超时未定稿，已升级至科主任",
                      "Preliminary report not finalised, escalated to the director"),
        )  # fmt: skip
    return sent
