"""The counting and grouping helpers every indicator's figures share (QLT-4): narrowing records
to a department or modality, the GROUP BY field or period bucket, a period's months, a figure's
value by its kind, and how a group's numerator and denominator are taken (film rejects, REJECT,
count into both).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import F, QuerySet
from django.db.models.functions import Trunc
from django.utils import timezone

from yiji.quality.kpi.indicator import PERIODS, Indicator, Kind


def _scoped(rows: QuerySet, paths: dict[str, str], department=None, modality: str = ""):
    if department is not None:
        rows = rows.filter(**{paths["department"]: department})
    if modality:
        rows = rows.filter(**{paths["modality"]: modality})
    return rows


def _grouped(rows: QuerySet, by: str, paths: dict[str, str], time_field: str) -> QuerySet:
    if by in PERIODS:
        bucket = Trunc(time_field, by, tzinfo=timezone.get_current_timezone())
        return rows.annotate(group=bucket)
    return rows.annotate(group=F(paths[by]))


def _months(first: dt.date, last: dt.date) -> int:
    return max(1, round(((last - first).days + 1) / 30.44))


def _value(indicator: Indicator, numerator: int, denominator: int) -> float | None:
    if indicator.kind == Kind.COUNT:
        return float(denominator)
    if not denominator:
        return None
    scale = {Kind.RATE: 100, Kind.PERMILLE: 1000, Kind.PER_HEAD_MONTH: 1}[indicator.kind]
    return round(scale * numerator / denominator, 2)


def _counted(indicator: Indicator, row: dict, extra: int) -> tuple[int, int]:
    """A group's numerator and denominator as the figure takes them: where a register is
    counted into it (film rejects), that count is the numerator and adds to the images."""
    numerator, denominator = row.get("numerator", 0), row.get("denominator", 0)
    if indicator.extra_numerator:
        numerator, denominator = extra, denominator + extra
    return numerator, denominator
