"""Attendance (STF-2, STF-5, STF-9): sign-in and sign-out against the hours the roster (or,
without a duty, the working hours) sets, lateness and early leave beyond the grace minutes,
the roll taken at the policy time, whereabouts when leaving the post, the breaches that
cost bonus, and the month's sheet — with the reading-session absences of CNF-5 — exported
for payroll and closed by the designated person."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from openpyxl import Workbook

from yiji.core import accounts, audit, policy
from yiji.core.accounts import home_department, staff_of
from yiji.core.calendar import is_working_day, local_datetime
from yiji.core.models import AuditAction, Department, Role, RoleAssignment, Staff
from yiji.core.permissions import Action, may, require
from yiji.core.rulebook import RuleViolation, carries_out
from yiji.core.spreadsheet import append_row
from yiji.people import hooks
from yiji.people.models import (
    NIGHT_KINDS,
    DayRecord,
    DayStatus,
    Duty,
    Infraction,
    InfractionKind,
    LeaveKind,
    LeaveRequest,
    LeaveStatus,
    MonthSheet,
    Post,
    Roll,
    Whereabouts,
)
from yiji.people.roster import month_days, month_start, next_month, on_leave


def expected_hours(staff: Staff, department: Department, day: dt.date):
    """(start, end) the person is due at work that day: the roster's duties, or the working
    hours on a working day when nothing is rostered — unless resting after a night duty."""
    duties = list(Duty.objects.filter(staff=staff, day=day).order_by("starts_at"))
    if duties:
        return duties[0].starts_at, max(d.ends_at for d in duties)
    after_night = Duty.objects.filter(
        staff=staff, shift__kind__in=NIGHT_KINDS, ends_at__date=day
    ).exists()
    if after_night or not is_working_day(day):
        return None
    start = policy.value("sch.morning_start", department=department)
    end = policy.value("sch.afternoon_end", department=department)
    return local_datetime(day, start), local_datetime(day, end)


def _minutes(delta: dt.timedelta) -> int:
    return max(0, int(delta.total_seconds() // 60))


def _record(staff: Staff, day: dt.date) -> DayRecord:
    department = home_department(staff)
    duty = Duty.objects.filter(staff=staff, day=day).select_related("roster").first()
    if duty is not None:
        department = duty.roster.department
    if department is None:
        raise RuleViolation(
            "STF-2", f"{staff.name}不属于任何科室，无法考勤。", f"{staff.name} has no department."
        )
    hours = expected_hours(staff, department, day)
    record, _created = DayRecord.objects.get_or_create(
        staff=staff, day=day,
        defaults={"department": department, "status": DayStatus.OFF,
                  "expected_start": hours[0] if hours else None,
                  "expected_end": hours[1] if hours else None},
    )  # fmt: skip
    return record


@carries_out("STF-2")
def sign_in(actor, at: dt.datetime | None = None) -> DayRecord:
    require(actor, Action.VIEW_ROSTER)
    staff = staff_of(actor, "STF-2")
    at = at or timezone.now()
    with transaction.atomic():
        Staff.objects.select_for_update().get(pk=staff.pk)
        record = _record(staff, timezone.localtime(at).date())
        if record.signed_in_at:
            raise RuleViolation("STF-2", "今天已签到。", "You have signed in today.")
        grace = dt.timedelta(minutes=policy.value("stf.lateness_grace_minutes", record.department))
        late = record.expected_start and at > record.expected_start + grace
        record.signed_in_at = at
        record.late_minutes = _minutes(at - record.expected_start) if late else 0
        record.status = DayStatus.LATE if late else DayStatus.PRESENT
        record.save(update_fields=["signed_in_at", "late_minutes", "status"])
        audit.record(actor, AuditAction.UPDATE, record, after={"signed_in": at.isoformat()})
    return record


@carries_out("STF-2")
def sign_out(actor, at: dt.datetime | None = None) -> DayRecord:
    require(actor, Action.VIEW_ROSTER)
    staff = staff_of(actor, "STF-2")
    at = at or timezone.now()
    # A night duty signs out the next morning: the open record is the latest signed-in one.
    since = timezone.localtime(at).date() - dt.timedelta(days=1)
    record = (
        DayRecord.objects.filter(
            staff=staff, signed_in_at__isnull=False, signed_out_at__isnull=True, day__gte=since
        )
        .order_by("-day")
        .first()
    )
    if record is None:
        raise RuleViolation("STF-2", "尚未签到，不能签退。", "Sign in before signing out.")
    grace = dt.timedelta(minutes=policy.value("stf.lateness_grace_minutes", record.department))
    early = record.expected_end and at < record.expected_end - grace
    record.signed_out_at = at
    record.early_minutes = _minutes(record.expected_end - at) if early else 0
    record.save(update_fields=["signed_out_at", "early_minutes"])
    audit.record(actor, AuditAction.UPDATE, record, after={"signed_out": at.isoformat()})
    return record


@carries_out("STF-2", "STF-3")
def take_roll(department: Department, day: dt.date, at: dt.datetime | None = None) -> dict:
    """The roll at the policy time: who is due then and has not signed in is absent; approved
    leave is leave; who is not due (rest after nights, a later shift, a day off) is off."""
    at = at or local_datetime(day, policy.value("stf.attendance_time", department=department))
    counts = {status: 0 for status in DayStatus.values}
    try:
        with transaction.atomic():
            Roll.objects.create(department=department, day=day, taken_at=at)
    except IntegrityError:
        return counts  # already taken
    members = Staff.objects.filter(memberships__department=department, active=True).distinct()
    for staff in members:
        record = _record(staff, day)
        if record.department_id != department.pk:
            continue  # on duty in another department today: that roll counts them
        if record.signed_in_at is None:
            if on_leave(staff, day):
                record.status = DayStatus.LEAVE
            elif record.expected_start and record.expected_start <= at < record.expected_end:
                record.status = DayStatus.ABSENT
            else:
                record.status = DayStatus.OFF
            record.save(update_fields=["status"])
        counts[record.status] += 1
    return counts


@carries_out("STF-2")
def take_due_rolls(now: dt.datetime | None = None) -> int:
    """The task queue's call: every department whose attendance time has come today."""
    now = now or timezone.now()
    day, taken = timezone.localtime(now).date(), 0
    for department in Department.objects.medtech():
        due = local_datetime(day, policy.value("stf.attendance_time", department=department))
        if due <= now and not Roll.objects.filter(department=department, day=day).exists():
            take_roll(department, day, due)
            taken += 1
    return taken


