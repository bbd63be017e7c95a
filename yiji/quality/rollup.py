"""The nightly roll-up of the quality indicators (QLT-4): each settled day's numerator and
denominator per indicator, department and modality, so that the yearly indicator set adds up
a few thousand stored rows instead of counting a year of exams again on every visit.

A day is settled `qlt.kpi_settle_days` after it: by then its reports are signed, its critical
values notified and its films graded. Until then it is counted from the records on each visit
(kpi.summary), and so is any day the roll-up does not hold. A report signed after its day has
settled takes that day out of the roll-up (recount), and the next night counts it again;
`yiji rollup --from D --to D` counts any stretch again at once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.db import transaction
from django.db.models import Min
from django.utils import timezone

from yiji.core import policy
from yiji.core.calendar import days, stretches
from yiji.core.rulebook import carries_out
from yiji.orders.models import Exam
from yiji.quality import kpi
from yiji.quality.models import IndicatorDay, RolledDay
from yiji.reports.models import ReportStatus


def last_settled_day(today: dt.date | None = None) -> dt.date:
    today = today or timezone.localdate()
    return today - dt.timedelta(days=policy.value("qlt.kpi_settle_days"))


@carries_out("QLT-4")
def roll_up(first: dt.date, last: dt.date) -> int:
    """Count the days first..last and store them in place of what was there; the rows stored."""
    rows = [
        IndicatorDay(
            indicator=indicator.code,
            day=day,
            department_id=department,
            modality=modality,
            person_id=person,
            numerator=numerator,
            denominator=denominator,
        )
        for indicator in kpi.INDICATORS
        if indicator.rolls_up
        for (day, department, modality, person), (numerator, denominator) in kpi.day_counts(
            indicator, first, last
        ).items()
    ]
    with transaction.atomic():
        forget(first, last)
        IndicatorDay.objects.bulk_create(rows, batch_size=2000)
        RolledDay.objects.bulk_create([RolledDay(day=day) for day in days(first, last)])
    return len(rows)


def forget(first: dt.date, last: dt.date) -> None:
    """Take days out of the roll-up: they are counted from the records until rolled again."""
    IndicatorDay.objects.filter(day__range=(first, last)).delete()
    RolledDay.objects.filter(day__range=(first, last)).delete()


def recount(moment: dt.datetime | None) -> None:
    """Something of a settled day changed (a report signed after a backlog): its day is
    counted from the records until the next night rolls it up again."""
    if moment is not None and timezone.localdate(moment) <= last_settled_day():
        day = timezone.localdate(moment)
        forget(day, day)


def report_issued(report, status: str) -> None:
    """QLT-4: a report that goes out late changes the figures of its exam's settled day; an
    addendum changes none of them."""
    if status != ReportStatus.AMENDED:
        recount(report.exam.completed_at)


def roll_up_settled(
    stretch_days: int = 31, progress: Callable[[dt.date, dt.date, int], None] | None = None
) -> int:
    """Roll up every settled day not rolled up yet, oldest first, a stretch at a time, each in
    its own transaction (a first run over ten years keeps what it has done if stopped)."""
    earliest = Exam.objects.aggregate(first=Min("created_at"))["first"]
    last = last_settled_day()
    if earliest is None or timezone.localdate(earliest) > last:
        return 0
    first = timezone.localdate(earliest)
    rolled = set(RolledDay.objects.filter(day__range=(first, last)).values_list("day", flat=True))
    missing = [day for day in days(first, last) if day not in rolled]
    stored = 0
    for run_first, run_last in stretches(missing, stretch_days):
        written = roll_up(run_first, run_last)
        stored += written
        if progress:
            progress(run_first, run_last, written)
    return stored


def state() -> dict:
    """What the roll-up holds, for the indicator page: its last day and when it was counted."""
    newest = RolledDay.objects.order_by("-day").first()
    return {"last_day": newest.day if newest else None, "at": newest.rolled_at if newest else None}
