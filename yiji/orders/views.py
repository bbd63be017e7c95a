"""Thin views for requisitions, booking, check-in, the worklist and the queues."""

from __future__ import annotations

import uuid
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from yiji.core.accounts import home_department
from yiji.core.hooks import HomePanel, queue_panel
from yiji.core.models import DepartmentKind, Patient, Role, Room
from yiji.core.navigation import items_for
from yiji.core.permissions import Action, may, role_assignments
from yiji.core.rulebook import RuleViolation, record_refusal
from yiji.core.views import form_pk, gate, requires, show_refusal
from yiji.orders import checkin, figures, patient_link, scheduling, services, windows
from yiji.orders.forms import CancelForm, RequisitionForm, WorklistFilter
from yiji.orders.models import (
    OPEN_STATUSES,
    Exam,
    ExamStatus,
    Priority,
    Requisition,
    WindowSession,
)
from yiji.orders.worklists import WorklistRow, cursor_of, worklist_page, worklist_rows

PAGE = 50


def refuse(request: HttpRequest, form, violation: RuleViolation) -> None:
    """Show a rule refusal on the field it concerns, quoting the rule ID, and keep it."""
    record_refusal(violation, request.user, "web", request.path)
    field = violation.field if violation.field in form.fields else None
    form.add_error(field, violation.message)


@requires(Action.ORDER_EXAM)
def requisition_new(request: HttpRequest) -> HttpResponse:
    initial = {
        "submission_key": uuid.uuid4().hex,
        "priority": "routine",
        "pregnancy": "na",
        "allergy_screen": "not_done",
        "patient_id": request.GET.get("patient", ""),
    }
    form = RequisitionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        patient = Patient.objects.filter(patient_id=data["patient_id"].strip()).first()
        if data["patient_id"] and patient is None:
            form.add_error("patient_id", _("No patient with this ID."))
        else:
            try:
                requisition = services.create_requisition(
                    request.user,
                    services.RequisitionInput(
                        patient=patient,
                        items=list(data["items"]),
                        ordering_physician=services.ordering_physician(request.user),
                        ordering_physician_name=data["ordering_physician_name"],
                        ordering_department=data["ordering_department"],
                        clinical_history=data["clinical_history"],
                        clinical_diagnosis=data["clinical_diagnosis"],
                        purpose=data["purpose"],
                        priority=data["priority"],
                        bedside=data["bedside"],
                        critically_ill=data["critically_ill"],
                        infectious=data["infectious"],
                        infectious_disease=data["infectious_disease"],
                        pregnancy=data["pregnancy"],
                        allergy_screen=data["allergy_screen"],
                        allergy_note=data["allergy_note"],
                        submission_key=data["submission_key"],
                    ),
                )
            except services.DuplicateSubmission as duplicate:
                messages.info(request, _("This requisition was already submitted."))
                return redirect("requisition", pk=duplicate.requisition.pk)
            except RuleViolation as violation:
                refuse(request, form, violation)
            else:
                messages.success(
                    request, _("Requisition %(n)s created.") % {"n": requisition.number}
                )
                return redirect("requisition", pk=requisition.pk)
    return render(request, "orders/requisition_form.html", {"form": form})


@requires(Action.VIEW_PATIENT)
def requisition(request: HttpRequest, pk: int) -> HttpResponse:
    record = get_object_or_404(
        Requisition.objects.select_related("patient", "ordering_department"), pk=pk
    )
    if refused := gate(request, record.patient, "requisition"):
        return refused
    exams = record.exams.select_related("item", "room").prefetch_related("events")
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.cancel_requisition(request.user, record, form.cleaned_data["reason"])
        except RuleViolation as violation:
            refuse(request, form, violation)
        else:
            messages.success(request, _("Requisition cancelled; the record is kept."))
            return redirect("requisition", pk=pk)
    return render(
        request,
        "orders/requisition.html",
        {
            "requisition": record,
            "exams": exams,
            "cancel_form": form,
            "can_cancel": may(request.user, Action.CANCEL_ORDER),
        },
    )


WORKLIST_FILTERS = "worklist_filters"


def _worklist_query(request: HttpRequest) -> dict[str, str]:
    """The worklist's filters: those asked for (and remembered for next time), else the last
    ones, else the person's own department, so a CT technologist opens on CT work and not on
    ultrasound, ECG and the lab."""
    asked = {k: v for k, v in request.GET.items() if k != "after"}
    if "reset" in asked:
        request.session.pop(WORKLIST_FILTERS, None)
        asked = {}
    elif asked:
        request.session[WORKLIST_FILTERS] = asked
        return asked
    if remembered := request.session.get(WORKLIST_FILTERS):
        return remembered
    staff = getattr(request.user, "staff", None)
    own = (
        staff.memberships.exclude(department__kind__in=[DepartmentKind.CLINICAL, "admin"])
        .order_by("-primary", "pk")
        .values_list("department_id", flat=True)
        .first()
        if staff
        else None
    )
    return {"department": str(own)} if own else {}


