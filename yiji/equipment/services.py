"""Device files (EQP-1, EQP-5), faults, diversion and repairs (EQP-3, EQP-4), and the monthly
utilisation and intact rates (EQP-6). The only place equipment records change."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from django.db.models import Case, Q, QuerySet, When
from django.utils import timezone

from yiji.core import audit, calendar, notices, policy
from yiji.core.accounts import staff_of
from yiji.core.models import AuditAction, Role, Room
from yiji.core.permissions import Action, may, require
from yiji.core.rulebook import RuleViolation, carries_out
from yiji.equipment.models import (
    ChangeKind,
    Device,
    DeviceDocument,
    DeviceLicence,
    DeviceStatus,
    Fault,
    LicenceKind,
    Responsibility,
    TechnicalChange,
)
from yiji.orders.checkin import next_queue_number
from yiji.orders.models import EventKind, Exam, ExamStatus, Priority
from yiji.orders.services import record_event


def _refuse(rule: str, zh: str, en: str, field: str = "") -> RuleViolation:
    return RuleViolation(rule, zh, en, field=field)


@carries_out("EQP-1")
def register_device(actor, device: Device) -> Device:
    """A new device's file, or a change to it; every device has a custodian (专人)."""
    require(actor, Action.MANAGE_EQUIPMENT)
    if not device.custodian_id:
        raise _refuse("EQP-1", "每台设备须指定专人保管。", "Name the custodian.", "custodian")
    if device.room_id and device.room.department_id != device.department_id:
        raise _refuse(
            "EQP-1", "设备所在机房须属于本科室。", "The room belongs to another department.", "room"
        )
    creating = device.pk is None
    before = {} if creating else audit.snapshot(Device.objects.get(pk=device.pk))
    device.save()
    action = AuditAction.CREATE if creating else AuditAction.UPDATE
    audit.record(actor, action, device, before=before, after=audit.snapshot(device))
    return device


@carries_out("EQP-5")
def record_change(
    actor, device: Device, kind: str, description: str, changed_on: dt.date
) -> TechnicalChange:
    """A wiring, software or configuration change goes into the device's technical file."""
    require(actor, Action.MANAGE_EQUIPMENT)
    if kind not in ChangeKind.values:
        raise _refuse("EQP-5", "请选择变更类别。", "Choose the kind of change.", "kind")
    if not description.strip():
        raise _refuse("EQP-5", "请写明变更内容。", "Describe the change.", "description")
    if changed_on > timezone.localdate():
        raise _refuse("EQP-5", "变更日期不能晚于今天。", "The date cannot be in the future.")
    change = TechnicalChange.objects.create(
        device=device,
        kind=kind,
        description=description.strip(),
        changed_on=changed_on,
        recorded_by=staff_of(actor, "EQP-5"),
    )
    audit.record(actor, AuditAction.CREATE, change)
    return change


@carries_out("EQP-1")
def add_licence(
    actor,
    device: Device,
    kind: str,
    number: str,
    issued_on: dt.date | None,
    expires_on: dt.date | None,
) -> DeviceLicence:
    require(actor, Action.MANAGE_EQUIPMENT)
    if kind not in LicenceKind.values or not number.strip():
        raise _refuse("EQP-1", "请填写证照类别和编号。", "Give the kind and number.", "number")
    if issued_on and expires_on and expires_on <= issued_on:
        raise _refuse("EQP-1", "有效期须晚于发证日期。", "Expiry must follow issue.", "expires_on")
    licence = DeviceLicence.objects.create(
        device=device,
        kind=kind,
        number=number.strip(),
        issued_on=issued_on,
        expires_on=expires_on,
    )
    audit.record(actor, AuditAction.CREATE, licence)
    return licence


DOCUMENT_TYPES = {".pdf", ".jpg", ".jpeg", ".png", ".docx", ".xlsx"}
DOCUMENT_MAX_BYTES = 20 * 1024 * 1024


