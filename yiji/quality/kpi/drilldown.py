"""The records behind a figure (QLT-4): for any indicator, the exams, critical results,
follow-ups, film rejects or specimens in its numerator, its denominator, or the denominator
but not the numerator, for one group or period bucket; and one line of the list per record.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from yiji.core import policy
from yiji.core.calendar import day_bounds
from yiji.lab.models import Specimen
from yiji.orders.models import Exam
from yiji.quality.kpi.counting import _scoped
from yiji.quality.kpi.indicator import PERIODS, Indicator
from yiji.quality.models import FollowUp, RejectedImage
from yiji.reports.models import CriticalResult


def _aware(moment: dt.datetime) -> dt.datetime:
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def _bucket_end(by: str, first: dt.date) -> dt.date:
    """The day after a period bucket that starts on `first`."""
    if by in ("day", "week"):
        return first + dt.timedelta(days=1 if by == "day" else 7)
    months = {"month": 1, "quarter": 3, "year": 12}[by]
    month = first.month - 1 + months
    return dt.date(first.year + month // 12, month % 12 + 1, 1)


def _in_group(rows: QuerySet, by: str, key: str, paths: dict[str, str], time_field: str):
    if by in PERIODS:
        start = timezone.localtime(_aware(dt.datetime.fromisoformat(key)))
        end = _aware(dt.datetime.combine(_bucket_end(by, start.date()), dt.time()))
        return rows.filter(**{f"{time_field}__gte": start, f"{time_field}__lt": end})
    if key in ("", "None"):
        return rows.filter(**{f"{paths[by]}__isnull": True})
    return rows.filter(**{paths[by]: key})


@dataclass(frozen=True)
class Record:
    when: dt.datetime | None
    exam: Exam
    detail: str


def records(
    indicator: Indicator,
    first: dt.date,
    last: dt.date,
    *,
    by: str = "",
    key: str = "",
    part: str = "numerator",
    department=None,
    modality: str = "",
) -> QuerySet:
    """The records behind a figure: those in the numerator, the denominator, or the
    denominator's records not in the numerator ("missing": what kept the rate down)."""
    start, end = day_bounds(first, last)
    use_extra = indicator.extra_numerator is not None and part == "numerator"
    paths = indicator.extra_paths if use_extra else indicator.paths
    rows = indicator.extra_numerator(start, end) if use_extra else indicator.records(start, end)
    time_field = f"exam__{indicator.time_field}" if use_extra else indicator.time_field
    rows = _scoped(rows, paths, department, modality)
    if by:
        if by not in indicator.groupings():
            raise ValueError(by)
        rows = _in_group(rows, by, key, paths, time_field)
    if indicator.numerator is not None and not use_extra:
        if part == "numerator":
            rows = rows.filter(indicator.numerator)
        elif part == "missing":
            rows = rows.exclude(indicator.numerator)
    return rows.order_by(f"-{time_field}")


def describe(row) -> Record:
    """One line of the drill-down, whatever the records are."""
    if isinstance(row, Exam):
        return Record(row.completed_at or row.created_at, row, row.item.name)
    if isinstance(row, CriticalResult):
        return Record(row.found_at, row.exam, row.finding)
    if isinstance(row, FollowUp):
        return Record(
            row.created_at, row.exam, row.get_concordance_display() or row.get_reason_display()
        )
    if isinstance(row, RejectedImage):
        return Record(row.recorded_at, row.exam, row.get_reason_display())
    if isinstance(row, Specimen):
        reason = row.rejection_reason and policy.choice_label(
            "lab.rejection_reasons", row.rejection_reason
        )
        return Record(row.collected_at, row.exam, f"{row.barcode} {reason or ''}".strip())
    raise TypeError(type(row))


def related(rows: QuerySet) -> QuerySet:
    if rows.model is Exam:
        return rows.select_related("patient", "item", "room")
    return rows.select_related("exam__patient", "exam__item", "exam__room")