@carries_out("STF-5")
def leave_post(
    actor, staff: Staff, place: str, phone: str, substitute: Staff | None = None,
    notice_posted: bool = False,
) -> Whereabouts:  # fmt: skip
    """Where the person goes and how to reach them, reported to the desk; a window post is
    left only with a substitute or a notice posted."""
    require(actor, Action.VIEW_ROSTER)
    recorder = staff_of(actor, "STF-5")
    if recorder.pk != staff.pk and not (
        may(actor, Action.BOOK_EXAM) or may(actor, Action.MANAGE_ROSTER)
    ):
        raise RuleViolation(
            "STF-5", "由本人或登记处登记去向。", "The person or the desk records whereabouts."
        )
    if not place.strip() or not phone.strip():
        raise RuleViolation(
            "STF-5", "请填写去向和联系电话。", "Give where to and the phone.", field="place"
        )
    now = timezone.now()
    duty = Duty.objects.filter(staff=staff, starts_at__lte=now, ends_at__gt=now).first()
    at_window = duty is not None and duty.shift.post == Post.REGISTRATION
    if at_window and substitute is None and not notice_posted:
        raise RuleViolation(
            "STF-5",
            "窗口岗位离岗须有人替岗或挂出告示。",
            "A window post is left only with a substitute or a notice posted.",
            field="substitute",
        )
    department = duty.roster.department if duty else home_department(staff)
    entry = Whereabouts.objects.create(
        staff=staff, department=department, place=place.strip()[:100], phone=phone.strip()[:32],
        substitute=substitute, notice_posted=notice_posted, recorded_by=recorder,
    )  # fmt: skip
    audit.record(actor, AuditAction.CREATE, entry)
    return entry


