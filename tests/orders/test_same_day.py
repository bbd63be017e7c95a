"""SCH-6: an exam booked for today is completed today — reminded and measured."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tests.orders.fixtures import at
from yiji.exams import services as room
from yiji.orders.checkin import Identifiers, check_in
from yiji.orders.figures import same_day_backlog, same_day_completion
from yiji.orders.scheduling import book

MONDAY = at(0).date()


@pytest.fixture
def booked(clerk, order, items, rooms):
    def make(hour):
        return book(clerk.user, order(items["chest"])[0], rooms["DR1"], at(hour))

    return make


def _finish(clerk, technologist, exam, patient):
    exam = check_in(clerk.user, exam, Identifiers(name=patient.name, patient_id=patient.patient_id))
    room.start_exam(technologist.user, exam)
    room.record_details(technologist.user, exam, {"kv": Decimal("120"), "shielding": "铅围裙"})
    return room.complete_exam(technologist.user, exam)


@pytest.mark.rules("SCH-6")
def test_the_backlog_lists_todays_unfinished_bookings(
    booked, clerk, technologist, patient, frozen_clock
):
    first, second = booked(9), booked(10)
    frozen_clock.move_to(at(9, 5))
    _finish(clerk, technologist, first, patient)
    assert list(same_day_backlog(MONDAY).values_list("pk", flat=True)) == [second.pk]


@pytest.mark.rules("SCH-6")
def test_completion_across_midnight_does_not_count_as_same_day(
    booked, clerk, technologist, patient, frozen_clock
):
    on_time, late = booked(9), booked(17)
    frozen_clock.move_to(at(9, 10))
    _finish(clerk, technologist, on_time, patient)
    frozen_clock.move_to(at(0, 20, days=1))  # 00:20 on Tuesday, Beijing time
    _finish(clerk, technologist, late, patient)
    rate = same_day_completion(MONDAY, MONDAY)
    assert (rate.done, rate.total, rate.percent) == (1, 2, 50.0)
    assert (
        same_day_completion(MONDAY + dt.timedelta(days=1), MONDAY + dt.timedelta(days=1)).total == 0
    )


@pytest.mark.rules("SCH-6")
def test_the_worklist_shows_the_reminder_and_the_figure(booked, clerk, client_for, frozen_clock):
    booked(9)
    frozen_clock.move_to(at(11, 0))
    page = client_for(clerk).get("/worklist/")
    assert "SCH-6" in page.text
    assert page.context["backlog"] == 1 and page.context["same_day"].total == 1
    assert ("booked", "已预约", 1) in [(v, str(label), n) for v, label, n in page.context["tabs"]]


@pytest.mark.rules("SCH-6")
def test_the_worklist_counts_the_weekly_figure_at_most_once_a_minute(
    booked, clerk, client_for, frozen_clock
):
    booked(9)
    client = client_for(clerk)
    assert client.get("/worklist/").context["same_day"].total == 1
    booked(10)
    frozen_clock.shift(30)
    assert client.get("/worklist/").context["same_day"].total == 1  # the minute's count
    frozen_clock.shift(31)
    assert client.get("/worklist/").context["same_day"].total == 2
