"""Radiation protection records: protective equipment with its periodic inspections (RAD-4),
the emergency plan and its drills (RAD-5), and area radiation monitoring against the limit
(RAD-6)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from yiji.core import audit, notices, policy
from yiji.core.accounts import staff_of
from yiji.core.calendar import add_months
from yiji.core.models import AuditAction, Department, Role, Room
from yiji.core.permissions import Action, require
from yiji.core.rulebook import RuleViolation, carries_out
from yiji.equipment.models import (
    AreaMeasurement,
    Drill,
    EmergencyPlan,
    ProtectiveInspection,
    ProtectiveItem,
    ProtectiveKind,
)


def _not_future(day: dt.date, rule: str) -> None:
    if day > timezone.localdate():
        raise RuleViolation(rule, "日期不能晚于今天。", "The date cannot be in the future.")


@carries_out("RAD-4")
def add_protective_item(
    actor, department, kind: str, label: str, lead_mm: Decimal | None, acquired_on: dt.date
) -> ProtectiveItem:
    require(actor, Action.MANAGE_EQUIPMENT)
    if kind not in ProtectiveKind.values or not label.strip() or lead_mm is None or lead_mm <= 0:
        raise RuleViolation(
            "RAD-4",
            "请填写类别、编号和铅当量。",
            "Give the kind, the label and the lead equivalent.",
        )
    if ProtectiveItem.objects.filter(label=label.strip()).exists():
        raise RuleViolation("RAD-4", "该编号已登记。", "This label is taken.", field="label")
    _not_future(acquired_on, "RAD-4")
    item = ProtectiveItem.objects.create(
        department=department, kind=kind, label=label.strip()[:50], lead_mm=lead_mm,
        acquired_on=acquired_on,
    )  # fmt: skip
    audit.record(actor, AuditAction.CREATE, item)
    return item


@carries_out("RAD-5")
def add_plan(
    actor, department, title: str, version: str, text: str, approved_on: dt.date
) -> EmergencyPlan:
    """The emergency plan as a document; a new version is a new plan, the drills stay with
    the version they drilled."""
    require(actor, Action.MANAGE_EQUIPMENT)
    if not (title.strip() and text.strip()):
        raise RuleViolation("RAD-5", "请填写预案名称和内容。", "Give the title and the text.")
    _not_future(approved_on, "RAD-5")
    plan = EmergencyPlan.objects.create(
        department=department, title=title.strip()[:100], version=version.strip()[:20] or "1.0",
        text=text.strip(), approved_on=approved_on,
    )  # fmt: skip
    audit.record(actor, AuditAction.CREATE, plan)
    return plan


@dataclass(frozen=True)
class ItemDue:
    item: ProtectiveItem
    last: ProtectiveInspection | None
    due: dt.date

    @property
    def overdue(self) -> bool:
        return self.due < timezone.localdate()


@carries_out("RAD-4")
def inspection_schedule(department=None) -> list[ItemDue]:
    """Protective items in use, each with its last inspection and the next due date."""
    items = ProtectiveItem.objects.filter(withdrawn_on__isnull=True).select_related("department")
    if department is not None:
        items = items.filter(department=department)
    rows = []
    for item in items.prefetch_related("inspections"):
        last = next(iter(item.inspections.all()), None)
        months = policy.value(
            "rad.protective_equipment_inspection_months", department=item.department
        )
        start = last.inspected_on if last else item.acquired_on
        rows.append(ItemDue(item, last, add_months(start, months)))
    return sorted(rows, key=lambda r: (r.due, r.item.label))


@carries_out("RAD-4")
def inspect(
    actor, item: ProtectiveItem, passed: bool, method: str, finding: str = ""
) -> ProtectiveInspection:
    """An inspection (visual and by X-ray screening); a failed item is withdrawn at once."""
    require(actor, Action.MANAGE_EQUIPMENT)
    if not method.strip():
        raise RuleViolation("RAD-4", "请填写检查方法。", "Record the method.", field="method")
    if not passed and not finding.strip():
        raise RuleViolation(
            "RAD-4", "不合格须写明发现的问题。", "Describe what failed.", field="finding"
        )
    with transaction.atomic():
        inspection = ProtectiveInspection.objects.create(
            item=item,
            inspected_on=timezone.localdate(),
            passed=passed,
            method=method.strip(),
            finding=finding.strip(),
            inspected_by=staff_of(actor, "RAD-4"),
        )
        if not passed:
            item.withdrawn_on = timezone.localdate()
            item.save(update_fields=["withdrawn_on"])
        audit.record(actor, AuditAction.CREATE, inspection)
    return inspection


@carries_out("RAD-6")
def record_measurement(
    actor, room: Room, point: str, dose_rate: Decimal, measured_on: dt.date, instrument: str = ""
) -> AreaMeasurement:
    """A measurement kept with the limit in force; one above it is sent to the director and
    the engineers at once."""
    require(actor, Action.MANAGE_EQUIPMENT)
    if not point.strip() or dose_rate is None or dose_rate < 0:
        raise RuleViolation(
            "RAD-6",
            "请填写测量点和剂量率。",
            "Give the point and the dose rate.",
            field="dose_rate",
        )
    _not_future(measured_on, "RAD-6")
    limit = policy.value("rad.area_dose_rate_limit_usv_h", department=room.department)
    measurement = AreaMeasurement.objects.create(
        room=room,
        measured_on=measured_on,
        point=point.strip(),
        dose_rate=dose_rate,
        limit=limit,
        instrument=instrument.strip(),
        measured_by=staff_of(actor, "RAD-6"),
    )
    audit.record(actor, AuditAction.CREATE, measurement)
    if measurement.exceeded:
        department = room.department
        notices.notify(
            notices.holders(Role.DIRECTOR, department) + notices.holders(Role.ENGINEER, department),
            "RAD-6",
            f"rad6:{measurement.pk}",
            f"{room.name}{measurement.point}剂量率{dose_rate} μSv/h，超过控制值{limit} μSv/h。",
            url="/equipment/radiation/",
        )
    return measurement


@carries_out("RAD-5")
def record_drill(
    actor, plan: EmergencyPlan, held_on: dt.date, scenario: str, participants: str, findings: str
) -> Drill:
    require(actor, Action.MANAGE_EQUIPMENT)
    if not (scenario.strip() and participants.strip()):
        raise RuleViolation(
            "RAD-5", "请填写演练场景和参加人员。", "Give the scenario and who took part."
        )
    _not_future(held_on, "RAD-5")
    drill = Drill.objects.create(
        plan=plan,
        held_on=held_on,
        scenario=scenario.strip(),
        participants=participants.strip(),
        findings=findings.strip(),
        recorded_by=staff_of(actor, "RAD-5"),
    )
    audit.record(actor, AuditAction.CREATE, drill)
    return drill


def drill_due(plan: EmergencyPlan) -> dt.date:
    last = plan.drills.order_by("-held_on").first()
    months = policy.value("rad.emergency_drill_interval_months")
    return add_months(last.held_on if last else plan.approved_on, months)


@carries_out("RAD-4", "RAD-5")
def remind_due() -> int:
    """Protective items past their inspection and plans past their drill, once per due date,
    to the department's engineers and director."""
    sent = 0

    def tell(department: Department, key: str, rule: str, message: str) -> int:
        people = notices.holders(Role.ENGINEER, department) + notices.holders(
            Role.DIRECTOR, department
        )
        return notices.notify(people, rule, key, message, url="/equipment/radiation/")

    for row in inspection_schedule():
        if row.overdue:
            sent += tell(
                row.item.department,
                f"rad4:{row.item.pk}:{row.due:%Y%m%d}",
                "RAD-4",
                f"{row.item}应于{row.due}进行防护性能检查，已逾期。",
            )
    today = timezone.localdate()
    for plan in EmergencyPlan.objects.select_related("department"):
        due = drill_due(plan)
        if due < today:
            sent += tell(
                plan.department,
                f"rad5:{plan.pk}:{due:%Y%m%d}",
                "RAD-5",
                f"{plan.title}应于{due}前进行演练，尚未记录。",
            )
    return sent
