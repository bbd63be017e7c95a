"""Figures the scheduling rules name, computed in the database from recorded times."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Count, F, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from yiji.core.calendar import day_bounds
from yiji.core.rulebook import carries_out
from yiji.orders.models import Exam, ExamStatus

NOT_TAKING_PLACE = (ExamStatus.CANCELLED, ExamStatus.REQUESTED)


@carries_out("SCH-6")
def same_day_backlog(day: dt.date, department=None):
    """Exams booked for `day` not yet completed: the reminder shown on the worklist."""
    start, end = day_bounds(day, day)
    rows = Exam.objects.filter(
        scheduled_start__gte=start,
        scheduled_start__lt=end,
        status__in=[ExamStatus.BOOKED, ExamStatus.ARRIVED, ExamStatus.IN_PROGRESS],
    )
    return rows.filter(department=department) if department else rows


@dataclass(frozen=True)
class Rate:
    done: int
    total: int

    @property
    def percent(self) -> float | None:
        return round(100 * self.done / self.total, 1) if self.total else None


@carries_out("SCH-6")
def same_day_completion(first: dt.date, last: dt.date, department=None) -> Rate:
    """当天预约当天完成率: exams booked for a day in the period that were completed that same
    (local) day, over all exams booked in the period that were not cancelled."""
    start, end = day_bounds(first, last)
    tz = timezone.get_current_timezone()
    rows = Exam.objects.filter(scheduled_start__gte=start, scheduled_start__lt=end).exclude(
        status__in=NOT_TAKING_PLACE
    )
    if department:
        rows = rows.filter(department=department)
    figures = rows.annotate(
        booked_day=TruncDate("scheduled_start", tzinfo=tz),
        done_day=TruncDate("completed_at", tzinfo=tz),
    ).aggregate(
        total=Count("pk"),
        done=Count("pk", filter=Q(status=ExamStatus.COMPLETED, done_day=F("booked_day"))),
    )
    return Rate(figures["done"], figures["total"])


WEEK_FIGURE_SECONDS = 60


def same_day_completion_of_week(today: dt.date, department=None) -> Rate:
    """The last seven days' same-day completion rate, as every worklist shows it: counted at
    most once a minute per department (a week's figure barely moves in a minute, and counting
    it on each of a hundred clerks' pages was the worklist's slowest query)."""
    key = f"sch6-week:{today}:{department.pk if department else 0}"
    counted = cache.get(key)
    if counted is None:
        rate = same_day_completion(today - dt.timedelta(days=6), today, department)
        counted = (rate.done, rate.total)
        cache.set(key, counted, WEEK_FIGURE_SECONDS)
    return Rate(*counted)
