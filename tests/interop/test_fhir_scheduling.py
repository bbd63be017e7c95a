"""FHIR Schedule, Slot and Appointment: free slots for an order are those the booking rules
allow; booking, moving and cancelling go through the scheduling service (SCH-*)."""

from __future__ import annotations

import pytest

from tests.orders.fixtures import at
from yiji.interop.fhir.resources import slot_id
from yiji.orders.models import EventKind, ExamStatus
from yiji.orders.scheduling import book


def _booking(exam, room, start, status="booked"):
    return {
        "resourceType": "Appointment",
        "status": status,
        "basedOn": [{"reference": f"ServiceRequest/{exam.pk}"}],
        "slot": [{"reference": f"Slot/{slot_id(room, start)}"}],
        "participant": [
            {"actor": {"reference": f"Patient/{exam.patient_id}"}, "status": "accepted"}
        ],
    }


def test_free_slots_follow_the_booking_rules(his_api, order, items, rooms, clerk):
    exam = order(items["chest"])[0]
    taken = order(items["chest"])[0]
    book(clerk.user, taken, rooms["DR1"], at(8, 0))
    status, bundle = his_api.get(
        "Slot",
        **{"service-request": f"ServiceRequest/{exam.pk}", "start": "2026-11-23", "_count": 3},
    )
    assert status == 200
    slots = [e["resource"] for e in bundle["entry"]]
    # 08:00 is taken in the only DR room; the 15-minute grid goes on from there.
    assert [s["start"] for s in slots] == [
        "2026-11-23T08:15:00+08:00",
        "2026-11-23T08:30:00+08:00",
        "2026-11-23T08:45:00+08:00",
    ]
    assert slots[0]["end"] == "2026-11-23T08:20:00+08:00"  # the item takes 5 minutes
    assert slots[0]["schedule"]["reference"] == f"Schedule/{rooms['DR1'].pk}"
    assert any(link["relation"] == "next" for link in bundle["link"])
    _status, schedule = his_api.get(slots[0]["schedule"]["reference"])
    assert schedule["actor"][0]["display"] == "DR一室"
    _status, busy = his_api.get(f"Slot/{slot_id(rooms['DR1'], at(8, 0))}")
    assert busy["status"] == "busy"

    # A fasting ultrasound is offered mornings only (SCH-3).
    fasting = order(items["us_liver"])[0]
    _status, bundle = his_api.get(
        "Slot",
        **{
            "service-request": f"ServiceRequest/{fasting.pk}",
            "start": "ge2026-11-23T12:00:00+08:00",
        },
    )
    starts = [e["resource"]["start"] for e in bundle["entry"]]
    assert starts and all(s[11:13] < "12" for s in starts) and starts[0].startswith("2026-11-24")


def test_booking_moving_and_cancelling_an_appointment(his_api, order, items, rooms):
    exam = order(items["ct_head"])[0]
    status, made = his_api.post("Appointment", _booking(exam, rooms["CT1"], at(9, 0)))
    assert status == 201, made
    assert made["status"] == "booked" and made["start"] == "2026-11-23T09:00:00+08:00"
    assert made["basedOn"] == [{"reference": f"ServiceRequest/{exam.pk}"}]
    exam.refresh_from_db()
    assert exam.status == ExamStatus.BOOKED and exam.room == rooms["CT1"]
    assert exam.events.filter(kind=EventKind.BOOKED, actor__username="fhir").exists()

    _status, found = his_api.get(
        "Appointment", patient=f"Patient/{exam.patient_id}", date="2026-11-23"
    )
    assert [e["resource"]["id"] for e in found["entry"]] == [str(exam.pk)]

    status, moved = his_api.put(f"Appointment/{exam.pk}", _booking(exam, rooms["CT1"], at(10, 0)))
    assert status == 200 and moved["start"] == "2026-11-23T10:00:00+08:00"
    assert exam.events.filter(kind=EventKind.RESCHEDULED).exists()

    status, cancelled = his_api.put(
        f"Appointment/{exam.pk}",
        _booking(exam, rooms["CT1"], at(10, 0), "cancelled")
        | {"cancelationReason": {"text": "患者改期"}},
    )
    assert status == 200 and cancelled["status"] == "cancelled"
    exam.refresh_from_db()
    assert exam.status == ExamStatus.REQUESTED and exam.scheduled_start is None


@pytest.mark.rules("SCH-8")
def test_a_slot_the_rules_refuse_is_an_operation_outcome(his_api, order, items, rooms):
    exam = order(items["ct_head"])[0]
    status, outcome = his_api.post("Appointment", _booking(exam, rooms["CT1"], at(12, 30)))
    assert status == 422
    assert "[SCH-8]" in outcome["issue"][0]["diagnostics"]
    exam.refresh_from_db()
    assert exam.status == ExamStatus.REQUESTED

    status, outcome = his_api.post("Appointment", _booking(exam, rooms["DR1"], at(9, 0)))
    assert status == 422 and "[SCH-1]" in outcome["issue"][0]["diagnostics"]


@pytest.mark.parametrize(
    "path, params, code",
    [
        ("Slot", {}, 400),
        ("Slot", {"service-request": "ServiceRequest/999999"}, 422),
        ("Slot", {"service-request": "ServiceRequest/{exam}", "start": "tomorrow"}, 400),
        ("Slot/not-a-slot", {}, 404),
        ("Schedule/x", {}, 404),
        ("Appointment/999999", {}, 404),
    ],
)
def test_bad_searches_get_an_operation_outcome(his_api, order, items, path, params, code):
    exam = order(items["ct_head"])[0]
    params = {k: v.format(exam=exam.pk) for k, v in params.items()}
    status, outcome = his_api.get(path, **params)
    assert status == code and outcome["resourceType"] == "OperationOutcome"


def test_a_broken_appointment_body_is_refused(his_api, order, items, rooms):
    exam = order(items["ct_head"])[0]
    no_slot = _booking(exam, rooms["CT1"], at(9, 0))
    del no_slot["slot"]
    assert his_api.post("Appointment", no_slot)[0] == 422
    assert his_api.post("Appointment", "{not json")[0] == 400
    assert (
        his_api.post("Appointment", {"resourceType": "Appointment", "status": "nonsense"})[0] == 400
    )
