"""Turnaround clocks for reports (RPT-5, RPT-6, RPT-8, US-TL-01): the deadline of each exam's
report, computed from recorded times and policy settings, and the reminders and escalations
the task queue sends when a deadline nears or passes."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from yiji.core import notices, policy
from yiji.core.calendar import local_datetime
from yiji.core.models import PatientSource, Role
from yiji.core.rulebook import carries_out
from yiji.orders.models import Exam, ExamStatus, Modality, Priority
from yiji.reports.models import ReportStatus

XRAY = (Modality.DR, Modality.CR)
UNREPORTED = Q(report__isnull=True) | Q(
    report__status__in=[ReportStatus.DRAFT, ReportStatus.SUBMITTED]
)
LOOKBACK = dt.timedelta(days=3)


def _same_day(completed: dt.datetime, key: str, department) -> dt.datetime:
    """The day's reporting cut-off; an exam finished after it is due by midnight."""
    day = timezone.localdate(completed)
    cutoff = local_datetime(day, policy.value(key, department=department))
    return cutoff if completed < cutoff else local_datetime(day + dt.timedelta(days=1), dt.time.min)


def deadline(exam: Exam) -> tuple[dt.datetime | None, str]:
    """When the exam's (first released) report is due, and the rule that sets it."""
    if exam.completed_at is None:
        return None, ""
    done, dept, urgent = exam.completed_at, exam.department, exam.priority == Priority.URGENT
    minutes = None
    if urgent and exam.modality == Modality.CT:
        minutes, rule = policy.value("rpt.emergency_ct_report_minutes", department=dept), "RPT-5"
    elif urgent and exam.modality in XRAY:
        minutes, rule = policy.value("rpt.emergency_xray_report_minutes", department=dept), "RPT-6"
    elif urgent and exam.modality == Modality.MR:
        minutes, rule = policy.value("rpt.emergency_mri_report_minutes", department=dept), "RPT-7"
    elif urgent and exam.modality == Modality.ECG:
        minutes, rule = (
            policy.value("rpt.ecg_emergency_preliminary_minutes", department=dept),
            "RPT-8",
        )
    if minutes is not None:
        return done + dt.timedelta(minutes=minutes), rule
    if exam.modality in XRAY:
        return _same_day(done, "rpt.routine_xray_report_by", dept), "RPT-6"
    if exam.modality == Modality.ECG:
        return _same_day(done, "rpt.ecg_report_by", dept), "RPT-8"
    if exam.modality == Modality.US and exam.patient.source == PatientSource.INPATIENT:
        hours = policy.value("rpt.inpatient_ultrasound_report_hours", department=dept)
        return exam.requisition.created_at + dt.timedelta(hours=hours), "RPT-9"
    if exam.modality in (Modality.CT, Modality.MR):
        hours = policy.value("rpt.outpatient_ct_mr_report_hours", department=dept)
        return done + dt.timedelta(hours=hours), "RPT-4"
    return None, ""


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
