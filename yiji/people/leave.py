"""Leave (STF-3): requested in advance (sick leave may follow within the policy days), within
the year's balance, approved in order by the group leader and — beyond the leader's limit —
the director, each approval an electronic signature. Approved leave blocks rostering."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from yiji.core import accounts, audit, notices, policy
from yiji.core.accounts import home_department, staff_of
from yiji.core.calendar import is_working_day
from yiji.core.models import AuditAction, CredentialKind, Role, Staff
from yiji.core.permissions import Action, may, require, roles_of
from yiji.core.rulebook import RuleViolation, carries_out
from yiji.people.models import (
    Duty,
    LeaveDecision,
    LeaveEntitlement,
    LeaveKind,
    LeaveRequest,
    LeaveStatus,
)

LEADER, DIRECTOR = "leader", "director"
STEP_ROLES = {
    LEADER: {Role.GROUP_LEADER, Role.DEPUTY_DIRECTOR, Role.DIRECTOR},
    DIRECTOR: {Role.DIRECTOR, Role.DEPUTY_DIRECTOR},
}
# Leave with a fixed yearly allowance; sick and personal leave are counted, not capped.
ALLOWANCE_SETTINGS = {
    LeaveKind.ANNUAL: "stf.annual_leave_days",
    LeaveKind.MARRIAGE: "stf.marriage_leave_days",
    LeaveKind.MATERNITY: "stf.maternity_leave_days",
    LeaveKind.HEALTH: "rad.health_leave_days",
}


def is_radiation_worker(staff: Staff) -> bool:
    return staff.credentials.filter(kind=CredentialKind.RADIATION_TRAINING).exists()


def entitlement(staff: Staff, year: int, kind: str) -> int | None:
    """The year's days of a kind of leave, or None where the kind has no allowance."""
    own = LeaveEntitlement.objects.filter(staff=staff, year=year, kind=kind).first()
    if own:
        return own.days
    if kind == LeaveKind.HEALTH and not is_radiation_worker(staff):
        return 0  # health leave is for radiation workers (RAD-3)
    key = ALLOWANCE_SETTINGS.get(kind)
    return policy.value(key, department=home_department(staff)) if key else None


@carries_out("STF-3")
def set_entitlement(actor, staff: Staff, year: int, kind: str, days: int | None):
    """A person's own allowance of a kind of leave for a year (seniority, say), instead of the
    policy's; audited."""
    require(actor, Action.MANAGE_STAFF)
    if kind not in ALLOWANCE_SETTINGS or days is None or not (0 <= days <= 365):
        raise RuleViolation(
            "STF-3",
            "请选择有额度的假别并填写0至365天。",
            "Choose a leave type with an allowance; 0-365 days.",
        )
    if not 2000 <= year <= 2100:
        raise RuleViolation("STF-3", "年份无效。", "Not a year.", field="year")
    row, _created = LeaveEntitlement.objects.update_or_create(
        staff=staff, year=year, kind=kind, defaults={"days": days}
    )
    audit.record(actor, AuditAction.UPDATE, row, after={"days": days})
    return row


def used(staff: Staff, year: int, kind: str) -> int:
    """Days approved or awaiting approval, counted against the year the leave starts in."""
    total = LeaveRequest.objects.filter(
        staff=staff, kind=kind, first_day__year=year,
        status__in=[LeaveStatus.PENDING, LeaveStatus.APPROVED],
    ).aggregate(days=Sum("days"))["days"]  # fmt: skip
    return total or 0


def balance(staff: Staff, year: int, kind: str) -> int | None:
    allowed = entitlement(staff, year, kind)
    return None if allowed is None else allowed - used(staff, year, kind)


def count_days(kind: str, first: dt.date, last: dt.date) -> int:
    """Annual leave counts working days (holidays and weekends are not taken from it);
    the other kinds count calendar days."""
    span = [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]
    if kind == LeaveKind.ANNUAL:
        return sum(1 for day in span if is_working_day(day))
    return len(span)


