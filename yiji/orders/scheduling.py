"""Appointments (预约): working-hour slots per room and the booking rules SCH-1..SCH-8.

`booking_problems()` lists every rule a proposed slot breaks; `book()` refuses on the first
(or goes ahead on a permitted override with a written reason); `earliest_slot()` proposes the
first slot that breaks none.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from yiji.core import numbering, policy
from yiji.core.models import PatientSource, Room
from yiji.core.permissions import Action, may, require
from yiji.core.rulebook import RuleViolation, carries_out
from yiji.orders import hooks
from yiji.orders.models import EventKind, Exam, ExamStatus, Modality, Priority
from yiji.orders.services import record_event

FUNCTIONAL = (Modality.US, Modality.ECG)
BOOKED_STATUSES = (ExamStatus.BOOKED, ExamStatus.ARRIVED, ExamStatus.IN_PROGRESS)
SEARCH_DAYS = 14


@dataclass(frozen=True)
class Period:
    start: dt.datetime
    end: dt.datetime
    morning: bool


def working_periods(day: dt.date, department=None) -> list[Period]:
    """The day's morning and afternoon sessions (SCH-8), as aware datetimes."""
    tz = timezone.get_current_timezone()

    def at(key: str) -> dt.datetime:
        return dt.datetime.combine(day, policy.value(key, department=department), tzinfo=tz)

    return [
        Period(at("sch.morning_start"), at("sch.morning_end"), True),
        Period(at("sch.afternoon_start"), at("sch.afternoon_end"), False),
    ]


def rooms_for(exam: Exam) -> list[Room]:
    """Rooms of the exam's department that perform its modality (a department has few)."""
    rooms = Room.objects.filter(department=exam.department, active=True).order_by("code")
    return [room for room in rooms if exam.modality in room.modalities]


def _overlapping(room: Room, start: dt.datetime, end: dt.datetime, exclude: Exam | None):
    taken = Exam.objects.filter(
        room=room,
        status__in=BOOKED_STATUSES,
        scheduled_start__lt=end,
        scheduled_end__gt=start,
    )
    return taken.exclude(pk=exclude.pk) if exclude else taken


def room_is_taken(room: Room, start: dt.datetime, end: dt.datetime) -> bool:
    return _overlapping(room, start, end, None).exists()


def slot_minutes(department=None) -> int:
    """The grid slots are offered on (an exam may take longer than one)."""
    return policy.value("sch.default_slot_minutes", department=department)


@dataclass
class _Search:
    """What stays the same from one candidate slot to the next while one exam's slots are
    searched (a device down, the patient's functional exams), asked once per room or search."""

    exam: Exam
    down: dict = field(default_factory=dict)
    functional: bool | None = None
    booked: dict = field(default_factory=dict)
    busy_mornings: dict = field(default_factory=dict)
    days: dict = field(default_factory=dict)

    def periods(self, day: dt.date) -> list[Period]:
        """The day's sessions, read once a day, not once per candidate slot."""
        if day not in self.days:
            self.days[day] = working_periods(day, self.exam.department)
        return self.days[day]

    def device_down(self, room: Room):
        if room.pk not in self.down:
            self.down[room.pk] = next(filter(None, hooks.device_down_in_room(room)), None)
        return self.down[room.pk]

    def taken(self, room: Room, start: dt.datetime, end: dt.datetime) -> bool:
        """Whether another exam holds the room in [start, end): the day's bookings of the
        room are read once, not once per candidate slot (a busy room's first free slot can
        lie hundreds of slots ahead)."""
        day = timezone.localdate(start)
        if (room.pk, day) not in self.booked:
            opens = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
            spans = _overlapping(room, opens, opens + dt.timedelta(days=1), self.exam)
            self.booked[room.pk, day] = list(spans.values_list("scheduled_start", "scheduled_end"))
        return any(s < end and e > start for s, e in self.booked[room.pk, day])

    def morning_is_busy(self, period: Period) -> bool:
        if period.start not in self.busy_mornings:
            self.busy_mornings[period.start] = _morning_is_busy(self.exam, period)
        return self.busy_mornings[period.start]

    def functional_unbooked(self) -> bool:
        if self.functional is None:
            self.functional = _unbooked_functional(self.exam).exists()
        return self.functional


