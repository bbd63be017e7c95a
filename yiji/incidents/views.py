"""Errors and accidents pages: the report form (anyone), the register with its figures (the
handlers; a reporter sees their own reports) and each event's page, where the INC-1 steps,
the freeze and the INC-3 follow-up are recorded. Thin: read the form, call the service."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from openpyxl import Workbook

from yiji.core.models import Department, Role, Staff
from yiji.core.permissions import Action, may, require, roles_of
from yiji.core.rulebook import RuleViolation
from yiji.core.spreadsheet import append_row
from yiji.core.views import form_date, form_pk, requires, show_refusal, xlsx_response
from yiji.incidents import services
from yiji.incidents.models import (
    Category,
    Freeze,
    Incident,
    IncidentKind,
    Measure,
    Severity,
    Stage,
)


def _period(request: HttpRequest) -> tuple[dt.date, dt.date]:
    """From the first of January to today unless the page asks for another period."""
    today = timezone.localdate()
    first = form_date(request.GET.get("from")) or today.replace(month=1, day=1)
    last = form_date(request.GET.get("to")) or today
    return (first, last) if first <= last else (last, first)


@requires(Action.REPORT_INCIDENT)
def register_page(request: HttpRequest) -> HttpResponse:
    first, last = _period(request)
    department = Department.objects.filter(pk=form_pk(request.GET.get("department"))).first()
    rows, stats = services.register(first, last, department)
    handler = may(request.user, Action.HANDLE_INCIDENT)
    if not handler:  # a reporter follows their own reports
        me = getattr(request.user, "staff", None)
        rows = [r for r in rows if me is not None and r.reporter_id == me.pk]
    for key, values in (("kind", IncidentKind.values), ("stage", Stage.values)):
        if request.GET.get(key) in values:
            rows = [r for r in rows if getattr(r, key) == request.GET[key]]
    if request.GET.get("format") == "xlsx" and handler:
        return _export(rows, first, last)
    months = sorted(stats.by_month)
    return render(
        request,
        "incidents/register.html",
        {
            "page": Paginator(rows, 30).get_page(request.GET.get("page")),
            "stats": stats if handler else None,
            "by_category": [(Category(c).label, n) for c, n in stats.by_category.most_common()],
            "by_severity": [
                (Severity(s).label, stats.by_severity[s]) for s in sorted(stats.by_severity)
            ],
            "by_kind": [(IncidentKind(k).label, n) for k, n in stats.by_kind.most_common()],
            "chart": {"months": months, "counts": [stats.by_month[m] for m in months]},
            "first": first,
            "last": last,
            "departments": Department.objects.medtech(),
            "department": department,
            "kinds": IncidentKind.choices,
            "stages": Stage.choices,
            "handler": handler,
            "query": request.GET.urlencode(),
        },
    )


def _export(rows: list[Incident], first: dt.date, last: dt.date) -> HttpResponse:
    book = Workbook()
    sheet = book.active
    sheet.title = "差错事故登记"
    append_row(sheet, ["编号", "发生时间", "报告时间", "科室", "性质", "类别", "分级", "经过",
                  "根本原因", "状态", "结案时间"])  # fmt: skip
    for r in rows:
        append_row(sheet, [
            r.number, timezone.localtime(r.occurred_at).strftime("%Y-%m-%d %H:%M"),
            timezone.localtime(r.reported_at).strftime("%Y-%m-%d %H:%M"), r.department.name,
            str(r.get_kind_display()), str(r.get_category_display()),
            str(r.get_severity_display()), r.description, r.root_cause,
            str(r.get_stage_display()),
            timezone.localtime(r.closed_at).strftime("%Y-%m-%d") if r.closed_at else "",
        ])  # fmt: skip
    return xlsx_response(book, f"incidents-{first:%Y%m%d}-{last:%Y%m%d}.xlsx")


@requires(Action.REPORT_INCIDENT)
def report_page(request: HttpRequest) -> HttpResponse:
    post = request.POST
    if request.method == "POST":
        try:
            occurred = parse_datetime(post.get("occurred_at", "") or "")
        except ValueError:  # well-formed but impossible, such as 2026-02-30T08:00
            occurred = None
        if occurred is not None and timezone.is_naive(occurred):
            occurred = timezone.make_aware(occurred)
        data = services.IncidentReport(
            department=Department.objects.filter(pk=form_pk(post.get("department"))).first(),
            kind=post.get("kind", ""),
            category=post.get("category", ""),
            severity=form_pk(post.get("severity")),
            occurred_at=occurred,
            description=post.get("description", ""),
            immediate_action=post.get("immediate_action", ""),
            accession=post.get("accession", ""),
            anonymous=post.get("anonymous") == "on",
        )
        try:
            incident = services.report(request.user, data)
        except RuleViolation as violation:
            show_refusal(request, violation)
        else:
            messages.success(request, _("Reported; the superiors and medical officers are told."))
            if data.anonymous:
                return redirect("incidents")
            return redirect("incident", pk=incident.pk)
    return render(
        request,
        "incidents/report.html",
        {
            "departments": Department.objects.medtech(),
            "kinds": IncidentKind.choices,
            "categories": Category.choices,
            "severities": Severity.choices,
            "form": post,
            "now": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        },
    )


@requires(Action.REPORT_INCIDENT)
def incident_page(request: HttpRequest, pk: int) -> HttpResponse:
    incident = get_object_or_404(
        Incident.objects.select_related("department", "reporter", "exam__patient", "investigator"),
        pk=pk,
    )
    handler = may(request.user, Action.HANDLE_INCIDENT)
    me = getattr(request.user, "staff", None)
    if not handler and (me is None or incident.reporter_id != me.pk):
        require(request.user, Action.HANDLE_INCIDENT)
    if request.method == "POST":
        try:
            _act(request, incident)
        except RuleViolation as violation:
            show_refusal(request, violation)
        return redirect("incident", pk=pk)
    due = services.deadlines(incident)
    return render(
        request,
        "incidents/incident.html",
        {
            "incident": incident,
            "handler": handler,
            "deadlines": [(Stage(step).label, at) for step, at in due.items()],
            "late": services.reported_late(incident),
            "freezes": incident.freezes.select_related("exam", "released_by"),
            "measures": incident.measures.select_related("owner", "verified_by"),
            "staff": Staff.objects.filter(active=True).order_by("employee_no"),
            "me": me,
            "today": timezone.localdate(),
            "is_director": Role.DIRECTOR in roles_of(request.user),
        },
    )


def _act(request: HttpRequest, incident: Incident) -> None:
    post, action, user = request.POST, request.POST.get("action"), request.user
    if action == "take_up":
        services.take_up(user, incident)
    elif action == "investigate":
        services.record_investigation(
            user, incident, post.get("findings", ""), post.get("root_cause", "")
        )
    elif action == "director_report":
        services.director_report(user, incident, post.get("text", ""), post.get("secret", ""))
    elif action == "discuss":
        services.discuss(user, incident, post.get("text", ""))
    elif action == "measure":
        owner = Staff.objects.filter(pk=form_pk(post.get("owner"))).first()
        services.add_measure(
            user, incident, post.get("text", ""), owner, form_date(post.get("due"))
        )
    elif action in ("complete", "verify"):
        measure = get_object_or_404(Measure, pk=form_pk(post.get("measure")), incident=incident)
        if action == "complete":
            services.complete_measure(user, measure, post.get("note", ""))
        else:
            services.verify_measure(user, measure)
    elif action == "freeze":
        services.freeze(user, incident, post.get("accession", ""))
    elif action == "release":
        frozen = get_object_or_404(Freeze, pk=form_pk(post.get("freeze")), incident=incident)
        services.release(user, frozen, post.get("reason", ""))
    elif action == "close":
        services.close(user, incident)
    else:
        return
    messages.success(request, _("Recorded."))
