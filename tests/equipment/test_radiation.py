"""RAD-4..6: protective equipment inspected at the policy interval (a failure withdraws the
item), reminders when an inspection or a drill is overdue, area measurements above the limit
sent to the director at once; the page records each."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from yiji.core.models import Notice
from yiji.core.rulebook import RuleViolation
from yiji.equipment import radiation
from yiji.equipment.models import AreaMeasurement, EmergencyPlan, ProtectiveItem

BEIJING = dt.timezone(dt.timedelta(hours=8))


@pytest.fixture
def apron(imaging):
    return ProtectiveItem.objects.create(
        department=imaging, kind="apron", label="铅衣-01", lead_mm=Decimal("0.5"),
        acquired_on=dt.date(2025, 11, 1),
    )  # fmt: skip


@pytest.mark.rules("RAD-4")
def test_protective_equipment_is_inspected_and_a_failure_withdraws_it(
    frozen_clock, apron, engineer, director, imaging
):
    (row,) = radiation.inspection_schedule()
    assert row.due == dt.date(2026, 11, 1) and row.overdue  # 12 months after acquisition
    assert radiation.remind_due() == 2  # the engineer and the director
    assert radiation.remind_due() == 0
    with pytest.raises(RuleViolation, match="RAD-4"):
        radiation.inspect(engineer.user, apron, False, "X线透视")  # a failure needs a finding
    radiation.inspect(engineer.user, apron, True, "目视检查＋X线透视")
    (row,) = radiation.inspection_schedule()
    assert row.due == dt.date(2027, 11, 23) and not row.overdue
    radiation.inspect(engineer.user, apron, False, "X线透视", "腰部铅层断裂")
    apron.refresh_from_db()
    assert apron.withdrawn_on == dt.date(2026, 11, 23) and radiation.inspection_schedule() == []


@pytest.mark.rules("RAD-5")
def test_drills_are_recorded_and_reminded(frozen_clock, engineer, director, imaging):
    plan = EmergencyPlan.objects.create(
        department=imaging, title="辐射事故应急预案", version="2025",
        text="发现事故立即停机、撤离、报告。", approved_on=dt.date(2025, 6, 1),
    )  # fmt: skip
    assert radiation.drill_due(plan) == dt.date(2026, 6, 1)
    assert radiation.remind_due() == 2
    with pytest.raises(RuleViolation, match="RAD-5"):
        radiation.record_drill(engineer.user, plan, dt.date(2026, 11, 20), "", "", "")
    radiation.record_drill(
        engineer.user,
        plan,
        dt.date(2026, 11, 20),
        "CT机房卡源模拟",
        "全科技师12人",
        "撤离用时4分钟",
    )
    assert radiation.drill_due(plan) == dt.date(2027, 11, 20)


@pytest.mark.rules("RAD-6")
def test_a_measurement_above_the_limit_is_reported_at_once(engineer, director, rooms):
    low = radiation.record_measurement(
        engineer.user, rooms["CT1"], "控制室观察窗", Decimal("0.3"), dt.date(2026, 11, 20)
    )
    high = radiation.record_measurement(
        engineer.user, rooms["CT1"], "防护门缝", Decimal("3.1"), dt.date(2026, 11, 20)
    )
    assert (low.exceeded, high.exceeded, high.limit) == (False, True, Decimal("2.5"))
    notice = Notice.objects.get(rule="RAD-6", recipient=director)
    assert "防护门缝" in notice.message and "2.5" in notice.message
    with pytest.raises(RuleViolation, match="RAD-6"):
        radiation.record_measurement(
            engineer.user, rooms["CT1"], "门", Decimal("0.1"), dt.date(2026, 11, 24)
        )


@pytest.mark.rules("RAD-4", "RAD-6")
def test_the_radiation_page(engineer, imaging, rooms, client_for, technologist):
    client = client_for(engineer)
    client.post(
        "/equipment/radiation/",
        {"action": "item", "department": imaging.pk, "kind": "collar", "label": "围脖-03",
         "lead_mm": "0.35"},
    )  # fmt: skip
    item = ProtectiveItem.objects.get(label="围脖-03")
    client.post("/equipment/radiation/", {"action": "inspect", "item": item.pk, "passed": "yes",
                                          "method": "目视"})  # fmt: skip
    refused = client.post(
        "/equipment/radiation/",
        {"action": "measure", "room": rooms["CT1"].pk, "point": "门", "dose_rate": "abc"},
        follow=True,
    )
    assert "RAD-6" in refused.content.decode()
    client.post(
        "/equipment/radiation/",
        {"action": "measure", "room": rooms["CT1"].pk, "point": "门", "dose_rate": "0.2"},
    )
    assert AreaMeasurement.objects.count() == 1 and item.inspections.count() == 1
    page = client_for(technologist).get("/equipment/radiation/")
    assert page.status_code == 200 and "围脖-03" in page.content.decode()
    denied = client_for(technologist).post(
        "/equipment/radiation/",
        {"action": "item", "department": imaging.pk, "kind": "apron", "label": "铅衣-99",
         "lead_mm": "0.5"},
    )  # fmt: skip
    assert denied.status_code == 403
