"""Equipment pages: the device list with what needs attention, the device form, and each
device's page (licences, technical changes, faults with repairs, the month's utilisation and
intact rate), where faults are reported, appointments diverted and repairs recorded. Thin:
read the form, call the service, show its refusal."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from yiji.core.models import MEDTECH_KINDS, Department, Room, Staff
from yiji.core.permissions import Action, may
from yiji.core.rulebook import RuleViolation
from yiji.core.views import form_date, form_decimal, form_pk, requires, show_refusal
from yiji.equipment import plans, radiation, services, supplies
from yiji.equipment.forms import DeviceForm
from yiji.equipment.models import (
    AreaMeasurement,
    ChangeKind,
    Device,
    DeviceDocument,
    DeviceLicence,
    DeviceStatus,
    EmergencyPlan,
    Fault,
    ItemKind,
    ItemResult,
    LicenceKind,
    MaintenancePlan,
    PlanRecord,
    ProtectiveItem,
    ProtectiveKind,
    Responsibility,
    StockMovement,
    SupplyCategory,
    SupplyItem,
)
from yiji.orders.models import Exam
from yiji.orders.services import exam_by_accession


@requires(Action.REPORT_FAULT)
def device_list(request: HttpRequest) -> HttpResponse:
    devices = Device.objects.select_related("department", "room", "custodian")
    if request.GET.get("status") in DeviceStatus.values:
        devices = devices.filter(status=request.GET["status"])
    soon = timezone.localdate() + dt.timedelta(days=60)
    return render(
        request,
        "equipment/devices.html",
        {
            "devices": devices,
            "statuses": DeviceStatus.choices,
            "open_faults": Fault.objects.filter(returned_at__isnull=True).select_related("device"),
            "expiring": DeviceLicence.objects.filter(expires_on__lte=soon)
            .exclude(device__status=DeviceStatus.RETIRED)
            .select_related("device"),
            "can_manage": may(request.user, Action.MANAGE_EQUIPMENT),
            "overdue": [due for due in plans.due_list() if due.overdue],
            "stock_alerts": supplies.alerts(),
        },
    )


@requires(Action.MANAGE_EQUIPMENT)
def device_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    device = get_object_or_404(Device, pk=pk) if pk else None
    form = DeviceForm(request.POST or None, instance=device)
    if request.method == "POST" and form.is_valid():
        try:
            device = services.register_device(request.user, form.save(commit=False))
        except RuleViolation as violation:
            show_refusal(request, violation)
        else:
            messages.success(request, _("Device saved."))
            return redirect("device", pk=device.pk)
    return render(request, "equipment/device_form.html", {"form": form, "device": device})


@requires(Action.REPORT_FAULT)
def device_page(request: HttpRequest, pk: int) -> HttpResponse:
    device = get_object_or_404(
        Device.objects.select_related("department", "room", "custodian"), pk=pk
    )
    if request.method == "POST":
        try:
            _act(request, device)
        except RuleViolation as violation:
            show_refusal(request, violation)
        return redirect("device", pk=pk)
    today = timezone.localdate()
    fault = services.open_fault(device)
    affected = list(services.affected_exams(device)) if fault else []
    return render(
        request,
        "equipment/device.html",
        {
            "device": device,
            "fault": fault,
            "affected": [(exam, services.diversion_rooms(exam)) for exam in affected],
            "faults": device.faults.select_related("reported_by", "returned_by")[:50],
            "changes": device.changes.select_related("recorded_by")[:50],
            "licences": device.licences.all(),
            "documents": device.documents.select_related("uploaded_by"),
            "rates": services.month_rates(device, today.year, today.month),
            "today": today,
            "change_kinds": ChangeKind.choices,
            "licence_kinds": LicenceKind.choices,
            "responsibilities": Responsibility.choices,
            "can_manage": may(request.user, Action.MANAGE_EQUIPMENT),
            "can_book": may(request.user, Action.BOOK_EXAM),
            "plans": [
                (plan, plans.due_on(plan, today), list(plan.items.all()))
                for plan in device.plans.filter(active=True).prefetch_related("items")
            ],
            "records": _recent_records(device),
            "trends": _trends(device),
        },
    )


def _recent_records(device: Device):
    return PlanRecord.objects.filter(plan__device=device).select_related("plan", "done_by")[:30]


def _trends(device: Device) -> list[dict]:
    """The last 60 results of each measured test, with its reference and bands, for charts."""
    trends = []
    numeric = (
        MaintenancePlan.objects.filter(device=device)
        .values_list("items__pk", flat=True)
        .filter(items__kind=ItemKind.NUMERIC)
    )
    for item_pk in numeric:
        rows = list(
            ItemResult.objects.filter(item_id=item_pk)
            .select_related("item", "record")
            .order_by("-record__done_at")[:60]
        )
        if not rows:
            continue
        item = rows[0].item
        rows.reverse()
        band = {
            "reference": item.reference,
            "tolerance": item.tolerance,
            "action": item.action,
        }
        trends.append(
            {
                "id": f"trend-{item.pk}",
                "name": f"{item.name}（{item.unit}）" if item.unit else item.name,
                "days": [timezone.localtime(r.record.done_at).strftime("%m-%d") for r in rows],
                "values": [float(r.value) for r in rows if r.value is not None],
                **{k: None if v is None else float(v) for k, v in band.items()},
            }
        )
    return trends


def _act(request: HttpRequest, device: Device) -> None:
    post, action = request.POST, request.POST.get("action")
    if action == "fault":
        exam = Exam.objects.filter(pk=form_pk(post.get("exam"))).first()
        services.report_fault(request.user, device, post.get("description", ""), exam)
        messages.success(request, _("Fault reported; the device is out of service."))
    elif action == "divert":
        exam = get_object_or_404(services.affected_exams(device), pk=form_pk(post.get("exam")))
        room = get_object_or_404(Room, pk=form_pk(post.get("room")))
        services.divert(request.user, exam, room)
        messages.success(request, _("Appointment moved."))
    elif action == "repair":
        fault = get_object_or_404(Fault, pk=form_pk(post.get("fault")), device=device)
        try:
            cost = Decimal(post["cost"]) if post.get("cost") else None
        except InvalidOperation:
            cost = Decimal(-1)
        services.record_repair(
            request.user,
            fault,
            engineer=post.get("engineer", ""),
            repair=post.get("repair", ""),
            cause=post.get("cause", ""),
            responsibility=post.get("responsibility", ""),
            parts=post.get("parts", ""),
            cost=cost,
        )
        messages.success(request, _("Repair recorded."))
    elif action == "return":
        fault = get_object_or_404(Fault, pk=form_pk(post.get("fault")), device=device)
        services.return_to_service(request.user, fault, post.get("check", ""))
        messages.success(request, _("The device is back in service."))
    elif action == "change":
        changed_on = form_date(post.get("changed_on")) or timezone.localdate()
        services.record_change(
            request.user, device, post.get("kind", ""), post.get("description", ""), changed_on
        )
        messages.success(request, _("Change recorded."))
    elif action == "plans":
        made = plans.create_default_plans(request.user, device)
        messages.success(request, _("%(n)d plans added.") % {"n": made})
    elif action == "test":
        plan = get_object_or_404(MaintenancePlan, pk=form_pk(post.get("plan")), device=device)
        plans.add_item(
            request.user, plan, post.get("name", ""), post.get("kind", ""),
            unit=post.get("unit", ""), reference=form_decimal(post.get("reference", "")),
            tolerance=form_decimal(post.get("tolerance", "")),
            action=form_decimal(post.get("action_level", "")),
        )  # fmt: skip
        messages.success(request, _("Saved."))
    elif action == "record":
        plan = get_object_or_404(MaintenancePlan, pk=form_pk(post.get("plan")), device=device)
        results = []
        for item in plan.items.all():
            raw = post.get(f"item_{item.pk}", "")
            if item.kind == ItemKind.NUMERIC:
                try:
                    results.append(plans.Result(item, value=Decimal(raw)))
                except InvalidOperation:
                    results.append(plans.Result(item))
            else:
                answer = {"pass": True, "fail": False}.get(raw)
                results.append(plans.Result(item, passed=answer))
        done = plans.record(request.user, plan, results, post.get("note", ""))
        messages.success(
            request, _("Recorded: %(outcome)s.") % {"outcome": done.get_outcome_display()}
        )
    elif action == "document":
        upload = request.FILES.get("file")
        if upload is None:
            raise RuleViolation("EQP-1", "请选择文件。", "Choose a file.", field="file")
        services.add_document(request.user, device, post.get("title", ""), upload)
        messages.success(request, _("Document filed."))
    elif action == "licence":
        services.add_licence(
            request.user,
            device,
            post.get("kind", ""),
            post.get("number", ""),
            form_date(post.get("issued_on")),
            form_date(post.get("expires_on")),
        )
        messages.success(request, _("Licence added."))


@requires(Action.REPORT_FAULT)
def due(request: HttpRequest) -> HttpResponse:
    """What is due: the user's own devices (as custodian) by default, all devices on request."""
    staff = getattr(request.user, "staff", None)
    everyone = request.GET.get("all") == "1" or staff is None
    return render(
        request,
        "equipment/due.html",
        {
            "due": plans.due_list(None if everyone else staff, within_days=7),
            "everyone": everyone,
            "today": timezone.localdate(),
        },
    )


