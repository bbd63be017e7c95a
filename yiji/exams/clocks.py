"""When an exam's report is due (RPT-4, RPT-5, RPT-6, RPT-7, RPT-8, RPT-9): the deadline is
set from the recorded completion time and the policy settings when the exam is completed;
reports.clocks reminds and escalates against it."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from yiji.core import policy
from yiji.core.calendar import local_datetime
from yiji.core.models import PatientSource
from yiji.orders.models import Exam, Modality, Priority

XRAY = (Modality.DR, Modality.CR)


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


def due(exam: Exam) -> tuple[dt.datetime | None, str]:
    """The deadline recorded when the exam was completed, which the reminders and the
    escalation run against (reports.clocks); computed only where none was recorded (an
    exam whose modality has no clock, or completed before deadlines were kept)."""
    if exam.report_due_rule:
        return exam.report_due_at, exam.report_due_rule
    return deadline(exam)
