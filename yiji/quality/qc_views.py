"""The QC archive pages (QLT-5): inspections with the problems they found, and each
rectification reported done by its owner and verified by the QC group."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from yiji.core.models import Department, Staff
from yiji.core.permissions import Action, may
from yiji.core.rulebook import RuleViolation
from yiji.core.views import form_date, form_pk, requires, show_refusal
from yiji.quality import qc
from yiji.quality.models import QcArea, QcInspection, Rectification

PROBLEM_ROWS = 3


def _problems(post) -> list[qc.Problem]:
    """The problem rows of the form that have anything written in them."""
    problems = []
    for n in range(PROBLEM_ROWS):
        text, measure = post.get(f"problem_{n}", ""), post.get(f"measure_{n}", "")
        if not (text.strip() or measure.strip()):
            continue
        owner = post.get(f"owner_{n}", "")
        problems.append(
            qc.Problem(
                text,
                measure,
                Staff.objects.filter(pk=form_pk(owner)).first(),
                form_date(post.get(f"due_{n}", "")),
            )
        )
    return problems


@requires(Action.VIEW_QUALITY)
def inspections(request: HttpRequest) -> HttpResponse:
    departments = Department.objects.medtech()
    staff = Staff.objects.filter(active=True, memberships__department__in=departments).distinct()
    if request.method == "POST":
        department = get_object_or_404(departments, pk=form_pk(request.POST.get("department")))
        try:
            day = form_date(request.POST.get("day", ""))
            if day is None:
                raise RuleViolation("QLT-5", "请填写检查日期。", "Enter the date.", field="day")
            inspection = qc.record_inspection(
                request.user,
                department,
                day,
                request.POST.get("area", ""),
                request.POST.get("findings", ""),
                list(staff.filter(pk__in=[form_pk(v) for v in request.POST.getlist("inspectors")])),
                _problems(request.POST),
            )
        except RuleViolation as violation:
            show_refusal(request, violation)
            return redirect("qc_inspections")
        messages.success(request, _("Inspection recorded."))
        return redirect("qc_inspection", pk=inspection.pk)
    rows = QcInspection.objects.select_related("department")
    if request.GET.get("area") in QcArea.values:
        rows = rows.filter(area=request.GET["area"])
    return render(
        request,
        "quality/qc_inspections.html",
        {
            "page": Paginator(rows, 30).get_page(request.GET.get("page")),
            "open": qc.open_rectifications().select_related("owner", "inspection__department"),
            "today": timezone.localdate(),
            "departments": departments,
            "areas": QcArea.choices,
            "staff": staff.order_by("name"),
            "rows": range(PROBLEM_ROWS),
            "can_record": may(request.user, Action.ASSESS_QUALITY),
        },
    )


@requires(Action.VIEW_QUALITY)
def inspection(request: HttpRequest, pk: int) -> HttpResponse:
    record = get_object_or_404(QcInspection.objects.select_related("department"), pk=pk)
    if request.method == "POST":
        rectification = get_object_or_404(
            Rectification, pk=form_pk(request.POST.get("rectification")), inspection=record
        )
        note = request.POST.get("note", "")
        try:
            if request.POST.get("action") == "done":
                qc.report_done(request.user, rectification, note)
            else:
                accepted = request.POST.get("action") == "accept"
                qc.verify(request.user, rectification, accepted, note)
            messages.success(request, _("Rectification updated."))
        except RuleViolation as violation:
            show_refusal(request, violation)
        return redirect("qc_inspection", pk=pk)
    return render(
        request,
        "quality/qc_inspection.html",
        {
            "inspection": record,
            "rectifications": record.rectifications.select_related("owner", "verified_by"),
            "group": qc.qc_group(record.department),
            "can_verify": may(request.user, Action.ASSESS_QUALITY),
            "today": timezone.localdate(),
        },
    )
