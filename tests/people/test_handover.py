"""Handover at every shift change (STF-4): the open items come from the real open work — an
emergency exam without a final report, a critical result not acknowledged, a device in fault,
a patient waiting — the incoming person confirms, and a handover not written is reminded and
counted."""

from __future__ import annotations

import datetime as dt

import pytest

from yiji.core.models import Notice, Role
from yiji.core.rulebook import RuleViolation
from yiji.equipment import services as equipment
from yiji.equipment.models import Device
from yiji.orders.checkin import Identifiers, check_in
from yiji.orders.models import Priority
from yiji.people import handover, roster
from yiji.reports import critical
from yiji.reports.models import CriticalResult

BEIJING = dt.timezone(dt.timedelta(hours=8))


@pytest.fixture
def night_duty(leader, shifts, imaging, ct_tech):
    november = roster.roster_for(imaging, dt.date(2026, 11, 1))
    return roster.assign(
        leader.user, november, ct_tech("夜班"), shifts["night"], dt.date(2026, 11, 22)
    )


@pytest.fixture
def open_work(completed, order, items, clerk, patient, physician, make_staff, technologist, rooms):
    """One of each kind of open work in imaging."""
    urgent = completed(items["ct_head"], priority=Priority.URGENT)
    flagged = completed(items["chest"])
    result = critical.flag_critical(physician.user, flagged, *_first_critical(flagged))
    waiting = order(items["chest"])[0]
    identity = Identifiers(name=patient.name, patient_id=patient.patient_id)
    waiting = check_in(clerk.user, waiting, identity, accompanying_physician="王医生")
    engineer = make_staff(Role.ENGINEER)
    device = equipment.register_device(
        engineer.user,
        Device(department=urgent.department, name="DR一号机", kind="DR", modality="DR",
               manufacturer="厂", model="M", serial="S1", room=rooms["DR1"],
               custodian=technologist),
    )  # fmt: skip
    equipment.report_fault(technologist.user, device, "曝光无输出")
    return {"urgent": urgent, "critical": result, "waiting": waiting, "device": device}


def _first_critical(exam):
    code, _label = critical.critical_items(exam)[0]
    return code, "气胸压缩约50%"


@pytest.mark.rules("STF-4")
def test_the_open_items_come_from_the_open_work(imaging, open_work, physician):
    items = handover.open_items(imaging)
    kinds = [item["kind"] for item in items]
    assert sorted(kinds) == ["critical", "fault", "urgent_unreported", "waiting"]
    by_kind = {item["kind"]: item for item in items}
    assert open_work["urgent"].accession in by_kind["urgent_unreported"]["label"]
    assert "气胸" in by_kind["critical"]["label"] and "未通知" in by_kind["critical"]["label"]
    assert by_kind["fault"]["url"] == f"/equipment/{open_work['device'].pk}/"
    assert open_work["waiting"].accession in by_kind["waiting"]["label"]
    # Once acknowledged, the critical result is no longer handed over.
    CriticalResult.objects.filter(pk=open_work["critical"].pk).update(
        notified_at=dt.datetime(2026, 11, 23, 7, 0, tzinfo=BEIJING),
        acknowledged_at=dt.datetime(2026, 11, 23, 7, 10, tzinfo=BEIJING),
    )
    assert "critical" not in [item["kind"] for item in handover.open_items(imaging)]


@pytest.mark.rules("STF-4")
def test_the_person_rostered_next_confirms(night_duty, leader, shifts, imaging, ct_tech):
    november = roster.roster_for(imaging, dt.date(2026, 11, 1))
    day_person = ct_tech("白班甲")
    roster.assign(leader.user, november, day_person, shifts["day"], dt.date(2026, 11, 23))
    record = handover.write(night_duty.staff.user, night_duty, "交班：一切正常。")
    assert handover.rostered_next(record) == [day_person]
    with pytest.raises(RuleViolation, match="STF-4") as refused:
        handover.confirm(ct_tech("不在班").user, record)  # a colleague, but not on next
    assert "白班甲" in refused.value.zh
    assert handover.confirm(day_person.user, record).incoming == day_person


@pytest.mark.rules("STF-4")
def test_outgoing_writes_incoming_confirms(night_duty, open_work, ct_tech, make_staff):
    outgoing = night_duty.staff
    with pytest.raises(RuleViolation, match="STF-4"):
        handover.write(ct_tech("别人").user, night_duty, "交班")  # not the person on duty
    with pytest.raises(RuleViolation, match="STF-4"):
        handover.write(outgoing.user, night_duty, "  ")
    record = handover.write(outgoing.user, night_duty, "急诊CT一例待出报告；DR一号机故障已报修。")
    assert len(record.items) == 4  # the open work, kept as it stood at the handover
    with pytest.raises(RuleViolation, match="STF-4"):
        handover.write(outgoing.user, night_duty, "再写一次")
    with pytest.raises(RuleViolation, match="STF-4"):
        handover.confirm(outgoing.user, record)  # not by the outgoing person
    incoming = ct_tech("白班")
    handover.confirm(incoming.user, record, "已接")
    record.refresh_from_db()
    assert record.incoming == incoming and record.confirmed_at is not None
    with pytest.raises(RuleViolation, match="STF-4"):
        handover.confirm(ct_tech("第三人").user, record)  # already confirmed


@pytest.mark.rules("STF-4")
def test_a_missing_handover_is_reminded_and_counted(frozen_clock, night_duty, imaging, leader):
    # The night ended at 08:00 on the 23rd; the grace is 30 minutes.
    frozen_clock.move_to(dt.datetime(2026, 11, 23, 8, 20, tzinfo=BEIJING))
    assert handover.missing(imaging, dt.date(2026, 11, 1), dt.date(2026, 11, 30)) == []
    assert handover.remind_missing() == 0
    frozen_clock.move_to(dt.datetime(2026, 11, 23, 8, 31, tzinfo=BEIJING))
    assert handover.missing(imaging, dt.date(2026, 11, 1), dt.date(2026, 11, 30)) == [night_duty]
    assert handover.remind_missing() == 2  # the person and the group leader
    assert handover.remind_missing() == 0
    assert Notice.objects.filter(rule="STF-4", recipient=leader, key__startswith="handover:")
    handover.write(night_duty.staff.user, night_duty, "补写交班")
    assert handover.missing(imaging, dt.date(2026, 11, 1), dt.date(2026, 11, 30)) == []


@pytest.mark.rules("STF-4")
def test_the_compliance_page_counts_handovers_written(frozen_clock, night_duty, imaging):
    from yiji.quality import compliance

    frozen_clock.move_to(dt.datetime(2026, 11, 23, 9, 0, tzinfo=BEIJING))
    month = (dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    assert compliance.measures(*month)["STF-4"].endswith("0.0% (0/1)")
    handover.write(night_duty.staff.user, night_duty, "补写交班")
    assert compliance.measures(*month)["STF-4"].endswith("100.0% (1/1)")
