"""People pages: the roster (made by the leaders, read by everyone once published, printable),
handovers, leave, a person's file with the dose history, and the dose keeper's page. Thin:
read the form, call the service, show its refusal."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_time
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from yiji.core.models import CredentialKind, Department, Staff
from yiji.core.permissions import Action, may, require
from yiji.core.rulebook import RuleViolation
from yiji.core.services import add_credential
from yiji.core.views import (
    form_date,
    form_month,
    form_pk,
    requires,
    show_refusal,
    xlsx_response,
)
from yiji.people import attendance, credentials, dosimetry, handover, leave, roster, training
from yiji.people.dosimetry import MAX_FILE_BYTES as MAX_DOSE_FILE
from yiji.people.models import (
    AssessmentKind,
    CreditClass,
    DayRecord,
    DoseImport,
    DoseInvestigation,
    DoseRecord,
    DosimeterPosition,
    Duty,
    ExternalTraining,
    Fitness,
    Handover,
    HealthCheckKind,
    Infraction,
    InfractionKind,
    LeaveKind,
    LeaveRequest,
    LeaveStatus,
    MonthSheet,
    PlanKind,
    Post,
    PublicationKind,
    RotationKind,
    ShiftKind,
    ShiftType,
    StudyKind,
    StudySession,
    TrainingPlan,
    Whereabouts,
)


def _me(request: HttpRequest) -> Staff | None:
    return getattr(request.user, "staff", None)


def _departments(request: HttpRequest):
    """The medical-technology departments, the user's own first."""
    me = _me(request)
    own = list(me.departments.values_list("pk", flat=True)) if me else []
    return sorted(Department.objects.medtech(), key=lambda d: (d.pk not in own, d.code))


def _department(request: HttpRequest) -> Department | None:
    departments = _departments(request)
    chosen = form_pk(request.GET.get("department") or request.POST.get("department"))
    return next((d for d in departments if d.pk == chosen), departments[0] if departments else None)


def _month(request: HttpRequest) -> dt.date:
    value = request.GET.get("month") or request.POST.get("month")
    return form_month(value) or roster.month_start(timezone.localdate())


def _lang_zh() -> bool:
    return not (get_language() or "zh-hans").startswith("en")


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


# ------------------------------------------------------------------------------- roster


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


# -------------------------------------------------------------------------------- leave


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


# ---------------------------------------------------------------------------- dosimetry


def _decimal(value) -> Decimal | None:
    try:
        return Decimal(str(value).strip()) if str(value or "").strip() else None
    except InvalidOperation:
        return None


@requires(Action.MANAGE_DOSIMETRY)
def dosimetry_page(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        try:
            target = _dose_act(request)
        except RuleViolation as violation:
            show_refusal(request, violation)
            target = None
        return redirect(target or "dosimetry")
    today = timezone.localdate()
    workers = list(dosimetry.radiation_workers().order_by("employee_no"))
    return render(
        request,
        "people/dosimetry.html",
        {
            "investigations": DoseInvestigation.objects.filter(
                closed_at__isnull=True
            ).select_related("staff"),
            "unmonitored": dosimetry.unmonitored(),
            "checks_due": [
                (w, dosimetry.next_check_due(w))
                for w in workers
                if (dosimetry.next_check_due(w) or today) <= today + dt.timedelta(days=30)
            ],  # fmt: skip
            "workers": workers,
            "staff": Staff.objects.filter(active=True).order_by("employee_no"),
            "positions": DosimeterPosition.choices,
            "check_kinds": HealthCheckKind.choices,
            "fitness": Fitness.choices,
            "imports": DoseImport.objects.select_related("uploaded_by")[:20],
            "recent": DoseRecord.objects.select_related("staff").order_by("-recorded_at")[:30],
            "today": today,
        },
    )


def _dose_act(request: HttpRequest) -> str | None:
    post, action = request.POST, request.POST.get("action")
    if action == "upload":
        upload = request.FILES.get("file")
        content, name = (upload.read(MAX_DOSE_FILE + 1), upload.name) if upload else (b"", "")
        source, _checked = dosimetry.upload(request.user, content, name, post.get("agency", ""))
        return f"/people/dosimetry/imports/{source.pk}/"
    staff = get_object_or_404(Staff, pk=form_pk(post.get("staff")))
    if action == "dose":
        dosimetry.record_dose(
            request.user, staff, form_date(post.get("start")), form_date(post.get("end")),
            _decimal(post.get("hp10")), _decimal(post.get("hp007")),
            post.get("position", DosimeterPosition.CHEST), _decimal(post.get("hp3")),
        )  # fmt: skip
        messages.success(request, _("Dose recorded."))
    elif action == "health":
        dosimetry.record_health_check(
            request.user, staff, post.get("kind", ""), form_date(post.get("checked_on")),
            post.get("institution", ""), post.get("conclusion", ""), post.get("findings", ""),
        )  # fmt: skip
        messages.success(request, _("Health check recorded."))
    elif action == "investigation":
        investigation = get_object_or_404(
            DoseInvestigation, pk=form_pk(post.get("investigation")), staff=staff
        )
        dosimetry.close_investigation(
            request.user, investigation, post.get("findings", ""), post.get("conclusion", "")
        )
        messages.success(request, _("Investigation closed."))
    return None


@requires(Action.MANAGE_DOSIMETRY)
def dose_import(request: HttpRequest, pk: int) -> HttpResponse:
    source = get_object_or_404(DoseImport, pk=pk)
    if request.method == "POST":
        try:
            count = dosimetry.confirm_import(request.user, source)
            messages.success(request, _("%(n)d readings imported.") % {"n": count})
            return redirect("dosimetry")
        except RuleViolation as violation:
            show_refusal(request, violation)
            return redirect(request.path)
    try:
        checked = dosimetry.preview(bytes(source.content), source.filename)
    except RuleViolation as violation:
        show_refusal(request, violation)
        checked = None
    errors = (
        [(line, zh if _lang_zh() else en) for line, zh, en in checked.errors] if checked else []
    )
    return render(
        request,
        "people/dose_import.html",
        {"source": source, "checked": checked, "errors": errors},
    )


# --------------------------------------------------------------------------- attendance


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


# ----------------------------------------------------------------------------- training


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
            "plans": TrainingPlan.objects.filter(staff__memberships__department=department)
            .filter(Q(end__isnull=True) | Q(end__gte=timezone.localdate()))
            .select_related("staff", "mentor")
            .distinct(),
            "manager": manager,
            "study_kinds": StudyKind.choices,
            "today": timezone.localdate(),
        },
    )


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