@carries_out("STF-5")
def back_at_post(actor, entry: Whereabouts) -> Whereabouts:
    require(actor, Action.VIEW_ROSTER)
    if entry.returned_at is None:
        entry.returned_at = timezone.now()
        entry.save(update_fields=["returned_at"])
        audit.record(actor, AuditAction.UPDATE, entry, after={"returned": True})
    return entry


DEDUCTIONS = {
    InfractionKind.LEFT_POST: "stf.leave_post_deduction",
    InfractionKind.ROOM_ENTRY: "stf.room_entry_deduction",
}


@carries_out("STF-5", "STF-9")
def record_infraction(actor, staff: Staff, day: dt.date, kind: str, note: str) -> Infraction:
    """A breach costs the policy amount of bonus, recorded by a leader with what happened."""
    require(actor, Action.MANAGE_ROSTER)
    if kind not in InfractionKind.values or day is None or not note.strip():
        raise RuleViolation(
            "STF-9", "请选择类别、日期并说明情况。", "Give the kind, day and what happened."
        )
    department = home_department(staff)
    entry = Infraction.objects.create(
        staff=staff, department=department, day=day, kind=kind, note=note.strip()[:300],
        amount=policy.value(DEDUCTIONS[kind], department=department),
        recorded_by=staff_of(actor, "STF-9"),
    )  # fmt: skip
    audit.record(actor, AuditAction.CREATE, entry)
    return entry


@dataclass
class SheetLine:
    employee_no: str
    name: str
    due_days: int = 0
    present: int = 0
    late: int = 0
    late_minutes: int = 0
    early: int = 0
    early_minutes: int = 0
    absent: int = 0
    leave: dict = field(default_factory=dict)
    whereabouts: int = 0
    left_post: int = 0
    room_entry: int = 0
    session_absences: int = 0
    deduction: str = "0"


@carries_out("STF-2", "STF-9", "CNF-5")
def month_sheet(department: Department, month: dt.date) -> list[SheetLine]:
    """Per person: days due, present, late and early (count and minutes), absent at the roll,
    leave days by kind, whereabouts reported, breaches, the reading-session absences beyond
    the allowance (CNF-5), and the month's bonus deduction."""
    month = month_start(month)
    first, last = month, next_month(month) - dt.timedelta(days=1)
    members = Staff.objects.filter(memberships__department=department).distinct()
    lines: dict[int, SheetLine] = {
        s.pk: SheetLine(s.employee_no, s.name) for s in members.order_by("employee_no")
    }
    deductions = {pk: Decimal(0) for pk in lines}
    for record in DayRecord.objects.filter(department=department, day__gte=first, day__lte=last):
        line = lines.get(record.staff_id)
        if line is None:
            continue
        line.due_days += record.expected_start is not None and record.status != DayStatus.LEAVE
        line.present += record.status in (DayStatus.PRESENT, DayStatus.LATE)
        line.late += record.late_minutes > 0
        line.late_minutes += record.late_minutes
        line.early += record.early_minutes > 0
        line.early_minutes += record.early_minutes
        line.absent += record.status == DayStatus.ABSENT
    days = set(month_days(month))
    for request in LeaveRequest.objects.filter(
        staff__in=members, status=LeaveStatus.APPROVED, first_day__lte=last, last_day__gte=first
    ):
        span = {request.first_day + dt.timedelta(days=n)
                for n in range((request.last_day - request.first_day).days + 1)}  # fmt: skip
        label = str(LeaveKind(request.kind).label)
        leave = lines[request.staff_id].leave
        leave[label] = leave.get(label, 0) + len(span & days)
    for entry in Whereabouts.objects.filter(department=department, left_at__date__gte=first,
                                            left_at__date__lte=last):  # fmt: skip
        if entry.staff_id in lines:
            lines[entry.staff_id].whereabouts += 1
    for breach in Infraction.objects.filter(staff__in=members, day__gte=first, day__lte=last):
        line = lines[breach.staff_id]
        if breach.kind == InfractionKind.LEFT_POST:
            line.left_post += 1
        else:
            line.room_entry += 1
        deductions[breach.staff_id] += breach.amount
    rows = [row for answer in hooks.month_absences(department, month.year, month.month)
            for row in answer]  # fmt: skip
    for row in rows:
        if row.staff.pk in lines:
            lines[row.staff.pk].session_absences = row.beyond_allowance + row.absent
            deductions[row.staff.pk] += row.deduction
    for pk, line in lines.items():
        line.deduction = f"{deductions[pk]:.2f}"
    return list(lines.values())


