"""The register of new techniques and projects (QLT-9)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from yiji.core.models import Department, Staff
from yiji.core.permissions import Action, may
from yiji.core.rulebook import RuleViolation
from yiji.core.views import form_date, form_pk, requires_any, show_refusal
from yiji.quality import techniques
from yiji.quality.assessment_views import _own_department
from yiji.quality.models import NewTechnique, NoveltyKind


def _act(request: HttpRequest, department: Department) -> None:
    post, action = request.POST, request.POST.get("action")
    if action == "propose":
        techniques.propose(request.user, department, post.get("kind", ""),
                           post.get("name", ""), post.get("description", ""))  # fmt: skip
        return
    found = get_object_or_404(NewTechnique, pk=form_pk(post.get("technique")))
    if action == "approve":
        techniques.approve(request.user, found, post.get("signature", ""))
    elif action == "train":
        people = Staff.objects.filter(pk__in=[form_pk(v) for v in post.getlist("staff")])
        techniques.record_training(request.user, found, list(people))
    elif action == "start":
        techniques.start(request.user, found, form_date(post.get("started_on")))


@requires_any(Action.MANAGE_TRAINING, Action.SIGN_ASSESSMENT, Action.VIEW_QUALITY)
def register(request: HttpRequest) -> HttpResponse:
    departments = Department.objects.medtech()
    department = next(
        (d for d in departments if str(d.pk) == request.GET.get("department")),
        _own_department(request.user, departments),
    )
    if request.method == "POST" and department is not None:
        try:
            _act(request, department)
            messages.success(request, _("Saved."))
        except RuleViolation as violation:
            show_refusal(request, violation)
        return redirect(f"{request.path}?department={department.pk}")
    rows = NewTechnique.objects.filter(department=department).select_related(
        "proposed_by", "approved_by"
    ).prefetch_related("trained_staff")  # fmt: skip
    return render(request, "quality/techniques.html", {
        "departments": departments,
        "department": department,
        "rows": rows,
        "kinds": NoveltyKind.choices,
        "staff": Staff.objects.filter(memberships__department=department, active=True)
        .distinct().order_by("employee_no"),
        "can_propose": may(request.user, Action.MANAGE_TRAINING),
        "can_approve": may(request.user, Action.SIGN_ASSESSMENT),
    })  # fmt: skip
