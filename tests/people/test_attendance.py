"""Attendance (STF-2, STF-5, STF-9): lateness and early leave against the roster or the working
hours, the roll at the policy time (present, late, leave, absent, off after a night), a
night duty signing out next morning, whereabouts with the window-post rule, breaches at the
policy deductions, the month's sheet in Excel, and its closing by the designated person."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from tests.conftest import PASSWORD
from yiji.core import policy
from yiji.core.models import Role
from yiji.core.rulebook import RuleViolation
from yiji.people import attendance, roster
from yiji.people.models import (
    DayRecord,
    DayStatus,
    InfractionKind,
    LeaveKind,
    LeaveRequest,
    LeaveStatus,
    Post,
    ShiftKind,
)

BEIJING = dt.timezone(dt.timedelta(hours=8))
MONDAY = dt.date(2026, 11, 23)


def at(hour, minute=0, day=MONDAY):
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=BEIJING)


@pytest.mark.rules("STF-2")
def test_lateness_and_early_leave_against_the_working_hours_and_the_roster(
    make_staff, leader, shifts, ct_tech, imaging
):
    clerk = make_staff(Role.CLERK, name="登记员")
    record = attendance.sign_in(clerk.user, at(8, 10))  # no duty: the working hours, 08:00
    assert (record.status, record.late_minutes) == (DayStatus.LATE, 10)
    with pytest.raises(RuleViolation, match="STF-2"):
        attendance.sign_in(clerk.user, at(8, 11))
    record = attendance.sign_out(clerk.user, at(17, 30))  # the working day ends at 18:00
    assert record.early_minutes == 30
    # A night duty from 17:00 signs out the next morning at 08:00: neither late nor early.
    tech = ct_tech("夜班")
    november = roster.roster_for(imaging, MONDAY)
    roster.assign(leader.user, november, tech, shifts["night"], MONDAY)
    assert attendance.sign_in(tech.user, at(16, 55)).status == DayStatus.PRESENT
    record = attendance.sign_out(tech.user, at(8, 0, MONDAY + dt.timedelta(days=1)))
    assert (record.day, record.early_minutes) == (MONDAY, 0)


@pytest.mark.rules("STF-2", "STF-3")
def test_the_roll_at_the_policy_time(make_staff, leader, shifts, ct_tech, imaging, frozen_clock):
    on_time, late, away = (make_staff(Role.TECHNOLOGIST, name=n) for n in ("准时", "迟到", "休假"))
    LeaveRequest.objects.create(
        staff=away, kind=LeaveKind.SICK, first_day=MONDAY, last_day=MONDAY, days=1,
        reason="病", status=LeaveStatus.APPROVED,
    )  # fmt: skip
    rested = ct_tech("夜班后")
    november = roster.roster_for(imaging, MONDAY)
    roster.assign(leader.user, november, rested, shifts["night"], MONDAY - dt.timedelta(days=1))
    attendance.sign_in(on_time.user, at(7, 55))
    frozen_clock.move_to(at(8, 1))
    assert attendance.take_due_rolls() == 1
    assert attendance.take_due_rolls() == 0  # once a day
    status = dict(DayRecord.objects.values_list("staff__name", "status"))
    assert status["准时"] == DayStatus.PRESENT and status["休假"] == DayStatus.LEAVE
    assert status["迟到"] == DayStatus.ABSENT and status["夜班后"] == DayStatus.OFF
    record = attendance.sign_in(late.user, at(8, 20))
    assert (record.status, record.late_minutes) == (DayStatus.LATE, 20)


@pytest.mark.rules("STF-5")
def test_a_window_post_is_left_with_a_substitute_or_a_notice(
    make_staff, leader, imaging, frozen_clock
):
    desk = roster.add_shift_type(
        leader.user, imaging, "DJ", "登记白班", ShiftKind.DAY, Post.REGISTRATION, dt.time(7), 10
    )
    clerk, other = make_staff(Role.CLERK, name="窗口"), make_staff(Role.CLERK, name="替岗")
    roster.assign(leader.user, roster.roster_for(imaging, MONDAY), clerk, desk, MONDAY)
    with pytest.raises(RuleViolation, match="STF-5"):
        attendance.leave_post(clerk.user, clerk, "医务科", "8001")
    entry = attendance.leave_post(clerk.user, clerk, "医务科", "8001", substitute=other)
    attendance.back_at_post(clerk.user, entry)
    assert entry.returned_at is not None
    with pytest.raises(RuleViolation, match="STF-5"):
        attendance.leave_post(clerk.user, clerk, "", "")
    tech = make_staff(Role.TECHNOLOGIST)
    with pytest.raises(RuleViolation, match="STF-5"):  # a colleague does not report for him
        attendance.leave_post(tech.user, clerk, "食堂", "8002", notice_posted=True)


@pytest.mark.rules("STF-9", "STF-2", "STF-3")
def test_the_month_sheet_and_its_closing_by_the_designated_person(
    make_staff, leader, director, imaging, frozen_clock
):
    clerk = make_staff(Role.CLERK, name="登记员")
    attendance.sign_in(clerk.user, at(8, 5))
    attendance.sign_out(clerk.user, at(18, 0))
    LeaveRequest.objects.create(
        staff=clerk, kind=LeaveKind.ANNUAL, first_day=dt.date(2026, 11, 30),
        last_day=dt.date(2026, 12, 2), days=3, reason="休", status=LeaveStatus.APPROVED,
    )  # fmt: skip
    attendance.record_infraction(leader.user, clerk, MONDAY, InfractionKind.LEFT_POST, "未登记去向")
    attendance.record_infraction(leader.user, clerk, MONDAY, InfractionKind.ROOM_ENTRY, "家属进入")
    with pytest.raises(RuleViolation, match="STF-9"):
        attendance.record_infraction(leader.user, clerk, MONDAY, "other", "x")
    (line,) = [row for row in attendance.month_sheet(imaging, MONDAY) if row.name == "登记员"]
    assert (line.present, line.late, line.late_minutes, line.early) == (1, 1, 5, 0)
    assert line.leave == {"年休假": 1}  # only 30 November falls in the month
    assert (line.left_post, line.room_entry, line.deduction) == (1, 1, "150.00")
    book = attendance.workbook(
        imaging, MONDAY, [vars(row) for row in attendance.month_sheet(imaging, MONDAY)]
    )
    buffer = io.BytesIO()
    book.save(buffer)
    rows = list(load_workbook(buffer).active.values)
    assert (
        rows[0][0] == "工号"
        and "登记员" in [r[1] for r in rows]
        and rows[0][-1] == "扣发奖金（元）"
    )
    # The month closes once over, signed by the designated person only.
    keeper = make_staff(Role.CLERK, name="考勤员")
    policy.change(
        director.user, "stf.attendance_keeper", keeper.employee_no, hospital=imaging.hospital
    )
    with pytest.raises(RuleViolation, match="STF-9"):
        attendance.close_month(keeper.user, imaging, MONDAY, PASSWORD)  # November is not over
    frozen_clock.move_to(at(9, 0, dt.date(2026, 12, 1)))
    with pytest.raises(RuleViolation, match="STF-9"):
        attendance.close_month(director.user, imaging, MONDAY, PASSWORD)
    sheet = attendance.close_month(keeper.user, imaging, MONDAY, PASSWORD)
    assert Decimal(next(row for row in sheet.lines if row["name"] == "登记员")["deduction"]) == 150
