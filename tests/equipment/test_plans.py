"""EQP-2 and EQP-8: default plans per device class with the policy intervals; due dates across
month ends and leap years and over weekends; results judged against tolerance and action
levels, a failed test opening a fault; no exam starts before the day's check (policy);
overdue plans reminded to the custodian once."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from yiji.core import calendar, policy
from yiji.core.models import Notice
from yiji.core.rulebook import RuleViolation
from yiji.equipment import plans
from yiji.equipment.models import DeviceStatus, MaintenancePlan, Outcome, PlanItem
from yiji.exams import services as room_work
from yiji.orders.checkin import Identifiers, check_in

BEIJING = dt.timezone(dt.timedelta(hours=8))
D = dt.date


@pytest.mark.rules("EQP-2")
def test_month_arithmetic_across_month_ends_and_leap_years():
    assert calendar.add_months(D(2024, 1, 31), 1) == D(2024, 2, 29)
    assert calendar.add_months(D(2025, 1, 31), 1) == D(2025, 2, 28)
    assert calendar.add_months(D(2024, 2, 29), 12) == D(2025, 2, 28)
    assert calendar.add_months(D(2027, 8, 31), 6) == D(2028, 2, 29)
    assert calendar.add_months(D(2026, 11, 30), 3) == D(2027, 2, 28)
    assert calendar.add_months(D(2026, 12, 15), 1) == D(2027, 1, 15)


@pytest.fixture
def ct_plans(ct, engineer):
    plans.create_default_plans(engineer.user, ct, D(2026, 11, 1))
    return {p.name: p for p in ct.plans.all()}


@pytest.mark.rules("EQP-2", "EQP-8")
def test_default_plans_follow_the_device_class(ct_plans, ct, engineer):
    intervals = {name: (p.kind, p.interval_months) for name, p in ct_plans.items()}
    assert intervals == {
        "开机日检": ("daily", None),
        "小保养": ("maintenance", 3),
        "大保养": ("maintenance", 6),
        "计量检定": ("calibration", 12),  # eqp.metrology_inspection_months
        "月度检查": ("qc", 1),
        "年度全面保养及参数稳定性检测": ("qc", 12),
    }
    water = ct_plans["开机日检"].items.get(name="水模CT值")
    assert (water.reference, water.tolerance, water.action) == (0, 4, 6)
    assert plans.create_default_plans(engineer.user, ct) == 0  # nothing twice


@pytest.mark.rules("EQP-2", "EQP-8")
def test_due_dates(frozen_clock, ct_plans, technologist):
    monthly, daily = ct_plans["月度检查"], ct_plans["开机日检"]
    assert plans.due_on(monthly) == D(2026, 11, 1)  # never done: its first due date
    frozen_clock.move_to(dt.datetime(2028, 1, 31, 9, 0, tzinfo=BEIJING))
    item = monthly.items.get()
    plans.record(technologist.user, monthly, [plans.Result(item, passed=True)])
    assert plans.due_on(monthly) == D(2028, 2, 29)  # leap year month end
    frozen_clock.move_to(dt.datetime(2026, 11, 28, 9, 0, tzinfo=BEIJING))  # a Saturday
    assert plans.due_on(daily) == D(2026, 11, 30)  # the next working day


@pytest.mark.rules("EQP-8", "EQP-3")
def test_results_are_judged_and_a_failure_opens_a_fault(ct_plans, ct, technologist):
    daily = ct_plans["开机日检"]
    items = {i.name: i for i in daily.items.all()}
    water = items["水模CT值"]
    assert [plans.judge(water, Decimal(v)) for v in ("3", "-4", "5", "-6", "7")] == [
        "pass", "pass", "warning", "warning", "fail",
    ]  # fmt: skip

    def answers(water_value, humidity="55"):
        return [
            plans.Result(items["水模CT值"], Decimal(water_value)),
            plans.Result(items["水模噪声"], Decimal("5.4")),
            plans.Result(items["均匀性（中心与边缘CT值差）"], Decimal("2")),
            plans.Result(items["球管预热与空气校准"], passed=True),
            plans.Result(items[plans.ROOM_TEMPERATURE], Decimal("23")),
            plans.Result(items[plans.ROOM_HUMIDITY], Decimal(humidity)),
            plans.Result(items[plans.ROOM_CLEAN], passed=True),
        ]

    with pytest.raises(RuleViolation, match="EQP-2"):
        plans.record(technologist.user, daily, answers("1")[:3])  # a test left unanswered
    warned = plans.record(technologist.user, daily, answers("5"))
    assert warned.outcome == Outcome.WARNING and warned.fault is None
    failed = plans.record(technologist.user, daily, answers("8.5"))
    assert failed.outcome == Outcome.FAIL and "水模CT值" in failed.fault.description
    ct.refresh_from_db()
    assert ct.status == DeviceStatus.FAULT


@pytest.mark.rules("EQP-2")
def test_no_exam_starts_before_the_daily_check(
    ct_plans, ct, technologist, clerk, order, items, patient, director, imaging
):
    exam = order(items["ct_head"], priority="urgent")[0]
    exam = check_in(clerk.user, exam, Identifiers(name=patient.name, patient_id=patient.patient_id))
    with pytest.raises(RuleViolation, match="EQP-2"):
        room_work.start_exam(technologist.user, exam)
    policy.change(
        director.user, "eqp.block_without_daily_check", False, hospital=imaging.hospital,
        department=imaging, reason="乡镇卫生院单机，开机检查纸质记录",
    )  # fmt: skip
    assert room_work.start_exam(technologist.user, exam).status == "in_progress"


@pytest.mark.rules("EQP-2")
def test_the_daily_check_lets_exams_start(ct_plans, ct, technologist, clerk, order, items, patient):
    daily = ct_plans["开机日检"]
    answers = [
        plans.Result(i, value=i.reference) if i.kind == "numeric" else plans.Result(i, passed=True)
        for i in daily.items.all()
    ]
    plans.record(technologist.user, daily, answers)
    exam = order(items["ct_head"], priority="urgent")[0]
    exam = check_in(clerk.user, exam, Identifiers(name=patient.name, patient_id=patient.patient_id))
    assert room_work.start_exam(technologist.user, exam).status == "in_progress"


@pytest.mark.rules("EQP-2", "EQP-8")
def test_overdue_plans_are_reminded_to_the_custodian(ct_plans, technologist):
    due = plans.due_list(technologist)
    overdue = {d.plan.name for d in due if d.overdue}
    assert overdue == {"小保养", "大保养", "计量检定", "月度检查", "年度全面保养及参数稳定性检测"}
    assert plans.remind_overdue() == 5
    assert plans.remind_overdue() == 0
    # QC and metrology are EQP-8's; the rest EQP-2's.
    assert Notice.objects.filter(recipient=technologist, rule="EQP-8").count() == 3
    assert MaintenancePlan.objects.count() == 6 and PlanItem.objects.exists()


@pytest.mark.rules("EQP-8")
def test_a_test_is_added_to_a_plan_with_its_bands(ct_plans, ct, engineer, client_for):
    monthly = ct_plans["月度检查"]
    with pytest.raises(RuleViolation, match="EQP-8"):
        plans.add_item(
            engineer.user, monthly, "层厚", "numeric", reference=Decimal("5"),
            tolerance=Decimal("1"), action=Decimal("0.5"),
        )  # fmt: skip
    client_for(engineer).post(
        f"/equipment/{ct.pk}/",
        {"action": "test", "plan": monthly.pk, "name": "层厚偏差", "kind": "numeric",
         "unit": "mm", "reference": "5", "tolerance": "0.5", "action_level": "1"},
    )  # fmt: skip
    added = monthly.items.get(name="层厚偏差")
    assert (added.reference, added.tolerance, added.action) == (5, Decimal("0.5"), 1)
    assert plans.judge(added, Decimal("5.8")) == Outcome.WARNING


@pytest.mark.rules("EQP-7", "EQP-2")
def test_the_machine_room_s_environment_is_in_the_daily_check(ct_plans, ct, technologist, engineer):
    daily = ct_plans["开机日检"]
    items = {i.name: i for i in daily.items.all()}
    humidity = items[plans.ROOM_HUMIDITY]
    assert (humidity.reference, humidity.tolerance, humidity.action) == (50, 20, 25)

    def check(temperature, relative_humidity, clean=True):
        answers = [
            plans.Result(i, value=i.reference)
            if i.kind == "numeric"
            else plans.Result(i, passed=True)
            for i in daily.items.all()
        ]
        answers = [
            a
            for a in answers
            if a.item.name not in (plans.ROOM_TEMPERATURE, plans.ROOM_HUMIDITY, plans.ROOM_CLEAN)
        ]
        answers += [
            plans.Result(items[plans.ROOM_TEMPERATURE], Decimal(temperature)),
            plans.Result(items[plans.ROOM_HUMIDITY], Decimal(relative_humidity)),
            plans.Result(items[plans.ROOM_CLEAN], passed=clean),
        ]  # fmt: skip
        return plans.record(technologist.user, daily, answers)

    assert check("24", "60").outcome == Outcome.PASS
    assert not Notice.objects.filter(rule="EQP-7").exists()
    damp = check("24", "72")  # beyond 30–70 %RH, within the action level: a reminder
    assert damp.outcome == Outcome.WARNING and damp.fault is None
    told = Notice.objects.get(rule="EQP-7", recipient=technologist)
    assert "CT一室" in told.message and "72" in told.message
    assert Notice.objects.filter(rule="EQP-7", recipient=engineer).exists()
    soaked = check("24", "80")  # beyond the action level: dried before use (a fault)
    assert soaked.outcome == Outcome.FAIL and plans.ROOM_HUMIDITY in soaked.fault.description
    # Each room's tolerance is its own: this one is kept drier, and 58 %RH is now too damp.
    PlanItem.objects.filter(pk=humidity.pk).update(reference=Decimal("45"), tolerance=Decimal("10"))
    assert plans.judge(PlanItem.objects.get(pk=humidity.pk), Decimal("58")) == Outcome.WARNING
