"""Quality pages: collective reading sessions (CNF-1) and their attendance sheet (CNF-5),
film quality (QLT-3, CNF-2, CNF-6), follow-up (QLT-1, -2, -8), consultations and the weekly
difficult-case list (CNF-3, -4), and the compliance page. Thin: read the form, call the
service, show its refusal."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from openpyxl import Workbook

from yiji.core import rulebook
from yiji.core.models import Department, Staff
from yiji.core.permissions import Action, may
from yiji.core.routing import reads_from_replica
from yiji.core.rulebook import RuleViolation
from yiji.core.spreadsheet import append_row
from yiji.core.views import (
    form_date,
    form_month,
    form_pk,
    requested_period,
    requires,
    requires_any,
    show_refusal,
    xlsx_response,
)
from yiji.orders.services import exam_by_accession
from yiji.quality import compliance, consultations, films, followup, sessions
from yiji.quality.models import (
    Concordance,
    Consultation,
    ConsultationKind,
    DiagnosticError,
    EvidenceSource,
    FollowUp,
    Presence,
    ReadingSession,
    RejectedImage,
    RejectReason,
    TechnicalSession,
)
from yiji.reports.models import ImageGrade, Report


def session_departments(user) -> list[Department]:
    """The departments whose sessions the user sees: their own, or all for hospital-wide
    management."""
    kinds = Department.objects.filter(active=True, kind__in=sessions.SESSION_KINDS)
    staff = getattr(user, "staff", None)
    own = kinds.filter(members=staff) if staff else kinds.none()
    return list((own if own.exists() else kinds).order_by("code"))


def _month(value: str) -> tuple[int, int]:
    moment = form_month(value) or timezone.localdate()
    return moment.year, moment.month


@requires(Action.RUN_READING_SESSION)
def session_list(request: HttpRequest) -> HttpResponse:
    departments = session_departments(request.user)
    if request.method == "POST":
        department = get_object_or_404(Department, pk=form_pk(request.POST.get("department")))
        try:
            session = sessions.open_session(request.user, department)
        except RuleViolation as violation:
            show_refusal(request, violation)
            return redirect("reading_sessions")
        return redirect("reading_session", pk=session.pk)
    year, month = _month(request.GET.get("month", ""))
    rows = ReadingSession.objects.filter(department__in=departments)
    rows = rows.filter(day__year=year, day__month=month).select_related("department", "chair")
    rows = rows.order_by("-day", "department__code")
    page = Paginator(rows, 31).get_page(request.GET.get("page"))
    return render(
        request,
        "quality/sessions.html",
        {
            "page": page,
            "departments": departments,
            "month": f"{year:04d}-{month:02d}",
            "year": year,
        },
    )


def _attendance_entries(request: HttpRequest, session: ReadingSession) -> dict:
    entries = {}
    for row in session.attendance.all():
        presence = request.POST.get(f"presence-{row.staff_id}")
        if presence is not None:
            entries[row.staff_id] = (presence, request.POST.get(f"note-{row.staff_id}", ""))
    return entries


def _act(request: HttpRequest, session: ReadingSession) -> None:
    action = request.POST.get("action")
    user = request.user
    if action == "chair":
        chair = Staff.objects.filter(pk=form_pk(request.POST.get("chair"))).first()
        if chair is None:
            raise RuleViolation("CNF-1", "请选择主持人。", "Choose the chair.", field="chair")
        sessions.set_chair(user, session, chair)
    elif action == "add_case":
        sessions.add_case(user, session, request.POST.get("accession", ""))
    elif action == "collect":
        sessions.collect_cases(session)
    elif action == "attendance":
        sessions.record_attendance(user, session, _attendance_entries(request, session))
    elif action == "conclude":
        case = get_object_or_404(session.cases, pk=form_pk(request.POST.get("case")))
        sessions.conclude_case(
            user,
            case,
            request.POST.get("conclusion", ""),
            changes_diagnosis=request.POST.get("changes_diagnosis") == "on",
            addendum_text=request.POST.get("addendum_text", ""),
            secret=request.POST.get("secret", ""),
        )
    elif action == "close":
        sessions.close_session(user, session, request.POST.get("minutes", ""))
    messages.success(request, _("Saved."))


@requires(Action.RUN_READING_SESSION)
def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_object_or_404(
        ReadingSession.objects.select_related("department", "chair", "closed_by"), pk=pk
    )
    if request.method == "POST":
        try:
            _act(request, session)
            return redirect("reading_session", pk=pk)
        except RuleViolation as violation:
            show_refusal(request, violation)
    cases = session.cases.select_related("exam__patient", "exam__item", "exam__report", "addendum")
    return render(
        request,
        "quality/session.html",
        {
            "session": session,
            "cases": cases,
            "attendance": session.attendance.select_related("staff"),
            "chairs": sessions.roster(session.department).filter(physician_title__isnull=False),
            "presences": Presence.choices,
            "editable": session.status == "planned",
            "can_sign": may(request.user, Action.SIGN_REPORT),
        },
    )


@requires(Action.VIEW_QUALITY)
def absence_sheet(request: HttpRequest) -> HttpResponse:
    departments = session_departments(request.user)
    department = next(
        (d for d in departments if str(d.pk) == request.GET.get("department")),
        departments[0] if departments else None,
    )
    year, month = _month(request.GET.get("month", ""))
    lines = sessions.absences(department, year, month) if department else []
    if request.GET.get("format") == "xlsx" and department:
        return _absence_workbook(department, year, month, lines)
    return render(
        request,
        "quality/absences.html",
        {
            "departments": departments,
            "department": department,
            "month": f"{year:04d}-{month:02d}",
            "lines": lines,
        },
    )


def _absence_workbook(department, year: int, month: int, lines) -> HttpResponse:
    book = Workbook()
    sheet = book.active
    sheet.title = f"{year}-{month:02d}"
    append_row(sheet, [f"{department.name} 集体阅片考勤 {year}年{month}月（CNF-5）"])
    append_row(
        sheet,
        ["工号", "姓名", "会次", "出席", "迟到", "事假", "病假", "公务/值班", "无故缺席",
         "超出准许事假", "扣发金额（元）"]
    )  # fmt: skip
    for line in lines:
        append_row(
            sheet,
            [line.staff.employee_no, line.staff.name, line.sessions, line.present, line.late,
             line.personal, line.sick, line.duty, line.absent, line.beyond_allowance,
             float(line.deduction)]
        )  # fmt: skip
    return xlsx_response(book, f"cnf5-{department.code}-{year}{month:02d}.xlsx")


def _technologists(user):
    departments = session_departments(user)
    staff = Staff.objects.filter(active=True, memberships__department__in=departments)
    return staff.filter(technologist_title__isnull=False).distinct().order_by("employee_no")


def _record_technical_session(request: HttpRequest) -> None:
    chair = _technologists(request.user).filter(pk=form_pk(request.POST.get("chair"))).first()
    department = Department.objects.filter(pk=form_pk(request.POST.get("department"))).first()
    if chair is None or department is None:
        zh, en = "请选择科室和主持人。", "Choose the department and the chair."
        raise RuleViolation("CNF-2", zh, en, field="chair")
    try:
        films_reviewed = int(request.POST.get("films_reviewed") or 0)
    except ValueError:
        films_reviewed = 0
    films.record_technical_session(
        request.user,
        department,
        form_date(request.POST.get("day")) or timezone.localdate(),
        chair,
        films_reviewed=films_reviewed,
        problems=request.POST.get("problems", ""),
        measures=request.POST.get("measures", ""),
    )


@requires_any(Action.PERFORM_EXAM, Action.VIEW_QUALITY)
def film_quality(request: HttpRequest) -> HttpResponse:
    """The reject and error register (QLT-3), film grading (CNF-6) and their rates."""
    if request.method == "POST":
        try:
            if request.POST.get("action") == "session":
                _record_technical_session(request)
            elif request.POST.get("action") == "reject":
                exam = exam_by_accession(request.POST.get("accession", ""), "QLT-3")
                films.register_reject(
                    request.user,
                    exam,
                    request.POST.get("reason", ""),
                    retaken=request.POST.get("retaken") == "on",
                    note=request.POST.get("note", ""),
                )
            else:
                exam = exam_by_accession(request.POST.get("accession", ""), "CNF-6")
                films.grade_film(request.user, exam, request.POST.get("grade", ""))
            messages.success(request, _("Saved."))
            return redirect("film_quality")
        except RuleViolation as violation:
            show_refusal(request, violation)
    first, last = requested_period(request)
    by = request.GET.get("by") if request.GET.get("by") in films.GROUPINGS else "technologist"
    rates = films.film_rates(first, last, by) if may(request.user, Action.VIEW_QUALITY) else []
    recent = RejectedImage.objects.select_related("exam", "technologist", "room")
    page = Paginator(recent, 20).get_page(request.GET.get("page"))
    chart = {
        "labels": [r.label for r in rates],
        "grade_a": [_rounded(r.grade_a_rate) for r in rates],
        "reject": [_rounded(r.reject_rate) for r in rates],
    }
    return render(
        request,
        "quality/films.html",
        {
            "rates": rates,
            "chart": chart,
            "by": by,
            "groupings": films.GROUPINGS,
            "first": first,
            "last": last,
            "page": page,
            "reasons": RejectReason.choices,
            "grades": ImageGrade.choices,
            "indicator_set": films.INDICATOR_SET,
            "technologists": _technologists(request.user),
            "departments": session_departments(request.user),
            "technical_sessions": TechnicalSession.objects.select_related("chair")[:10],
            "can_register": may(request.user, Action.PERFORM_EXAM),
            "today": timezone.localdate(),
        },
    )


FOLLOW_UP_VIEWS = {
    "open": Q(recorded_at__isnull=True),
    "overdue": Q(recorded_at__isnull=True),  # and due_at before now, below
    "done": Q(recorded_at__isnull=False),
    "errors": ~Q(error=""),
    "all": Q(),
}


@requires_any(Action.WRITE_REPORT, Action.VIEW_QUALITY)
def follow_up_list(request: HttpRequest) -> HttpResponse:
    followup.open_follow_ups()  # also every ten minutes in the task queue
    show = request.GET.get("show") if request.GET.get("show") in FOLLOW_UP_VIEWS else "open"
    rows = FollowUp.objects.filter(FOLLOW_UP_VIEWS[show])
    if show == "overdue":
        rows = rows.filter(due_at__lt=timezone.now())
    if request.GET.get("mine"):
        rows = rows.filter(reader__user=request.user)
    rows = rows.select_related("exam__patient", "exam__item", "reader")
    page = Paginator(rows, 25).get_page(request.GET.get("page"))
    first, last = requested_period(request)
    by = request.GET.get("by") if request.GET.get("by") in followup.GROUPINGS else "reader"
    rates = []
    if may(request.user, Action.VIEW_QUALITY):
        rates = followup.follow_up_rates(first, last, by)
    return render(
        request,
        "quality/follow_ups.html",
        {
            "page": page,
            "show": show,
            "now": timezone.now(),
            "rates": rates,
            "by": by,
            "groupings": followup.GROUPINGS,
            "first": first,
            "last": last,
            "chart": {
                "labels": [r.label for r in rates],
                "follow_up": [_rounded(r.follow_up_rate) for r in rates],
                "concordance": [_rounded(r.concordance_rate) for r in rates],
            },
        },
    )


def _rounded(value: float | None) -> float | None:
    return round(value, 1) if value is not None else None


@require_POST
@requires(Action.WRITE_REPORT)
def follow_up_open(request: HttpRequest, exam_pk: int) -> HttpResponse:
    """Open a follow-up on the exam's signed report, whatever its result (QLT-1)."""
    report = get_object_or_404(Report, exam_id=exam_pk)
    try:
        item = followup.open_follow_up(request.user, report)
    except RuleViolation as violation:
        show_refusal(request, violation)
        return redirect("report", pk=exam_pk)
    return redirect("follow_up", pk=item.pk)


