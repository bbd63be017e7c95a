"""The scheduling rules under any sequence of bookings (property-based, hypothesis): a booking
either goes through or is refused with a rule, and whatever was accepted keeps every room
free of overlaps (SCH-2), inside working hours (SCH-8), fasting ultrasound in the morning
(SCH-3) and each exam in a room that performs it (SCH-1)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from yiji.core.rulebook import RuleViolation
from yiji.orders import scheduling
from yiji.orders.models import Exam, ExamStatus

pytestmark = pytest.mark.rules("SCH-1", "SCH-2", "SCH-3", "SCH-8")

ROOMS = {"chest": "DR1", "ct_head": "CT1", "ct_enh": "CT1", "barium": "RF1",
         "us_liver": "US1", "us_thyroid": "US2"}  # fmt: skip
ATTEMPT = st.tuples(
    st.sampled_from(sorted(ROOMS)),
    st.sampled_from(["own", "own", "own", "DR1", "US1"]),  # mostly a room that can do it
    st.integers(min_value=0, max_value=1),  # Monday or Tuesday
    st.integers(min_value=6 * 12, max_value=19 * 12),  # 5-minute steps, 06:00 to 19:00
)


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(attempts=st.lists(ATTEMPT, min_size=1, max_size=8))
def test_whatever_is_accepted_keeps_the_rules(frozen_clock, order, items, rooms, clerk, attempts):
    monday = dt.datetime(2026, 11, 23, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    for key, room_code, day, steps in attempts:
        exam = order(items[key])[0]
        start = monday + dt.timedelta(days=day, minutes=5 * steps)
        room_code = ROOMS[key] if room_code == "own" else room_code
        try:
            scheduling.book(clerk.user, exam, rooms[room_code], start)
        except RuleViolation as refusal:
            assert refusal.rule_id and refusal.zh and refusal.en
    booked = Exam.objects.filter(status=ExamStatus.BOOKED).select_related("room", "item")
    by_room: dict[int, list[Exam]] = {}
    for exam in booked:
        assert exam.modality in exam.room.modalities  # SCH-1
        day = timezone.localdate(exam.scheduled_start)
        periods = scheduling.working_periods(day, exam.department)
        inside = [p for p in periods
                  if p.start <= exam.scheduled_start and exam.scheduled_end <= p.end]  # fmt: skip
        assert inside  # SCH-8
        if exam.item.fasting and exam.modality == "US":
            assert inside[0].morning  # SCH-3
        by_room.setdefault(exam.room_id, []).append(exam)
    for exams in by_room.values():  # SCH-2: one patient at a time in a room
        exams.sort(key=lambda e: e.scheduled_start)
        for earlier, later in zip(exams, exams[1:], strict=False):
            assert earlier.scheduled_end <= later.scheduled_start
