"""FHIR Schedule, Slot and Appointment: a HIS or a patient app finds the free slots for an
order and books one, through the same scheduling service and rules (SCH-*) as the booking
desk. A Schedule is a room; a Slot is computed from the room's working hours, not stored."""

from __future__ import annotations

import datetime as dt
import itertools

from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from yiji.core.models import Room
from yiji.core.permissions import Action, require
from yiji.interop.fhir import resources as fhir
from yiji.interop.fhir.views import (
    Problem,
    date_filter,
    endpoint,
    filter_patient,
    location,
    page_bundle,
    page_size,
    read_resource,
    resource_id,
    respond,
    searchset,
)
from yiji.orders import scheduling
from yiji.orders.models import Exam, ExamStatus

BOOKABLE = (ExamStatus.REQUESTED, ExamStatus.BOOKED)


def _room(value: str) -> Room:
    room = Room.objects.filter(pk=resource_id(value.removeprefix("Schedule/"))).first()
    if room is None:
        raise Problem(404, "not-found", f"日程不存在：Schedule/{value}", "schedule")
    return room


def _order(reference: str, expression: str) -> Exam:
    value = reference.removeprefix("ServiceRequest/")
    exam = (
        Exam.objects.select_related("item", "department", "patient", "requisition", "room")
        .filter(pk=int(value) if value.isdigit() else 0)
        .first()
    )
    if exam is None:
        raise Problem(422, "not-found", f"医嘱不存在：{reference}", expression)
    return exam


def _slot(value: str) -> tuple[Room, dt.datetime]:
    """Room and start from a slot id (`<room>-<YYYYMMDDHHMM>`, see resources.slot_id)."""
    room_pk, _dash, minute = value.removeprefix("Slot/").partition("-")
    try:
        start = timezone.make_aware(dt.datetime.strptime(minute, "%Y%m%d%H%M"))
    except ValueError as exc:
        raise Problem(404, "not-found", f"时段不存在：Slot/{value}", "slot") from exc
    return _room(room_pk), start


def _moment(text: str, end_of_day: bool) -> dt.datetime | None:
    """A FHIR date (the whole day: its start, or with `end_of_day` the next midnight) or
    dateTime (that instant; local time when it names no zone)."""
    if len(text) == 10:
        day = parse_date(text)
        if day is None:
            return None
        moment = dt.datetime.combine(day, dt.time.min, timezone.get_current_timezone())
        return moment + dt.timedelta(days=1) if end_of_day else moment
    moment = parse_datetime(text)
    if moment is None:
        return None
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


def _window(values: list[str]) -> tuple[dt.datetime, dt.datetime | None]:
    """The `start` search parameters (eq, ge, gt, le, lt) as [after, until); never the past."""
    after, until = timezone.now(), None
    for value in values:
        prefix, text = (
            (value[:2], value[2:])
            if value[:2] in ("eq", "ge", "gt", "le", "lt")
            else (
                "eq",
                value,
            )
        )
        low, high = _moment(text, False), _moment(text, True)
        if low is None or high is None:
            raise Problem(400, "invalid", f"时间参数无效：{value}", "start")
        if prefix in ("eq", "ge", "gt"):
            after = max(after, low)
        if prefix == "eq" or prefix in ("le", "lt"):
            until = min(until, high) if until else high
    return after, until


# --- Schedule and Slot ---------------------------------------------------------------------


@endpoint
def schedule_read(request: HttpRequest, pk: str) -> JsonResponse:
    require(request.user, Action.VIEW_PATIENT)
    return respond(fhir.schedule(_room(pk)))


@endpoint
def slot_read(request: HttpRequest, pk: str) -> JsonResponse:
    require(request.user, Action.VIEW_PATIENT)
    room, start = _slot(pk)
    end = start + dt.timedelta(minutes=scheduling.slot_minutes(room.department))
    busy = scheduling.room_is_taken(room, start, end)
    return respond(fhir.slot(room, start, end, "busy" if busy else "free"))