@requires(Action.REPORT_FAULT)
def radiation_page(request: HttpRequest) -> HttpResponse:
    """Protective equipment and its inspections (RAD-4), the emergency plan and drills
    (RAD-5), area monitoring (RAD-6)."""
    if request.method == "POST":
        try:
            _radiation_act(request)
        except RuleViolation as violation:
            show_refusal(request, violation)
        return redirect("radiation")
    plans_ = EmergencyPlan.objects.select_related("department").prefetch_related("drills")
    return render(
        request,
        "equipment/radiation.html",
        {
            "items": radiation.inspection_schedule(),
            "measurements": AreaMeasurement.objects.select_related("room", "measured_by")[:100],
            "plans": [(plan, radiation.drill_due(plan)) for plan in plans_],
            "kinds": ProtectiveKind.choices,
            "departments": Department.objects.medtech(),
            "rooms": Room.objects.filter(active=True, department__kind__in=MEDTECH_KINDS),
            "today": timezone.localdate(),
            "can_manage": may(request.user, Action.MANAGE_EQUIPMENT),
        },
    )


def _radiation_act(request: HttpRequest) -> None:
    post, action = request.POST, request.POST.get("action")
    if action == "item":
        department = get_object_or_404(Department, pk=form_pk(post.get("department")))
        radiation.add_protective_item(
            request.user, department, post.get("kind", ""), post.get("label", ""),
            form_decimal(post.get("lead_mm", "")),
            form_date(post.get("acquired_on")) or timezone.localdate(),
        )  # fmt: skip
    elif action == "inspect":
        item = get_object_or_404(ProtectiveItem, pk=form_pk(post.get("item")))
        radiation.inspect(
            request.user, item, post.get("passed") == "yes", post.get("method", ""),
            post.get("finding", ""),
        )  # fmt: skip
    elif action == "measure":
        room = get_object_or_404(Room, pk=form_pk(post.get("room")))
        radiation.record_measurement(
            request.user, room, post.get("point", ""), form_decimal(post.get("dose_rate", "")),
            form_date(post.get("measured_on")) or timezone.localdate(), post.get("instrument", ""),
        )  # fmt: skip
    elif action == "plan":
        department = get_object_or_404(Department, pk=form_pk(post.get("department")))
        radiation.add_plan(
            request.user, department, post.get("title", ""), post.get("version", ""),
            post.get("text", ""), form_date(post.get("approved_on")) or timezone.localdate(),
        )  # fmt: skip
    elif action == "drill":
        plan = get_object_or_404(EmergencyPlan, pk=form_pk(post.get("plan")))
        radiation.record_drill(
            request.user, plan, form_date(post.get("held_on")) or timezone.localdate(),
            post.get("scenario", ""), post.get("participants", ""), post.get("findings", ""),
        )  # fmt: skip
    messages.success(request, _("Saved."))


