"""The patient pages: search, register, edit, open with break-glass, and who opened a record."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yiji.core import access, rulebook, services
from yiji.core.forms import PatientFilterForm, PatientForm
from yiji.core.models import AuditEntry, BreakGlass, Patient
from yiji.core.permissions import Action, may
from yiji.core.views import BoundedPaginator, break_glass_form, client_ip, gate, requires


@requires(Action.VIEW_PATIENT)
def patients(request: HttpRequest) -> HttpResponse:
    form = PatientFilterForm(request.GET or None)
    query = source = ""
    if form.is_valid():
        query, source = form.cleaned_data["q"], form.cleaned_data["source"]
    found = services.search_patients(request.user, query, source)
    page = BoundedPaginator(found, 25).get_page(request.GET.get("page"))
    access.record_list(request.user, "web", page.object_list, query, ip=client_ip(request))
    if (pick := request.GET.get("pick", "")) and request.headers.get("HX-Request"):
        # A form's patient picker: the matches as choices (the requisition form).
        return render(request, "core/patient_choices.html", {
            "found": page.object_list[:8] if query else [], "query": query, "pick": pick[:32],
        })  # fmt: skip
    template = (
        "core/patients_rows.html" if request.headers.get("HX-Request") else "core/patients.html"
    )
    can_register = may(request.user, Action.REGISTER_PATIENT)
    return render(request, template, {"form": form, "page": page, "can_register": can_register})


@requires(Action.REGISTER_PATIENT)
def patient_new(request: HttpRequest) -> HttpResponse:
    form = PatientForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            patient = services.register_patient(
                request.user, form.cleaned_data, ip=client_ip(request)
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Patient registered."))
            return redirect("patient", pk=patient.pk)
    return render(request, "core/patient_form.html", {"form": form})


@requires(Action.REGISTER_PATIENT)
def patient_edit(request: HttpRequest, pk: int) -> HttpResponse:
    patient = get_object_or_404(Patient, pk=pk)
    if refused := gate(request, patient, "web"):
        return refused
    form = PatientForm(request.POST or None, instance=Patient.objects.get(pk=pk))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        if not data.get("id_card"):
            data.pop("id_card", None)
        try:
            services.update_patient(request.user, patient, data, ip=client_ip(request))
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Patient updated."))
            return redirect("patient", pk=patient.pk)
    return render(request, "core/patient_form.html", {"form": form, "patient": patient})


def _add_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@requires(Action.VIEW_PATIENT)
def patient(request: HttpRequest, pk: int) -> HttpResponse:
    record = get_object_or_404(Patient, pk=pk)
    try:
        services.open_patient_record(request.user, record, via="web", ip=client_ip(request))
    except rulebook.RuleViolation as violation:
        return break_glass_form(request, record, violation)
    can_register = may(request.user, Action.REGISTER_PATIENT)
    return render(
        request,
        "core/patient.html",
        {
            "patient": record,
            "can_register": can_register,
            "can_audit": may(request.user, Action.VIEW_AUDIT),
        },
    )


@require_POST
@requires(Action.VIEW_PATIENT)
def break_glass(request: HttpRequest, pk: int) -> HttpResponse:
    record = get_object_or_404(Patient, pk=pk)
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("patient", args=[pk])
    try:
        access.break_glass(request.user, record, request.POST.get("reason", ""), client_ip(request))
    except rulebook.RuleViolation as violation:
        messages.error(request, violation.message)
        return render(
            request, "core/break_glass.html",
            {"patient": record, "violation": violation, "next": target}, status=403,
        )  # fmt: skip
    return redirect(target)


@requires(Action.VIEW_AUDIT)
def patient_access(request: HttpRequest, pk: int) -> HttpResponse:
    """Everyone who opened or changed the patient's record, with break-glass reasons (ARC-5)."""
    record = get_object_or_404(Patient, pk=pk)
    entries = AuditEntry.objects.filter(patient=record).order_by("-seq")
    return render(
        request,
        "core/patient_access.html",
        {
            "patient": record,
            "page": Paginator(entries, 50).get_page(request.GET.get("page")),
            "glass": BreakGlass.objects.filter(patient=record).select_related("staff"),
        },
    )


@requires(Action.VIEW_AUDIT)
def break_glass_register(request: HttpRequest) -> HttpResponse:
    rows = BreakGlass.objects.select_related("staff", "patient")
    return render(
        request,
        "core/break_glass_register.html",
        {"page": Paginator(rows, 50).get_page(request.GET.get("page"))},
    )
