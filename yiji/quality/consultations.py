"""Difficult cases and consultations. CNF-3: difficult, missed and misdiagnosed cases are
discussed weekly (on the policy weekday): the week's list gathers them. CNF-4: consultation
within the department, with invited clinicians, or referral to a higher-level hospital, each
with its request, participants, opinion and outcome."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from yiji.core import audit, calendar, policy
from yiji.core.accounts import staff_of
from yiji.core.models import AuditAction, Department
from yiji.core.permissions import Action, require
from yiji.core.rulebook import RuleViolation, carries_out
from yiji.orders.models import Exam
from yiji.quality.models import Consultation, ConsultationKind, FollowUp
from yiji.reports.models import Report


@carries_out("CNF-4")
def request_consultation(
    actor, exam: Exam, kind: str, question: str, referred_to: str = ""
) -> Consultation:
    require(actor, Action.WRITE_REPORT)
    if kind not in ConsultationKind.values:
        raise RuleViolation("CNF-4", "请选择会诊方式。", "Choose the kind.", field="kind")
    if not question.strip():
        raise RuleViolation(
            "CNF-4", "请写明会诊目的和问题。", "State the question.", field="question"
        )
    if kind == ConsultationKind.REFERRAL and not referred_to.strip():
        raise RuleViolation(
            "CNF-4", "转上级医院会诊须写明医院。", "Name the hospital.", field="referred_to"
        )
    with transaction.atomic():
        consultation = Consultation.objects.create(
            exam=exam,
            kind=kind,
            question=question.strip(),
            referred_to=referred_to.strip()[:100],
            requested_by=staff_of(actor, "CNF-4"),
        )
        audit.record(actor, AuditAction.CREATE, consultation, patient=exam.patient)
    return consultation


@carries_out("CNF-4")
def record_opinion(
    actor, consultation: Consultation, participants: str, opinion: str, outcome: str
) -> Consultation:
    require(actor, Action.WRITE_REPORT)
    if not participants.strip() or not opinion.strip():
        raise RuleViolation(
            "CNF-4",
            "须登记参加人员和会诊意见。",
            "Record who took part and the opinion.",
            field="opinion" if participants.strip() else "participants",
        )
    consultation.participants = participants.strip()[:300]
    consultation.opinion = opinion.strip()
    consultation.outcome = outcome.strip()
    consultation.answered_at = timezone.now()
    consultation.answered_by = staff_of(actor, "CNF-4")
    consultation.save()
    audit.record(actor, AuditAction.UPDATE, consultation, patient=consultation.exam.patient)
    return consultation


@dataclass
class WeeklyList:
    first: dt.date
    last: dt.date
    discussion_day: dt.date
    difficult: list
    errors: list
    consultations: list


@carries_out("CNF-3")
def weekly_list(department: Department, day: dt.date) -> WeeklyList:
    """The week (Monday to Sunday) holding `day`: its difficult reports, the missed diagnoses
    and misdiagnoses registered, and its consultations, for the weekly discussion."""
    first = day - dt.timedelta(days=day.weekday())
    last = first + dt.timedelta(days=6)
    start, end = calendar.day_bounds(first, last)
    weekday = policy.value("cnf.difficult_case_weekday", department=department)
    discussion = first + dt.timedelta(days=calendar.WEEKDAY_CODES.index(weekday))
    difficult = Report.objects.filter(
        exam__department=department, difficult=True, created_at__gte=start, created_at__lt=end
    ).select_related("exam__patient", "exam__item", "author")
    errors = (
        FollowUp.objects.filter(
            exam__department=department, recorded_at__gte=start, recorded_at__lt=end
        )
        .exclude(error="")
        .select_related("exam__patient", "exam__item", "reader")
    )
    consultations = Consultation.objects.filter(
        exam__department=department, requested_at__gte=start, requested_at__lt=end
    ).select_related("exam__patient", "exam__item", "requested_by")
    return WeeklyList(first, last, discussion, list(difficult), list(errors), list(consultations))
