"""The staff pages: the staff list, one person, and the organisation with its responsibilities."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from yiji.core import services
from yiji.core.forms import StaffFilterForm
from yiji.core.models import Credential, Department, Membership, Role, RoleAssignment, Staff
from yiji.core.permissions import Action, may
from yiji.core.views import form_pk, requires


@requires(Action.VIEW_STAFF)
def staff_list(request: HttpRequest) -> HttpResponse:
    form = StaffFilterForm(request.GET or None)
    people = (
        Staff.objects.select_related("user")
        .prefetch_related(
            Prefetch(
                "memberships", queryset=Membership.objects.select_related("department", "group")
            ),
            "role_assignments",
        )
        .order_by("employee_no")
    )
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            people = people.filter(name__contains=data["q"]) | people.filter(employee_no=data["q"])
        if data["department"]:
            people = people.filter(memberships__department_id=data["department"]).distinct()
        if data["role"]:
            people = people.filter(role_assignments__role=data["role"]).distinct()
    page = Paginator(people, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "core/staff_list.html",
        {"form": form, "page": page, "departments": Department.objects.all()},
    )


@requires(Action.VIEW_STAFF)
def staff_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(Staff.objects.select_related("user", "supervisor"), pk=pk)
    return render(
        request,
        "core/staff_detail.html",
        {
            "person": person,
            "credentials": Credential.objects.filter(staff=person),
            "assignments": RoleAssignment.objects.filter(staff=person).select_related(
                "department", "group"
            ),
            "memberships": person.memberships.select_related("department", "group"),
            "today": timezone.localdate(),
        },
    )


@requires(Action.VIEW_STAFF)
def organisation(request: HttpRequest) -> HttpResponse:
    """Departments with their director, deputies, groups and leaders, and what each role is
    responsible for (STF-1); the director writes the responsibilities here."""
    if request.method == "POST":
        department = Department.objects.filter(pk=form_pk(request.POST.get("department"))).first()
        try:
            services.set_responsibility(
                request.user, department, request.POST.get("role", ""), request.POST.get("text", "")
            )
            messages.success(request, _("Responsibilities saved."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect("organisation")
    departments = (
        Department.objects.select_related("hospital")
        .prefetch_related("groups", "rooms")
        .annotate(headcount=Count("members", distinct=True))
    )
    leaders = RoleAssignment.objects.filter(
        role__in=[Role.DIRECTOR, Role.DEPUTY_DIRECTOR, Role.GROUP_LEADER]
    ).select_related("staff", "department", "group")
    labels = dict(Role.choices)
    duties = {
        d.pk: [(role, labels[role], text) for role, text in services.responsibilities(d).items()]
        for d in departments
        if d.is_medtech
    }
    return render(
        request,
        "core/organisation.html",
        {
            "departments": departments,
            "leaders": leaders,
            "duties": duties,
            "can_edit": may(request.user, Action.MANAGE_STAFF),
        },
    )
