"""The training page: study sessions and who attended, rotation coverage, what is due."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from yiji.core.models import Department
from yiji.core.permissions import Action, may
from yiji.core.rulebook import RuleViolation
from yiji.core.views import form_date, form_pk, requires, show_refusal
from yiji.people import training
from yiji.people.hooks import trainee_figures
from yiji.people.models import RotationKind, StudyKind, StudySession, TrainingPlan
from yiji.people.view_helpers import _department, _departments


@requires(Action.VIEW_ROSTER)
def training_page(request: HttpRequest) -> HttpResponse:
    department = _department(request)
    if department is None:
        raise Http404
    manager = may(request.user, Action.MANAGE_TRAINING)
    if request.method == "POST":
        try:
            _training_act(request, department)
        except RuleViolation as violation:
            show_refusal(request, violation)
        return redirect(f"{request.path}?department={department.pk}")
    year = timezone.localdate().year
    sessions = StudySession.objects.filter(department=department, held_on__year=year)
    return render(
        request,
        "people/training.html",
        {
            "department": department,
            "departments": _departments(request),
            "year": year,
            "months": training.study_months(department, year),
            "sessions": sessions.prefetch_related("attendance__staff")[:24],
            "behind": training.behind_target(department, year),
            "modalities": training.coverage(department, RotationKind.MODALITY),
            "devices": training.coverage(department, RotationKind.DEVICE),
            "due": training.assessments_due(),
            "reports_due": training.reports_overdue(),
            "plans": _with_figures(
                TrainingPlan.objects.filter(staff__memberships__department=department)
                .filter(Q(end__isnull=True) | Q(end__gte=timezone.localdate()))
                .select_related("staff", "mentor")
                .distinct(),
                year,
            ),
            "manager": manager,
            "study_kinds": StudyKind.choices,
            "today": timezone.localdate(),
        },
    )


def _with_figures(plans, year: int) -> list[TrainingPlan]:
    """Each running plan with what the clinical apps measure of the trainee's work this year
    (the reviewers' revision rate of their reports)."""
    plans = list(plans)
    first, last = dt.date(year, 1, 1), timezone.localdate()
    figures: dict[int, list] = {}
    for answer in trainee_figures([p.staff_id for p in plans], first, last):
        for staff_pk, rows in answer.items():
            figures.setdefault(staff_pk, []).extend(rows)
    for plan in plans:
        plan.figures = figures.get(plan.staff_id, [])
    return plans


def _training_act(request: HttpRequest, department: Department) -> None:
    post, action = request.POST, request.POST.get("action")
    if action == "study":
        training.hold_study(
            request.user, department, post.get("kind", ""), form_date(post.get("held_on")),
            post.get("topic", ""), post.get("speaker", ""),
        )  # fmt: skip
        messages.success(request, _("Study session recorded; mark who attended."))
    elif action == "attendance":
        session = get_object_or_404(StudySession, pk=form_pk(post.get("session")))
        present = {form_pk(v) for v in post.getlist("present")}
        training.mark_attendance(request.user, session, present)
        messages.success(request, _("Attendance recorded."))
