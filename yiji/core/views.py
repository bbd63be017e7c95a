"""Thin views: read the request, call a service, render. Rules live in the services.

This module holds what every app's views share (permission decorators, form parsing, paging,
downloads) and the 404/500 handlers; core's own pages live in account_views, patient_views,
staff_views and policy_views."""

from __future__ import annotations

import datetime as dt
import sys
from decimal import Decimal, InvalidOperation
from functools import cached_property, wraps
from io import BytesIO

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.utils import timezone
from django.utils.dateparse import parse_date

from yiji.core import access, rulebook
from yiji.core.middleware import database_unavailable
from yiji.core.models import Patient
from yiji.core.permissions import may, require


def requires(action: str):
    """Log-in plus a permission check; a refusal becomes the 403 page (see middleware)."""

    def decorate(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            require(request.user, action)
            return view(request, *args, **kwargs)

        return wrapped

    return decorate


def form_date(value: str | None):
    """A date typed in a form or a link, or None when it is missing or impossible."""
    try:
        return parse_date(value or "")
    except ValueError:  # well-formed but impossible, such as 2026-02-30
        return None


def form_month(value: str | None):
    """The first day of a month typed as YYYY-MM in a form or a link, or None."""
    try:
        return dt.datetime.strptime(value or "", "%Y-%m").date()
    except ValueError:
        return None


def requested_period(request: HttpRequest) -> tuple:
    """The `from` and `to` dates of a figures page; this month so far by default."""
    today = timezone.localdate()
    first = form_date(request.GET.get("from")) or today.replace(day=1)
    last = form_date(request.GET.get("to")) or today
    return (first, last) if first <= last else (last, first)


def form_decimal(value) -> Decimal | None:
    """A number typed in a form, or None when it is missing or not a finite number."""
    try:
        number = Decimal(str(value or "").strip())
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def form_pk(value) -> int:
    """A primary key posted by a form; 0 (matching nothing) for anything not a number, so a
    tampered form gets a 404 rather than an error."""
    return int(value) if str(value or "").isdigit() else 0


class BoundedPaginator(Paginator):
    """A paginator that counts at most `cap` rows: a search matching a common surname among
    millions of patients does not count them all to number its pages (170 ms at 2.5M
    patients); it pages through the first `cap`, says "100+ pages", and the clerk narrows."""

    cap = 2500

    @cached_property
    def _counted(self) -> int:
        return self.object_list[: self.cap + 1].count()

    @cached_property
    def count(self) -> int:
        return min(self._counted, self.cap)

    @property
    def capped(self) -> bool:
        return self._counted > self.cap


def newest_first_page(rows, cursor: str, size: int, field: str) -> tuple[list, str]:
    """One page of `rows` ordered newest first on (field, pk), older than `cursor`, and the
    cursor of the page after it ("" on the last). Keyset, not OFFSET: an old page of a long
    list costs what the first does, and no count of millions of rows is taken."""
    try:
        moment, pk = cursor.split("~")
        moment, pk = dt.datetime.fromisoformat(moment), int(pk)
    except ValueError:
        moment = None
    if moment is not None and timezone.is_aware(moment) and 0 < pk < 2**63:
        rows = rows.filter(Q(**{f"{field}__lt": moment}) | Q(**{field: moment, "pk__lt": pk}))
    page = list(rows.order_by(f"-{field}", "-pk")[: size + 1])
    if len(page) <= size:
        return page, ""
    last = page[size - 1]
    return page[:size], f"{getattr(last, field).isoformat()}~{last.pk}"


def show_refusal(request: HttpRequest, violation: rulebook.RuleViolation) -> None:
    """Tell the user which rule refused, and keep the refusal for the compliance page."""
    rulebook.record_refusal(violation, request.user, "web", request.path)
    messages.error(request, violation.message)


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(book, filename: str) -> HttpResponse:
    """An openpyxl workbook as a download."""
    buffer = BytesIO()
    book.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def requires_any(*actions: str):
    """Log-in plus any one of the permissions (a page several roles use differently)."""

    def decorate(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not any(may(request.user, action) for action in actions):
                require(request.user, actions[0])
            return view(request, *args, **kwargs)

        return wrapped

    return decorate


def client_ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR")


def gate(request: HttpRequest, patient: Patient, via: str) -> HttpResponse | None:
    """For a page that shows a patient's data: None when the user may see it now (the view is
    logged), else the break-glass page that asks for a reason (ARC-5, ORD-7)."""
    try:
        access.open_record(request.user, patient, via=via, ip=client_ip(request))
    except rulebook.RuleViolation as violation:
        return break_glass_form(request, patient, violation)
    return None


def break_glass_form(request: HttpRequest, record: Patient, violation) -> HttpResponse:
    """The record is outside the user's department or patients: ask for the reason (ARC-5)."""
    rulebook.record_refusal(violation, request.user, "web", request.path)
    return render(
        request,
        "core/break_glass.html",
        {"patient": record, "violation": violation, "next": request.get_full_path()},
        status=403,
    )


def not_found(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "core/not_found.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    """Django's 500 handler. It runs inside the `except` of the failed request, so the error
    is at hand: a database that went away (a PostgreSQL restart met while the session was
    being read) gets the 503 page that says nothing was lost, and may be retried."""
    unavailable = database_unavailable(request, sys.exc_info()[1])
    if unavailable is not None:
        return unavailable
    return HttpResponseServerError(loader.get_template("500.html").render())