def keeper(department: Department) -> list[Staff]:
    """The designated keeper of attendance (STF-9), or the department's directors."""
    number = (policy.value("stf.attendance_keeper", department=department) or "").strip()
    if number:
        return list(Staff.objects.filter(employee_no=number, active=True))
    directors = RoleAssignment.objects.filter(role=Role.DIRECTOR, staff__active=True)
    scoped = directors.filter(department=department)
    chosen = scoped if scoped.exists() else directors.filter(department__isnull=True)
    return [a.staff for a in chosen.select_related("staff")]


@carries_out("STF-9")
def close_month(actor, department: Department, month: dt.date, secret: str) -> MonthSheet:
    """The designated person signs the month's figures; they are kept as signed."""
    me = staff_of(actor, "STF-9")
    if me.pk not in {s.pk for s in keeper(department)}:
        raise RuleViolation(
            "STF-9",
            "考勤与奖金扣发由指定人员签字确认。",
            "The month's attendance is signed by the designated person.",
        )
    month = month_start(month)
    if next_month(month) > timezone.localdate():
        raise RuleViolation("STF-9", "月份尚未结束。", "The month is not over yet.")
    if MonthSheet.objects.filter(department=department, month=month).exists():
        raise RuleViolation("STF-9", "该月考勤已签字确认。", "This month is already closed.")
    lines = [asdict(line) for line in month_sheet(department, month)]
    with transaction.atomic():
        try:
            signature = accounts.sign(actor, secret, "月度考勤与奖金扣发确认")
        except accounts.SignatureRefused as exc:
            raise RuleViolation("STF-9", str(exc), str(exc), field="signature") from exc
        sheet = MonthSheet.objects.create(
            department=department, month=month, lines=lines, kept_by=me, signature=signature
        )
        audit.record(actor, AuditAction.CREATE, sheet)
    return sheet


def workbook(department: Department, month: dt.date, lines: list[dict]) -> Workbook:
    """The sheet for payroll."""
    book = Workbook()
    sheet = book.active
    sheet.title = f"{month:%Y-%m}考勤"
    kinds = sorted({kind for line in lines for kind in line["leave"]})
    append_row(sheet, [
        "工号", "姓名", "应出勤天数", "出勤天数", "迟到次数", "迟到分钟", "早退次数", "早退分钟",
        "点名缺勤", *kinds, "离岗登记", "擅自离岗", "放任无关人员进入", "集体阅片缺勤",
        "扣发奖金（元）",
    ])  # fmt: skip
    for line in lines:
        append_row(sheet, [
            line["employee_no"], line["name"], line["due_days"], line["present"], line["late"],
            line["late_minutes"], line["early"], line["early_minutes"], line["absent"],
            *[line["leave"].get(kind, 0) for kind in kinds], line["whereabouts"],
            line["left_post"], line["room_entry"], line["session_absences"],
            float(line["deduction"]),
        ])  # fmt: skip
    return book