def _steps(staff: Staff, days: int) -> list[str]:
    held = {a.role for a in staff.role_assignments.all()}
    if held & {Role.DIRECTOR, Role.DEPUTY_DIRECTOR, Role.GROUP_LEADER}:
        return [DIRECTOR]
    limit = policy.value("stf.leave_leader_max_days", department=home_department(staff))
    return [LEADER] if days <= limit else [LEADER, DIRECTOR]


@carries_out("STF-3")
def request_leave(
    actor, staff: Staff, kind: str, first: dt.date, last: dt.date, reason: str
) -> LeaveRequest:
    require(actor, Action.VIEW_ROSTER)
    if staff_of(actor, "STF-3").pk != staff.pk and not may(actor, Action.APPROVE_LEAVE):
        raise RuleViolation("STF-3", "只能为本人请假。", "You request leave for yourself only.")
    if kind not in LeaveKind.values or first is None or last is None or last < first:
        raise RuleViolation(
            "STF-3", "请选择假别并填写起止日期。", "Choose the leave type and the dates."
        )
    if not reason.strip():
        raise RuleViolation("STF-3", "请填写请假事由。", "Give the reason.", field="reason")
    today = timezone.localdate()
    late_days = policy.value("stf.sick_leave_late_days", department=home_department(staff))
    if kind == LeaveKind.SICK:
        if first < today - dt.timedelta(days=late_days):
            raise RuleViolation(
                "STF-3",
                f"病假须在开始后{late_days}天内补办。",
                f"Sick leave is requested within {late_days} days of its start.",
                field="first_day",
            )
    elif first <= today:
        raise RuleViolation(
            "STF-3",
            "请假须事先申请并经批准，不能当天或事后补假。",
            "Leave is requested and approved in advance, not on the day or after.",
            field="first_day",
        )
    days = count_days(kind, first, last)
    if days == 0:
        raise RuleViolation("STF-3", "所选日期均为休息日。", "Those days are all days off.")
    with transaction.atomic():
        Staff.objects.select_for_update().get(pk=staff.pk)
        overlap = LeaveRequest.objects.filter(
            staff=staff, status__in=[LeaveStatus.PENDING, LeaveStatus.APPROVED],
            first_day__lte=last, last_day__gte=first,
        )  # fmt: skip
        if overlap.exists():
            raise RuleViolation(
                "STF-3", "与已有请假日期重叠。", "This overlaps another leave request."
            )
        left = balance(staff, first.year, kind)
        if left is not None and days > left:
            raise RuleViolation(
                "STF-3",
                f"{LeaveKind(kind).label}余额不足：剩余{left}天，申请{days}天。",
                f"Not enough {kind} leave left: {left} days, {days} asked.",
                field="days",
                data={"balance": left},
            )
        leave = LeaveRequest.objects.create(
            staff=staff, kind=kind, first_day=first, last_day=last, days=days,
            reason=reason.strip()[:300], steps=_steps(staff, days),
        )  # fmt: skip
        audit.record(actor, AuditAction.CREATE, leave)
    _tell_approvers(leave)
    return leave


def approvers(leave: LeaveRequest) -> list[Staff]:
    if leave.status != LeaveStatus.PENDING or not leave.steps:
        return []
    department = home_department(leave.staff)
    people: list[Staff] = []
    for role in sorted(STEP_ROLES[leave.steps[0]]):
        people += notices.holders(role, department)
    return [p for p in {p.pk: p for p in people}.values() if p.pk != leave.staff_id]


def _tell_approvers(leave: LeaveRequest) -> None:
    notices.notify(
        approvers(leave), "STF-3", f"leave:{leave.pk}:{len(leave.steps)}",
        f"{leave.staff.name}申请{leave.get_kind_display()}{leave.days}天"
        f"（{leave.first_day}至{leave.last_day}），待批准。", "/people/leave/",
    )  # fmt: skip


