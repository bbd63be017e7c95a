"""The record sets several indicator sets count: completed and reported exams (R2, R3,
POSITIVE, EXAMS, ON-TIME, REJECT, ...), critical results found (R4, US-CV-01, CL-14, CL-15)
and follow-up cases (FOLLOW-UP, CONCORDANCE, MISSED, US-DC), with the grouping fields and the
concordance condition they share. Follow-up figures are not rolled up nightly
(FOLLOW_UP_RECORDS): their outcomes arrive weeks later.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import DateTimeField, F, Q, QuerySet
from django.db.models.functions import Coalesce

from yiji.core import policy
from yiji.orders.models import Exam, ExamStatus, Modality
from yiji.quality.models import Concordance, FollowUp
from yiji.reports.models import SIGNED_STATUSES, CriticalResult, FindingKind


def _completed(start: dt.datetime, end: dt.datetime) -> QuerySet:
    """Completed imaging, ultrasound and ECG exams (the lab's figures are in laboratory.py)."""
    return Exam.objects.filter(
        status=ExamStatus.COMPLETED, completed_at__gte=start, completed_at__lt=end
    ).exclude(modality=Modality.LAB)


def _reported(start: dt.datetime, end: dt.datetime) -> QuerySet:
    return _completed(start, end).filter(report__status__in=SIGNED_STATUSES)


def _released() -> Coalesce:
    return Coalesce("report__preliminary_at", "report__final_at", output_field=DateTimeField())


def _exam_paths(prefix: str = "", person: str = "report__author") -> dict[str, str]:
    return {
        "department": f"{prefix}department",
        "group": f"{prefix}room__group",
        "person": person,
        "device": f"{prefix}room",
        "modality": f"{prefix}modality",
        "item": f"{prefix}item",
    }


def _criticals(modalities: list[str], exclude: bool = False):
    def rows(start, end):
        found = CriticalResult.objects.filter(
            found_at__gte=start, found_at__lt=end, kind=FindingKind.CRITICAL
        )
        found = (
            found.exclude(exam__modality__in=modalities)
            if exclude
            else found.filter(exam__modality__in=modalities)
        )
        minutes = policy.value("crit.notify_minutes")
        return found.annotate(limit=F("found_at") + dt.timedelta(minutes=minutes))

    return rows


def _follow_ups(start, end):
    return FollowUp.objects.filter(created_at__gte=start, created_at__lt=end)


def _followed(start, end):
    return _follow_ups(start, end).filter(recorded_at__isnull=False)


def _ultrasound_followed(start, end):
    return _followed(start, end).filter(exam__modality=Modality.US)


FOLLOW_UP_RECORDS = (_follow_ups, _followed, _ultrasound_followed)

FOLLOW_UP_PATHS = _exam_paths("exam__", person="reader")
CRITICAL_PATHS = _exam_paths("exam__", person="found_by")
CONCORDANT = Q(concordance__in=[Concordance.FULL, Concordance.PARTIAL])
