"""People pages: the people home, a person's file and their dose history."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from yiji.core.models import CredentialKind, Staff
from yiji.core.permissions import Action, may, require
from yiji.core.rulebook import RuleViolation
from yiji.core.services import add_credential
from yiji.core.views import form_date, form_pk, requires, show_refusal
from yiji.people import credentials, dosimetry, handover, leave, roster, training
from yiji.people.models import (
    AssessmentKind,
    CreditClass,
    DoseRecord,
    ExternalTraining,
    LeaveKind,
    LeaveRequest,
    PlanKind,
    Post,
    PublicationKind,
    RotationKind,
    TrainingPlan,
)
from yiji.people.view_helpers import _decimal, _department, _departments, _me


@requires(Action.VIEW_ROSTER)
def people_home(request: HttpRequest) -> HttpResponse:
    me, today = _me(request), timezone.localdate()
    manager = may(request.user, Action.VIEW_STAFF)
    department = _department(request)
    context = {
        "department": department,
        "departments": _departments(request),
        "my_duties": roster.visible(
            roster.duties_between(today, today + dt.timedelta(days=13), staff=me), False
        )
        if me
        else [],
        "my_leave": LeaveRequest.objects.filter(staff=me, last_day__gte=today)[:10] if me else [],
        "manager": manager,
        "can_dose": may(request.user, Action.MANAGE_DOSIMETRY),
        "can_approve": may(request.user, Action.APPROVE_LEAVE),
        "today": today,
    }
    if manager and department:
        first = today.replace(day=1)
        context.update(
            expiring=credentials.expiring(department),
            unmonitored=dosimetry.unmonitored(),
            missing_handovers=handover.missing(department, first, today),
            pending_leave=leave.pending_for(request.user),
            staff=Staff.objects.filter(memberships__department=department, active=True)
            .distinct()
            .order_by("employee_no"),
        )
    return render(request, "people/home.html", context)


# ------------------------------------------------------------------------------ persons


def _may_see_person(request: HttpRequest, person: Staff) -> None:
    me = _me(request)
    if me is not None and me.pk == person.pk:
        return
    if not (may(request.user, Action.VIEW_STAFF) or may(request.user, Action.MANAGE_DOSIMETRY)):
        require(request.user, Action.VIEW_STAFF)


@requires(Action.VIEW_ROSTER)
def person_page(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(Staff.objects.select_related("user", "supervisor"), pk=pk)
    _may_see_person(request, person)
    if request.method == "POST":
        try:
            _person_act(request, person)
        except RuleViolation as violation:
            show_refusal(request, violation)
        return redirect("person", pk=pk)
    today = timezone.localdate()
    held = [(c, credentials.expiry(c)) for c in person.credentials.all()]
    posts = [
        (label, [CredentialKind(kind).label for kind in credentials.missing(person, post, today)])
        for post, label in Post.choices
    ]
    return render(
        request,
        "people/person.html",
        {
            "person": person,
            "credentials": held,
            "posts": posts,
            "health_checks": person.health_checks.all(),
            "next_check": dosimetry.next_check_due(person),
            "years": dosimetry.history(person)[-5:],
            "leave": LeaveRequest.objects.filter(staff=person, first_day__year=today.year),
            "balances": [
                (
                    label,
                    leave.entitlement(person, today.year, kind),
                    leave.balance(person, today.year, kind),
                )
                for kind, label in LeaveKind.choices
                if kind in leave.ALLOWANCE_SETTINGS
            ],
            "allowance_kinds": [
                (k, v) for k, v in LeaveKind.choices if k in leave.ALLOWANCE_SETTINGS
            ],
            "duties": roster.visible(
                roster.duties_between(
                    today.replace(day=1),
                    roster.next_month(today) - dt.timedelta(days=1),
                    staff=person,
                ),
                may(request.user, Action.MANAGE_ROSTER),
            ),
            "today": today,
            "memberships": person.memberships.select_related("department", "group"),
            "progress": training.progress(person, today.year),
            "credits": person.cme_credits.all()[:50],
            "publications": person.publications.all()[:50],
            "rotations": person.rotations.select_related("supervisor"),
            "plans": person.training_plans.select_related("mentor").prefetch_related(
                "assessments__assessor"
            ),
            "external": person.external_training.all(),
            "is_me": _me(request) is not None and _me(request).pk == person.pk,
            "can_train": may(request.user, Action.MANAGE_TRAINING),
            "can_manage_staff": may(request.user, Action.MANAGE_STAFF),
            "credential_kinds": CredentialKind.choices,
            "staff": Staff.objects.filter(active=True).order_by("employee_no"),
            "credit_classes": CreditClass.choices,
            "publication_kinds": PublicationKind.choices,
            "rotation_kinds": RotationKind.choices,
            "plan_kinds": PlanKind.choices,
            "assessment_kinds": AssessmentKind.choices,
        },
    )


@requires(Action.VIEW_ROSTER)
def dose_history(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(Staff, pk=pk)
    _may_see_person(request, person)
    years = dosimetry.history(person)
    return render(
        request,
        "people/dose_history.html",
        {
            "person": person,
            "years": [(row, dosimetry.five_year_total(years, row.year)) for row in years],
            "records": DoseRecord.objects.filter(staff=person).select_related("source"),
            "investigations": person.dose_investigations.all(),
            "chart": {
                "years": [row.year for row in years],
                "effective": [float(row.effective) for row in years],
            },
        },
    )


def _person_act(request: HttpRequest, person: Staff) -> None:
    post, action, user = request.POST, request.POST.get("action"), request.user
    if action == "credential":
        try:
            add_credential(
                user, person, kind=post.get("kind", ""), number=post.get("number", "").strip(),
                scope=post.get("scope", "").strip()[:100],
                issued_on=form_date(post.get("issued_on")),
                expires_on=form_date(post.get("expires_on")),
            )  # fmt: skip
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return
    elif action == "allowance":
        leave.set_entitlement(
            user, person, form_pk(post.get("year")), post.get("kind", ""),
            form_pk(post.get("days")) if str(post.get("days", "")).isdigit() else None,
        )  # fmt: skip
    elif action == "credit":
        training.record_credit(
            user, person, form_pk(post.get("credit_class")), _decimal(post.get("credits")),
            post.get("activity", ""), form_date(post.get("earned_on")),
        )  # fmt: skip
    elif action == "publication":
        year = form_pk(post.get("year"))
        training.record_publication(
            user, person, post.get("kind", ""), year, post.get("title", ""), post.get("journal", "")
        )
    elif action == "external":
        training.record_external(
            user, person, post.get("institution", ""), post.get("topic", ""),
            form_date(post.get("start")), form_date(post.get("end")),
        )  # fmt: skip
    elif action == "report":
        item = get_object_or_404(ExternalTraining, pk=form_pk(post.get("item")), staff=person)
        training.file_report(user, item, post.get("report", ""))
    elif action == "rotation":
        supervisor = Staff.objects.filter(pk=form_pk(post.get("supervisor"))).first()
        training.add_rotation(
            user, person, post.get("kind", ""), post.get("area", ""), form_date(post.get("start")),
            form_date(post.get("end")), supervisor, post.get("evaluation", ""),
        )  # fmt: skip
    elif action == "plan":
        mentor = Staff.objects.filter(pk=form_pk(post.get("mentor"))).first()
        training.start_plan(
            user, person, post.get("kind", ""), form_date(post.get("start")),
            post.get("goals", ""), mentor, form_date(post.get("end")),
        )  # fmt: skip
    elif action == "assess":
        plan = get_object_or_404(TrainingPlan, pk=form_pk(post.get("plan")), staff=person)
        training.assess(
            user, plan, post.get("kind", ""), form_date(post.get("held_on")),
            post.get("passed") == "yes", _decimal(post.get("score")), post.get("notes", ""),
        )  # fmt: skip
    elif action == "appoint":
        plan = get_object_or_404(TrainingPlan, pk=form_pk(post.get("plan")), staff=person)
        training.appoint(user, plan)
    else:
        return
    messages.success(request, _("Recorded."))
