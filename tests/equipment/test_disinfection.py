"""EQP-7: every room has a routine disinfection at the policy interval; a disinfection record
(method, disinfectant, who) resets it; an overdue room is reminded once to its device
custodians, or to the group leaders and director; the hold after an infectious patient shows
as due now."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.orders.fixtures import at
from yiji.core.models import Notice
from yiji.exams import disinfection
from yiji.exams import services as room_work
from yiji.exams.models import Disinfection


def _row(room):
    return next(r for r in disinfection.schedule() if r.room == room)


@pytest.mark.rules("EQP-7")
def test_routine_disinfection_is_due_reminded_and_recorded(
    frozen_clock, ct, rooms, technologist, director
):
    ct_room = rooms["CT1"]
    assert _row(ct_room).overdue  # never disinfected
    done = room_work.record_disinfection(
        technologist.user, ct_room, "擦拭消毒", "含氯消毒剂500mg/L"
    )
    assert (done.agent, done.after_exam) == ("含氯消毒剂500mg/L", None)
    assert _row(ct_room).due == dt.date(2026, 11, 30) and not _row(ct_room).overdue
    frozen_clock.move_to(at(8, 0, days=1))
    sent = disinfection.remind_overdue()
    assert sent >= 1 and disinfection.remind_overdue() == 0
    told = set(Notice.objects.filter(rule="EQP-7").values_list("recipient", flat=True))
    assert technologist.pk not in told  # CT1 is not overdue; the others go to the director
    assert director.pk in told
    frozen_clock.move_to(at(8, 0, days=8))
    disinfection.remind_overdue()
    assert Notice.objects.filter(rule="EQP-7", recipient=technologist).exists()


@pytest.mark.rules("EQP-7", "EXM-5")
def test_the_infectious_hold_shows_as_due_now(rooms, client_for, technologist, director):
    Disinfection.objects.create(room=rooms["DR1"])
    row = _row(rooms["DR1"])
    assert row.pending_hold and row.overdue
    response = client_for(technologist).post(
        f"/rooms/{rooms['DR1'].pk}/disinfect/",
        {"method": "紫外线照射30分钟", "agent": "", "next": "rooms"},
    )
    assert response.url == "/rooms/disinfection/"
    assert not _row(rooms["DR1"]).pending_hold
    page = client_for(director).get("/rooms/disinfection/")
    shown = {row.room.code: row.due for row in page.context["rows"]}
    assert shown["DR1"] == dt.date(2026, 11, 30) and "DR一室" in page.content.decode()