@requires(Action.REPORT_FAULT)
def supplies_page(request: HttpRequest) -> HttpResponse:
    """The supplies and contrast ledger (EQP-9) and hazardous items (EQP-10)."""
    if request.method == "POST":
        try:
            _supplies_act(request)
        except RuleViolation as violation:
            show_refusal(request, violation)
        return redirect("supplies")
    items = SupplyItem.objects.filter(active=True).select_related("department", "custodian")
    return render(
        request,
        "equipment/supplies.html",
        {
            "alerts": supplies.alerts(),
            "items": [(item, supplies.lots(item)) for item in items],
            "movements": StockMovement.objects.select_related("item", "by", "exam")[:50],
            "categories": SupplyCategory.choices,
            "departments": Department.objects.medtech(),
            "staff": Staff.objects.filter(active=True).order_by("name"),
            "can_manage": may(request.user, Action.MANAGE_EQUIPMENT),
        },
    )


def _supplies_act(request: HttpRequest) -> None:
    post, action = request.POST, request.POST.get("action")
    if action == "item":
        department = get_object_or_404(Department, pk=form_pk(post.get("department")))
        supplies.add_item(
            request.user, department, post.get("name", ""), post.get("category", ""),
            post.get("unit", ""), form_decimal(post.get("min_stock", "")),
            hazardous=post.get("hazardous") == "on",
            custodian=Staff.objects.filter(pk=form_pk(post.get("custodian"))).first(),
        )  # fmt: skip
        messages.success(request, _("Saved."))
        return
    item = get_object_or_404(SupplyItem, pk=form_pk(post.get("item")))
    quantity = form_decimal(post.get("quantity", ""))
    if action == "receive":
        supplies.receive(
            request.user, item, post.get("lot", ""), quantity,
            form_date(post.get("expires_on")), post.get("note", ""),
        )  # fmt: skip
    elif action == "use":
        accession = post.get("accession", "").strip()
        exam = exam_by_accession(accession, "EQP-9") if accession else None
        supplies.use(request.user, item, quantity, exam=exam, lot=post.get("lot", ""))
    elif action == "dispose":
        supplies.dispose(request.user, item, post.get("lot", ""), post.get("reason", ""))
    elif action == "count":
        supplies.count(request.user, item, post.get("lot", ""), quantity, post.get("reason", ""))
    elif action == "check":
        supplies.check_hazardous(
            request.user, item, post.get("in_order") == "yes", post.get("note", "")
        )
    messages.success(request, _("Saved."))


@requires(Action.REPORT_FAULT)
def document(request: HttpRequest, pk: int, document_pk: int) -> FileResponse:
    """A filed document, to staff only (files are not served as public media)."""
    filed = get_object_or_404(DeviceDocument, pk=document_pk, device_id=pk)
    name = Path(filed.file.name).name
    inline = name.lower().endswith((".pdf", ".jpg", ".jpeg", ".png"))
    return FileResponse(filed.file.open("rb"), as_attachment=not inline, filename=name)