@carries_out("SCH-2", "SCH-3", "SCH-4", "SCH-7", "SCH-8")
def booking_problems(
    exam: Exam, room: Room, start: dt.datetime, search: _Search | None = None
) -> list[RuleViolation]:
    """Every rule the slot breaks; an empty list means the booking may go ahead."""
    item = exam.item
    end = start + dt.timedelta(minutes=item.duration_minutes)
    problems: list[RuleViolation] = []
    search = search or _Search(exam)
    down = search.device_down(room)
    if down is not None:
        problems.append(
            RuleViolation(
                "EQP-3",
                f"{room.name}的{down.name}故障停机，请预约到其他机房。",
                f"{down.name} in {room.name} is down; book another room.",
                field="room",
            )
        )
    periods = search.periods(timezone.localdate(start))
    period = next((p for p in periods if p.start <= start and end <= p.end), None)
    if period is None:
        problems.append(
            RuleViolation(
                "SCH-8",
                "预约时间不在工作时间内（上午、下午各4小时）。",
                "The slot is outside working hours (4 h morning, 4 h afternoon).",
                field="start",
            )
        )
        return problems
    if item.fasting and item.modality == Modality.US and not period.morning:
        problems.append(
            RuleViolation(
                "SCH-3",
                f"空腹超声项目（{item.name}）须安排在上午。",
                f"Fasting ultrasound items ({item.name_en or item.name}) are scheduled in the "
                "morning.",
                field="start",
                overridable=True,
            )
        )
    if item.non_fasting_us and period.morning and search.morning_is_busy(period):
        problems.append(
            RuleViolation(
                "SCH-4",
                f"上午超声预约已满，非空腹项目（{item.name}）改约下午。",
                f"The morning is busy: non-fasting ultrasound ({item.name_en or item.name}) "
                "goes to the afternoon.",
                field="start",
                overridable=True,
            )
        )
    if _inpatient_after_cutoff(exam, end, periods[-1]):
        problems.append(_inpatient_cutoff_refusal("start", overridable=True))
    if exam.modality not in FUNCTIONAL and search.functional_unbooked():
        names = "、".join(e.item.name for e in _unbooked_functional(exam).select_related("item"))
        problems.append(
            RuleViolation(
                "SCH-2",
                f"该患者有功能检查（{names}）尚未预约，须先预约超声/心电图项目。",
                "The patient has ultrasound/ECG items not yet booked: book those first.",
                field="exam",
                overridable=True,
            )
        )
    if search.taken(room, start, end):
        problems.append(
            RuleViolation(
                "SCH-8",
                f"{room.name}在该时间已有预约。",
                f"{room.name} is already booked at that time.",
                field="start",
            )
        )
    return problems


def _morning_is_busy(exam: Exam, period: Period) -> bool:
    threshold = policy.value("sch.ultrasound_busy_threshold", department=exam.department)
    booked = Exam.objects.filter(
        department=exam.department,
        modality=Modality.US,
        status__in=BOOKED_STATUSES,
        scheduled_start__gte=period.start,
        scheduled_start__lt=period.end,
    ).exclude(pk=exam.pk)
    return booked.count() >= threshold


def _inpatient_after_cutoff(exam: Exam, end: dt.datetime, afternoon: Period) -> bool:
    if exam.patient.source != PatientSource.INPATIENT or exam.requisition.critically_ill:
        return False
    minutes = policy.value("sch.inpatient_cutoff_minutes", department=exam.department)
    return end > afternoon.end - dt.timedelta(minutes=minutes)


@carries_out("SCH-7")
def walk_in_problem(exam: Exam, at: dt.datetime) -> RuleViolation | None:
    """SCH-7 for a patient who comes without a booking, or whose exam starts now: an
    inpatient's exam (not a critically ill one's) must end before the afternoon cut-off."""
    afternoon = working_periods(timezone.localdate(at), exam.department)[-1]
    end = at + dt.timedelta(minutes=exam.item.duration_minutes)
    if not _inpatient_after_cutoff(exam, end, afternoon):
        return None
    return _inpatient_cutoff_refusal("exam")


