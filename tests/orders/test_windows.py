"""Windows open on time and do not close early (SCH-8; issue 23, point 20): the desk opens
and closes each window on its page; an opening after the policy minutes before clinic opening
and a closing before the working day ends are flagged, counted and (early closing) told to the
leaders; sch.window_open_minutes_before sets the opening time."""

from __future__ import annotations

import pytest

from tests.orders.fixtures import at
from yiji.core import policy
from yiji.core.models import Notice, Role
from yiji.core.rulebook import RuleViolation
from yiji.orders import windows
from yiji.orders.models import WindowSession

pytestmark = pytest.mark.rules("SCH-8")


def test_the_desk_opens_and_closes_its_windows_and_lateness_is_flagged(
    clerk, client_for, frozen_clock, rooms, imaging, make_staff
):
    leader = make_staff(Role.GROUP_LEADER, name="组长")
    desk = client_for(clerk)
    frozen_clock.move_to(at(7, 54))  # clinic opens at 08:00: windows by 07:55
    page = desk.get("/windows/", HTTP_ACCEPT_LANGUAGE="zh-hans").text
    assert "登记窗口" in page and "CT一室" in page and "07:55" in page
    desk.post("/windows/", {"action": "open", "window": "登记窗口"})
    frozen_clock.move_to(at(8, 10))
    desk.post("/windows/", {"action": "open", "window": "CT一室"})
    on_time, late = WindowSession.objects.order_by("opened_at")
    assert not on_time.opened_late and late.opened_late
    twice = desk.post("/windows/", {"action": "open", "window": "CT一室"}, follow=True)
    assert "SCH-8" in twice.text and WindowSession.objects.count() == 2

    frozen_clock.move_to(at(17, 40))  # the afternoon ends at 18:00
    with pytest.raises(RuleViolation, match="SCH-8"):  # an early close says why
        windows.close_window(clerk.user, on_time)
    desk = client_for(clerk)  # the afternoon shift logs in again
    desk.post("/windows/", {"action": "close", "session": on_time.pk, "reason": "停电"})
    on_time.refresh_from_db()
    assert on_time.closed_early and on_time.close_reason == "停电"
    assert Notice.objects.filter(rule="SCH-8", recipient=leader).exists()
    frozen_clock.move_to(at(18, 5))
    desk = client_for(clerk)
    desk.post("/windows/", {"action": "close", "session": late.pk})
    late.refresh_from_db()
    assert late.closed_at and not late.closed_early
    assert windows.figures(imaging, at(0).date(), at(0).date()) == windows.WindowFigures(2, 1, 1)


def test_the_policy_sets_how_early_windows_open(clerk, frozen_clock, imaging, director, hospital):
    assert windows.opening_due(imaging, at(0).date()) == at(7, 55)
    policy.change(director.user, "sch.window_open_minutes_before", 15, hospital=hospital,
                  reason="提前15分钟")  # fmt: skip
    assert windows.opening_due(imaging, at(0).date()) == at(7, 45)
