"""The duty roster page (made by the leaders, read by all once published) and handovers (STF-4)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_time
from django.utils.translation import gettext as _

from yiji.core.models import Department, Staff
from yiji.core.permissions import Action, may, require
from yiji.core.rulebook import RuleViolation
from yiji.core.views import form_date, form_pk, requires, show_refusal
from yiji.people import handover, roster
from yiji.people.models import Duty, Handover, Post, ShiftKind, ShiftType
from yiji.people.view_helpers import _department, _departments, _lang_zh, _me, _month


@requires(Action.VIEW_ROSTER)
def roster_page(request: HttpRequest) -> HttpResponse:
    department, month = _department(request), _month(request)
    if department is None:
        raise Http404
    plan = roster.roster_for(department, month)
    manager = may(request.user, Action.MANAGE_ROSTER)
    if request.method == "POST":
        try:
            _roster_act(request, plan, department)
        except RuleViolation as violation:
            show_refusal(request, violation)
        return redirect(f"{request.path}?department={department.pk}&month={month:%Y-%m}")
    shifts = list(ShiftType.objects.filter(department=department, active=True))
    duties = roster.visible(Duty.objects.filter(roster=plan), manager).select_related(
        "staff", "shift"
    )
    cells: dict[tuple[dt.date, int], list[Duty]] = {}
    for duty in duties:
        cells.setdefault((duty.day, duty.shift_id), []).append(duty)
    days = [
        (day, [(shift, cells.get((day, shift.pk), [])) for shift in shifts])
        for day in roster.month_days(month)
    ]
    staff = Staff.objects.filter(memberships__department=department, active=True).distinct()
    counts = roster.rotation_counts(department, month) if manager else {}
    previous = roster.month_start(month - dt.timedelta(days=1))
    return render(
        request,
        "people/roster.html",
        {
            "department": department,
            "departments": _departments(request),
            "roster": plan,
            "month": month,
            "previous": previous,
            "next": roster.next_month(month),
            "shifts": shifts,
            "days": days,
            "manager": manager,
            "staff": staff.order_by("employee_no"),
            "fairness": [
                (
                    person,
                    [counts.get(person.pk, {}).get(kind, 0) for kind in ShiftKind.values],
                    counts.get(person.pk, {}).get("weekend", 0),
                )
                for person in staff.order_by("employee_no")
            ]
            if manager
            else [],  # fmt: skip
            "kinds": ShiftKind.choices,
            "posts": Post.choices,
            "visible": plan.published or manager,
            "gaps": roster.coverage_gaps(plan) if manager and not plan.published else [],
        },
    )


def _roster_act(request: HttpRequest, plan, department: Department) -> None:
    post, action = request.POST, request.POST.get("action")
    require(request.user, Action.MANAGE_ROSTER)
    if action == "assign":
        staff = get_object_or_404(Staff, pk=form_pk(post.get("staff")))
        shift = get_object_or_404(ShiftType, pk=form_pk(post.get("shift")), department=department)
        roster.assign(request.user, plan, staff, shift, form_date(post.get("day")))
        messages.success(request, _("Duty added."))
    elif action == "remove":
        duty = get_object_or_404(Duty, pk=form_pk(post.get("duty")), roster=plan)
        roster.unassign(request.user, duty)
        messages.success(request, _("Duty removed."))
    elif action == "copy":
        copied, skipped = roster.copy_last_month(request.user, plan)
        messages.success(request, _("%(n)d duties copied from last month.") % {"n": copied})
        for row in skipped:
            messages.warning(
                request, f"{row.day} {row.staff.name} {row.shift.name}: {row.violation.message}"
            )
    elif action == "rotate":
        shift = get_object_or_404(ShiftType, pk=form_pk(post.get("shift")), department=department)
        people = list(Staff.objects.filter(pk__in=[form_pk(v) for v in post.getlist("people")]))
        filled, empty = roster.fill_rotation(request.user, plan, shift, people)
        messages.success(request, _("%(n)d days filled in rotation.") % {"n": filled})
        if empty:
            days = ", ".join(f"{d:%m-%d}" for d in empty)
            messages.warning(request, _("Nobody eligible on: %(days)s") % {"days": days})
    elif action == "publish":
        roster.publish(request.user, plan)
        messages.success(request, _("Roster published; everyone on it has been told."))
    elif action == "shift":
        try:
            starts = parse_time(post.get("starts", "") or "")
        except ValueError:  # well-formed but impossible, such as 25:00
            starts = None
        hours = int(post["hours"]) if str(post.get("hours", "")).isdigit() else 0
        roster.add_shift_type(
            request.user, department, post.get("code", ""), post.get("name", ""),
            post.get("kind", ""), post.get("post", ""), starts, hours, post.get("handover") == "on",
        )  # fmt: skip
        messages.success(request, _("Shift type added."))


# ----------------------------------------------------------------------------- handover


@requires(Action.VIEW_ROSTER)
def handover_page(request: HttpRequest) -> HttpResponse:
    me, now = _me(request), timezone.now()
    department = _department(request)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "write":
                duty = get_object_or_404(Duty, pk=form_pk(request.POST.get("duty")))
                handover.write(request.user, duty, request.POST.get("notes", ""))
                messages.success(request, _("Handover written."))
            else:
                record = get_object_or_404(Handover, pk=form_pk(request.POST.get("handover")))
                handover.confirm(request.user, record, request.POST.get("note", ""))
                messages.success(request, _("Handover confirmed."))
        except RuleViolation as violation:
            show_refusal(request, violation)
        return redirect(f"{request.path}?department={department.pk if department else ''}")
    mine = (
        Duty.objects.filter(staff=me, starts_at__lte=now, ends_at__gte=now - dt.timedelta(days=2),
                            handover__isnull=True, shift__handover=True)
        .select_related("shift", "roster__department")
        if me
        else []
    )  # fmt: skip
    today = timezone.localdate()
    recent = Handover.objects.filter(
        department=department, written_at__gte=now - dt.timedelta(days=30)
    ).select_related("duty__shift", "outgoing", "incoming")
    return render(
        request,
        "people/handover.html",
        {
            "department": department,
            "departments": _departments(request),
            "mine": mine,
            "items": handover.open_items(department) if department else [],
            "labels": {
                k: (zh if _lang_zh() else en) for k, (zh, en) in handover.KIND_LABELS.items()
            },
            "to_confirm": recent.filter(confirmed_at__isnull=True).exclude(outgoing=me),
            "recent": recent[:50],
            "missing": handover.missing(department, today.replace(day=1), today)
            if department
            else [],
            "me": me,
        },
    )