@requires_any(Action.WRITE_REPORT, Action.VIEW_QUALITY)
def follow_up_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(
        FollowUp.objects.select_related("exam__patient", "exam__item", "exam__report", "reader"),
        pk=pk,
    )
    if request.method == "POST":
        try:
            followup.record_outcome(
                request.user,
                item,
                final_diagnosis=request.POST.get("final_diagnosis", ""),
                source=request.POST.get("source", ""),
                concordance=request.POST.get("concordance", ""),
                error=request.POST.get("error", ""),
                cause=request.POST.get("cause", ""),
            )
            messages.success(request, _("Saved."))
            return redirect("follow_up", pk=pk)
        except RuleViolation as violation:
            show_refusal(request, violation)
    return render(
        request,
        "quality/follow_up.html",
        {
            "item": item,
            "sources": EvidenceSource.choices,
            "concordances": Concordance.choices,
            "errors": DiagnosticError.choices,
            "posted": request.POST,
        },
    )


@requires(Action.WRITE_REPORT)
def consultation_list(request: HttpRequest) -> HttpResponse:
    """Consultations (CNF-4): request one, see the open and answered ones."""
    if request.method == "POST":
        try:
            exam = exam_by_accession(request.POST.get("accession", ""), "CNF-4")
            made = consultations.request_consultation(
                request.user,
                exam,
                request.POST.get("kind", ""),
                request.POST.get("question", ""),
                request.POST.get("referred_to", ""),
            )
            return redirect("consultation", pk=made.pk)
        except RuleViolation as violation:
            show_refusal(request, violation)
    rows = Consultation.objects.select_related("exam__patient", "exam__item", "requested_by")
    if request.GET.get("open"):
        rows = rows.filter(answered_at__isnull=True)
    page = Paginator(rows, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "quality/consultations.html",
        {"page": page, "kinds": ConsultationKind.choices, "posted": request.POST},
    )


