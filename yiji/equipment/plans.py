"""Maintenance and QC plans (EQP-2, EQP-8): the default plans of a device class with the
intervals of the policy settings, when each is due, results judged against tolerance and
action levels, a failed test opening a fault, the custodian's due list and overdue
reminders, and the rule that a device without today's start-of-day check starts no exam."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from yiji.core import audit, calendar, notices, policy
from yiji.core.accounts import staff_of
from yiji.core.models import AuditAction, Role, Room, Staff
from yiji.core.permissions import Action, require
from yiji.core.rulebook import RuleViolation, carries_out
from yiji.equipment import services
from yiji.equipment.models import (
    Device,
    DeviceStatus,
    ItemKind,
    ItemResult,
    MaintenancePlan,
    Outcome,
    PlanItem,
    PlanKind,
    PlanRecord,
)

IMAGING = {"DR", "CR", "CT", "MR", "DSA", "MG", "RF", "US"}
LARGE = {"CT", "MR", "DSA"}

# Start-of-day tests by modality: (name, kind, unit, reference, tolerance, action).
DAILY_TESTS = {
    "CT": [
        ("水模CT值", ItemKind.NUMERIC, "HU", "0", "4", "6"),
        ("水模噪声", ItemKind.NUMERIC, "HU", "5", "1", "2"),
        ("均匀性（中心与边缘CT值差）", ItemKind.NUMERIC, "HU", "0", "4", "5"),
        ("球管预热与空气校准", ItemKind.PASS_FAIL, "", None, None, None),
    ],
    "DR": [
        ("管电压准确性（偏差）", ItemKind.NUMERIC, "%", "0", "5", "10"),
        ("开机自检与探测器状态", ItemKind.PASS_FAIL, "", None, None, None),
    ],
    "MR": [
        ("中心频率漂移", ItemKind.NUMERIC, "ppm", "0", "1", "3"),
        ("信噪比（相对基线）", ItemKind.NUMERIC, "%", "100", "10", "20"),
        ("冷头与液氦状态", ItemKind.PASS_FAIL, "", None, None, None),
    ],
}
GENERIC_DAILY = [("开机自检", ItemKind.PASS_FAIL, "", None, None, None)]
# The machine room's environment, in every start-of-day check of a device in a room (EQP-7:
# 机房必须干燥通风, a damp device is dried before use): 18–26 °C and 30–70 %RH by default,
# each room's tolerances edited on its plan. Beyond the tolerance the custodian is reminded;
# beyond the action level the device is taken out of service like any failed test.
ROOM_TEMPERATURE, ROOM_HUMIDITY, ROOM_CLEAN = "机房温度", "机房相对湿度", "机房清洁、干燥通风"
ENVIRONMENT_TESTS = [
    (ROOM_TEMPERATURE, ItemKind.NUMERIC, "°C", "22", "4", "6"),
    (ROOM_HUMIDITY, ItemKind.NUMERIC, "%RH", "50", "20", "25"),
    (ROOM_CLEAN, ItemKind.PASS_FAIL, "", None, None, None),
]


def last_done(plan: MaintenancePlan) -> dt.date | None:
    record = plan.records.order_by("-done_on").first()
    return record.done_on if record else None


def due_on(plan: MaintenancePlan, today: dt.date | None = None) -> dt.date:
    """When the plan is next due: a daily check every working day; otherwise the interval
    after the last time it was done (or its first due date)."""
    today = today or timezone.localdate()
    done = last_done(plan)
    if plan.kind == PlanKind.DAILY_CHECK:
        day = today if done is None or done < today else today + dt.timedelta(days=1)
        while not calendar.is_working_day(day):
            day += dt.timedelta(days=1)
        return max(day, plan.starts_on)
    if done is None:
        return plan.starts_on
    if plan.interval_months:
        return calendar.add_months(done, plan.interval_months)
    return done + dt.timedelta(days=plan.interval_days)


def _intervals(device: Device) -> list[tuple[str, str, int | None, int | None]]:
    """(name, kind, months, days) of a device class's default plans (INDICATORS.md)."""
    dept = device.department

    def months(key: str) -> int:
        return policy.value(key, department=dept)

    plans = []
    if device.modality in IMAGING:
        plans.append(("开机日检", PlanKind.DAILY_CHECK, None, None))
        plans.append(
            ("小保养", PlanKind.MAINTENANCE, months("eqp.radiology_minor_service_months"), None)
        )
        plans.append(
            ("大保养", PlanKind.MAINTENANCE, months("eqp.radiology_major_service_months"), None)
        )
        # Compulsory verification by an accredited metrology body (US-EQ-01 for ultrasound;
        # radiation equipment likewise): a plan of its own, recorded with the certificate.
        plans.append(
            ("计量检定", PlanKind.CALIBRATION, months("eqp.metrology_inspection_months"), None)
        )
    if device.large or device.modality in LARGE:
        plans.append(("月度检查", PlanKind.QC, months("eqp.large_equipment_check_months"), None))
        plans.append(
            ("年度全面保养及参数稳定性检测", PlanKind.QC,
             months("eqp.large_equipment_full_service_months"), None)
        )  # fmt: skip
    if device.modality == "ECG":
        plans.append(("心电图机月检", PlanKind.QC, months("eqp.ecg_check_months"), None))
    if not device.modality or device.modality not in IMAGING | {"ECG"}:
        plans.append(
            (
                "试剂与仪器校准",
                PlanKind.CALIBRATION,
                months("eqp.calibration_interval_months"),
                None,
            )
        )
    return plans


