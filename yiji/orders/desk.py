"""The registration desk's helpers: finding an exam item as the clerk types (name, code or
pinyin initials, the department's frequent items first), the booking grid of a room-day, and
booking the earliest slot in one step."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache

from django.core.cache import cache
from django.db.models import Count
from django.utils import timezone
from pypinyin import Style, lazy_pinyin

from yiji.core.models import Room
from yiji.core.rulebook import RuleViolation
from yiji.orders import scheduling
from yiji.orders.models import Exam, ExamItem

# Frequency is what the department booked recently: long enough to be stable, short enough
# to follow a new item the clinicians start to order.
FREQUENT_DAYS = 90


@lru_cache(maxsize=4096)
def item_initials(name: str) -> str:
    """The pinyin initials of an item's name as the desk types them: 胸部CT平扫 → xbctps."""
    return "".join(lazy_pinyin(name, style=Style.FIRST_LETTER)).lower().replace(" ", "")


def _usage(department) -> dict[int, int]:
    """Exams ordered per item over the last FREQUENT_DAYS, counted once an hour: the desk
    asks at every keystroke, and the order of the frequent items does not change by the
    minute."""
    key = f"desk-usage-{getattr(department, 'pk', 'all')}"
    if (usage := cache.get(key)) is not None:
        return usage
    exams = Exam.objects.filter(created_at__gte=timezone.now() - dt.timedelta(days=FREQUENT_DAYS))
    if department is not None:
        exams = exams.filter(department=department)
    usage = dict(exams.order_by().values_list("item").annotate(n=Count("pk")))
    cache.set(key, usage, 3600)
    return usage


def search_items(query: str, department=None, limit: int = 15) -> list[ExamItem]:
    """Active items matching the typed text, the department's most booked first. An empty
    query lists the frequent items, so the common ones are one click away."""
    query = query.strip().lower()
    items = list(ExamItem.objects.filter(active=True).select_related("department").order_by("code"))
    if query:
        items = [
            item
            for item in items
            if query in item.code.lower()
            or query in item.name.lower()
            or query in (item.name_en or "").lower()
            or item_initials(item.name).startswith(query)
        ]
    usage = _usage(department)
    items.sort(key=lambda item: (-usage.get(item.pk, 0), item.department_id != getattr(
        department, "pk", item.department_id), item.code))  # fmt: skip
    return items[:limit]


def book_earliest(actor, exam: Exam) -> Exam:
    """Book the first slot that breaks no rule (SCH-1..8), as the desk's one-click booking."""
    found = scheduling.earliest_slot(exam)
    if found is None:
        raise RuleViolation(
            "SCH-1",
            f"{scheduling.SEARCH_DAYS}天内没有可预约的时段，请在预约表中选择或联系组长。",
            f"No free slot in the next {scheduling.SEARCH_DAYS} days; choose one in the grid "
            "or ask the group leader.",
        )
    room, start = found
    return scheduling.book(actor, exam, room, start)


@dataclass
class Cell:
    room: Room
    start: dt.datetime
    taken: bool = False
    rules: list[RuleViolation] = field(default_factory=list)

    @property
    def free(self) -> bool:
        return not self.taken and not self.rules

    @property
    def overridable(self) -> bool:
        return not self.taken and bool(self.rules) and all(r.overridable for r in self.rules)


@dataclass
class GridRow:
    start: dt.datetime
    cells: list[Cell]


def booking_grid(exam: Exam, day: dt.date) -> tuple[list[Room], list[GridRow]]:
    """The day's slots in every room that performs the exam: free, taken, or the rules a
    booking there would break (so the clerk sees why, and a leader may override)."""
    rooms = list(scheduling.rooms_for(exam))
    step = dt.timedelta(minutes=scheduling.slot_minutes(exam.department))
    length = dt.timedelta(minutes=exam.item.duration_minutes)
    search = scheduling._Search(exam)
    now = timezone.now()
    periods = scheduling.working_periods(day, exam.department)
    # The day's bookings in these rooms, read once rather than once per cell.
    booked = [
        (b.room_id, b.scheduled_start, b.scheduled_end)
        for b in Exam.objects.filter(
            room__in=rooms,
            status__in=scheduling.BOOKED_STATUSES,
            scheduled_start__lt=periods[-1].end,
            scheduled_end__gt=periods[0].start,
        ).exclude(pk=exam.pk)
    ] if periods else []  # fmt: skip
    rows = []
    for period in periods:
        start = period.start
        while start < period.end:
            cells = []
            for room in rooms:
                cell = Cell(room, start)
                # The exam's own booking does not take its slot from it.
                cell.taken = any(
                    r == room.pk and s < start + length and e > start for r, s, e in booked
                )
                if not cell.taken:
                    cell.rules = scheduling.booking_problems(exam, room, start, search)
                    if start < now:
                        cell.rules.append(
                            RuleViolation("SCH-8", "预约时间已过。", "The time is past.")
                        )
                cells.append(cell)
            rows.append(GridRow(start, cells))
            start += step
    return rooms, rows
