"""The exam page (booking, check-in, timeline and the exam-room panel: technique, start, record,
accept, complete), each room's queue and the rooms' disinfection."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yiji.core import access
from yiji.core.models import Room
from yiji.core.permissions import Action, may
from yiji.core.rulebook import RuleViolation
from yiji.core.views import client_ip, form_pk, gate, requires, show_refusal
from yiji.equipment.models import Device, DeviceStatus
from yiji.exams import services
from yiji.exams.disinfection import schedule as disinfection_schedule
from yiji.exams.forms import record_form_for
from yiji.exams.models import AsepticItem, ExamRecord
from yiji.images import availability
from yiji.incidents.freeze import active_freeze
from yiji.orders import checkin, scheduling
from yiji.orders import services as order_services
from yiji.orders.forms import AllergyScreenForm, BookingForm, CheckInForm
from yiji.orders.models import Exam, ExamStatus, Modality, Priority
from yiji.orders.views import refuse


def exam_room_context(request: HttpRequest, exam: Exam) -> dict:
    record = ExamRecord.objects.filter(exam=exam).first() or ExamRecord(exam=exam)
    return {
        "record": record,
        "record_form": record_form_for(exam.item, instance=record),
        "can_perform": may(request.user, Action.PERFORM_EXAM),
        # EXM-2: what the archive holds against what the modality announced, asked now for
        # an open exam (the acceptance itself asks again).
        "images": availability.current(exam),
        "frozen": active_freeze(exam.pk),
        "aseptic_items": AsepticItem.choices if exam.modality == Modality.DSA else [],
        "disinfection": services.pending_disinfection(exam.room) if exam.room else None,
        "turnaround": services.turnaround(exam) if exam.status == ExamStatus.COMPLETED else None,
        # EQP-3: the device in this room can be reported faulty from the exam screen.
        "devices": Device.objects.filter(room=exam.room).exclude(status=DeviceStatus.RETIRED)
        if exam.room_id and may(request.user, Action.REPORT_FAULT)
        else [],
    }


@require_POST
@requires(Action.PERFORM_EXAM)
def act(request: HttpRequest, pk: int) -> HttpResponse:
    exam = get_object_or_404(Exam.objects.select_related("patient"), pk=pk)
    if refused := gate(request, exam.patient, "exam"):
        return refused
    action = request.POST.get("action", "")
    try:
        if action == "technique":
            services.confirm_technique(request.user, exam, request.POST.get("protocol", ""))
        elif action == "present":
            services.confirm_physician_present(request.user, exam)
        elif action == "start":
            services.start_exam(request.user, exam)
        elif action == "record":
            form = record_form_for(exam.item, request.POST)
            if not form.is_valid():
                for field, errors in form.errors.items():
                    messages.error(
                        request,
                        f"{form.fields[field].label}: {' '.join(errors)}"
                        if field in form.fields
                        else " ".join(errors),
                    )
                return _back(request, exam)
            services.record_details(request.user, exam, form.cleaned_data)
        elif action == "aseptic":
            services.record_aseptic_check(request.user, exam, request.POST.getlist("aseptic"))
        elif action == "accept":
            services.accept_images(request.user, exam, request.POST.get("override_reason", ""))
        elif action == "complete":
            services.complete_exam(request.user, exam)
        elif action == "discontinue":
            services.discontinue_exam(request.user, exam, request.POST.get("reason", ""))
        else:
            messages.error(request, _("Unknown action."))
            return _back(request, exam)
    except RuleViolation as violation:
        show_refusal(request, violation)
    else:
        messages.success(request, _("Saved."))
    return _back(request, exam)


def _back(request: HttpRequest, exam: Exam) -> HttpResponse:
    """Back to the room screen when the action came from it, else to the exam page."""
    if request.POST.get("next") == "room" and exam.room_id:
        return redirect("room_queue", pk=exam.room_id)
    return redirect("exam", pk=exam.pk)


@requires(Action.VIEW_PATIENT)
def exam_detail(request: HttpRequest, pk: int) -> HttpResponse:
    exam = get_object_or_404(
        Exam.objects.select_related("item", "patient", "requisition", "room"), pk=pk
    )
    if refused := gate(request, exam.patient, "exam"):
        return refused
    rooms = scheduling.rooms_for(exam)
    proposal = None
    urgent = exam.priority == Priority.URGENT  # ORD-2: straight to a room's queue, no slot
    if exam.status in (ExamStatus.REQUESTED, ExamStatus.BOOKED) and rooms and not urgent:
        proposal = scheduling.earliest_slot(exam)
    booking = BookingForm(
        rooms,
        initial={
            "room": proposal[0] if proposal else None,
            "start": timezone.localtime(proposal[1]) if proposal else None,
        },
    )
    identity = CheckInForm()
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "book":
                booking = BookingForm(rooms, request.POST)
                if booking.is_valid():
                    data = booking.cleaned_data
                    scheduling.book(
                        request.user,
                        exam,
                        data["room"],
                        data["start"],
                        override_reason=data["override_reason"],
                    )
                    messages.success(request, _("Appointment booked."))
                    return redirect("exam", pk=pk)
            elif action == "unbook":
                scheduling.cancel_booking(request.user, exam, request.POST.get("reason", ""))
                return redirect("exam", pk=pk)
            elif action == "screen":
                screen = AllergyScreenForm(request.POST)
                if screen.is_valid():
                    order_services.record_allergy_screen(
                        request.user, exam.requisition,
                        screen.cleaned_data["allergy_screen"], screen.cleaned_data["allergy_note"],
                    )  # fmt: skip
                    messages.success(request, _("Allergy screen recorded."))
                    return redirect("exam", pk=pk)
            elif action == "checkin":
                identity = CheckInForm(request.POST)
                if identity.is_valid():
                    data = identity.cleaned_data
                    ids = checkin.Identifiers(**{k: data[k] for k in checkin.IDENTIFIER_LABELS})
                    checked = checkin.check_in(
                        request.user,
                        exam,
                        ids,
                        accompanying_physician=data["accompanying_physician"],
                        consent_by=getattr(request.user, "staff", None)
                        if data["consent"]
                        else None,
                    )
                    messages.success(
                        request,
                        _("Checked in: accession %(a)s, queue number %(q)s.")
                        % {"a": checked.accession, "q": checked.queue_number},
                    )
                    return redirect("exam", pk=pk)
        except RuleViolation as violation:
            if action == "screen":
                show_refusal(request, violation)
            else:
                refuse(request, booking if action == "book" else identity, violation)
    return render(
        request,
        "orders/exam.html",
        {
            "exam": exam,
            "booking": booking,
            "identity": identity,
            "proposal": proposal,
            "screen": AllergyScreenForm(
                initial={
                    "allergy_screen": exam.requisition.allergy_screen,
                    "allergy_note": exam.requisition.allergy_note,
                }
            )
            if order_services.needs_allergy_screen(exam.item)
            and exam.status in (ExamStatus.REQUESTED, ExamStatus.BOOKED, ExamStatus.ARRIVED)
            else None,
            "events": exam.events.select_related("actor__staff"),
            "can_book": may(request.user, Action.BOOK_EXAM),
            **exam_room_context(request, exam),
        },
    )


@requires(Action.PERFORM_EXAM)
def room_queue(request: HttpRequest, pk: int) -> HttpResponse:
    room = get_object_or_404(Room, pk=pk)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "call":
                called = checkin.call_next(request.user, room)
                if called is None:
                    messages.info(request, _("Nobody is waiting."))
            elif action in ("recall", "skip", "noshow"):
                exam = get_object_or_404(Exam, pk=form_pk(request.POST.get("exam")), room=room)
                {"recall": checkin.recall, "skip": checkin.skip, "noshow": checkin.mark_no_show}[
                    action
                ](request.user, exam)
        except RuleViolation as violation:
            show_refusal(request, violation)
        return redirect("room_queue", pk=pk)
    current = checkin.current(room)
    context = {
        "room": room,
        "waiting": checkin.queue(room),
        "current": current,
        "disinfection": services.pending_disinfection(room),
        "to_accept": services.awaiting_image_acceptance(room),
        "back": "room",
    }
    if current is not None:
        # Everything for the patient in front of the machine on this one page.
        context.update(_patient_in_room(request, current))
    return render(request, "orders/queue.html", context)


def _patient_in_room(request: HttpRequest, exam: Exam) -> dict:
    exam = Exam.objects.select_related("patient", "item", "requisition", "room").get(pk=exam.pk)
    try:
        access.open_record(request.user, exam.patient, via="room", ip=client_ip(request))
    except RuleViolation:
        return {}  # not this person's patient: the queue shows the exam link only (ARC-5)
    return {
        "exam": exam,
        "age": exam.patient.age_on(timezone.localdate()),
        "consent_needed": checkin.needs_consent(exam),
        **exam_room_context(request, exam),
    }


@require_POST
@requires(Action.PERFORM_EXAM)
def disinfect(request: HttpRequest, pk: int) -> HttpResponse:
    room = get_object_or_404(Room, pk=pk)
    try:
        services.record_disinfection(
            request.user, room, request.POST.get("method", ""), request.POST.get("agent", "")
        )
        messages.success(request, _("Disinfection recorded."))
    except RuleViolation as violation:
        show_refusal(request, violation)
    if request.POST.get("next") == "rooms":  # the rooms' disinfection page
        return redirect("disinfection")
    return redirect("room_queue", pk=pk)


@requires(Action.REPORT_FAULT)
def disinfection(request: HttpRequest) -> HttpResponse:
    """Every room's routine disinfection: last, next due, and the hold after an infectious
    patient (EQP-7, EXM-5); those who examine record it here."""
    context = {
        "rows": disinfection_schedule(),
        "can_disinfect": may(request.user, Action.PERFORM_EXAM),
    }
    return render(request, "exams/disinfection.html", context)
