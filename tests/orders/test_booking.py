"""Appointments: working hours (SCH-8), fasting mornings (SCH-3), busy mornings (SCH-4),
inpatient cut-off (SCH-7), functional items first (SCH-2), overrides and proposals."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.orders.fixtures import at
from yiji.core import policy
from yiji.core.models import Role
from yiji.core.rulebook import RuleViolation
from yiji.orders.models import EventKind, ExamStatus
from yiji.orders.scheduling import book, cancel_booking, earliest_slot


@pytest.fixture
def clerk_user(clerk):
    return clerk.user


@pytest.mark.rules("SCH-8")
def test_a_booking_inside_working_hours(clerk_user, order, items, rooms):
    exam = order(items["chest"])[0]
    book(clerk_user, exam, rooms["DR1"], at(9, 0))
    exam.refresh_from_db()
    assert exam.status == ExamStatus.BOOKED and exam.scheduled_end == at(9, 5)
    assert exam.events.filter(kind=EventKind.BOOKED).exists()


@pytest.mark.rules("SCH-8")
@pytest.mark.parametrize("start", [at(7, 0), at(12, 0), at(11, 58), at(18, 0), at(13, 0)])
def test_a_slot_outside_working_hours_is_refused(clerk_user, order, items, rooms, start):
    exam = order(items["chest"])[0]
    with pytest.raises(RuleViolation) as refused:
        book(clerk_user, exam, rooms["DR1"], start)
    assert refused.value.rule_id == "SCH-8"
    exam.refresh_from_db()
    assert exam.status == ExamStatus.REQUESTED


def test_past_times_and_wrong_rooms_are_refused(clerk_user, order, items, rooms, frozen_clock):
    exam = order(items["chest"])[0]
    frozen_clock.move_to(at(10, 0))
    with pytest.raises(RuleViolation, match="past"):
        book(clerk_user, exam, rooms["DR1"], at(9, 0))
    with pytest.raises(RuleViolation, match="SCH-1"):
        book(clerk_user, exam, rooms["CT1"], at(10, 30))


def test_a_taken_slot_is_refused(clerk_user, order, items, rooms):
    first, second = order(items["chest"]), order(items["chest"])
    book(clerk_user, first[0], rooms["DR1"], at(9, 0))
    with pytest.raises(RuleViolation, match="already booked"):
        book(clerk_user, second[0], rooms["DR1"], at(9, 0))
    book(clerk_user, second[0], rooms["DR1"], at(9, 5))


@pytest.mark.rules("SCH-3")
def test_fasting_ultrasound_only_in_the_morning(clerk_user, order, items, rooms):
    exam = order(items["us_liver"])[0]
    with pytest.raises(RuleViolation) as refused:
        book(clerk_user, exam, rooms["US1"], at(14, 0))
    assert refused.value.rule_id == "SCH-3" and "上午" in refused.value.zh
    book(clerk_user, exam, rooms["US1"], at(8, 30))


@pytest.mark.rules("SCH-4")
def test_non_fasting_ultrasound_moves_to_the_afternoon_when_busy(
    clerk_user, director, order, items, rooms, ultrasound
):
    policy.change(
        director.user,
        "sch.ultrasound_busy_threshold",
        2,
        hospital=ultrasound.hospital,
        department=ultrasound,
        reason="测试",
    )
    for minute in (0, 15):
        book(clerk_user, order(items["us_liver"])[0], rooms["US1"], at(8, minute))
    thyroid = order(items["us_thyroid"])[0]
    with pytest.raises(RuleViolation) as refused:
        book(clerk_user, thyroid, rooms["US2"], at(9, 0))
    assert refused.value.rule_id == "SCH-4"
    book(clerk_user, thyroid, rooms["US2"], at(14, 0))


@pytest.mark.rules("SCH-4")
def test_non_fasting_ultrasound_in_a_quiet_morning_is_fine(clerk_user, order, items, rooms):
    book(clerk_user, order(items["us_thyroid"])[0], rooms["US1"], at(9, 0))


@pytest.mark.rules("SCH-7")
def test_inpatients_finish_an_hour_before_closing(clerk_user, order, items, rooms, patient):
    patient.source = "inpatient"
    patient.save()
    exam = order(items["chest"])[0]
    with pytest.raises(RuleViolation) as refused:
        book(clerk_user, exam, rooms["DR1"], at(17, 0))
    assert refused.value.rule_id == "SCH-7"
    book(clerk_user, exam, rooms["DR1"], at(16, 55))


@pytest.mark.rules("SCH-7")
def test_critically_ill_inpatients_may_come_late(clerk_user, order, items, rooms, patient):
    patient.source = "inpatient"
    patient.save()
    exam = order(items["chest"], critically_ill=True)[0]
    book(clerk_user, exam, rooms["DR1"], at(17, 30))


@pytest.mark.rules("SCH-2")
def test_functional_items_are_booked_first(clerk_user, order, items, rooms):
    chest, liver = order(items["chest"], items["us_liver"])
    with pytest.raises(RuleViolation) as refused:
        book(clerk_user, chest, rooms["DR1"], at(9, 0))
    assert refused.value.rule_id == "SCH-2" and "肝胆胰脾双肾" in refused.value.zh
    book(clerk_user, liver, rooms["US1"], at(8, 0))
    book(clerk_user, chest, rooms["DR1"], at(9, 0))


@pytest.mark.rules("SCH-3")
def test_a_permitted_role_overrides_with_a_reason_and_it_is_recorded(
    clerk_user, make_staff, order, items, rooms
):
    exam = order(items["us_liver"])[0]
    leader = make_staff(Role.GROUP_LEADER, Role.CLERK)
    with pytest.raises(RuleViolation):  # a clerk cannot override
        book(clerk_user, exam, rooms["US1"], at(14, 0), override_reason="患者上午无法到院")
    with pytest.raises(RuleViolation):  # an override needs a reason
        book(leader.user, exam, rooms["US1"], at(14, 0))
    book(leader.user, exam, rooms["US1"], at(14, 0), override_reason="患者上午无法到院")
    override = exam.events.get(kind=EventKind.OVERRIDE)
    assert override.data["rule"] == "SCH-3" and override.note == "患者上午无法到院"


def test_working_hours_cannot_be_overridden(make_staff, order, items, rooms):
    leader = make_staff(Role.GROUP_LEADER, Role.CLERK)
    exam = order(items["chest"])[0]
    with pytest.raises(RuleViolation, match="SCH-8"):
        book(leader.user, exam, rooms["DR1"], at(19, 0), override_reason="加班")


def test_the_earliest_valid_slot_is_proposed(clerk_user, order, items, rooms, frozen_clock):
    frozen_clock.move_to(at(11, 50))
    liver = order(items["us_liver"])[0]
    room, start = earliest_slot(liver)
    assert start == at(8, 0, days=1)  # fasting: tomorrow morning, not this afternoon
    thyroid = order(items["us_thyroid"])[0]
    room, start = earliest_slot(thyroid)
    assert start == at(14, 0)
    book(clerk_user, thyroid, room, start)
    room2, start2 = earliest_slot(order(items["us_thyroid"])[0])
    assert (room2, start2) != (room, start) and start2 == at(14, 0)  # the other room


def test_rescheduling_and_cancelling_a_booking(clerk_user, order, items, rooms):
    exam = order(items["chest"])[0]
    book(clerk_user, exam, rooms["DR1"], at(9, 0))
    book(clerk_user, exam, rooms["DR1"], at(10, 0, days=1))
    moved = exam.events.get(kind=EventKind.RESCHEDULED)
    assert dt.datetime.fromisoformat(moved.data["previous"]) == at(9, 0)
    cancel_booking(clerk_user, exam, "患者改期")
    exam.refresh_from_db()
    assert exam.status == ExamStatus.REQUESTED and exam.room is None
