"""The duty roster (STF-4): each conflict refused with its rule — a missing or expired
credential for the post (RAD-1), approved leave (STF-3), rest after night duty and double
booking (STF-4) — copy from last month, fair rotation and publishing."""

from __future__ import annotations

import datetime as dt

import pytest

from yiji.core.models import CredentialKind, Notice, Role
from yiji.core.rulebook import RuleViolation
from yiji.people import roster
from yiji.people.models import LeaveKind, LeaveRequest, LeaveStatus, RosterStatus

from .conftest import CT_KINDS, credentialed

D = dt.date


@pytest.mark.rules("STF-4")
def test_a_duty_gets_its_times_from_the_shift(leader, shifts, december, ct_tech):
    tech = ct_tech()
    duty = roster.assign(leader.user, december, tech, shifts["night"], D(2026, 12, 31))
    assert duty.starts_at.isoformat() == "2026-12-31T17:00:00+08:00"
    assert duty.ends_at.isoformat() == "2027-01-01T08:00:00+08:00"  # across the year end


@pytest.mark.rules("RAD-1")
def test_missing_or_expired_credentials_block_rostering_to_the_post(
    leader, shifts, december, make_staff, ct_tech
):
    bare = make_staff(name="无证")
    with pytest.raises(RuleViolation, match="RAD-1") as refused:
        roster.assign(leader.user, december, bare, shifts["day"], D(2026, 12, 2))
    assert set(refused.value.data["missing"]) == set(CT_KINDS)
    # Valid today, expired by the day of the duty.
    lapsing = ct_tech("将过期", expires=D(2026, 12, 10))
    roster.assign(leader.user, december, lapsing, shifts["day"], D(2026, 12, 10))
    with pytest.raises(RuleViolation, match="RAD-1"):
        roster.assign(leader.user, december, lapsing, shifts["day"], D(2026, 12, 11))
    # The diagnosis post needs a practising licence, not the CT certificates.
    with pytest.raises(RuleViolation, match="RAD-1") as refused:
        roster.assign(leader.user, december, lapsing, shifts["duty24"], D(2026, 12, 3))
    assert refused.value.data["missing"] == ["practising_licence"]


@pytest.mark.rules("RAD-1")
def test_radiation_training_without_a_date_lapses_after_the_policy_years(
    leader, shifts, december, make_staff
):
    from yiji.core.models import CredentialKind
    from yiji.core.services import add_credential

    tech = credentialed(
        make_staff(), CredentialKind.LARGE_EQUIPMENT, CredentialKind.PRE_JOB_MEDICAL
    )
    add_credential(
        None, tech, kind=CredentialKind.RADIATION_TRAINING, number="FS1",
        issued_on=D(2021, 12, 15),
    )  # fmt: skip
    roster.assign(leader.user, december, tech, shifts["day"], D(2026, 12, 15))
    with pytest.raises(RuleViolation, match="RAD-1"):
        roster.assign(leader.user, december, tech, shifts["day"], D(2026, 12, 16))


@pytest.mark.rules("STF-3")
def test_approved_leave_blocks_rostering(leader, shifts, december, ct_tech):
    tech = ct_tech()
    LeaveRequest.objects.create(
        staff=tech, kind=LeaveKind.ANNUAL, first_day=D(2026, 12, 7), last_day=D(2026, 12, 9),
        days=3, reason="休假", status=LeaveStatus.APPROVED,
    )  # fmt: skip
    with pytest.raises(RuleViolation, match="STF-3"):
        roster.assign(leader.user, december, tech, shifts["day"], D(2026, 12, 8))
    roster.assign(leader.user, december, tech, shifts["day"], D(2026, 12, 10))


@pytest.mark.rules("STF-4")
def test_rest_after_night_duty_and_double_booking_are_refused(leader, shifts, december, ct_tech):
    tech = ct_tech()
    roster.assign(leader.user, december, tech, shifts["night"], D(2026, 12, 1))  # ends 2nd 08:00
    with pytest.raises(RuleViolation, match="STF-4") as refused:
        roster.assign(leader.user, december, tech, shifts["day"], D(2026, 12, 2))
    assert "休息24小时" in refused.value.zh
    with pytest.raises(RuleViolation, match="STF-4"):  # still inside 24 h (ends 3rd 08:00)
        roster.assign(leader.user, december, tech, shifts["night"], D(2026, 12, 2))
    roster.assign(leader.user, december, tech, shifts["day"], D(2026, 12, 3))  # rested 24 h
    # A night before a day already rostered is refused in the other direction too.
    with pytest.raises(RuleViolation, match="STF-4"):
        roster.assign(leader.user, december, tech, shifts["night"], D(2026, 12, 2))
    # Double booking: the day shift and the 17:00 night do not overlap; a second day shift
    # in another department at the same time does.
    other = ct_tech("另一人")
    roster.assign(leader.user, december, other, shifts["day"], D(2026, 12, 5))
    with pytest.raises(RuleViolation, match="STF-4") as refused:
        roster.assign(leader.user, december, other, shifts["day"], D(2026, 12, 5))
    assert "已排此班" in refused.value.zh