def _with_details(rows: list[WorklistRow], now) -> list[WorklistRow]:
    """Age on the day and minutes waited, for the worklist's columns."""
    today = timezone.localdate(now)
    for exam in rows:
        exam.age = exam.patient.age_on(today)
        waited = (
            now - exam.queued_at if exam.status == ExamStatus.ARRIVED and exam.queued_at else None
        )
        exam.waited_seconds = waited.total_seconds() if waited else None
    return rows


@requires(Action.VIEW_PATIENT)
def worklist(request: HttpRequest) -> HttpResponse:
    query = _worklist_query(request)
    form = WorklistFilter(query or None)
    filters = form.cleaned_data if form.is_valid() else {}
    after = request.GET.get("after", "")
    rows = worklist_page(filters, after, PAGE + 1, request.user)
    more = len(rows) > PAGE
    rows = _with_details(rows[:PAGE], timezone.now())
    counts = dict(
        worklist_rows({**filters, "status": ""}, "", request.user)
        .order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
    )
    today = timezone.localdate()
    department = filters.get("department")
    return render(
        request,
        "orders/worklist.html",
        {
            "form": form,
            "query": urlencode(query),
            "rows": rows,
            "tabs": [(s.value, s.label, counts.get(s.value, 0)) for s in OPEN_STATUSES],
            "status": filters.get("status", ""),
            "next_cursor": cursor_of(rows[-1]) if more else "",
            "urgent": Priority.URGENT,
            "today": today,
            "backlog": figures.same_day_backlog(today, department).count(),
            "same_day": figures.same_day_completion_of_week(today, department),
            "rooms": _own_rooms(request) if may(request.user, Action.PERFORM_EXAM) else [],
        },
    )


def screen(request: HttpRequest, pk: int) -> HttpResponse:
    """The public waiting-room screen: the patient called and the next three, numbers and
    masked names only, refreshed by htmx; each new call is announced by voice (screen.js)."""
    room = get_object_or_404(Room, pk=pk, active=True)
    call = checkin.current_call(room)
    current = call.exam if call else None
    waiting = [
        {
            "number": e.queue_number,
            "name": checkin.masked_name(e.patient.name),
            "urgent": e.priority == Priority.URGENT,
        }
        for e in checkin.queue(room).exclude(pk=current.pk if current else None)[:3]
    ]
    context = {
        "room": room,
        "waiting": waiting,
        "current": {
            "number": current.queue_number,
            "name": checkin.masked_name(current.patient.name),
            "urgent": current.priority == Priority.URGENT,
        }
        if current
        else None,
        # What the screen says aloud: the number and the room, never a name.
        "call": {
            "key": call.pk,
            "text": _("Number %(n)s, please come to %(room)s.")
            % {"n": current.queue_number, "room": room.name},
        }
        if call
        else None,
    }
    template = (
        "orders/screen_body.html" if request.headers.get("HX-Request") else "orders/screen.html"
    )
    return render(request, template, context)


__all__ = ["ValidationError"]


@requires(Action.VIEW_PATIENT)
def slip(request: HttpRequest, pk: int) -> HttpResponse:
    """The appointment slip, printed at booking and reprinted from the exam page or the desk."""
    from yiji.core import policy
    from yiji.orders.slip import appointment_slip

    exam = get_object_or_404(
        Exam.objects.select_related("item", "patient", "room", "department"), pk=pk
    )
    if refused := gate(request, exam.patient, "slip"):
        return refused
    if exam.status not in (ExamStatus.BOOKED, ExamStatus.ARRIVED):
        messages.error(request, _("Only a booked or checked-in exam has a slip."))
        return redirect("exam", pk=pk)
    hospital = policy.current_hospital()
    # The QR code: the patient's own link to the notice and, later, the report.
    link = request.build_absolute_uri(reverse("patient_link", args=[patient_link.token_for(exam)]))
    pdf = appointment_slip([exam], hospital.name if hospital else "", link)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="slip-{exam.accession}.pdf"'
    return response


@requires(Action.BOOK_EXAM)
def special_contrast(request: HttpRequest) -> HttpResponse:
    """The booking order for special-contrast exams (SCH-5), with preparation confirmation."""
    if request.method == "POST":
        exam = get_object_or_404(Exam, pk=form_pk(request.POST.get("exam")))
        scheduling.confirm_preparation(request.user, exam)
        return redirect("special_contrast")
    return render(
        request,
        "orders/special_contrast.html",
        {"rows": scheduling.special_contrast_waitlist()},
    )


