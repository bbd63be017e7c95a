"""The duty roster (STF-4): shift types per department, a month's roster made by the leaders,
each duty checked before it is kept — credentials for the post (RAD-1), approved leave
(STF-3), rest after night duty and double booking (STF-4) — copied from last month, filled in
fair rotation, and published to the staff."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from yiji.core import audit, notices, policy
from yiji.core.accounts import staff_of
from yiji.core.models import AuditAction, Department, Staff
from yiji.core.permissions import Action, require
from yiji.core.rulebook import RuleViolation, carries_out
from yiji.people import credentials, dosimetry
from yiji.people.models import (
    NIGHT_KINDS,
    Duty,
    LeaveRequest,
    LeaveStatus,
    Post,
    Roster,
    RosterStatus,
    ShiftKind,
    ShiftType,
)

# Posts where the person works with ionising radiation (RAD-3 fitness applies).
RADIATION_POSTS = (Post.RADIOGRAPHY, Post.LARGE_EQUIPMENT)


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def next_month(month: dt.date) -> dt.date:
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def month_days(month: dt.date) -> list[dt.date]:
    last = next_month(month) - dt.timedelta(days=1)
    return [month + dt.timedelta(days=n) for n in range(last.day)]


@carries_out("STF-4")
def add_shift_type(
    actor, department: Department, code: str, name: str, kind: str, post: str,
    starts: dt.time | None, hours: int, handover: bool = True,
) -> ShiftType:  # fmt: skip
    require(actor, Action.MANAGE_ROSTER)
    code, name = code.strip(), name.strip()
    if not code or not name or kind not in ShiftKind.values or post not in Post.values:
        raise RuleViolation(
            "STF-4", "请填写班次代码、名称、类别和岗位。", "Give the code, name, kind and post."
        )
    if starts is None:
        raise RuleViolation("STF-4", "请填写开始时间。", "Give the start time.", field="starts")
    if not (isinstance(hours, int) and 1 <= hours <= 24):
        raise RuleViolation("STF-4", "班次时长为1至24小时。", "A shift lasts 1 to 24 hours.")
    if ShiftType.objects.filter(department=department, code=code).exists():
        raise RuleViolation("STF-4", "该班次代码已存在。", "This shift code exists.", field="code")
    shift = ShiftType.objects.create(
        department=department, code=code[:16], name=name[:50], kind=kind, post=post,
        starts=starts, hours=hours, handover=handover,
    )  # fmt: skip
    audit.record(actor, AuditAction.CREATE, shift)
    return shift


def roster_for(department: Department, month: dt.date) -> Roster:
    roster, _ = Roster.objects.get_or_create(department=department, month=month_start(month))
    return roster


def on_leave(staff: Staff, day: dt.date) -> LeaveRequest | None:
    return LeaveRequest.objects.filter(
        staff=staff, status=LeaveStatus.APPROVED, first_day__lte=day, last_day__gte=day
    ).first()


@carries_out("STF-4", "STF-3", "RAD-1", "RAD-3")
def problems(staff: Staff, shift: ShiftType, day: dt.date) -> list[RuleViolation]:
    """Every reason this person cannot take this shift on this day, each with its rule."""
    found: list[RuleViolation] = []
    try:
        credentials.require_for_post(staff, shift.post, day, shift.department, "不能排班")
    except RuleViolation as violation:
        found.append(violation)
    if shift.post in RADIATION_POSTS:
        try:
            dosimetry.require_fit(staff, day)
        except RuleViolation as violation:
            found.append(violation)
    leave = on_leave(staff, day)
    if leave:
        found.append(
            RuleViolation(
                "STF-3",
                f"{staff.name}{day}已批准{leave.get_kind_display()}，不能排班。",
                f"{staff.name} is on approved leave on {day}.",
                field="staff",
            )
        )
    start, end = shift.bounds(day)
    others = Duty.objects.filter(staff=staff).select_related("shift")
    clash = others.filter(starts_at__lt=end, ends_at__gt=start).first()
    if clash:
        found.append(
            RuleViolation(
                "STF-4",
                f"{staff.name}同一时间已排{clash.day}{clash.shift.name}（{clash.shift.department}）。",
                f"{staff.name} is already on {clash.shift.name} on {clash.day} at that time.",
                field="staff",
            )
        )
    rest = dt.timedelta(hours=policy.value("stf.post_night_duty_rest_hours", shift.department))
    after_night = others.filter(
        shift__kind__in=NIGHT_KINDS, ends_at__lte=start, ends_at__gt=start - rest
    ).first()
    before_rest = (
        others.filter(starts_at__gte=end, starts_at__lt=end + rest).first()
        if shift.is_night
        else None
    )
    tired = after_night or before_rest
    if tired and rest:
        hours = int(rest.total_seconds() // 3600)
        found.append(
            RuleViolation(
                "STF-4",
                f"{staff.name}夜班（24小时值班）后须休息{hours}小时，与{tired.day}{tired.shift.name}冲突。",
                f"{staff.name} rests {hours} h after night duty; this clashes with "
                f"{tired.shift.name} on {tired.day}.",
                field="staff",
            )
        )
    return found


def _duty(roster: Roster, staff: Staff, shift: ShiftType, day: dt.date, by: Staff) -> Duty:
    start, end = shift.bounds(day)
    return Duty.objects.create(
        roster=roster, staff=staff, shift=shift, day=day, starts_at=start, ends_at=end,
        created_by=by,
    )  # fmt: skip


@carries_out("STF-4", "STF-3", "RAD-1")
def assign(actor, roster: Roster, staff: Staff, shift: ShiftType, day: dt.date) -> Duty:
    """Put a person on a shift; refused with the first rule it breaks."""
    require(actor, Action.MANAGE_ROSTER)
    if day is None:
        raise RuleViolation("STF-4", "请选择日期。", "Choose the day.", field="day")
    if shift.department_id != roster.department_id or month_start(day) != roster.month:
        raise RuleViolation(
            "STF-4", "班次或日期不属于本排班表。", "The shift or day is not of this roster."
        )
    if not staff.memberships.filter(department=roster.department).exists():
        raise RuleViolation(
            "STF-4", f"{staff.name}不是本科室人员。", f"{staff.name} is not in this department."
        )
    with transaction.atomic():
        Staff.objects.select_for_update().get(pk=staff.pk)  # one roster change per person at once
        if Duty.objects.filter(staff=staff, shift=shift, day=day).exists():
            raise RuleViolation(
                "STF-4", "该人员当天已排此班。", "This person already has this shift that day."
            )
        found = problems(staff, shift, day)
        if found:
            raise found[0]
        duty = _duty(roster, staff, shift, day, staff_of(actor, "STF-4"))
        audit.record(actor, AuditAction.CREATE, duty)
    if roster.published:
        notices.notify(
            [staff],
            "STF-4",
            f"duty:{duty.pk}",
            f"排班变更：{day}增加{shift.name}。",
            "/people/roster/",
        )
    return duty


@carries_out("STF-4")
def unassign(actor, duty: Duty) -> None:
    require(actor, Action.MANAGE_ROSTER)
    if hasattr(duty, "handover"):
        raise RuleViolation(
            "STF-4", "已写交接班记录的班次不能删除。", "A duty with a handover cannot be removed."
        )
    roster, staff, label = duty.roster, duty.staff, f"{duty.day}{duty.shift.name}"
    audit.record(actor, AuditAction.DELETE, duty)
    duty.delete()
    if roster.published:
        notices.notify(
            [staff], "STF-4", f"unduty:{staff.pk}:{label}", f"排班变更：{label}已取消。",
            "/people/roster/",
        )  # fmt: skip


def _source_day(day: dt.date) -> dt.date:
    """The same weekday four weeks earlier, or five when four weeks is still this month."""
    back = day - dt.timedelta(days=28)
    return back if back < month_start(day) else day - dt.timedelta(days=35)


@dataclass(frozen=True)
class Skipped:
    day: dt.date
    staff: Staff
    shift: ShiftType
    violation: RuleViolation


@carries_out("STF-4")
def copy_last_month(actor, roster: Roster) -> tuple[int, list[Skipped]]:
    """Copy last month's duties onto the same weekdays; duties that would break a rule now
    (leave, an expired credential, rest) are left out and listed."""
    require(actor, Action.MANAGE_ROSTER)
    previous = month_start(roster.month - dt.timedelta(days=1))
    source = {
        (d.day, d.staff_id, d.shift_id): d
        for d in Duty.objects.filter(roster__department=roster.department, roster__month=previous)
        .select_related("staff", "shift")
    }  # fmt: skip
    copied, skipped = 0, []
    for day in month_days(roster.month):
        origin = _source_day(day)
        for (src_day, _staff, _shift), duty in source.items():
            if src_day != origin or not duty.shift.active:
                continue
            try:
                assign(actor, roster, duty.staff, duty.shift, day)
                copied += 1
            except RuleViolation as violation:
                skipped.append(Skipped(day, duty.staff, duty.shift, violation))
    return copied, skipped


NIGHTLY = (*NIGHT_KINDS, ShiftKind.EMERGENCY, ShiftKind.ON_CALL)


def rotation_counts(department: Department, month: dt.date, months: int = 3) -> dict[int, Counter]:
    """Per person, duties of each shift kind and weekend duties over this month and the
    `months` before: what fair rotation balances."""
    first = month_start(month)
    for _ in range(months):
        first = month_start(first - dt.timedelta(days=1))
    counts: dict[int, Counter] = {}
    duties = Duty.objects.filter(
        roster__department=department, day__gte=first, day__lt=next_month(month_start(month))
    ).values_list("staff_id", "shift__kind", "day")
    for staff_id, kind, day in duties:
        counter = counts.setdefault(staff_id, Counter())
        counter[kind] += 1
        if day.weekday() >= 5:
            counter["weekend"] += 1
    return counts


@carries_out("STF-4")
def fill_rotation(actor, roster: Roster, shift: ShiftType, people: list[Staff]):
    """Fill the month's empty days of a shift in turn: each day goes to the eligible person
    with the fewest such duties (this month and the three before), so nights and weekends
    come round fairly. Days nobody may take are returned."""
    require(actor, Action.MANAGE_ROSTER)
    counts = rotation_counts(roster.department, roster.month)
    load = {p.pk: counts.get(p.pk, Counter())[shift.kind] for p in people}
    taken = set(Duty.objects.filter(roster=roster, shift=shift).values_list("day", flat=True))
    filled, empty = 0, []
    for day in month_days(roster.month):
        if day in taken:
            continue
        for person in sorted(people, key=lambda p: (load[p.pk], p.employee_no)):
            try:
                assign(actor, roster, person, shift, day)
            except RuleViolation:
                continue
            load[person.pk] += 1
            filled += 1
            break
        else:
            empty.append(day)
    return filled, empty


@dataclass(frozen=True)
class Gap:
    post: str
    starts: dt.datetime
    ends: dt.datetime

    def __str__(self) -> str:
        start, end = timezone.localtime(self.starts), timezone.localtime(self.ends)
        until = f"{end:%H:%M}" if end.date() == start.date() else f"{end:%m-%d %H:%M}"
        return f"{Post(self.post).label} {start:%m-%d %H:%M}–{until}"


@carries_out("STF-4")
def coverage_gaps(roster: Roster) -> list[Gap]:
    """The hours of the month no one is on duty at a post the policy keeps staffed round the
    clock (24-hour duty), for posts the department has shifts for."""
    wanted = set(policy.value("stf.round_the_clock_posts", department=roster.department))
    posts = wanted & set(
        ShiftType.objects.filter(department=roster.department).values_list("post", flat=True)
    )
    days = month_days(roster.month)
    month_from = timezone.make_aware(dt.datetime.combine(days[0], dt.time()))
    month_to = timezone.make_aware(dt.datetime.combine(days[-1], dt.time())) + dt.timedelta(1)
    gaps = []
    for post in sorted(posts):
        covered_to = month_from
        duties = Duty.objects.filter(
            roster__department=roster.department, shift__post=post,
            ends_at__gt=month_from, starts_at__lt=month_to,
        ).order_by("starts_at").values_list("starts_at", "ends_at")  # fmt: skip
        for starts, ends in duties:
            if starts > covered_to:
                gaps.append(Gap(post, covered_to, starts))
            covered_to = max(covered_to, ends)
        if covered_to < month_to:
            gaps.append(Gap(post, covered_to, month_to))
    return gaps


@carries_out("STF-4")
def publish(actor, roster: Roster) -> Roster:
    """Publish the roster: everyone on it is told, and it shows to the department. A roster
    that leaves a round-the-clock post unstaffed for any hour is not published."""
    require(actor, Action.MANAGE_ROSTER)
    if not roster.duties.exists():
        raise RuleViolation(
            "STF-4", "排班表为空，不能发布。", "An empty roster cannot be published."
        )
    gaps = coverage_gaps(roster)
    if gaps:
        listed = "；".join(str(g) for g in gaps[:5]) + ("……" if len(gaps) > 5 else "")
        raise RuleViolation(
            "STF-4", f"须24小时值班的岗位有{len(gaps)}段无人在岗：{listed}。",
            f"{len(gaps)} stretch(es) without anyone on duty at a round-the-clock post: "
            f"{listed}.", data={"gaps": [str(g) for g in gaps]},
        )  # fmt: skip
    with transaction.atomic():
        roster.status = RosterStatus.PUBLISHED
        roster.published_at = timezone.now()
        roster.published_by = staff_of(actor, "STF-4")
        roster.save(update_fields=["status", "published_at", "published_by"])
        audit.record(actor, AuditAction.UPDATE, roster, after={"status": "published"})
    people = Staff.objects.filter(duties__roster=roster).distinct()
    notices.notify(
        people, "STF-4", f"roster:{roster.pk}:{roster.published_at:%Y%m%d%H%M}",
        f"{roster.department}{roster.month:%Y年%m月}排班表已发布。", "/people/roster/",
    )  # fmt: skip
    return roster


def duties_between(first: dt.date, last: dt.date, department=None, staff=None) -> QuerySet:
    duties = Duty.objects.filter(day__gte=first, day__lte=last).select_related(
        "staff", "shift", "roster"
    )
    if department is not None:
        duties = duties.filter(roster__department=department)
    if staff is not None:
        duties = duties.filter(staff=staff)
    return duties


def visible(duties: QuerySet, manager: bool) -> QuerySet:
    """Staff see published rosters; the roster makers see drafts too."""
    return duties if manager else duties.filter(roster__status=RosterStatus.PUBLISHED)