@carries_out("EQP-1")
def add_document(actor, device: Device, title: str, upload) -> DeviceDocument:
    """A document or photo filed with the device, with its SHA-256."""
    require(actor, Action.MANAGE_EQUIPMENT)
    suffix = Path(upload.name or "").suffix.lower()
    if suffix not in DOCUMENT_TYPES:
        raise _refuse(
            "EQP-1",
            "只能上传PDF、图片（JPG/PNG）、Word或Excel文件。",
            "Upload a PDF, a JPG/PNG picture, a Word or an Excel file.",
            "file",
        )
    if upload.size > DOCUMENT_MAX_BYTES:
        raise _refuse("EQP-1", "文件不能超过20 MB。", "The file is over 20 MB.", "file")
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    document = DeviceDocument.objects.create(
        device=device,
        title=title.strip()[:100] or Path(upload.name).stem[:100],
        file=upload,
        sha256=digest.hexdigest(),
        uploaded_by=staff_of(actor, "EQP-1"),
    )
    audit.record(actor, AuditAction.CREATE, document)
    return document


def open_fault(device: Device) -> Fault | None:
    return device.faults.filter(returned_at__isnull=True).first()


def faulty_device_in(room: Room) -> Device | None:
    """A device of this room that is down, if any: the room cannot take patients."""
    return Device.objects.filter(room=room, status=DeviceStatus.FAULT).first()


@carries_out("EQP-3")
def report_fault(actor, device: Device, description: str, exam: Exam | None = None) -> Fault:
    """Anyone reports a fault at once: the device goes to fault status, the downtime clock
    starts, the custodian, the engineers and the director are told."""
    require(actor, Action.REPORT_FAULT)
    if not description.strip():
        raise _refuse("EQP-3", "请描述故障现象。", "Describe the fault.", "description")
    with transaction.atomic():
        device = Device.objects.select_for_update().get(pk=device.pk)
        if device.status == DeviceStatus.RETIRED:
            raise _refuse("EQP-3", "该设备已报废。", "The device is retired.")
        already = open_fault(device)
        if already:
            return already
        fault = Fault.objects.create(
            device=device,
            description=description.strip(),
            reported_by=staff_of(actor, "EQP-3"),
            exam=exam,
        )
        device.status = DeviceStatus.FAULT
        device.save(update_fields=["status"])
        audit.record(actor, AuditAction.CREATE, fault)
    waiting = affected_exams(device).count()
    recipients = [device.custodian, *notices.holders(Role.ENGINEER, device.department)]
    recipients += notices.holders(Role.DIRECTOR, device.department)
    notices.notify(
        recipients,
        "EQP-3",
        f"eqp3:{fault.pk}",
        f"{device.name}故障停机：{fault.description[:60]}；{waiting}位候检或已预约患者待分流。",
        url=f"/equipment/{device.pk}/",
    )
    return fault


def affected_exams(device: Device) -> QuerySet:
    """Who waits for the device's room: the patients already in its queue (walk-ins and
    emergencies included), then today's and later appointments."""
    if device.room_id is None:
        return Exam.objects.none()
    start_of_today = calendar.day_bounds(timezone.localdate(), timezone.localdate())[0]
    return (
        Exam.objects.filter(room=device.room)
        .filter(
            Q(status=ExamStatus.ARRIVED)
            | Q(status=ExamStatus.BOOKED, scheduled_start__gte=start_of_today)
        )
        .select_related("patient", "item")
        .annotate(routine=Case(When(priority=Priority.URGENT, then=0), default=1))
        # "arrived" sorts before "booked"; in the queue, emergencies first (ORD-2).
        .order_by("status", "routine", "queued_at", "scheduled_start", "pk")
    )


def diversion_rooms(exam: Exam) -> list[Room]:
    """Other rooms that perform the exam and have no device down."""
    from yiji.orders.scheduling import rooms_for

    return [r for r in rooms_for(exam) if r.pk != exam.room_id and not faulty_device_in(r)]


@carries_out("EQP-3")
def divert(actor, exam: Exam, room: Room) -> Exam:
    """Move an appointment off a device that is down: the same time in another room if it
    is free, else that room's earliest free slot (the booking rules still apply)."""
    from yiji.orders import scheduling

    exam = Exam.objects.select_related("item", "department").get(pk=exam.pk)
    if exam.status == ExamStatus.ARRIVED:
        return _move_in_queue(actor, exam, room)
    start = exam.scheduled_start
    if start is None or start < timezone.now() or scheduling.booking_problems(exam, room, start):
        slot = scheduling.earliest_slot(exam, room=room)
        if slot is None:
            raise _refuse(
                "EQP-3", f"{room.name}近期没有空闲时段。", f"{room.name} has no free slot soon."
            )
        start = slot[1]
    return scheduling.book(actor, exam, room, start)