def _own_rooms(request: HttpRequest):
    """The rooms of the technologist's own departments, with their waiting counts (every
    room for someone in no examining department)."""
    staff = getattr(request.user, "staff", None)
    rooms = _rooms_with_waiting()
    own = list(staff.memberships.values_list("department_id", flat=True)) if staff else []
    mine = rooms.filter(department__in=own)
    return mine if own and mine.exists() else rooms


def _rooms_with_waiting():
    """Every room that performs exams, with how many patients wait there (one query)."""
    rooms = Room.objects.filter(active=True).exclude(modalities=[])
    return (
        checkin.with_waiting(rooms)
        .select_related("department")
        .order_by("department__kind", "code")
    )


@requires(Action.BOOK_EXAM)
def windows_page(request: HttpRequest) -> HttpResponse:
    """Open and close the department's windows on time (SCH-8), with the month's record."""
    staff = getattr(request.user, "staff", None)
    department = home_department(staff) if staff else None
    if department is None:
        raise Http404
    if request.method == "POST":
        try:
            if request.POST.get("action") == "open":
                windows.open_window(request.user, department, request.POST.get("window", ""))
            else:
                session = get_object_or_404(
                    WindowSession, pk=form_pk(request.POST.get("session")), department=department
                )
                windows.close_window(request.user, session, request.POST.get("reason", ""))
            messages.success(request, _("Saved."))
        except RuleViolation as violation:
            show_refusal(request, violation)
        return redirect("windows")
    today = timezone.localdate()
    sessions = {s.window: s for s in WindowSession.objects.filter(department=department, day=today)}
    first = today.replace(day=1)
    return render(request, "orders/windows.html", {
        "department": department,
        "rows": [(name, sessions.get(name)) for name in windows.windows_of(department)],
        "opening_due": windows.opening_due(department, today),
        "closing_due": windows.closing_due(department, today),
        "figures": windows.figures(department, first, today),
        "first": first,
        "flagged": WindowSession.objects.filter(
            department=department, day__gte=first
        ).filter(Q(opened_late=True) | Q(closed_early=True)).select_related(
            "opened_by", "closed_by"
        )[:100],
    })  # fmt: skip


@login_required
def go(request: HttpRequest) -> HttpResponse:
    """The header's search box: an accession opens its exam, a page's name opens the page,
    anything else searches the patients (name, pinyin initials, ID, phone, ID card)."""
    query = request.GET.get("q", "").strip()
    if not query:
        return redirect("home")
    exam = Exam.objects.filter(accession=query.upper()).only("pk").first()
    if exam is not None:
        return redirect("exam", pk=exam.pk)
    for item in items_for(request.user):
        if query.lower() in str(item["label"]).lower():
            return redirect(item["url"])
    return redirect(f"{reverse('patients')}?{urlencode({'q': query})}")


def home_panels(request: HttpRequest) -> list[HomePanel]:
    """The desk's and the rooms' own queues, first on a clerk's or technologist's home."""
    held = {a.role for a in role_assignments(request.user)}
    staff = getattr(request.user, "staff", None)
    if staff is None:
        return []
    departments = list(staff.memberships.values_list("department_id", flat=True))
    today = timezone.localdate()
    worklist_url = reverse("worklist")
    panels = []
    if Role.CLERK in held:
        exams = Exam.objects.filter(department__in=departments)
        desk = pgettext("page", "Registration desk")
        panels.append(queue_panel(10, desk, reverse("desk"), _("Open the desk"), [
            (_("Requested, not booked"),
             exams.filter(status=ExamStatus.REQUESTED, item__needs_appointment=True).count(),
             f"{worklist_url}?status=requested", "warn"),
            (_("Booked for today"),
             exams.filter(status=ExamStatus.BOOKED, scheduled_start__date=today).count(),
             f"{worklist_url}?status=booked&day={today:%Y-%m-%d}", ""),
            (_("Checked in, waiting"), exams.filter(status=ExamStatus.ARRIVED).count(),
             f"{worklist_url}?status=arrived", ""),
        ]))  # fmt: skip
    if Role.TECHNOLOGIST in held:
        rooms = _rooms_with_waiting().filter(department__in=departments)
        panels.append(queue_panel(10, _("My rooms' queues"), worklist_url, _("Open the worklist"), [
            (room.name, room.waiting, reverse("room_queue", args=[room.pk]), "warn")
            for room in rooms
        ]))  # fmt: skip
    return panels