@carries_out("EQP-2", "EQP-8")
def create_default_plans(actor, device: Device, starts_on: dt.date | None = None) -> int:
    """The plans a device of its class must have, with the policy's intervals; plans it
    already has (by name) are left alone."""
    require(actor, Action.MANAGE_EQUIPMENT)
    starts_on = starts_on or timezone.localdate()
    made = 0
    with transaction.atomic():
        for name, kind, months, days in _intervals(device):
            plan, created = MaintenancePlan.objects.get_or_create(
                device=device,
                name=name,
                defaults={"kind": kind, "interval_months": months, "interval_days": days,
                          "starts_on": starts_on},
            )  # fmt: skip
            if not created:
                continue
            made += 1
            tests = DAILY_TESTS.get(device.modality, GENERIC_DAILY) if kind == "daily" else []
            if kind == "daily" and device.room_id:
                tests = tests + ENVIRONMENT_TESTS
            tests = tests or [("按厂家保养规程逐项完成", ItemKind.PASS_FAIL, "", None, None, None)]
            for position, (test, item_kind, unit, ref, tol, act) in enumerate(tests):
                PlanItem.objects.create(
                    plan=plan, name=test, kind=item_kind, unit=unit, position=position,
                    reference=Decimal(ref) if ref else None,
                    tolerance=Decimal(tol) if tol else None,
                    action=Decimal(act) if act else None,
                )  # fmt: skip
        audit.record(actor, AuditAction.UPDATE, device, after={"plans": made})
    return made


@carries_out("EQP-8")
def add_item(
    actor,
    plan: MaintenancePlan,
    name: str,
    kind: str,
    *,
    unit: str = "",
    reference: Decimal | None = None,
    tolerance: Decimal | None = None,
    action: Decimal | None = None,
) -> PlanItem:
    """A test added to a plan (a QC test the device's manufacturer or the regulator asks for);
    the action level, where given, lies outside the tolerance."""
    require(actor, Action.MANAGE_EQUIPMENT)
    if not name.strip() or kind not in ItemKind.values:
        raise RuleViolation("EQP-8", "请填写检测项目和类型。", "Give the test and its kind.")
    if kind == ItemKind.NUMERIC:
        bands = [b for b in (tolerance, action) if b is not None]
        if reference is None or tolerance is None or any(b < 0 for b in bands):
            raise RuleViolation(
                "EQP-8",
                "测量项目须填写基准值和容差（不能为负）。",
                "A measured test needs a reference and a tolerance (not negative).",
                field="tolerance",
            )
        if action is not None and action < tolerance:
            raise RuleViolation(
                "EQP-8",
                "干预水平须不小于容差。",
                "The action level lies outside the tolerance.",
                field="action",
            )
    position = plan.items.count()
    item = PlanItem.objects.create(
        plan=plan, name=name.strip()[:100], kind=kind, unit=unit.strip()[:16],
        reference=reference, tolerance=tolerance, action=action, position=position,
    )  # fmt: skip
    audit.record(actor, AuditAction.CREATE, item)
    return item


def judge(item: PlanItem, value: Decimal | None = None, passed: bool | None = None) -> str:
    """Pass, warning or fail for one result."""
    if item.kind == ItemKind.PASS_FAIL:
        return Outcome.PASS if passed else Outcome.FAIL
    if item.reference is None:
        return Outcome.PASS
    deviation = abs(value - item.reference)
    if item.tolerance is None or deviation <= item.tolerance:
        return Outcome.PASS
    if item.action is not None and deviation <= item.action:
        return Outcome.WARNING
    return Outcome.FAIL


@dataclass(frozen=True)
class Result:
    item: PlanItem
    value: Decimal | None = None
    passed: bool | None = None