@endpoint
def slots(request: HttpRequest) -> JsonResponse:
    """Free slots for one order: those where booking it would break no rule."""
    require(request.user, Action.BOOK_EXAM)
    reference = request.GET.get("service-request", "")
    if not reference:
        text = "请用 service-request 参数指明为哪条医嘱查找空闲时段。"
        raise Problem(400, "required", text, "service-request")
    if request.GET.get("status", "free") != "free":
        raise Problem(400, "not-supported", "只能检索空闲时段（status=free）。", "status")
    exam = _order(reference, "service-request")
    if exam.status not in BOOKABLE:
        raise Problem(422, "business-rule", "该检查已不能预约。", "service-request")
    room = _room(request.GET["schedule"]) if "schedule" in request.GET else None
    after, until = _window(request.GET.getlist("start"))
    count, offset = page_size(request)
    candidates = scheduling.free_slots(exam, after, until, room)
    found = list(itertools.islice(candidates, offset, offset + count + 1))
    duration = dt.timedelta(minutes=exam.item.duration_minutes)
    page = [fhir.slot(r, start, start + duration) for r, start in found[:count]]
    return page_bundle(request, page, offset, more=len(found) > count)


# --- Appointment ---------------------------------------------------------------------------


def _appointments():
    booked = Exam.objects.filter(scheduled_start__isnull=False)
    return booked.select_related("item", "room").order_by("pk")


def _booking(body: dict) -> tuple[Room, dt.datetime]:
    slots = body.get("slot") or []
    if not slots:
        raise Problem(422, "required", "预约须指明时段（slot）。", "Appointment.slot")
    return _slot(str(slots[0].get("reference", "")))


def _book(request: HttpRequest) -> JsonResponse:
    body = read_resource(request, "Appointment")
    if body.get("status") not in ("proposed", "pending", "booked"):
        raise Problem(400, "invalid", "新预约须为 status=booked。", "Appointment.status")
    based_on = body.get("basedOn") or []
    if not based_on:
        raise Problem(422, "required", "预约须指明医嘱（basedOn）。", "Appointment.basedOn")
    exam = _order(str(based_on[0].get("reference", "")), "Appointment.basedOn")
    room, start = _booking(body)
    exam = scheduling.book(request.user, exam, room, start)
    return respond(fhir.appointment(exam), 201, Location=location(request, "Appointment", exam.pk))


def _change(request: HttpRequest, exam: Exam) -> JsonResponse:
    """PUT: status cancelled unbooks (the order stays, to be booked again); another slot
    moves the booking."""
    body = read_resource(request, "Appointment")
    if body.get("status") == "cancelled":
        reason = (body.get("cancelationReason") or {}).get("text", "") or "HIS"
        cancelled = fhir.appointment(exam) | {"status": "cancelled"}  # as it was booked
        scheduling.cancel_booking(request.user, exam, reason)
        return respond(cancelled)
    room, start = _booking(body)
    exam = scheduling.book(request.user, exam, room, start)
    return respond(fhir.appointment(exam))


@endpoint
def appointment_read(request: HttpRequest, pk: str) -> JsonResponse:
    require(request.user, Action.VIEW_PATIENT)
    exam = _appointments().filter(pk=resource_id(pk)).first()
    if exam is None:
        raise Problem(404, "not-found", f"预约不存在：Appointment/{pk}")
    if request.method == "PUT":
        return _change(request, exam)
    return respond(fhir.appointment(exam))


@endpoint
def appointments(request: HttpRequest) -> JsonResponse:
    if request.method == "POST":
        return _book(request)
    require(request.user, Action.VIEW_PATIENT)
    rows = filter_patient(_appointments(), request, "patient_id")
    if "based-on" in request.GET:
        rows = rows.filter(pk=resource_id(request.GET["based-on"].removeprefix("ServiceRequest/")))
    if "status" in request.GET:
        wanted = set(request.GET["status"].split(","))
        rows = rows.filter(
            status__in=[s for s, f in fhir.APPOINTMENT_STATUS.items() if f in wanted]
        )
    rows = date_filter(rows, "scheduled_start", request.GET.getlist("date"))
    return searchset(request, rows, fhir.appointment)
