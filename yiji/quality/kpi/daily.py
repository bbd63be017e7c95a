"""The nightly roll-up's side of the indicators (QLT-4): the numerator and denominator per
day, department, modality and (for per-head figures such as US-HR-01) person that it stores
(day_counts), the stored days added up for a period, and the stretches of days it does not
hold yet (unrolled_runs), which the summary counts from the records instead.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, F, IntegerField, QuerySet, Sum, Value
from django.db.models.functions import TruncDate
from django.utils import timezone

from yiji.core.calendar import day_bounds, days, stretches
from yiji.quality.kpi.counting import _counted
from yiji.quality.kpi.indicator import Indicator
from yiji.quality.models import IndicatorDay, RolledDay


def day_counts(indicator: Indicator, first: dt.date, last: dt.date) -> dict[tuple, list[int]]:
    """[numerator, denominator] per (local day, department id, modality, person id) over
    first..last, counted as compute() counts them: what the nightly roll-up stores, so that
    the figures by person (and a per-head figure's heads) come from it too."""
    start, end = day_bounds(first, last)
    counts = {"denominator": Count("pk")}
    if indicator.numerator is not None:
        counts["numerator"] = Count("pk", filter=indicator.numerator)
    rows = _by_day(
        indicator.records(start, end), indicator.paths, indicator.time_field,
        indicator.paths.get("person"),
    )  # fmt: skip
    found = {_day_key(row): row for row in rows.annotate(**counts)}
    extra = {}
    if indicator.extra_numerator:
        rows = _by_day(
            indicator.extra_numerator(start, end),
            indicator.extra_paths,
            f"exam__{indicator.time_field}",
            indicator.extra_paths.get("person"),
        )
        extra = {_day_key(row): row["n"] for row in rows.annotate(n=Count("pk"))}
    return {
        key: list(_counted(indicator, found.get(key, {}), extra.get(key, 0)))
        for key in set(found) | set(extra)
    }


def _by_day(rows: QuerySet, paths: dict[str, str], time_field: str, person=None) -> QuerySet:
    zone = timezone.get_current_timezone()
    return (
        rows.annotate(
            kpi_day=TruncDate(time_field, tzinfo=zone),
            kpi_department=F(paths["department"]),
            kpi_modality=F(paths["modality"]),
            kpi_person=F(person) if person else Value(None, output_field=IntegerField()),
        )
        .values("kpi_day", "kpi_department", "kpi_modality", "kpi_person")
        .order_by()
    )


def _day_key(row: dict) -> tuple:
    return row["kpi_day"], row["kpi_department"], row["kpi_modality"] or "", row["kpi_person"]


def _scoped_days(first: dt.date, last: dt.date, department, modality: str) -> QuerySet:
    rows = IndicatorDay.objects.filter(day__range=(first, last))
    if department is not None:
        rows = rows.filter(department=department)
    if modality:
        rows = rows.filter(modality=modality)
    return rows


def _rolled_totals(first: dt.date, last: dt.date, department, modality: str) -> dict:
    rows = _scoped_days(first, last, department, modality)
    totals = rows.values("indicator").annotate(n=Sum("numerator"), d=Sum("denominator"))
    return {row["indicator"]: (row["n"], row["d"]) for row in totals.order_by()}


def unrolled_runs(first: dt.date, last: dt.date) -> list[tuple[dt.date, dt.date]]:
    """The stretches of days in first..last that the roll-up does not hold, oldest first."""
    rolled = set(RolledDay.objects.filter(day__range=(first, last)).values_list("day", flat=True))
    return list(stretches([day for day in days(first, last) if day not in rolled]))
