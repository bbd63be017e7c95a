"""Assessment pages (QLT-4, QLT-6): the list with the form that draws one up, one assessment
with its figures, the ethics evaluation of each person, the conclusion and the director's
signature, its print, the satisfaction surveys, and the annual summary (QLT-7). Thin: read
the form, call the service, show its refusal."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from yiji.core import policy
from yiji.core.models import Department, Staff
from yiji.core.permissions import Action, may
from yiji.core.rulebook import RuleViolation
from yiji.core.views import form_date, requires, requires_any, show_refusal
from yiji.quality import annual, assessments, techniques
from yiji.quality.documents import annual_docx, annual_pdf, assessment_pdf, shown
from yiji.quality.models import (
    Assessment,
    AssessmentKind,
    Respondent,
    SatisfactionSurvey,
    StaffAssessment,
)


def _own_department(user, departments):
    """The user's primary department where it is one of these, else the first."""
    staff = getattr(user, "staff", None)
    own = departments.filter(membership__staff=staff).order_by("-membership__primary").first()
    return own or departments.first()


def _int(value, default=None):
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


@requires(Action.VIEW_QUALITY)
def assessment_list(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        department = get_object_or_404(Department, pk=_int(request.POST.get("department"), 0))
        kind = request.POST.get("kind", "")
        year = _int(request.POST.get("year"), 0)
        half = 2 if request.POST.get("half") == "2" else 1
        try:
            if not 2000 <= year <= 2100:
                raise RuleViolation("QLT-4", "请填写考核年度。", "Enter the year.", field="year")
            first, _last = assessments.period(kind, year, half)
            assessment = assessments.open_assessment(request.user, department, kind, first)
        except RuleViolation as violation:
            show_refusal(request, violation)
            return redirect("assessments")
        return redirect("assessment", pk=assessment.pk)
    rows = Assessment.objects.select_related("department", "signed_by")
    page = Paginator(rows, 20).get_page(request.GET.get("page"))
    return render(
        request,
        "quality/assessments.html",
        {
            "page": page,
            "departments": Department.objects.medtech(),
            "kinds": AssessmentKind.choices,
            "year": timezone.localdate().year - (1 if timezone.localdate().month < 7 else 0),
            "can_assess": may(request.user, Action.ASSESS_QUALITY),
        },
    )


@requires(Action.VIEW_QUALITY)
def assessment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = get_object_or_404(
        Assessment.objects.select_related("department", "signature"), pk=pk
    )
    if request.method == "POST":
        try:
            _act(request, assessment)
        except RuleViolation as violation:
            show_refusal(request, violation)
        return redirect("assessment", pk=pk)
    return render(
        request,
        "quality/assessment.html",
        {
            "assessment": assessment,
            "lines": [
                (line, {k.replace("-", "_").lower(): v for k, v in line.figures.items()})
                for line in assessment.lines.select_related("staff")
            ],
            "editable": assessment.signed_at is None and may(request.user, Action.ASSESS_QUALITY),
            "can_sign": assessment.signed_at is None and may(request.user, Action.SIGN_ASSESSMENT),
            "part_max": assessments.PART_MAX,
        },
    )


def _act(request: HttpRequest, assessment: Assessment) -> None:
    action = request.POST.get("action")
    if action == "evaluate":
        line = get_object_or_404(
            StaffAssessment, pk=_int(request.POST.get("line"), 0), assessment=assessment
        )
        scores = {part: _int(request.POST.get(part), -1) for part in assessments.ETHICS_PARTS}
        red = _int(request.POST.get("red_envelopes"), -1)
        assessments.evaluate(request.user, line, scores, red, request.POST.get("comment", ""))
        messages.success(request, _("Evaluation saved."))
    elif action == "conclude":
        assessments.conclude(
            request.user,
            assessment,
            request.POST.get("summary", ""),
            request.POST.get("improvements", ""),
        )
        messages.success(request, _("Conclusion saved."))
    elif action == "refresh":
        assessments.refresh(request.user, assessment)
        messages.success(request, _("Figures recounted."))
    elif action == "sign":
        assessments.sign(request.user, assessment, request.POST.get("secret", ""))
        messages.success(request, _("Assessment signed."))


@requires(Action.VIEW_QUALITY)
def assessment_print(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = get_object_or_404(
        Assessment.objects.select_related("department", "signature"), pk=pk
    )
    hospital = policy.current_hospital()
    pdf = assessment_pdf(assessment, hospital.name if hospital else "")
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"assessment-{assessment.department.code}-{assessment.period_start}.pdf"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


@requires_any(Action.RECORD_SURVEY, Action.VIEW_QUALITY)
def surveys(request: HttpRequest) -> HttpResponse:
    departments = Department.objects.medtech()
    if request.method == "POST":
        department = get_object_or_404(Department, pk=_int(request.POST.get("department"), 0))
        staff_pk = _int(request.POST.get("staff"))
        day = form_date(request.POST.get("day"))
        try:
            if day is None:
                raise RuleViolation("QLT-6", "请填写调查日期。", "Enter the date.", field="day")
            assessments.record_survey(
                request.user,
                department,
                day,
                request.POST.get("respondent", ""),
                {q: _int(request.POST.get(q)) for q in assessments.QUESTIONS},
                staff=Staff.objects.filter(pk=staff_pk).first() if staff_pk else None,
                comment=request.POST.get("comment", ""),
            )
            messages.success(request, _("Survey recorded."))
        except RuleViolation as violation:
            show_refusal(request, violation)
        return redirect("surveys")
    today = timezone.localdate()
    first = today - dt.timedelta(days=90)
    figures = [(d, assessments.satisfaction(d, first, today)) for d in departments]
    rows = SatisfactionSurvey.objects.select_related("department", "staff")
    page = Paginator(rows, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "quality/surveys.html",
        {
            "departments": departments,
            "figures": figures,
            "first": first,
            "today": today,
            "page": page,
            "respondents": Respondent.choices,
            "questions": [
                ("overall", _("Overall")),
                ("waiting", _("Waiting time")),
                ("attitude", _("Attitude")),
                ("explanation", _("Explanation")),
                ("environment", _("Environment")),
            ],
            "staff": Staff.objects.filter(active=True, memberships__department__in=departments)
            .distinct()
            .order_by("name"),
            "can_record": may(request.user, Action.RECORD_SURVEY),
        },
    )


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@requires(Action.VIEW_QUALITY)
def annual_summary(request: HttpRequest) -> HttpResponse:
    departments = Department.objects.medtech()
    params = request.POST if request.method == "POST" else request.GET
    department = next(
        (d for d in departments if str(d.pk) == params.get("department")),
        _own_department(request.user, departments),
    )
    today = timezone.localdate()
    this_year = today.year
    # Summaries are written from the last quarter on for the year ending, else for last year.
    default = this_year if today.month >= 10 else this_year - 1
    year = _int(params.get("year"), default)
    year = year if 2000 <= year <= this_year else default
    if department is None:
        return render(request, "quality/annual.html", {"departments": departments})
    if request.method == "POST":
        try:
            annual.save_text(
                request.user,
                department,
                year,
                work=request.POST.get("work", ""),
                problems=request.POST.get("problems", ""),
                plans=request.POST.get("plans", ""),
            )
            messages.success(request, _("Summary saved."))
        except RuleViolation as violation:
            show_refusal(request, violation)
        return redirect(f"{request.path}?department={department.pk}&year={year}")
    figures = annual.year_figures(department, year)
    summary = annual.summary_for(department, year)
    wanted = request.GET.get("format")
    if wanted in ("pdf", "docx"):
        hospital = policy.current_hospital()
        name = hospital.name if hospital else ""
        if wanted == "pdf":
            body, kind = annual_pdf(department, figures, summary, name), "application/pdf"
        else:
            body, kind = annual_docx(department, figures, summary, name), DOCX
        response = HttpResponse(body, content_type=kind)
        filename = f"annual-{department.code}-{year}.{wanted}"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
    return render(
        request,
        "quality/annual.html",
        {
            "departments": departments,
            "department": department,
            "year": year,
            "years": range(this_year, this_year - 10, -1),
            "figures": figures,
            "sources": annual.SOURCES,
            "summary": summary,
            "techniques": techniques.started_in(department, year),
            "indicators": [
                (indicator, figure, shown(figure.value, indicator.kind))
                for indicator, figure in figures.indicators
            ],
            "chart": {
                "months": [f"{m}" for m in range(1, 13)],
                "this_year": figures.months,
                "last_year": figures.months_last_year,
                "names": [str(year - 1), str(year)],
            },
            "can_edit": may(request.user, Action.ASSESS_QUALITY),
        },
    )