@pytest.mark.rules("STF-4")
def test_overlapping_shifts_in_two_departments_are_double_booking(
    leader, shifts, december, ct_tech, ultrasound, director
):
    from yiji.core.models import Membership
    from yiji.people.models import Post, ShiftKind

    tech = ct_tech()
    Membership.objects.create(staff=tech, department=ultrasound)
    desk = roster.add_shift_type(
        director.user, ultrasound, "US-D", "超声登记", ShiftKind.DAY, "registration",
        dt.time(12, 0), 6,
    )  # fmt: skip
    assert desk.post == Post.REGISTRATION
    roster.assign(leader.user, december, tech, shifts["day"], D(2026, 12, 4))
    with pytest.raises(RuleViolation, match="STF-4") as refused:
        roster.assign(
            leader.user, roster.roster_for(ultrasound, D(2026, 12, 1)), tech, desk, D(2026, 12, 4)
        )
    assert "同一时间" in refused.value.zh


@pytest.mark.rules("STF-4")
def test_copy_from_last_month_keeps_weekdays_and_skips_what_breaks_a_rule(
    leader, shifts, imaging, ct_tech
):
    november = roster.roster_for(imaging, D(2026, 11, 1))
    tech, other = ct_tech("甲"), ct_tech("乙")
    for day in (D(2026, 11, 9), D(2026, 11, 30)):  # Mondays
        roster.assign(leader.user, november, tech, shifts["day"], day)
    roster.assign(leader.user, november, other, shifts["day"], D(2026, 11, 3))  # a Tuesday
    LeaveRequest.objects.create(
        staff=other, kind=LeaveKind.SICK, first_day=D(2026, 12, 1), last_day=D(2026, 12, 1),
        days=1, reason="病", status=LeaveStatus.APPROVED,
    )  # fmt: skip
    december = roster.roster_for(imaging, D(2026, 12, 1))
    copied, skipped = roster.copy_last_month(leader.user, december)
    days = sorted(december.duties.values_list("day", flat=True))
    assert all(day.weekday() in (0, 1) for day in days)
    # Four weeks on: 9 Nov → 7 Dec, 30 Nov → 28 Dec, 3 Nov → 1 Dec.
    assert [d for d in days if d.weekday() == 0] == [D(2026, 12, 7), D(2026, 12, 28)]
    assert [(s.day, s.staff, s.violation.rule_id) for s in skipped] == [
        (D(2026, 12, 1), other, "STF-3")
    ]
    assert copied == len(days)


@pytest.mark.rules("STF-4")
def test_fair_rotation_spreads_nights_and_publishing_tells_everyone(
    leader, shifts, december, ct_tech, make_staff
):
    people = [ct_tech(name) for name in ("甲", "乙", "丙")]
    unqualified = make_staff(name="丁")
    filled, empty = roster.fill_rotation(
        leader.user, december, shifts["night"], [*people, unqualified]
    )
    assert (filled, empty) == (31, [])
    per_person = [december.duties.filter(staff=p).count() for p in people]
    assert max(per_person) - min(per_person) <= 1 and sum(per_person) == 31
    assert not december.duties.filter(staff=unqualified).exists()
    assert december.status == RosterStatus.DRAFT
    # The CT day shifts and the diagnostic 24-hour duty are still empty: not published.
    with pytest.raises(RuleViolation, match="STF-4") as refused:
        roster.publish(leader.user, december)
    gaps = refused.value.data["gaps"]
    assert gaps[0] == "诊断报告岗 12-01 00:00–01-01 00:00"  # no one at all
    assert gaps[1:3] == ["CT/MR/DSA技术岗 12-01 00:00–17:00", "CT/MR/DSA技术岗 12-02 08:00–17:00"]
    roster.fill_rotation(leader.user, december, shifts["day"], people)
    readers = [
        credentialed(make_staff(Role.PHYSICIAN, name=n), CredentialKind.PRACTISING_LICENCE)
        for n in ("医甲", "医乙", "医丙")
    ]
    roster.fill_rotation(leader.user, december, shifts["duty24"], readers)
    november_night = roster.roster_for(december.department, D(2026, 11, 1))
    roster.assign(leader.user, november_night, ct_tech("戊"), shifts["night"], D(2026, 11, 30))
    on_call = credentialed(make_staff(Role.PHYSICIAN), CredentialKind.PRACTISING_LICENCE)
    roster.assign(leader.user, november_night, on_call, shifts["duty24"], D(2026, 11, 30))
    assert roster.coverage_gaps(december) == []
    roster.publish(leader.user, december)
    assert december.status == RosterStatus.PUBLISHED
    assert Notice.objects.filter(rule="STF-4", recipient__in=people).count() == 3


@pytest.mark.rules("STF-4")
def test_only_leaders_make_the_roster(shifts, december, ct_tech, make_staff):
    from yiji.core.models import Role
    from yiji.core.permissions import PermissionRefused

    tech = ct_tech()
    with pytest.raises(PermissionRefused):
        roster.assign(tech.user, december, tech, shifts["day"], D(2026, 12, 2))
    clerk = make_staff(Role.CLERK)
    with pytest.raises(PermissionRefused):
        roster.publish(clerk.user, december)