def _inpatient_cutoff_refusal(field: str, overridable: bool = False) -> RuleViolation:
    return RuleViolation(
        "SCH-7",
        "住院患者检查须在下午下班前一小时完成，之后仅限危重患者。",
        "Inpatient exams finish an hour before the afternoon closes; after that only "
        "critically ill patients.",
        field=field,
        overridable=overridable,
    )


def queue_room(exam: Exam) -> Room | None:
    """The room a patient without a booking waits for: among the rooms that perform the
    exam and have no device down (EQP-3), the one with the fewest waiting (ORD-2: an
    emergency goes straight to a room's queue, never to a later slot)."""
    search = _Search(exam)
    working = [room for room in rooms_for(exam) if search.device_down(room) is None]
    if not working:
        return None
    waiting = dict(
        Exam.objects.filter(room__in=working, status=ExamStatus.ARRIVED)
        .values_list("room")
        .annotate(n=Count("pk"))
    )
    return min(working, key=lambda room: (waiting.get(room.pk, 0), room.code))


def _unbooked_functional(exam: Exam):
    return Exam.objects.filter(
        patient=exam.patient,
        modality__in=FUNCTIONAL,
        status=ExamStatus.REQUESTED,
        requisition__cancelled_at__isnull=True,
    ).exclude(pk=exam.pk)


def _check_bookable(exam: Exam, start: dt.datetime) -> None:
    if exam.status not in (ExamStatus.REQUESTED, ExamStatus.BOOKED):
        raise RuleViolation(
            "SCH-1",
            "该检查已登记或已结束，不能再预约。",
            "This exam has been checked in or has ended; it cannot be booked.",
            field="exam",
        )
    if start < timezone.now():
        raise RuleViolation(
            "SCH-8", "预约时间已过。", "The appointment time is in the past.", field="start"
        )


@carries_out("SCH-1")
def book(actor, exam: Exam, room: Room, start: dt.datetime, *, override_reason: str = "") -> Exam:
    """Book (or move) an exam into a room slot. A rule refusal may be overridden by a
    permitted role with a written reason; the override is an event, counted later."""
    require(actor, Action.BOOK_EXAM)
    override_reason = override_reason.strip()
    with transaction.atomic():
        # Locking the room makes two clerks booking its last slot queue: one wins.
        room = Room.objects.select_for_update().get(pk=room.pk)
        exam = (
            Exam.objects.select_for_update()
            .select_related("item", "patient", "requisition")
            .get(pk=exam.pk)
        )
        _check_bookable(exam, start)
        if exam.modality not in room.modalities:
            raise RuleViolation(
                "SCH-1",
                f"{room.name}不能做{exam.item.name}。",
                f"{room.name} does not perform {exam.item.name_en or exam.item.name}.",
                field="room",
            )
        problems = booking_problems(exam, room, start)
        overridden = _apply_overrides(actor, problems, override_reason)
        moved = exam.status == ExamStatus.BOOKED
        old = exam.scheduled_start
        exam.room = room
        exam.scheduled_start = start
        exam.scheduled_end = start + dt.timedelta(minutes=exam.item.duration_minutes)
        exam.status = ExamStatus.BOOKED
        if exam.accession is None:  # printed on the slip, so it exists from booking on
            exam.accession = numbering.daily_number("A", timezone.localdate(), width=6)
        exam.save(update_fields=["room", "scheduled_start", "scheduled_end", "status", "accession"])
        kind = EventKind.RESCHEDULED if moved else EventKind.BOOKED
        record_event(
            exam,
            kind,
            actor,
            room=room.code,
            start=start.isoformat(),
            **({"previous": old.isoformat()} if moved and old else {}),
        )
        for problem in overridden:
            record_event(
                exam, EventKind.OVERRIDE, actor, note=override_reason, rule=problem.rule_id
            )
    return exam