@requires(Action.WRITE_REPORT)
def consultation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(
        Consultation.objects.select_related("exam__patient", "exam__item", "requested_by"), pk=pk
    )
    if request.method == "POST":
        try:
            consultations.record_opinion(
                request.user,
                item,
                request.POST.get("participants", ""),
                request.POST.get("opinion", ""),
                request.POST.get("outcome", ""),
            )
            messages.success(request, _("Saved."))
            return redirect("consultation", pk=pk)
        except RuleViolation as violation:
            show_refusal(request, violation)
    return render(request, "quality/consultation.html", {"item": item, "posted": request.POST})


@requires(Action.RUN_READING_SESSION)
def difficult_cases(request: HttpRequest) -> HttpResponse:
    """The week's list for the difficult-case discussion (CNF-3)."""
    departments = session_departments(request.user)
    department = next(
        (d for d in departments if str(d.pk) == request.GET.get("department")),
        departments[0] if departments else None,
    )
    day = form_date(request.GET.get("day")) or timezone.localdate()
    week = consultations.weekly_list(department, day) if department else None
    return render(
        request,
        "quality/difficult.html",
        {
            "departments": departments,
            "department": department,
            "week": week,
            "previous": day - dt.timedelta(days=7),
            "next": day + dt.timedelta(days=7),
        },
    )


@requires(Action.VIEW_QUALITY)
@reads_from_replica
def compliance_page(request: HttpRequest) -> HttpResponse:
    """Every rule with how Yiji carries it out and this period's figures (an inspection's
    first page); rules not yet carried out are shown as planned."""
    first, last = requested_period(request)
    figures = compliance.period_figures(first, last)
    rows = [(row, figures.get(row.rule.id)) for row in rulebook.statuses()]
    return render(
        request,
        "quality/compliance.html",
        {
            "rows": rows,
            "first": first,
            "last": last,
            "totals": compliance.totals(figures),
            "implemented": sum(row.implemented for row, _f in rows),
        },
    )


@requires(Action.VIEW_QUALITY)
@reads_from_replica
def compliance_rule(request: HttpRequest, rule: str) -> HttpResponse:
    found = rulebook.rules_by_id().get(rule)
    if found is None:
        raise Http404(rule)
    first, last = requested_period(request)
    return render(
        request,
        "quality/compliance_rule.html",
        {"rule": found, "first": first, "last": last, **compliance.drill_down(rule, first, last)},
    )