@carries_out("EQP-2", "EQP-8")
def record(actor, plan: MaintenancePlan, results: list[Result], note: str = "") -> PlanRecord:
    """The plan done today, every test answered. A failed test opens a fault on the device
    (and so takes it out of service); a warning is kept and shown."""
    require(actor, Action.REPORT_FAULT)
    items = list(plan.items.all())
    given = {r.item.pk: r for r in results}
    for item in items:
        result = given.get(item.pk)
        missing = result is None or (
            result.value is None if item.kind == ItemKind.NUMERIC else result.passed is None
        )
        if missing:
            raise RuleViolation(
                "EQP-8" if plan.kind in (PlanKind.QC, PlanKind.CALIBRATION) else "EQP-2",
                f"请填写“{item.name}”的结果。",
                f"Enter the result of {item.name}.",
                field=f"item_{item.pk}",
            )
    outcomes = {item.pk: judge(item, given[item.pk].value, given[item.pk].passed) for item in items}
    worst = (
        Outcome.FAIL
        if Outcome.FAIL in outcomes.values()
        else (Outcome.WARNING if Outcome.WARNING in outcomes.values() else Outcome.PASS)
    )
    with transaction.atomic():
        done = PlanRecord.objects.create(
            plan=plan,
            done_on=timezone.localdate(),
            done_by=staff_of(actor, "EQP-2"),
            outcome=worst,
            note=note.strip()[:300],
        )
        for item in items:
            ItemResult.objects.create(
                record=done, item=item, value=given[item.pk].value,
                passed=given[item.pk].passed, outcome=outcomes[item.pk],
            )  # fmt: skip
        _remind_environment(plan, done, [i for i in items if outcomes[i.pk] == Outcome.WARNING])
        if worst == Outcome.FAIL:
            failed = "、".join(i.name for i in items if outcomes[i.pk] == Outcome.FAIL)
            done.fault = services.report_fault(actor, plan.device, f"{plan.name}未通过：{failed}")
            done.save(update_fields=["fault"])
        audit.record(actor, AuditAction.CREATE, done)
    return done


@carries_out("EQP-7")
def _remind_environment(plan: MaintenancePlan, done: PlanRecord, warned: list[PlanItem]):
    """A machine room's temperature or humidity out of its tolerance: the custodian and the
    engineers are told, once per check."""
    names = {ROOM_TEMPERATURE, ROOM_HUMIDITY}
    out = [i for i in warned if i.name in names]
    if not out:
        return
    device = plan.device
    where = device.room.name if device.room_id else device.name
    readings = "、".join(
        f"{i.name}{done.results.get(item=i).value.normalize()}{i.unit}" for i in out
    )
    recipients = [device.custodian] if device.custodian_id else []
    notices.notify(
        recipients + notices.holders(Role.ENGINEER, device.department), "EQP-7",
        f"room-env:{done.pk}", f"{where}{readings}，超出允许范围，请通风、除湿或调节空调。",
        f"/equipment/{device.pk}/",
    )  # fmt: skip


def daily_check_missing(device: Device, today: dt.date | None = None) -> MaintenancePlan | None:
    """The device's start-of-day check plan when it has not been done today."""
    today = today or timezone.localdate()
    plan = device.plans.filter(kind=PlanKind.DAILY_CHECK, active=True).first()
    if plan is None or plan.records.filter(done_on=today).exists():
        return None
    return plan


@carries_out("EQP-2")
def unchecked_device_in(room: Room) -> Device | None:
    """With the policy on, a device of the room whose daily check is not recorded today."""
    for device in Device.objects.filter(room=room, status=DeviceStatus.IN_USE):
        if policy.value("eqp.block_without_daily_check", department=device.department) and (
            daily_check_missing(device)
        ):
            return device
    return None


@dataclass(frozen=True)
class Due:
    plan: MaintenancePlan
    due: dt.date

    @property
    def overdue(self) -> bool:
        return self.due < timezone.localdate()


def due_list(custodian: Staff | None = None, within_days: int = 0) -> list[Due]:
    """Plans due by today (plus `within_days`), for one custodian or all, soonest first."""
    today = timezone.localdate()
    plans = (
        MaintenancePlan.objects.filter(active=True)
        .exclude(device__status=DeviceStatus.RETIRED)
        .select_related("device__custodian")
    )
    if custodian is not None:
        plans = plans.filter(device__custodian=custodian)
    horizon = today + dt.timedelta(days=within_days)
    found = [Due(plan, due_on(plan, today)) for plan in plans]
    return sorted((d for d in found if d.due <= horizon), key=lambda d: (d.due, d.plan.pk))


@carries_out("EQP-2", "EQP-8")
def remind_overdue() -> int:
    """Each overdue plan is reminded to its custodian once per due date."""
    sent = 0
    for due in due_list():
        if not due.overdue:
            continue
        device = due.plan.device
        sent += notices.notify(
            [device.custodian],
            "EQP-8" if due.plan.kind in (PlanKind.QC, PlanKind.CALIBRATION) else "EQP-2",
            f"eqp2:{due.plan.pk}:{due.due:%Y%m%d}",
            f"{device.name}的“{due.plan.name}”应于{due.due}完成，已逾期。",
            url=f"/equipment/{device.pk}/",
        )
    return sent