def _move_in_queue(actor, exam: Exam, room: Room) -> Exam:
    """A patient already checked in goes to the other room's queue keeping their place (the
    time they joined the queue orders it), without a new booking; the screen shows a new
    number for that room."""
    require(actor, Action.BOOK_EXAM)
    if room.pk not in {r.pk for r in diversion_rooms(exam)}:
        raise _refuse(
            "EQP-3", f"{room.name}不能做该检查或设备也在故障中。",
            f"{room.name} cannot take this exam or is down too.", "room",
        )  # fmt: skip
    with transaction.atomic():
        exam = Exam.objects.select_for_update(of=("self",)).get(pk=exam.pk)
        if exam.status != ExamStatus.ARRIVED:
            raise _refuse("EQP-3", "患者已不在候检队列中。", "The patient is no longer waiting.")
        before = exam.room
        exam.room = room
        exam.queue_number = next_queue_number(room, timezone.localdate())
        exam.save(update_fields=["room", "queue_number"])
        record_event(
            exam, EventKind.DIVERTED, actor, note=f"{before.name if before else ''} → {room.name}",
            room=room.code, queue=exam.queue_number,
        )  # fmt: skip
        audit.record(actor, AuditAction.UPDATE, exam, after={"room": room.code}, reason="EQP-3")
    return exam


@carries_out("EQP-4")
def record_repair(
    actor,
    fault: Fault,
    *,
    engineer: str,
    repair: str,
    cause: str,
    responsibility: str,
    parts: str = "",
    cost: Decimal | None = None,
) -> Fault:
    """Every repair in detail: who, what was done, parts, cost, cause and responsibility."""
    require(actor, Action.MANAGE_EQUIPMENT)
    if not (engineer.strip() and repair.strip() and cause.strip()):
        raise _refuse(
            "EQP-4",
            "维修记录须写明维修人员、维修内容和故障原因。",
            "Record the engineer, the repair and the cause.",
        )
    if responsibility not in Responsibility.values:
        raise _refuse("EQP-4", "请选择责任认定。", "Choose the responsibility.", "responsibility")
    if cost is not None and cost < 0:
        raise _refuse("EQP-4", "费用不能为负。", "The cost cannot be negative.", "cost")
    with transaction.atomic():
        fault = Fault.objects.select_for_update().get(pk=fault.pk)
        if fault.returned_at:
            raise _refuse("EQP-4", "该故障已结束。", "This fault is closed.")
        fault.engineer, fault.repair, fault.cause = engineer.strip(), repair.strip(), cause.strip()
        fault.parts, fault.cost, fault.responsibility = parts.strip(), cost, responsibility
        fault.repaired_at = timezone.now()
        fault.save()
        audit.record(actor, AuditAction.UPDATE, fault, after={"repair": fault.repair})
    return fault


@carries_out("EQP-3", "EQP-4")
def return_to_service(actor, fault: Fault, check: str) -> Fault:
    """After the repair and a check (by the engineer or the custodian), the device is back
    in use and the downtime clock stops."""
    staff = staff_of(actor, "EQP-4")
    if not may(actor, Action.MANAGE_EQUIPMENT) and staff != fault.device.custodian:
        raise _refuse(
            "EQP-4",
            "设备须由工程师或设备保管人检查后恢复使用。",
            "The engineer or the custodian returns the device to service.",
        )
    if not check.strip():
        raise _refuse("EQP-4", "请记录恢复使用前的检查。", "Record the check.", "check")
    with transaction.atomic():
        fault = Fault.objects.select_for_update().select_related("device").get(pk=fault.pk)
        if fault.returned_at:
            return fault
        if fault.repaired_at is None:
            raise _refuse("EQP-4", "请先登记维修记录。", "Record the repair first.")
        fault.returned_at, fault.return_check, fault.returned_by = (
            timezone.now(),
            check.strip(),
            staff,
        )
        fault.save()
        device = fault.device
        device.status = DeviceStatus.IN_USE
        device.save(update_fields=["status"])
        audit.record(actor, AuditAction.UPDATE, fault, after={"returned": check.strip()})
    return fault


# ----------------------------------------------------------------------- EQP-6


