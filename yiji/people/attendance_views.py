"""The attendance page: sign-in and out, whereabouts, deductions, the signed month sheet."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from yiji.core.models import Department, Staff
from yiji.core.permissions import Action, may
from yiji.core.rulebook import RuleViolation
from yiji.core.views import form_date, form_pk, requires, show_refusal, xlsx_response
from yiji.people import attendance, roster
from yiji.people.models import DayRecord, Infraction, InfractionKind, MonthSheet, Whereabouts
from yiji.people.view_helpers import _department, _departments, _me, _month


def _sheet(department: Department, month: dt.date) -> tuple[MonthSheet | None, list[dict]]:
    """The month's lines: as signed once closed, else as they stand now."""
    closed = MonthSheet.objects.filter(department=department, month=month).first()
    if closed is not None:
        return closed, closed.lines
    return None, [asdict(line) for line in attendance.month_sheet(department, month)]


@requires(Action.VIEW_ROSTER)
def attendance_page(request: HttpRequest) -> HttpResponse:
    me, department, month = _me(request), _department(request), _month(request)
    if department is None:
        raise Http404
    keepers = attendance.keeper(department)
    is_keeper = me is not None and any(k.pk == me.pk for k in keepers)
    sees_sheet = is_keeper or may(request.user, Action.MANAGE_ROSTER)
    if request.method == "POST":
        try:
            _attendance_act(request, me, department, month)
        except RuleViolation as violation:
            show_refusal(request, violation)
        return redirect(f"{request.path}?department={department.pk}&month={month:%Y-%m}")
    closed, lines = _sheet(department, month) if sees_sheet else (None, [])
    if request.GET.get("format") == "xlsx" and sees_sheet:
        book = attendance.workbook(department, month, lines)
        return xlsx_response(book, f"attendance-{month:%Y-%m}.xlsx")
    today, end = timezone.localdate(), roster.next_month(month)
    members = Staff.objects.filter(memberships__department=department, active=True).distinct()
    return render(
        request,
        "people/attendance.html",
        {
            "department": department,
            "departments": _departments(request),
            "month": month,
            "today_record": DayRecord.objects.filter(staff=me, day=today).first(),
            "mine": DayRecord.objects.filter(staff=me, day__gte=month, day__lt=end),
            "away": Whereabouts.objects.filter(
                department=department, returned_at__isnull=True
            ).select_related("staff", "substitute"),
            "staff": members.order_by("employee_no"),
            "desk": may(request.user, Action.BOOK_EXAM) or may(request.user, Action.MANAGE_ROSTER),
            "sees_sheet": sees_sheet,
            "can_record": may(request.user, Action.MANAGE_ROSTER),
            "lines": lines,
            "closed": closed,
            "keepers": keepers,
            "is_keeper": is_keeper,
            "infraction_kinds": InfractionKind.choices,
            "infractions": Infraction.objects.filter(
                department=department, day__gte=month, day__lt=end
            ).select_related("staff")
            if sees_sheet
            else [],
            "today": today,
        },
    )


def _attendance_act(request: HttpRequest, me, department, month) -> None:
    post, action = request.POST, request.POST.get("action")
    if action == "sign_in":
        record = attendance.sign_in(request.user)
        if record.late_minutes:
            messages.warning(
                request, _("Signed in, %(n)d minutes late.") % {"n": record.late_minutes}
            )
        else:
            messages.success(request, _("Signed in."))
    elif action == "sign_out":
        record = attendance.sign_out(request.user)
        if record.early_minutes:
            messages.warning(
                request, _("Signed out, %(n)d minutes early.") % {"n": record.early_minutes}
            )
        else:
            messages.success(request, _("Signed out."))
    elif action == "away":
        person = (
            get_object_or_404(Staff, pk=form_pk(post.get("staff"))) if post.get("staff") else me
        )
        substitute = Staff.objects.filter(pk=form_pk(post.get("substitute"))).first()
        attendance.leave_post(
            request.user, person, post.get("place", ""), post.get("phone", ""), substitute,
            post.get("notice") == "on",
        )  # fmt: skip
        messages.success(request, _("Whereabouts recorded."))
    elif action == "back":
        entry = get_object_or_404(Whereabouts, pk=form_pk(post.get("entry")))
        attendance.back_at_post(request.user, entry)
        messages.success(request, _("Back at the post."))
    elif action == "infraction":
        person = get_object_or_404(Staff, pk=form_pk(post.get("staff")))
        attendance.record_infraction(
            request.user, person, form_date(post.get("day")), post.get("kind", ""),
            post.get("note", ""),
        )  # fmt: skip
        messages.success(request, _("Recorded."))
    elif action == "close":
        attendance.close_month(request.user, department, month, post.get("secret", ""))
        messages.success(request, _("The month's attendance is signed and kept."))
