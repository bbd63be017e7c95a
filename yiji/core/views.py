"""Thin views: read the request, call a service, render. Rules live in the services."""

from __future__ import annotations

import datetime as dt
import sys
from decimal import Decimal, InvalidOperation
from functools import cached_property, wraps
from io import BytesIO

from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.shortcuts import get_object_or_404, redirect, render
from django.template import loader
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yiji.core import access, accounts, audit, calendar, notices, policy, rulebook, services
from yiji.core.forms import (
    CalendarDayForm,
    LoginForm,
    PatientFilterForm,
    PatientForm,
    PinForm,
    PolicyChangeForm,
    StaffFilterForm,
    TokenForm,
)
from yiji.core.middleware import database_unavailable
from yiji.core.models import (
    ApiToken,
    AuditAction,
    AuditEntry,
    BreakGlass,
    CalendarDay,
    Credential,
    Department,
    Membership,
    Patient,
    Role,
    RoleAssignment,
    Staff,
)
from yiji.core.permissions import Action, may, require, role_assignments
from yiji.core.policy_types import GROUP_LABELS, SettingError, display_value


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


def login_view(request: HttpRequest) -> HttpResponse:
    form = LoginForm(request.POST or None)
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if request.method == "POST" and form.is_valid():
        try:
            user = accounts.log_in(
                request, form.cleaned_data["username"], form.cleaned_data["password"]
            )
        except accounts.LoginRefused as exc:
            form.add_error(None, str(exc))
        else:
            login(request, user)
            safe = url_has_allowed_host_and_scheme(next_url, {request.get_host()})
            return redirect(next_url if safe and next_url else "home")
    return render(request, "core/login.html", {"form": form, "next": next_url})


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        audit.record(request.user, AuditAction.LOGOUT, request.user, ip=client_ip(request))
    logout(request)
    return redirect("login")


@login_required
def home(request: HttpRequest) -> HttpResponse:
    staff = getattr(request.user, "staff", None)
    soon = timezone.localdate() + timezone.timedelta(
        days=policy.value("stf.credential_reminder_days")
    )
    credentials = (
        staff.credentials.filter(expires_on__lte=soon).order_by("expires_on") if staff else []
    )
    return render(
        request,
        "core/home.html",
        {
            "staff": staff,
            "assignments": role_assignments(request.user),
            "memberships": staff.memberships.select_related("department", "group") if staff else [],
            "expiring": credentials,
            "notices": notices.unread(staff)[:20] if staff else [],
            "today": timezone.localdate(),
        },
    )


@requires(Action.VIEW_PATIENT)
def patients(request: HttpRequest) -> HttpResponse:
    form = PatientFilterForm(request.GET or None)
    query = source = ""
    if form.is_valid():
        query, source = form.cleaned_data["q"], form.cleaned_data["source"]
    found = services.search_patients(request.user, query, source, ip=client_ip(request))
    page = BoundedPaginator(found, 25).get_page(request.GET.get("page"))
    template = (
        "core/patients_rows.html" if request.headers.get("HX-Request") else "core/patients.html"
    )
    can_register = may(request.user, Action.REGISTER_PATIENT)
    return render(request, template, {"form": form, "page": page, "can_register": can_register})


