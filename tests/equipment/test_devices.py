"""EQP-1, EQP-3..6: device files with a custodian, licences reminded before they expire, the
technical-change log; a fault takes the device out of service, refuses bookings and starts in
its room, lists the appointments to divert and moves them in one step; the repair is recorded
and the device returns after a check; utilisation and intact rate on a crafted month."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tests.orders.fixtures import at
from yiji.core.models import Notice
from yiji.core.permissions import PermissionRefused
from yiji.core.rulebook import RuleViolation
from yiji.equipment import services
from yiji.equipment.models import Device, DeviceStatus
from yiji.exams import services as room_work
from yiji.orders import checkin, scheduling
from yiji.orders.checkin import Identifiers, check_in
from yiji.orders.models import EventKind, ExamStatus

BEIJING = dt.timezone(dt.timedelta(hours=8))


@pytest.mark.rules("EQP-1", "EQP-5")
def test_device_file_needs_a_custodian_and_keeps_its_changes(
    ct, engineer, technologist, imaging, ultrasound, rooms
):
    stray = Device(department=imaging, name="DR", kind="DR", manufacturer="x", model="y",
                   serial="DR-1")  # fmt: skip
    with pytest.raises(RuleViolation, match="EQP-1"):
        services.register_device(engineer.user, stray)
    stray.custodian, stray.room = technologist, rooms["US1"]
    with pytest.raises(RuleViolation, match="EQP-1"):
        services.register_device(engineer.user, stray)  # a room of another department
    with pytest.raises(PermissionRefused):
        services.register_device(technologist.user, ct)
    change = services.record_change(
        engineer.user, ct, "software", "升级重建软件至R002", dt.date(2026, 11, 20)
    )
    assert list(ct.changes.all()) == [change]
    with pytest.raises(RuleViolation, match="EQP-5"):
        services.record_change(engineer.user, ct, "software", " ", dt.date(2026, 11, 20))


@pytest.mark.rules("EQP-1")
def test_licences_are_reminded_before_and_after_expiry(frozen_clock, ct, engineer, technologist):
    services.add_licence(
        engineer.user, ct, "large_equipment", "甲类-001", dt.date(2021, 1, 1), dt.date(2027, 1, 1)
    )
    services.add_licence(
        engineer.user, ct, "radiation_safety", "辐证-9", dt.date(2021, 1, 1), dt.date(2026, 12, 20)
    )
    with pytest.raises(RuleViolation, match="EQP-1"):
        services.add_licence(
            engineer.user, ct, "metrology", "J-1", dt.date(2026, 1, 1), dt.date(2025, 1, 1)
        )
    assert services.remind_expiring_licences() == 1  # the custodian: 27 days left
    assert services.remind_expiring_licences() == 0
    notice = Notice.objects.get(rule="EQP-1", recipient=technologist)
    assert "将于2026-12-20到期" in notice.message
    frozen_clock.move_to(dt.datetime(2026, 12, 21, 8, 0, tzinfo=BEIJING))
    assert services.remind_expiring_licences() == 2  # expired now; the other one is due
    assert Notice.objects.filter(message__contains="已于2026-12-20过期").exists()


@pytest.mark.rules("EQP-3", "EQP-4")
def test_fault_diversion_repair_and_return(
    frozen_clock, ct, engineer, technologist, clerk, order, items, patient, rooms, second_ct_room
):
    booked = [order(items["ct_head"])[0] for _ in range(2)]
    for exam, minute in zip(booked, (0, 30), strict=True):
        scheduling.book(clerk.user, exam, rooms["CT1"], at(9, minute))
    ids = Identifiers(name=patient.name, patient_id=patient.patient_id)
    arrived = check_in(clerk.user, booked[0], ids)
    emergency = order(items["ct_head"], priority="urgent")[0]
    walk_in = check_in(clerk.user, emergency, ids, room=rooms["CT1"])  # no booking

    fault = services.report_fault(technologist.user, ct, "球管打火，扫描中断")
    ct.refresh_from_db()
    assert ct.status == DeviceStatus.FAULT
    assert services.report_fault(clerk.user, ct, "again") == fault  # one open fault
    assert Notice.objects.filter(rule="EQP-3", recipient=engineer).exists()
    with pytest.raises(RuleViolation, match="EQP-3"):
        room_work.start_exam(technologist.user, arrived)
    extra = order(items["ct_head"])[0]
    with pytest.raises(RuleViolation, match="EQP-3"):
        scheduling.book(clerk.user, extra, rooms["CT1"], at(10, 0))

    # The queue first (emergencies, then by arrival; walk-ins included), then appointments.
    assert [e.pk for e in services.affected_exams(ct)] == [walk_in.pk, arrived.pk, booked[1].pk]
    assert services.diversion_rooms(booked[1]) == [second_ct_room]
    moved = services.divert(clerk.user, booked[1], second_ct_room)
    assert (moved.room, moved.scheduled_start) == (second_ct_room, at(9, 30))
    # A checked-in patient moves to the other room's queue, keeping their place, unbooked.
    queued_at = arrived.queued_at
    moved = services.divert(clerk.user, arrived, second_ct_room)
    assert (moved.room, moved.status, moved.queued_at) == (
        second_ct_room,
        ExamStatus.ARRIVED,
        queued_at,
    )
    assert moved.events.filter(kind=EventKind.DIVERTED).exists()
    services.divert(clerk.user, walk_in, second_ct_room)
    assert [e.pk for e in services.affected_exams(ct)] == []
    assert [e.pk for e in checkin.queue(second_ct_room)] == [walk_in.pk, arrived.pk]  # ORD-2

    with pytest.raises(RuleViolation, match="EQP-4"):
        services.return_to_service(technologist.user, fault, "试扫正常")  # no repair yet
    with pytest.raises(RuleViolation, match="EQP-4"):
        services.record_repair(
            engineer.user, fault, engineer="厂家工程师", repair="", cause="球管老化",
            responsibility="wear",
        )  # fmt: skip
    frozen_clock.move_to(at(15, 0))
    services.record_repair(
        engineer.user, fault, engineer="厂家工程师", repair="更换球管", cause="球管老化",
        responsibility="wear", parts="CT球管", cost=Decimal("850000"),
    )  # fmt: skip
    with pytest.raises(RuleViolation, match="EQP-4"):
        services.return_to_service(clerk.user, fault, "看过了")  # neither engineer nor custodian
    fault = services.return_to_service(technologist.user, fault, "水模CT值、噪声合格")
    ct.refresh_from_db()
    assert ct.status == DeviceStatus.IN_USE and fault.returned_by == technologist
    assert fault.returned_at - fault.reported_at == dt.timedelta(hours=7, minutes=30)
    scheduling.book(clerk.user, extra, rooms["CT1"], at(16, 0, days=1))


@pytest.mark.rules("EQP-6")
def test_utilisation_and_intact_rate_on_a_crafted_month(
    frozen_clock, ct, engineer, technologist, clerk, order, items, patient, director, client_for
):
    # March 2026: 22 working days × 8 h = 10,560 working minutes.
    frozen_clock.move_to(dt.datetime(2026, 3, 2, 9, 0, tzinfo=BEIJING))
    exam = order(items["ct_head"], priority="urgent")[0]
    ids = Identifiers(name=patient.name, patient_id=patient.patient_id)
    exam = check_in(clerk.user, exam, ids)
    room_work.start_exam(technologist.user, exam)
    room_work.record_details(technologist.user, exam, {"kv": 120, "shielding": "铅围脖"})
    frozen_clock.move_to(dt.datetime(2026, 3, 2, 9, 48, tzinfo=BEIJING))
    room_work.complete_exam(technologist.user, exam)  # 48 minutes of use
    frozen_clock.move_to(dt.datetime(2026, 3, 10, 9, 0, tzinfo=BEIJING))
    fault = services.report_fault(technologist.user, ct, "机架报错")
    services.record_repair(
        engineer.user,
        fault,
        engineer="工程师",
        repair="复位",
        cause="软件",
        responsibility="quality",
    )
    frozen_clock.move_to(dt.datetime(2026, 3, 11, 10, 0, tzinfo=BEIJING))
    services.return_to_service(engineer.user, fault, "正常")
    # Down in working time: 10 March 09:00-16:00 and 11 March 08:00-10:00 = 540 minutes.
    rates = services.month_rates(ct, 2026, 3)
    assert (rates.working_minutes, rates.used_minutes, rates.down_minutes) == (10560, 48, 540)
    assert (rates.utilisation, rates.intact) == (0.5, 94.9)
    assert services.month_rates(ct, 2026, 4).intact == 100.0
    # The same figures beside the quality indicators, against the policy targets.
    page = client_for(director).get("/quality/kpi/", {"from": "2026-03-01", "to": "2026-03-31"})
    (row,) = page.context["devices"]
    assert (row.rates.utilisation, row.rates.intact) == (0.5, 94.9)
    assert (row.utilisation_met, row.intact_met) == (False, False)  # 85% and 95%
