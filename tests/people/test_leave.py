"""Leave (STF-3): in advance (sick leave may follow within the policy days), within the year's
balance, approved in order by the group leader and, beyond the leader's limit, the director,
each approval an electronic signature."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.conftest import PASSWORD
from yiji.core.models import ElectronicSignature, Notice, Role
from yiji.core.rulebook import RuleViolation
from yiji.people import leave
from yiji.people.models import LeaveEntitlement, LeaveKind, LeaveStatus

D = dt.date


@pytest.fixture
def tech(make_staff):
    return make_staff(Role.TECHNOLOGIST, name="请假人")


@pytest.mark.rules("STF-3")
def test_leave_is_requested_in_advance_except_sick_leave(tech):
    with pytest.raises(RuleViolation, match="STF-3"):
        leave.request_leave(
            tech.user, tech, LeaveKind.PERSONAL, D(2026, 11, 23), D(2026, 11, 23), "事"
        )
    with pytest.raises(RuleViolation, match="STF-3"):
        leave.request_leave(tech.user, tech, LeaveKind.SICK, D(2026, 11, 19), D(2026, 11, 20), "病")
    sick = leave.request_leave(
        tech.user, tech, LeaveKind.SICK, D(2026, 11, 20), D(2026, 11, 23), "发热"
    )
    assert sick.days == 4  # calendar days
    with pytest.raises(RuleViolation, match="STF-3"):  # overlaps the sick leave
        leave.request_leave(
            tech.user, tech, LeaveKind.PERSONAL, D(2026, 11, 23), D(2026, 11, 24), "事"
        )


@pytest.mark.rules("STF-3")
def test_annual_leave_counts_working_days_against_the_balance(tech):
    assert leave.balance(tech, 2026, LeaveKind.ANNUAL) == 5  # the policy default
    # Friday to the next Friday: 6 working days, more than the 5 left.
    with pytest.raises(RuleViolation, match="STF-3") as refused:
        leave.request_leave(
            tech.user, tech, LeaveKind.ANNUAL, D(2026, 11, 27), D(2026, 12, 4), "休"
        )
    assert refused.value.data == {"balance": 5}
    first = leave.request_leave(
        tech.user, tech, LeaveKind.ANNUAL, D(2026, 11, 27), D(2026, 11, 30), "休"
    )
    assert first.days == 2  # Friday and Monday
    assert leave.balance(tech, 2026, LeaveKind.ANNUAL) == 3  # pending counts against it
    LeaveEntitlement.objects.create(staff=tech, year=2026, kind=LeaveKind.ANNUAL, days=15)
    assert leave.balance(tech, 2026, LeaveKind.ANNUAL) == 13
    assert leave.balance(tech, 2026, LeaveKind.PERSONAL) is None  # counted, not capped
    assert leave.balance(tech, 2026, LeaveKind.HEALTH) == 0  # not a radiation worker


@pytest.mark.rules("STF-3")
def test_short_leave_is_approved_by_the_leader_long_leave_also_by_the_director(
    tech, leader, director
):
    short = leave.request_leave(
        tech.user, tech, LeaveKind.PERSONAL, D(2026, 11, 25), D(2026, 11, 26), "搬家"
    )
    assert short.steps == ["leader"]
    assert Notice.objects.filter(rule="STF-3", recipient=leader).exists()
    with pytest.raises(RuleViolation, match="STF-3"):
        leave.decide(leader.user, short, True, "wrong password")
    assert short.status == LeaveStatus.PENDING
    leave.decide(leader.user, short, True, PASSWORD)
    short.refresh_from_db()
    assert short.status == LeaveStatus.APPROVED
    assert ElectronicSignature.objects.filter(meaning="请假审批", signer=leader).count() == 1

    long = leave.request_leave(
        tech.user, tech, LeaveKind.MARRIAGE, D(2026, 12, 1), D(2026, 12, 3), "结婚"
    )
    other = leave.request_leave(
        tech.user, tech, LeaveKind.PERSONAL, D(2026, 12, 7), D(2026, 12, 11), "探亲"
    )
    assert long.steps == ["leader"] and other.steps == ["leader", "director"]
    leave.decide(leader.user, other, True, PASSWORD)
    other.refresh_from_db()
    assert other.status == LeaveStatus.PENDING and other.steps == ["director"]
    with pytest.raises(RuleViolation, match="STF-3"):
        leave.decide(leader.user, other, True, PASSWORD)  # the leader cannot take the second step
    with pytest.raises(RuleViolation, match="STF-3"):
        leave.decide(director.user, other, False, PASSWORD)  # a refusal needs its reason
    leave.decide(director.user, other, False, PASSWORD, "年底人手不足")
    other.refresh_from_db()
    assert other.status == LeaveStatus.REJECTED
    assert Notice.objects.filter(recipient=tech, key=f"leave-done:{other.pk}").exists()


@pytest.mark.rules("STF-3")
def test_nobody_approves_their_own_leave(leader, director):
    own = leave.request_leave(
        leader.user, leader, LeaveKind.PERSONAL, D(2026, 11, 25), D(2026, 11, 25), "事"
    )
    assert own.steps == ["director"]  # a leader's leave goes to the director
    with pytest.raises(RuleViolation, match="STF-3"):
        leave.decide(leader.user, own, True, PASSWORD)
    assert leave.pending_for(director.user) == [own]
    leave.decide(director.user, own, True, PASSWORD)
    own.refresh_from_db()
    assert own.status == LeaveStatus.APPROVED


@pytest.mark.rules("STF-3")
def test_the_director_sets_a_persons_allowance_from_their_page(tech, director, client_for):
    web = client_for(director)
    web.post(f"/people/{tech.pk}/", {"action": "allowance", "year": "2026", "kind": "annual",
                                     "days": "15"})  # fmt: skip
    assert leave.balance(tech, 2026, LeaveKind.ANNUAL) == 15
    bad = {"action": "allowance", "year": "2026", "kind": "sick", "days": "x"}
    refused = web.post(f"/people/{tech.pk}/", bad, follow=True)
    assert "【STF-3】" in refused.content.decode()
    assert client_for(tech).post(f"/people/{tech.pk}/", {"action": "allowance", "year": "2026",
                                 "kind": "annual", "days": "99"}).status_code == 403  # fmt: skip
    assert leave.balance(tech, 2026, LeaveKind.ANNUAL) == 15