@dataclass(frozen=True)
class MonthRates:
    working_minutes: float
    used_minutes: float
    down_minutes: float

    @property
    def utilisation(self) -> float | None:
        if not self.working_minutes:
            return None
        return round(100 * self.used_minutes / self.working_minutes, 1)

    @property
    def intact(self) -> float | None:
        if not self.working_minutes:
            return None
        return round(100 * (1 - self.down_minutes / self.working_minutes), 1)


def _overlap(a_start, a_end, b_start, b_end) -> float:
    start, end = max(a_start, b_start), min(a_end, b_end)
    return max(0.0, (end - start).total_seconds() / 60)


@carries_out("EQP-6")
def month_rates(device: Device, year: int, month: int) -> MonthRates:
    first = dt.date(year, month, 1)
    last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    return rates(device, first, last)


@carries_out("EQP-6")
def rates(device: Device, first: dt.date, last: dt.date) -> MonthRates:
    """Working time: the device's hours on each working day from the morning session's
    start. Used: exams performed in its room, start to completion. Down: fault time inside
    working time."""
    start, end = calendar.day_bounds(first, last)
    faults = list(
        device.faults.filter(reported_at__lt=end)
        .exclude(returned_at__lt=start)
        .values_list("reported_at", "returned_at")
    )
    now = timezone.now()
    hours = dt.timedelta(hours=float(device.hours_per_day))
    working = down = 0.0
    day = first
    while day <= last:
        if calendar.is_working_day(day):
            opens = dt.datetime.combine(
                day,
                policy.value("sch.morning_start", department=device.department),
                tzinfo=timezone.get_current_timezone(),
            )
            closes = opens + hours
            working += hours.total_seconds() / 60
            for reported, returned in faults:
                down += _overlap(opens, closes, reported, returned or now)
        day += dt.timedelta(days=1)
    used = 0.0
    if device.room_id:
        exams = Exam.objects.filter(
            room=device.room,
            status=ExamStatus.COMPLETED,
            completed_at__gte=start,
            completed_at__lt=end,
            started_at__isnull=False,
        ).values_list("started_at", "completed_at")
        used = sum((done - began).total_seconds() / 60 for began, done in exams)
    return MonthRates(working, used, min(down, working))


@carries_out("EQP-1")
def remind_expiring_licences(today: dt.date | None = None) -> int:
    """Licences expiring within the warning period are reminded once to the custodian and
    the director."""
    today = today or timezone.localdate()
    sent = 0
    for licence in DeviceLicence.objects.filter(
        expires_on__isnull=False, device__status__in=[DeviceStatus.IN_USE, DeviceStatus.FAULT]
    ).select_related("device__custodian", "device__department"):
        device = licence.device
        days = policy.value("eqp.expiry_warning_days", department=device.department)
        if licence.expires_on > today + dt.timedelta(days=days):
            continue
        expired = licence.expires_on < today
        recipients = [device.custodian, *notices.holders(Role.DIRECTOR, device.department)]
        sent += notices.notify(
            recipients,
            "EQP-1",
            f"eqp1:licence:{licence.pk}:{'expired' if expired else 'due'}",
            f"{device.name}的{licence.get_kind_display()}（{licence.number}）"
            f"{'已于' if expired else '将于'}{licence.expires_on}{'过期' if expired else '到期'}。",
            url=f"/equipment/{device.pk}/",
        )
    return sent


@dataclass(frozen=True)
class DeviceRates:
    device: Device
    rates: MonthRates
    utilisation_min: Decimal
    intact_min: Decimal

    @property
    def utilisation_met(self) -> bool | None:
        value = self.rates.utilisation
        return None if value is None else value >= float(self.utilisation_min)

    @property
    def intact_met(self) -> bool | None:
        value = self.rates.intact
        return None if value is None else value >= float(self.intact_min)


@carries_out("EQP-6")
def period_rates(first: dt.date, last: dt.date, department=None, modality: str = ""):
    """Each device's utilisation and intact rate over the period, against the targets."""
    devices = Device.objects.exclude(status=DeviceStatus.RETIRED).select_related("department")
    if department is not None:
        devices = devices.filter(department=department)
    if modality:
        devices = devices.filter(modality=modality)
    return [
        DeviceRates(
            device,
            rates(device, first, last),
            policy.value("eqp.utilisation_rate_min", department=device.department),
            policy.value("eqp.intact_rate_min", department=device.department),
        )
        for device in devices
    ]
