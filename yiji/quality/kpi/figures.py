"""Computing an indicator's figures (QLT-4): one figure or one per group over a period, by
aggregate queries (compute, total), their group labels, and the summary of every indicator,
added up from the nightly roll-up for the days it holds and counted from the records for the
rest.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, F, Sum
from django.db.models.functions import Trunc
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yiji.core.calendar import day_bounds
from yiji.core.models import Department, Room, Staff, WorkGroup
from yiji.core.rulebook import carries_out
from yiji.orders.models import ExamItem, Modality
from yiji.quality.kpi.catalogue import INDICATORS
from yiji.quality.kpi.counting import _counted, _grouped, _months, _scoped, _value
from yiji.quality.kpi.daily import _rolled_totals, _scoped_days, unrolled_runs
from yiji.quality.kpi.indicator import PERIODS, Figure, Indicator, Kind


def _extra_counts(indicator: Indicator, start, end, by: str, department, modality) -> dict:
    rows = indicator.extra_numerator(start, end)
    rows = _scoped(rows, indicator.extra_paths, department, modality)
    if not by:
        return {None: rows.count()}
    rows = _grouped(rows, by, indicator.extra_paths, f"exam__{indicator.time_field}")
    return dict(rows.values("group").annotate(n=Count("pk")).values_list("group", "n"))


# The groupings the nightly roll-up answers: its rows carry the day, department, modality and
# person.
ROLLED_GROUPINGS = {
    "": None,
    "department": F("department_id"),
    "modality": F("modality"),
    "person": F("person_id"),
    **{period: Trunc("day", period) for period in PERIODS},
}


@carries_out("QLT-4")
def compute(
    indicator: Indicator,
    first: dt.date,
    last: dt.date,
    by: str = "",
    department=None,
    modality: str = "",
) -> list[Figure]:
    """The indicator over a period, as one figure or one per group (`by`), sorted by group:
    added up from the roll-up for the days it holds where its rows carry the grouping, and
    counted from the records for the rest."""
    if by and by not in indicator.groupings():
        raise ValueError(by)
    if indicator.rolls_up and indicator.kind != Kind.PER_HEAD_MONTH and by in ROLLED_GROUPINGS:
        return _from_roll_up(indicator, first, last, by, department, modality)
    return counted(indicator, first, last, by, department, modality)


def _from_roll_up(indicator: Indicator, first, last, by: str, department, modality) -> list:
    rows = _scoped_days(first, last, department, modality).filter(indicator=indicator.code)
    if by:
        grouped = rows.annotate(group=ROLLED_GROUPINGS[by]).values("group").order_by()
        totals = {
            (row["group"] or None): [row["n"], row["d"]]
            for row in grouped.annotate(n=Sum("numerator"), d=Sum("denominator"))
        }
    else:
        whole = rows.aggregate(n=Sum("numerator"), d=Sum("denominator"))
        totals = {None: [whole["n"] or 0, whole["d"] or 0]}
    for run_first, run_last in unrolled_runs(first, last):
        for part in counted(indicator, run_first, run_last, by, department, modality):
            key = _local_day(part.key) if by in PERIODS else part.key
            pair = totals.setdefault(key, [0, 0])
            pair[0], pair[1] = pair[0] + part.numerator, pair[1] + part.denominator
    keys = sorted(totals, key=lambda k: (k is None, str(k)))
    labels = _labels(by, keys)
    figures = [
        Figure(key, labels.get(key, "—"), n, d, _value(indicator, n, d))
        for key, (n, d) in ((k, totals[k]) for k in keys)
    ]
    if by not in PERIODS:
        figures.sort(key=lambda figure: figure.label)
    return figures


def _local_day(moment):
    return timezone.localtime(moment).date() if isinstance(moment, dt.datetime) else moment


def counted(
    indicator: Indicator,
    first: dt.date,
    last: dt.date,
    by: str = "",
    department=None,
    modality: str = "",
) -> list[Figure]:
    """The indicator counted from its records (what the roll-up stores, and the days it does
    not hold)."""
    start, end = day_bounds(first, last)
    rows = _scoped(indicator.records(start, end), indicator.paths, department, modality)
    counts = {"denominator": Count("pk")}
    if indicator.numerator is not None:
        counts["numerator"] = Count("pk", filter=indicator.numerator)
    if indicator.kind == Kind.PER_HEAD_MONTH:
        counts["heads"] = Count(indicator.paths["person"], distinct=True)
    if by:
        grouped = _grouped(rows, by, indicator.paths, indicator.time_field)
        found = {r["group"]: r for r in grouped.values("group").annotate(**counts).order_by()}
    else:
        found = {None: rows.aggregate(**counts)}
    extra = {}
    if indicator.extra_numerator:
        extra = _extra_counts(indicator, start, end, by, department, modality)
    keys = sorted(set(found) | set(extra), key=lambda k: (k is None, str(k)))
    labels = _labels(by, keys)
    figures = []
    for key in keys:
        row = found.get(key, {})
        numerator, denominator = _counted(indicator, row, extra.get(key, 0))
        if indicator.kind == Kind.PER_HEAD_MONTH:
            numerator = denominator
            denominator = row.get("heads", 0) * _bucket_months(by, key, first, last)
        value = _value(indicator, numerator, denominator)
        figures.append(Figure(key, labels.get(key, "—"), numerator, denominator, value))
    if by not in PERIODS:
        figures.sort(key=lambda figure: figure.label)
    return figures


def _bucket_months(by: str, key, first: dt.date, last: dt.date) -> int:
    if by == "month":
        return 1
    if by == "quarter":
        return 3
    if by == "year" and key is not None:
        year = timezone.localtime(key).year
        return _months(max(first, dt.date(year, 1, 1)), min(last, dt.date(year, 12, 31)))
    return _months(first, last)


def total(
    indicator: Indicator, first: dt.date, last: dt.date, department=None, modality=""
) -> Figure:
    return compute(indicator, first, last, "", department, modality)[0]


def _labels(by: str, keys: list) -> dict:
    present = [k for k in keys if k is not None]
    models = {
        "department": Department,
        "group": WorkGroup,
        "person": Staff,
        "device": Room,
        "item": ExamItem,
    }
    if by in models:
        return {k: v.name for k, v in models[by].objects.in_bulk(present).items()}
    if by == "modality":
        return {k: str(Modality(k).label) if k in Modality.values else k for k in present}
    if by in PERIODS:
        return {k: period_label(by, k) for k in present}
    return {None: str(_("All"))}


def period_label(by: str, moment) -> str:
    day = timezone.localtime(moment).date() if isinstance(moment, dt.datetime) else moment
    if by == "year":
        return f"{day.year}"
    if by == "quarter":
        return f"{day.year} Q{(day.month - 1) // 3 + 1}"
    if by == "month":
        return day.strftime("%Y-%m")
    return day.isoformat()


def summary(first: dt.date, last: dt.date, department=None, modality: str = "") -> list[tuple]:
    """Every indicator over the period: (indicator, figure, target, met). Days the nightly
    roll-up holds are added up from it; the others (the recent, unsettled ones) are counted
    from the records, so the figure is the same either way."""
    rolled = _rolled_totals(first, last, department, modality)
    unrolled = unrolled_runs(first, last)
    out = []
    for indicator in INDICATORS:
        if indicator.rolls_up and indicator.kind == Kind.PER_HEAD_MONTH:
            figure = _per_head(indicator, first, last, unrolled, department, modality)
        elif indicator.rolls_up:
            numerator, denominator = rolled.get(indicator.code, (0, 0))
            for run_first, run_last in unrolled:
                part = counted(indicator, run_first, run_last, "", department, modality)[0]
                numerator, denominator = numerator + part.numerator, denominator + part.denominator
            value = _value(indicator, numerator, denominator)
            figure = Figure(None, str(_("All")), numerator, denominator, value)
        else:
            figure = total(indicator, first, last, department, modality)
        target = indicator.target(department)
        out.append((indicator, figure, target, figure.meets(indicator, target)))
    return out


def _per_head(indicator, first, last, unrolled, department, modality) -> Figure:
    """A per-head figure over rolled and unrolled days: records per person added up, then
    divided by the people who did any and the period's months, as compute() does."""
    rows = _scoped_days(first, last, department, modality).filter(indicator=indicator.code)
    per_person = dict(
        rows.values("person").annotate(n=Sum("denominator")).values_list("person", "n").order_by()
    )
    for run_first, run_last in unrolled:
        for part in counted(indicator, run_first, run_last, "person", department, modality):
            per_person[part.key] = per_person.get(part.key, 0) + part.numerator
    records = sum(per_person.values())
    heads = sum(1 for person, n in per_person.items() if person is not None and n)
    denominator = heads * _months(first, last)
    return Figure(
        None, str(_("All")), records, denominator, _value(indicator, records, denominator)
    )
