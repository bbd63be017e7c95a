"""The registration desk (登记台): find the patient as you type, book the clinician's
requisitions in the earliest slot or on the day's grid, print the slip; and the item search
the requisition form uses."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yiji.core import access
from yiji.core import services as core_services
from yiji.core.accounts import home_department
from yiji.core.models import Patient, Room
from yiji.core.permissions import Action, may
from yiji.core.rulebook import RuleViolation
from yiji.core.views import client_ip, form_date, form_pk, gate, requires, show_refusal
from yiji.orders import desk, scheduling
from yiji.orders.models import Exam, ExamStatus, Priority

PATIENTS_SHOWN = 8


def _department(request: HttpRequest):
    staff = getattr(request.user, "staff", None)
    return home_department(staff) if staff else None


@requires(Action.BOOK_EXAM)
def desk_page(request: HttpRequest) -> HttpResponse:
    """Search as you type; Enter on a single match (an ID card read, a slip scanned) chooses
    that patient at once. A chosen patient shows their open exams, each one click from the
    earliest slot and the slip."""
    query = request.GET.get("q", "").strip()[:50]
    found = []
    if query:
        found = list(core_services.search_patients(request.user, query)[:PATIENTS_SHOWN])
        access.record_list(request.user, "web", found, query, ip=client_ip(request))
        if len(found) == 1 and not request.headers.get("HX-Request"):
            return redirect(f"{reverse('desk')}?patient={found[0].pk}")
    if request.headers.get("HX-Request"):
        return render(request, "orders/desk_patients.html", {"found": found, "query": query})
    patient = None
    if chosen := form_pk(request.GET.get("patient")):
        patient = get_object_or_404(Patient, pk=chosen)
        if refused := gate(request, patient, "desk"):
            return refused
        patient.age = patient.age_on(timezone.localdate())
    return render(request, "orders/desk.html", {
        "query": query,
        "found": found,
        "patient": patient,
        "exams": _open_exams(patient) if patient else [],
        "today": timezone.localdate(),
        "can_order": may(request.user, Action.ORDER_EXAM),
    })  # fmt: skip


def _open_exams(patient: Patient) -> list[Exam]:
    exams = list(
        Exam.objects.filter(
            patient=patient,
            status__in=[ExamStatus.REQUESTED, ExamStatus.BOOKED, ExamStatus.ARRIVED],
        )
        .select_related("item", "room", "requisition", "requisition__ordering_department")
        .order_by("status", "scheduled_start", "pk")
    )
    for exam in exams:
        exam.urgent = exam.priority == Priority.URGENT
    return exams


@require_POST
@requires(Action.BOOK_EXAM)
def desk_book(request: HttpRequest, pk: int) -> HttpResponse:
    """The desk's one-click booking: the earliest slot that breaks no rule."""
    exam = get_object_or_404(Exam.objects.select_related("patient", "item"), pk=pk)
    if refused := gate(request, exam.patient, "desk"):
        return refused
    try:
        booked = desk.book_earliest(request.user, exam)
    except RuleViolation as violation:
        show_refusal(request, violation)
    else:
        start = timezone.localtime(booked.scheduled_start)
        messages.success(request, _("Booked: %(item)s, %(when)s, %(room)s.") % {
            "item": booked.item.name, "when": f"{start:%Y-%m-%d %H:%M}", "room": booked.room.name,
        })  # fmt: skip
    return redirect(f"{reverse('desk')}?patient={exam.patient_id}")


@requires(Action.BOOK_EXAM)
def booking_grid(request: HttpRequest, pk: int) -> HttpResponse:
    """A day's slots in every room that performs the exam; a click on a free slot books it,
    a slot that breaks a rule names the rule (a leader may override it with a reason)."""
    exam = get_object_or_404(
        Exam.objects.select_related("patient", "item", "room", "requisition"), pk=pk
    )
    if refused := gate(request, exam.patient, "desk"):
        return refused
    today = timezone.localdate()
    day = max(form_date(request.GET.get("day")) or _first_day(exam, today), today)
    if request.method == "POST":
        room = get_object_or_404(Room, pk=form_pk(request.POST.get("room")))
        start = _slot_time(request.POST.get("start", ""))
        if start is None:
            messages.error(request, _("Choose a slot in the grid."))
            return redirect(f"{reverse('booking_grid', args=[pk])}?day={day:%Y-%m-%d}")
        try:
            scheduling.book(
                request.user, exam, room, start,
                override_reason=request.POST.get("override_reason", ""),
            )  # fmt: skip
        except RuleViolation as violation:
            show_refusal(request, violation)
            return redirect(f"{reverse('booking_grid', args=[pk])}?day={day:%Y-%m-%d}")
        messages.success(request, _("Appointment booked."))
        return redirect(f"{reverse('desk')}?patient={exam.patient_id}")
    rooms, rows = desk.booking_grid(exam, day)
    return render(request, "orders/booking_grid.html", {
        "exam": exam,
        "day": day,
        "rooms": rooms,
        "rows": rows,
        "days": [today + dt.timedelta(days=n) for n in range(scheduling.SEARCH_DAYS)],
        "can_override": may(request.user, Action.OVERRIDE_RULE),
    })  # fmt: skip


def _first_day(exam: Exam, today: dt.date) -> dt.date:
    if exam.scheduled_start:
        return timezone.localdate(exam.scheduled_start)
    found = scheduling.earliest_slot(exam)
    return timezone.localdate(found[1]) if found else today


def _slot_time(value: str) -> dt.datetime | None:
    try:
        start = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return start if timezone.is_aware(start) else timezone.make_aware(start)


@requires(Action.ORDER_EXAM)
def item_search(request: HttpRequest) -> HttpResponse:
    """The requisition form's item picker: name, code or pinyin initials as typed, the
    department's frequent items first."""
    items = desk.search_items(request.GET.get("item_q", "")[:50], _department(request))
    return render(request, "orders/item_results.html", {"items": items})