def _apply_overrides(actor, problems: list[RuleViolation], reason: str) -> list[RuleViolation]:
    """Raise the first problem that stands; return those a permitted override sets aside."""
    for problem in problems:
        if not (problem.overridable and reason and may(actor, Action.OVERRIDE_RULE)):
            raise problem
    return problems


def cancel_booking(actor, exam: Exam, reason: str) -> Exam:
    require(actor, Action.BOOK_EXAM)
    with transaction.atomic():
        exam = Exam.objects.select_for_update().get(pk=exam.pk)
        if exam.status != ExamStatus.BOOKED:
            raise RuleViolation(
                "SCH-1", "只有已预约的检查可以取消预约。", "Only a booked exam can be unbooked."
            )
        exam.status = ExamStatus.REQUESTED
        exam.room = None
        exam.scheduled_start = exam.scheduled_end = None
        exam.save(update_fields=["status", "room", "scheduled_start", "scheduled_end"])
        record_event(exam, EventKind.CANCELLED, actor, note=reason.strip(), booking=True)
    return exam


def free_slots(
    exam: Exam,
    after: dt.datetime | None = None,
    until: dt.datetime | None = None,
    room: Room | None = None,
) -> Iterator[tuple[Room, dt.datetime]]:
    """The slots from `after` (to `until`, within SEARCH_DAYS) in rooms that perform the
    exam where booking it would break no rule, in time order."""
    after = after or timezone.now()
    step = dt.timedelta(minutes=slot_minutes(exam.department))
    rooms = [room] if room else list(rooms_for(exam))
    search = _Search(exam)
    day = timezone.localdate(after)
    for offset in range(SEARCH_DAYS):
        current = day + dt.timedelta(days=offset)
        for period in search.periods(current):
            start = period.start
            while start < period.end:
                if until and start >= until:
                    return
                if start >= after:
                    for candidate in rooms:
                        if not booking_problems(exam, candidate, start, search):
                            yield candidate, start
                start += step


def earliest_slot(
    exam: Exam, after: dt.datetime | None = None, room: Room | None = None
) -> tuple[Room, dt.datetime] | None:
    """The first slot, from `after` on, in a room that performs the exam, breaking no rule."""
    return next(free_slots(exam, after, room=room), None)


def is_emergency(exam: Exam) -> bool:
    return exam.priority == Priority.URGENT


# Contrast given for a cross-sectional scan (an enhanced CT, MR or ultrasound) is not a
# special-contrast exam (特殊造影): those are the X-ray contrast studies — barium, urography,
# hysterosalpingography, angiography — done under fluoroscopy or radiography.
ENHANCED_SCANS = (Modality.CT, Modality.MR, Modality.US)


def is_special_contrast(exam: Exam) -> bool:
    return exam.item.uses_contrast and exam.modality not in ENHANCED_SCANS


@carries_out("SCH-5")
def special_contrast_waitlist(department=None) -> list[Exam]:
    """Special-contrast exams waiting for a slot, in the order they should be booked (SCH-5):
    the most severe first, then those who live furthest away, then those already prepared."""
    waiting = (
        Exam.objects.filter(
            status=ExamStatus.REQUESTED,
            item__needs_appointment=True,
            requisition__cancelled_at__isnull=True,
        )
        .exclude(item__contrast_route="none")
        .exclude(modality__in=ENHANCED_SCANS)
        .select_related("item", "patient", "requisition")
    )
    if department:
        waiting = waiting.filter(department=department)
    return sorted(waiting, key=special_contrast_priority, reverse=True)


def special_contrast_priority(exam: Exam) -> tuple:
    severity = (exam.priority == Priority.URGENT) * 2 + exam.requisition.critically_ill
    distance = exam.patient.residence_distance_km or 0
    return (severity, distance, exam.preparation_done, -exam.created_at.timestamp())


@carries_out("SCH-5")
def confirm_preparation(actor, exam: Exam) -> Exam:
    require(actor, Action.BOOK_EXAM)
    with transaction.atomic():
        exam = Exam.objects.select_for_update().get(pk=exam.pk)
        exam.preparation_done = True
        exam.save(update_fields=["preparation_done"])
        record_event(exam, EventKind.PREPARED, actor)
    return exam
