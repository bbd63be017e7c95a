"""Working days: the usual week, changed by the holiday calendar (public holidays off, and
the weekend days worked in exchange on). Used wherever a rule speaks of working days."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Iterator

from django.utils import timezone

from yiji.core import audit
from yiji.core.models import AuditAction, CalendarDay, DayKind
from yiji.core.permissions import Action, require

WEEKDAY_CODES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def exception(day: dt.date) -> str | None:
    """DayKind.HOLIDAY, DayKind.WORKDAY, or None for an ordinary day."""
    return CalendarDay.objects.filter(day=day).values_list("kind", flat=True).first()


def is_working_day(day: dt.date, weekdays=("mon", "tue", "wed", "thu", "fri")) -> bool:
    kind = exception(day)
    if kind == DayKind.HOLIDAY:
        return False
    if kind == DayKind.WORKDAY:
        return True
    return WEEKDAY_CODES[day.weekday()] in weekdays


def local_datetime(day: dt.date, time: dt.time) -> dt.datetime:
    """A local day and time of day as an aware datetime (the hospital's time zone)."""
    return dt.datetime.combine(day, time, tzinfo=timezone.get_current_timezone())


def day_bounds(first: dt.date, last: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The days `first` to `last` inclusive as [start, end) in local time, for period queries."""
    zone = timezone.get_current_timezone()
    start = dt.datetime.combine(first, dt.time.min, tzinfo=zone)
    return start, dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min, tzinfo=zone)


def days(first: dt.date, last: dt.date) -> Iterator[dt.date]:
    """Each day from `first` to `last` inclusive."""
    for offset in range((last - first).days + 1):
        yield first + dt.timedelta(days=offset)


def stretches(
    sorted_days: Iterable[dt.date], longest: int | None = None
) -> Iterator[tuple[dt.date, dt.date]]:
    """Consecutive days as (first, last) stretches, each at most `longest` days long."""
    start = previous = None
    for day in sorted_days:
        consecutive = previous is not None and (day - previous).days == 1
        if consecutive and (longest is None or (day - start).days < longest):
            previous = day
            continue
        if start is not None:
            yield start, previous
        start = previous = day
    if start is not None:
        yield start, previous


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later, or the month's last day where it is shorter (31 January
    plus one month is 28 or 29 February)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def next_working_day(day: dt.date) -> dt.date:
    """The first working day after `day` (a year of holidays cannot exhaust 60 days)."""
    for offset in range(1, 60):
        candidate = day + dt.timedelta(days=offset)
        if is_working_day(candidate):
            return candidate
    return day + dt.timedelta(days=1)


def previous_working_day(day: dt.date) -> dt.date:
    for offset in range(1, 60):
        candidate = day - dt.timedelta(days=offset)
        if is_working_day(candidate):
            return candidate
    return day - dt.timedelta(days=1)


def set_day(actor, day: dt.date, kind: str, name: str = "") -> CalendarDay:
    """Enter (or change) a holiday or an adjusted working day."""
    require(actor, Action.EDIT_CALENDAR)
    entry, made = CalendarDay.objects.update_or_create(
        day=day, defaults={"kind": kind, "name": name.strip()}
    )
    audit.record(actor, AuditAction.CREATE if made else AuditAction.UPDATE, entry)
    return entry


def clear_day(actor, day: dt.date) -> None:
    require(actor, Action.EDIT_CALENDAR)
    entry = CalendarDay.objects.filter(day=day).first()
    if entry:
        audit.record(actor, AuditAction.DELETE, entry)
        entry.delete()