@carries_out("STF-3")
def decide(actor, leave: LeaveRequest, approved: bool, secret: str, note: str = ""):
    """The next approver in the chain approves or rejects, signing electronically."""
    require(actor, Action.APPROVE_LEAVE)
    approver = staff_of(actor, "STF-3")
    if leave.status != LeaveStatus.PENDING or not leave.steps:
        raise RuleViolation("STF-3", "该请假已处理。", "This leave request is already decided.")
    step = leave.steps[0]
    if approver.pk == leave.staff_id:
        raise RuleViolation("STF-3", "不能批准本人的请假。", "Nobody approves their own leave.")
    if not roles_of(actor) & STEP_ROLES[step]:
        raise RuleViolation(
            "STF-3",
            "超过组长审批天数的请假须由科主任批准。",
            "Leave beyond the group leader's limit is approved by the director.",
        )
    if not approved and not note.strip():
        raise RuleViolation("STF-3", "不批准须说明理由。", "Say why it is refused.", field="note")
    with transaction.atomic():
        leave = LeaveRequest.objects.select_for_update().get(pk=leave.pk)
        try:
            signature = accounts.sign(actor, secret, "请假审批", leave)
        except accounts.SignatureRefused as exc:
            raise RuleViolation("STF-3", str(exc), str(exc), field="signature") from exc
        LeaveDecision.objects.create(
            request=leave, step=step, approver=approver, approved=approved,
            note=note.strip()[:300], signature=signature,
        )  # fmt: skip
        leave.steps = leave.steps[1:] if approved else []
        if not approved:
            leave.status = LeaveStatus.REJECTED
        elif not leave.steps:
            leave.status = LeaveStatus.APPROVED
        leave.save(update_fields=["steps", "status"])
        audit.record(actor, AuditAction.UPDATE, leave, after={"status": leave.status, "step": step})
    if leave.status == LeaveStatus.PENDING:
        _tell_approvers(leave)
    else:
        outcome = "已批准" if leave.status == LeaveStatus.APPROVED else "未批准"
        notices.notify(
            [leave.staff], "STF-3", f"leave-done:{leave.pk}",
            f"您的{leave.get_kind_display()}（{leave.first_day}至{leave.last_day}）{outcome}。",
            "/people/leave/",
        )  # fmt: skip
    return leave


@carries_out("STF-3")
def cancel(actor, leave: LeaveRequest) -> LeaveRequest:
    require(actor, Action.VIEW_ROSTER)
    if staff_of(actor, "STF-3").pk != leave.staff_id and not may(actor, Action.APPROVE_LEAVE):
        raise RuleViolation("STF-3", "只能撤销本人的请假。", "You cancel your own leave only.")
    if leave.status not in (LeaveStatus.PENDING, LeaveStatus.APPROVED):
        raise RuleViolation("STF-3", "该请假已结束。", "This request is closed.")
    if leave.first_day <= timezone.localdate() and leave.status == LeaveStatus.APPROVED:
        raise RuleViolation(
            "STF-3", "已开始的假期不能撤销。", "Leave that has begun cannot be cancelled."
        )
    leave.status = LeaveStatus.CANCELLED
    leave.steps = []
    leave.save(update_fields=["status", "steps"])
    audit.record(actor, AuditAction.UPDATE, leave, after={"status": leave.status})
    return leave


def duties_during(leave: LeaveRequest):
    """Rostered duties that fall in approved leave: the roster maker reassigns them."""
    return Duty.objects.filter(
        staff=leave.staff, day__gte=leave.first_day, day__lte=leave.last_day
    ).select_related("shift")


def pending_for(actor) -> list[LeaveRequest]:
    """Requests whose next step this user may take."""
    held = roles_of(actor)
    me = getattr(actor, "staff", None)
    rows = LeaveRequest.objects.filter(status=LeaveStatus.PENDING).select_related("staff")
    return [
        r for r in rows
        if r.steps and held & STEP_ROLES[r.steps[0]] and (me is None or r.staff_id != me.pk)
    ]  # fmt: skip