@requires(Action.REGISTER_PATIENT)
def patient_new(request: HttpRequest) -> HttpResponse:
    form = PatientForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            patient = services.register_patient(
                request.user, form.cleaned_data, ip=client_ip(request)
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Patient registered."))
            return redirect("patient", pk=patient.pk)
    return render(request, "core/patient_form.html", {"form": form})


@requires(Action.REGISTER_PATIENT)
def patient_edit(request: HttpRequest, pk: int) -> HttpResponse:
    patient = get_object_or_404(Patient, pk=pk)
    form = PatientForm(request.POST or None, instance=Patient.objects.get(pk=pk))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        if not data.get("id_card"):
            data.pop("id_card", None)
        try:
            services.update_patient(request.user, patient, data, ip=client_ip(request))
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Patient updated."))
            return redirect("patient", pk=patient.pk)
    return render(request, "core/patient_form.html", {"form": form, "patient": patient})


def _add_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@requires(Action.VIEW_PATIENT)
def patient(request: HttpRequest, pk: int) -> HttpResponse:
    record = get_object_or_404(Patient, pk=pk)
    try:
        services.open_patient_record(request.user, record, via="web", ip=client_ip(request))
    except rulebook.RuleViolation as violation:
        return break_glass_form(request, record, violation)
    can_register = may(request.user, Action.REGISTER_PATIENT)
    return render(
        request,
        "core/patient.html",
        {
            "patient": record,
            "can_register": can_register,
            "can_audit": may(request.user, Action.VIEW_AUDIT),
        },
    )


def break_glass_form(request: HttpRequest, record: Patient, violation) -> HttpResponse:
    """The record is outside the user's department or patients: ask for the reason (ARC-5)."""
    rulebook.record_refusal(violation, request.user, "web", request.path)
    return render(
        request,
        "core/break_glass.html",
        {"patient": record, "violation": violation, "next": request.get_full_path()},
        status=403,
    )


@require_POST
@requires(Action.VIEW_PATIENT)
def break_glass(request: HttpRequest, pk: int) -> HttpResponse:
    record = get_object_or_404(Patient, pk=pk)
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("patient", args=[pk])
    try:
        access.break_glass(request.user, record, request.POST.get("reason", ""), client_ip(request))
    except rulebook.RuleViolation as violation:
        messages.error(request, violation.message)
        return render(
            request, "core/break_glass.html",
            {"patient": record, "violation": violation, "next": target}, status=403,
        )  # fmt: skip
    return redirect(target)


@requires(Action.VIEW_AUDIT)
def patient_access(request: HttpRequest, pk: int) -> HttpResponse:
    """Everyone who opened or changed the patient's record, with break-glass reasons (ARC-5)."""
    record = get_object_or_404(Patient, pk=pk)
    entries = AuditEntry.objects.filter(patient=record).order_by("-seq")
    return render(
        request,
        "core/patient_access.html",
        {
            "patient": record,
            "page": Paginator(entries, 50).get_page(request.GET.get("page")),
            "glass": BreakGlass.objects.filter(patient=record).select_related("staff"),
        },
    )


@requires(Action.VIEW_AUDIT)
def break_glass_register(request: HttpRequest) -> HttpResponse:
    rows = BreakGlass.objects.select_related("staff", "patient")
    return render(
        request,
        "core/break_glass_register.html",
        {"page": Paginator(rows, 50).get_page(request.GET.get("page"))},
    )


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


@login_required
def rules(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.VIEW_RULES)
    chapter = request.GET.get("chapter", "")
    status = request.GET.get("status", "")
    rows = rulebook.statuses()
    if chapter:
        rows = [r for r in rows if r.rule.chapter == chapter]
    if status in ("implemented", "planned"):
        rows = [r for r in rows if r.status == status]
    all_rows = rulebook.statuses()
    return render(
        request,
        "core/rules.html",
        {
            "rows": rows,
            "chapters": rulebook.CHAPTERS,
            "chapter": chapter,
            "status": status,
            "sources": rulebook.SOURCES,
            "implemented": sum(r.implemented for r in all_rows),
            "total": len(all_rows),
        },
    )


@requires(Action.VIEW_POLICY)
def policy_list(request: HttpRequest) -> HttpResponse:
    hospital = policy.current_hospital()
    stored = policy.stored_values(hospital) if hospital else {}
    group = request.GET.get("group", "")
    settings = [s for s in policy.catalogue().values() if not group or s.group == group]
    rows = [
        {
            "setting": s,
            "value": display_value(s, s.parse(stored.get((s.key, None), s.default))),
            "default": display_value(s, s.parse(s.default)),
            "changed": (s.key, None) in stored,
            "department_values": [
                (dept_id, v) for (key, dept_id), v in stored.items() if key == s.key and dept_id
            ],
        }
        for s in settings
    ]
    used = {s.group for s in policy.catalogue().values()}
    groups = [(key, label) for key, label in GROUP_LABELS.items() if key in used]
    return render(
        request, "core/policy_list.html", {"rows": rows, "groups": groups, "group": group}
    )


@requires(Action.VIEW_POLICY)
def policy_edit(request: HttpRequest, key: str) -> HttpResponse:
    try:
        spec = policy.setting(key)
    except SettingError:
        return render(request, "core/not_found.html", status=404)
    hospital = policy.current_hospital()
    departments = Department.objects.filter(kind__in=["imaging", "ultrasound", "ecg", "lab"])
    department = None
    if spec.per_department and request.GET.get("department"):
        department = get_object_or_404(departments, pk=request.GET["department"])
    require(request.user, Action.EDIT_POLICY, department)
    current = policy.value(key, department=department, hospital=hospital)
    form = PolicyChangeForm(
        spec,
        request.POST or None,
        initial={"value": current.strftime("%H:%M") if hasattr(current, "strftime") else current},
    )
    if request.method == "POST" and form.is_valid():
        try:
            accounts.sign(request.user, form.cleaned_data["signature"], f"policy {key}")
            policy.change(
                request.user,
                key,
                form.cleaned_data["value"],
                hospital=hospital,
                department=department,
                reason=form.cleaned_data["reason"],
            )
        except accounts.SignatureRefused as exc:
            form.add_error("signature", str(exc))
        except SettingError as exc:
            form.add_error("value", str(exc))
        else:
            messages.success(request, _("Setting saved."))
            return redirect(reverse("policy") + f"?group={spec.group}")
    return render(
        request,
        "core/policy_edit.html",
        {
            "setting": spec,
            "form": form,
            "current": display_value(spec, current),
            "default": display_value(spec, spec.parse(spec.default)),
            "department": department,
            "departments": departments if spec.per_department else [],
            "history": AuditEntry.objects.filter(
                action=AuditAction.SETTING, object_id__startswith=key
            ).order_by("-seq")[:20],
        },
    )


@requires(Action.VIEW_AUDIT)
def audit_log(request: HttpRequest) -> HttpResponse:
    entries = AuditEntry.objects.select_related("actor").order_by("-seq")
    action = request.GET.get("action", "")
    actor = request.GET.get("actor", "").strip()
    patient_id = request.GET.get("patient", "").strip()
    if action in AuditAction.values:
        entries = entries.filter(action=action)
    if actor:
        entries = entries.filter(actor__username=actor)
    if patient_id:
        entries = entries.filter(patient__patient_id=patient_id)
    before = request.GET.get("before", "")
    if before.isdigit():
        entries = entries.filter(seq__lt=int(before))
    rows = list(entries[:50])
    return render(
        request,
        "core/audit.html",
        {
            "rows": rows,
            "actions": AuditAction.choices,
            "action": action,
            "actor": actor,
            "patient": patient_id,
            "next_before": rows[-1].seq if len(rows) == 50 else None,
        },
    )


@login_required
def account(request: HttpRequest) -> HttpResponse:
    password_form = PasswordChangeForm(request.user)
    pin_form = PinForm()
    token_form = TokenForm()
    new_key = None
    if request.method == "POST":
        which = request.POST.get("form")
        if which == "password":
            password_form = PasswordChangeForm(request.user, request.POST)
            if password_form.is_valid():
                user = password_form.save()
                update_session_auth_hash(request, user)
                audit.record(user, AuditAction.UPDATE, user, after={"password": "changed"})
                messages.success(request, _("Password changed."))
                return redirect("account")
        elif which == "pin" and hasattr(request.user, "staff"):
            pin_form = PinForm(request.POST)
            if pin_form.is_valid():
                try:
                    if not request.user.check_password(pin_form.cleaned_data["signature"]):
                        raise accounts.SignatureRefused(_("The password is wrong."))
                    accounts.set_signing_pin(request.user, pin_form.cleaned_data["pin"])
                except accounts.SignatureRefused as exc:
                    pin_form.add_error(None, str(exc))
                else:
                    messages.success(request, _("Signing PIN set."))
                    return redirect("account")
        elif which == "token":
            token_form = TokenForm(request.POST)
            if token_form.is_valid():
                _token, new_key = accounts.create_token(
                    request.user, token_form.cleaned_data["name"]
                )
                token_form = TokenForm()
        elif which == "revoke":
            token = get_object_or_404(
                ApiToken, pk=form_pk(request.POST.get("token")), user=request.user, revoked_at=None
            )
            accounts.revoke_token(request.user, token)
            messages.success(request, _("Token revoked."))
            return redirect("account")
    return render(
        request,
        "core/account.html",
        {
            "password_form": password_form,
            "pin_form": pin_form,
            "token_form": token_form,
            "new_key": new_key,
            "tokens": ApiToken.objects.filter(user=request.user),
        },
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


@require_POST
@login_required
def notice_read(request: HttpRequest, pk: int) -> HttpResponse:
    from yiji.core.models import Notice

    notice = get_object_or_404(Notice, pk=pk, recipient__user=request.user)
    notice.read_at = timezone.now()
    notice.save(update_fields=["read_at"])
    return redirect(notice.url or "home")


@requires(Action.VIEW_POLICY)
def holiday_calendar(request: HttpRequest, year: int) -> HttpResponse:
    """The year's public holidays and adjusted working days (CNF-1, RPT-4)."""
    form = CalendarDayForm()
    if request.method == "POST":
        if request.POST.get("action") == "clear":
            day = parse_date(request.POST.get("day", ""))
            if day:
                calendar.clear_day(request.user, day)
            return redirect("holiday_calendar", year=year)
        form = CalendarDayForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            calendar.set_day(request.user, data["day"], data["kind"], data["name"])
            messages.success(request, _("Saved."))
            return redirect("holiday_calendar", year=data["day"].year)
    days = CalendarDay.objects.filter(day__year=year)
    return render(
        request,
        "core/calendar.html",
        {
            "year": year,
            "days": days,
            "form": form,
            "can_edit": may(request.user, Action.EDIT_CALENDAR),
        },
    )
