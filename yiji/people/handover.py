"""Handover at every shift change (STF-4): the outgoing person writes it, Yiji lists the open
work at that moment from the live records, the incoming person confirms; a handover not
written in time is reminded and counted."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone

from yiji.core import audit, notices, policy
from yiji.core.accounts import staff_of
from yiji.core.calendar import day_bounds
from yiji.core.models import AuditAction, Department, Role, Staff
from yiji.core.permissions import Action, may, require
from yiji.core.rulebook import RuleViolation, carries_out
from yiji.people import hooks
from yiji.people.models import Duty, Handover

LIMIT = 50  # at most this many items of each kind are listed, oldest first

# The kinds of open work in the order a handover lists them; the apps that hold the work
# answer the handover hook with items of these kinds.
KIND_LABELS = {
    "urgent_unreported": ("急诊检查未出正式报告", "Emergency exams without a final report"),
    "critical": ("危急值未确认", "Critical results not acknowledged"),
    "fault": ("设备故障", "Devices in fault"),
    "waiting": ("候检及检查中患者", "Patients waiting or being examined"),
    "lab_transit": ("运送中的标本", "Specimens on their way to the lab"),
    "lab_pending": ("已接收未发布的检验", "Lab tests received and not released"),
}


def exam_label(exam) -> str:
    return f"{exam.accession or exam.pk} {exam.patient.name} {exam.item.name}"


def item(kind: str, label: str, url: str) -> dict:
    """One line of a handover: its kind (a key of KIND_LABELS), text and link."""
    return {"kind": kind, "label": label, "url": url}


@carries_out("STF-4")
def open_items(department: Department) -> list[dict]:
    """What the next shift must take over, from the records as they stand: each app that
    holds open work answers the handover hook; the items come grouped in KIND_LABELS' order."""
    items = [line for answer in hooks.handover_open_work(department) for line in answer]
    order = list(KIND_LABELS)
    return sorted(items, key=lambda line: order.index(line["kind"]))


@carries_out("STF-4")
def write(actor, duty: Duty, notes: str) -> Handover:
    """The outgoing person writes the handover once the duty has begun."""
    require(actor, Action.VIEW_ROSTER)
    writer = staff_of(actor, "STF-4")
    if writer.pk != duty.staff_id and not may(actor, Action.MANAGE_ROSTER):
        raise RuleViolation(
            "STF-4", "交接班记录由当班人员本人书写。", "The person on duty writes the handover."
        )
    if duty.starts_at > timezone.now():
        raise RuleViolation(
            "STF-4", "班次尚未开始，不能交班。", "The duty has not begun: nothing to hand over."
        )
    if not notes.strip():
        raise RuleViolation(
            "STF-4", "请填写交班内容。", "Write what is handed over.", field="notes"
        )
    department = duty.roster.department
    try:
        with transaction.atomic():
            handover = Handover.objects.create(
                duty=duty, department=department, outgoing=duty.staff, notes=notes.strip(),
                items=open_items(department),
            )  # fmt: skip
            audit.record(actor, AuditAction.CREATE, handover)
    except IntegrityError:
        raise RuleViolation(
            "STF-4", "该班次已写交接班记录。", "This duty already has its handover."
        ) from None
    return handover


@carries_out("STF-4")
def confirm(actor, handover: Handover, note: str = "") -> Handover:
    """The incoming person confirms they have taken the items over."""
    require(actor, Action.VIEW_ROSTER)
    incoming = staff_of(actor, "STF-4")
    if handover.confirmed_at:
        raise RuleViolation("STF-4", "该交接班已确认。", "This handover is already confirmed.")
    if incoming.pk == handover.outgoing_id:
        raise RuleViolation(
            "STF-4", "接班须由另一人确认。", "Another person, the incoming one, confirms."
        )
    if not incoming.memberships.filter(department=handover.department).exists():
        raise RuleViolation(
            "STF-4", "接班人须为本科室人员。", "The incoming person works in this department."
        )
    successors = rostered_next(handover)
    if successors and incoming not in successors:
        names = "、".join(person.name for person in successors)
        raise RuleViolation(
            "STF-4",
            f"交接班须由排班的下一班人员确认：{names}。",
            f"The handover is confirmed by the person rostered next: {names}.",
        )
    with transaction.atomic():
        handover.incoming = incoming
        handover.confirmed_at = timezone.now()
        handover.confirmation_note = note.strip()[:300]
        handover.save(update_fields=["incoming", "confirmed_at", "confirmation_note"])
        audit.record(actor, AuditAction.UPDATE, handover, after={"confirmed": True})
    return handover


# A shift that starts within this much of the outgoing one's end takes over from it.
OVERLAP = dt.timedelta(hours=1)


@carries_out("STF-4")
def rostered_next(handover: Handover) -> list[Staff]:
    """Who is rostered on the shift that follows the handover's duty in its department (an
    empty list where the roster names nobody: then any colleague of the department confirms)."""
    ends = handover.duty.ends_at
    duties = Duty.objects.filter(
        roster__department=handover.department,
        starts_at__gte=ends - OVERLAP,
        starts_at__lte=ends + OVERLAP,
    ).exclude(staff_id=handover.outgoing_id)
    return [duty.staff for duty in duties.select_related("staff").order_by("starts_at", "pk")]


def _grace(department) -> dt.timedelta:
    return dt.timedelta(minutes=policy.value("stf.handover_grace_minutes", department))


@carries_out("STF-4")
def missing(department: Department, first: dt.date, last: dt.date, now=None) -> list[Duty]:
    """Duties of handover shifts that ended (past the grace time) with no handover written."""
    now = now or timezone.now()
    start, end = day_bounds(first, last)
    cutoff = now - _grace(department)
    return list(
        Duty.objects.filter(
            roster__department=department, shift__handover=True, ends_at__gte=start,
            ends_at__lt=min(end, cutoff), handover__isnull=True,
        ).select_related("staff", "shift")
    )  # fmt: skip


@carries_out("STF-4")
def remind_missing(now: dt.datetime | None = None) -> int:
    """A missing handover is told to the person and the department's leaders, once."""
    now = now or timezone.now()
    sent = 0
    for department in Department.objects.filter(rosters__isnull=False).distinct():
        for duty in missing(department, (now - dt.timedelta(days=2)).date(), now.date(), now):
            leaders = notices.holders(Role.GROUP_LEADER, department) or notices.holders(
                Role.DIRECTOR, department
            )
            sent += notices.notify(
                [duty.staff, *leaders], "STF-4", f"handover:{duty.pk}",
                f"{duty.staff.name}{duty.day}{duty.shift.name}结束后未写交接班记录。",
                "/people/handover/",
            )  # fmt: skip
    return sent
