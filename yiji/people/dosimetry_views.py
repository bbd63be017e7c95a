"""The dose keeper's pages: doses, health checks, investigations, dose files (RAD-2, RAD-3)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from yiji.core.models import Staff
from yiji.core.permissions import Action
from yiji.core.rulebook import RuleViolation
from yiji.core.views import form_date, form_pk, requires, show_refusal
from yiji.people import dosimetry
from yiji.people.dosimetry import MAX_FILE_BYTES as MAX_DOSE_FILE
from yiji.people.models import (
    DoseImport,
    DoseInvestigation,
    DoseRecord,
    DosimeterPosition,
    Fitness,
    HealthCheckKind,
)
from yiji.people.view_helpers import _decimal, _lang_zh


@requires(Action.MANAGE_DOSIMETRY)
def dosimetry_page(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        try:
            target = _dose_act(request)
        except RuleViolation as violation:
            show_refusal(request, violation)
            target = None
        return redirect(target or "dosimetry")
    today = timezone.localdate()
    workers = list(dosimetry.radiation_workers().order_by("employee_no"))
    return render(
        request,
        "people/dosimetry.html",
        {
            "investigations": DoseInvestigation.objects.filter(
                closed_at__isnull=True
            ).select_related("staff"),
            "unmonitored": dosimetry.unmonitored(),
            "checks_due": [
                (w, dosimetry.next_check_due(w))
                for w in workers
                if (dosimetry.next_check_due(w) or today) <= today + dt.timedelta(days=30)
            ],  # fmt: skip
            "workers": workers,
            "staff": Staff.objects.filter(active=True).order_by("employee_no"),
            "positions": DosimeterPosition.choices,
            "check_kinds": HealthCheckKind.choices,
            "fitness": Fitness.choices,
            "imports": DoseImport.objects.select_related("uploaded_by")[:20],
            "recent": DoseRecord.objects.select_related("staff").order_by("-recorded_at")[:30],
            "today": today,
        },
    )


def _dose_act(request: HttpRequest) -> str | None:
    post, action = request.POST, request.POST.get("action")
    if action == "upload":
        upload = request.FILES.get("file")
        content, name = (upload.read(MAX_DOSE_FILE + 1), upload.name) if upload else (b"", "")
        source, _checked = dosimetry.upload(request.user, content, name, post.get("agency", ""))
        return f"/people/dosimetry/imports/{source.pk}/"
    staff = get_object_or_404(Staff, pk=form_pk(post.get("staff")))
    if action == "dose":
        dosimetry.record_dose(
            request.user, staff, form_date(post.get("start")), form_date(post.get("end")),
            _decimal(post.get("hp10")), _decimal(post.get("hp007")),
            post.get("position", DosimeterPosition.CHEST), _decimal(post.get("hp3")),
        )  # fmt: skip
        messages.success(request, _("Dose recorded."))
    elif action == "health":
        dosimetry.record_health_check(
            request.user, staff, post.get("kind", ""), form_date(post.get("checked_on")),
            post.get("institution", ""), post.get("conclusion", ""), post.get("findings", ""),
        )  # fmt: skip
        messages.success(request, _("Health check recorded."))
    elif action == "investigation":
        investigation = get_object_or_404(
            DoseInvestigation, pk=form_pk(post.get("investigation")), staff=staff
        )
        dosimetry.close_investigation(
            request.user, investigation, post.get("findings", ""), post.get("conclusion", "")
        )
        messages.success(request, _("Investigation closed."))
    return None


@requires(Action.MANAGE_DOSIMETRY)
def dose_import(request: HttpRequest, pk: int) -> HttpResponse:
    source = get_object_or_404(DoseImport, pk=pk)
    if request.method == "POST":
        try:
            count = dosimetry.confirm_import(request.user, source)
            messages.success(request, _("%(n)d readings imported.") % {"n": count})
            return redirect("dosimetry")
        except RuleViolation as violation:
            show_refusal(request, violation)
            return redirect(request.path)
    try:
        checked = dosimetry.preview(bytes(source.content), source.filename)
    except RuleViolation as violation:
        show_refusal(request, violation)
        checked = None
    errors = (
        [(line, zh if _lang_zh() else en) for line, zh, en in checked.errors] if checked else []
    )
    return render(
        request,
        "people/dose_import.html",
        {"source": source, "checked": checked, "errors": errors},
    )
