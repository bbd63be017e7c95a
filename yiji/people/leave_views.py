"""The leave page: balances, requests, approvals and cancellations (STF-3)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from yiji.core.models import Staff
from yiji.core.permissions import Action, may
from yiji.core.rulebook import RuleViolation
from yiji.core.views import form_date, form_pk, requires, show_refusal
from yiji.people import leave
from yiji.people.models import LeaveKind, LeaveRequest, LeaveStatus
from yiji.people.view_helpers import _me


@requires(Action.VIEW_ROSTER)
def leave_page(request: HttpRequest) -> HttpResponse:
    me, today = _me(request), timezone.localdate()
    if request.method == "POST":
        try:
            _leave_act(request, me)
        except RuleViolation as violation:
            show_refusal(request, violation)
        return redirect("leave")
    pending = leave.pending_for(request.user) if may(request.user, Action.APPROVE_LEAVE) else []
    return render(
        request,
        "people/leave.html",
        {
            "balances": [
                (
                    label,
                    leave.entitlement(me, today.year, kind),
                    leave.used(me, today.year, kind),
                    leave.balance(me, today.year, kind),
                )
                for kind, label in LeaveKind.choices
            ]
            if me
            else [],  # fmt: skip
            "mine": LeaveRequest.objects.filter(staff=me).prefetch_related("decisions__approver")[
                :30
            ]
            if me
            else [],
            "pending": [(r, leave.duties_during(r)) for r in pending],
            "kinds": LeaveKind.choices,
            "current": LeaveRequest.objects.filter(
                status=LeaveStatus.APPROVED,
                first_day__lte=today + dt.timedelta(days=30),
                last_day__gte=today,
            ).select_related("staff")[:100],  # fmt: skip
            "today": today,
            "year": today.year,
        },
    )


def _leave_act(request: HttpRequest, me: Staff | None) -> None:
    post, action = request.POST, request.POST.get("action")
    if action == "request":
        leave.request_leave(
            request.user, me, post.get("kind", ""), form_date(post.get("first_day")),
            form_date(post.get("last_day")), post.get("reason", ""),
        )  # fmt: skip
        messages.success(request, _("Leave requested; the approvers have been told."))
    elif action in ("approve", "reject"):
        record = get_object_or_404(LeaveRequest, pk=form_pk(post.get("request")))
        leave.decide(
            request.user, record, action == "approve", post.get("secret", ""), post.get("note", "")
        )
        messages.success(request, _("Decision signed."))
    elif action == "cancel":
        record = get_object_or_404(LeaveRequest, pk=form_pk(post.get("request")))
        leave.cancel(request.user, record)
        messages.success(request, _("Leave cancelled."))
