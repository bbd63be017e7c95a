"""The reading worklist and the report page: thin, the rules are in services."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from yiji.core import policy
from yiji.core.hooks import HomePanel, queue_panel
from yiji.core.models import Department, DepartmentKind, Membership, Role, Staff, WorkGroup
from yiji.core.permissions import Action, may, role_assignments
from yiji.core.routing import reads_from_replica
from yiji.core.rulebook import RuleViolation
from yiji.core.views import (
    form_date,
    form_pk,
    gate,
    requested_period,
    requires,
    requires_any,
    show_refusal,
)
from yiji.exams import clocks as exam_clocks
from yiji.images import availability
from yiji.incidents.freeze import active_freeze
from yiji.orders.desk import item_initials
from yiji.orders.models import Exam, ExamItem, ExamStatus, Modality, Priority
from yiji.reports import claims, critical, services, workstation
from yiji.reports.critical import critical_items
from yiji.reports.forms import (
    AddendumForm,
    BiRadsForm,
    LiRadsForm,
    LungRadsForm,
    SignForm,
    TemplateForm,
    TiRadsForm,
    report_form_for,
)
from yiji.reports.models import Channel, CriticalResult, Report, ReportStatus, ReportTemplate
from yiji.reports.structured import scheme_for

TABS = {
    "sent_back": gettext_lazy("Sent back to me"),
    "unreported": gettext_lazy("Awaiting a report"),
    "drafts": gettext_lazy("My drafts"),
    "review": gettext_lazy("Awaiting my review"),
    "preliminary": gettext_lazy("Preliminary, to finalise"),
}


def _report_tab(tab: str, staff) -> tuple[dict, dict] | None:
    """A tab defined by its reports: the conditions on Report to keep and to leave out; None
    for the exams still waiting for one."""
    if tab == "sent_back":
        return {"status": ReportStatus.DRAFT, "author": staff, "sent_back_at__isnull": False}, {}
    if tab == "drafts":
        return {"status": ReportStatus.DRAFT, "author": staff}, {}
    if tab == "review":
        return {"status": ReportStatus.SUBMITTED}, {"author": staff}
    if tab == "preliminary":
        return {"status": ReportStatus.PRELIMINARY}, {}
    return None


def reading_rows(user, tab: str):
    staff = getattr(user, "staff", None)
    exams = Exam.objects.select_related("patient", "item", "report").order_by(
        "-priority", "completed_at", "pk"
    )
    by_report = _report_tab(tab, staff)
    if by_report is not None:
        keep, leave_out = ({f"report__{k}": v for k, v in c.items()} for c in by_report)
        return exams.filter(**keep).exclude(**leave_out)
    # Lab exams are released by the lab (yiji.lab), never reported here.
    return exams.filter(status=ExamStatus.COMPLETED, has_report=False).exclude(
        modality=Modality.LAB
    )


def reading_count(user, tab: str) -> int:
    """How many rows a tab holds. A report's tab is counted on the reports alone: joining
    each to its exam only to count them was a tenth of a second a page at a million exams."""
    by_report = _report_tab(tab, getattr(user, "staff", None))
    if by_report is None:
        return reading_rows(user, tab).count()
    keep, leave_out = by_report
    return Report.objects.filter(**keep).exclude(**leave_out).count()


# What a reading list row shows and its deadline (exams.clocks.due) reads. Loading every
# column of the five joined models (a thousand timestamps a page) was about a fifth of it.
READING_COLUMNS = (
    "priority", "modality", "status", "completed_at", "report_due_at", "report_due_rule",
    "patient__name", "patient__source", "item__name", "item__name_en", "report__status",
    "requisition__created_at", "department__hospital_id", "department__code",
)  # fmt: skip


def _labels(exam: Exam) -> tuple[str, str]:
    """A reading list row's priority and report status as shown. In the template, `e.report`
    on an exam without one raised and made Django's lookup list the exam's attributes, and
    each get_FOO_display rebuilt its choices: together a fifth of the list's rendering."""
    report = getattr(exam, "report", None)  # select_related: no query either way
    return (
        exam.get_priority_display(),
        ReportStatus(report.status).label if report else "",
    )


@requires(Action.WRITE_REPORT)
def reading(request: HttpRequest) -> HttpResponse:
    tab = request.GET.get("tab") if request.GET.get("tab") in TABS else "unreported"
    modality = request.GET.get("modality", "")
    group = request.GET.get("group", "")
    day = form_date(request.GET.get("day"))
    rows = (
        reading_rows(request.user, tab)
        .select_related("requisition", "department")
        .only(*READING_COLUMNS)
    )
    if modality:
        rows = rows.filter(modality=modality)
    if group.isdigit():
        rows = rows.filter(room__group_id=int(group))
    if day:
        rows = rows.filter(completed_at__date=day)
    if request.GET.get("priority") in Priority.values:
        rows = rows.filter(priority=request.GET["priority"])
    if body_part := request.GET.get("body_part", "")[:50]:
        rows = rows.filter(item__body_part=body_part)
    if (ward := request.GET.get("ward", "")).isdigit():
        rows = rows.filter(requisition__ordering_department_id=int(ward))
    if (waited := request.GET.get("waited", "")).isdigit():
        rows = rows.filter(completed_at__lt=timezone.now() - dt.timedelta(minutes=int(waited)))
    if request.GET.get("mine") and hasattr(request.user, "staff"):
        rows = rows.filter(
            Q(claim__staff=request.user.staff) | Q(report__author=request.user.staff)
        )
    with policy.batch():
        rows = [(exam, *exam_clocks.due(exam)) for exam in rows[:100]]
    # Most urgent first, then the nearest deadline (a late one before all others).
    far = timezone.now() + dt.timedelta(days=3650)
    rows.sort(key=lambda row: (row[0].priority != Priority.URGENT, row[1] or far))
    reading_now = claims.readers([exam.pk for exam, _due, _rule in rows])
    images = availability.summaries([exam for exam, _due, _rule in rows])
    return render(
        request,
        "reports/reading.html",
        {
            "tabs": TABS,
            "tab": tab,
            "tab_counts": [
                (key, label, reading_count(request.user, key)) for key, label in TABS.items()
            ],
            "rows": [
                (exam, due, rule, reading_now.get(exam.pk), images[exam.pk], *_labels(exam))
                for exam, due, rule in rows
            ],
            "priorities": Priority.choices,
            "priority": request.GET.get("priority", ""),
            "body_parts": ExamItem.objects.filter(active=True)
            .exclude(body_part="")
            .order_by("body_part")
            .values_list("body_part", flat=True)
            .distinct(),
            "wards": Department.objects.filter(kind=DepartmentKind.CLINICAL, active=True),
            # Every key present: a missing one costs the template a dir() of the QueryDict
            # for each option of the lists below.
            "filters": {k: request.GET.get(k, "") for k in ("body_part", "ward", "waited", "mine")},
            "modality": modality,
            "now": timezone.now(),
            "modalities": Modality.choices,
            "groups": WorkGroup.objects.select_related("department"),  # its name shows it
            "group": group,
            "day": day,
        },
    )


@requires(Action.WRITE_REPORT)
def report_page(request: HttpRequest, pk: int) -> HttpResponse:
    # The department for the report's deadline, the ordering department for the context panel.
    exam = get_object_or_404(
        Exam.objects.select_related(
            "patient", "item", "department", "requisition__ordering_department"
        ),
        pk=pk,
    )
    if refused := gate(request, exam.patient, "report"):
        return refused
    report = (
        Report.objects.filter(exam=exam)
        .select_related("author", "reviewer", "author_signature", "reviewer_signature")
        .first()
    )
    editable = report is None or report.status in services.EDITABLE
    reader = None  # a colleague's live claim on the case, when there is one
    if editable and may(request.user, Action.WRITE_REPORT) and hasattr(request.user, "staff"):
        holder = claims.claim(request.user, exam)
        reader = holder if holder != request.user.staff else None
    initial = {"version": report.version if report else 0}
    if report:
        initial |= {field: getattr(report, field) for field in services.DRAFT_FIELDS}
    form = report_form_for(exam.item, request.POST or None, initial=initial)
    sign_form, addendum_form = SignForm(), AddendumForm()
    structured = scheme_for(exam.item) if scheme_for(exam.item) in STRUCTURED else ""
    structured_form = None
    if structured:
        form_class, prefix = STRUCTURED[structured]
        kept = (report.structured or {}).get("nodule", {}) if report else {}
        structured_form = form_class(
            initial={**kept, "version": report.version if report else 0}, prefix=prefix
        )
    warnings: list[str] = []
    if request.method == "POST":
        action = request.POST.get("action", "save")
        confirmed = request.POST.get("confirm_warnings") == "on"
        try:
            if action == "take_over":
                claims.take_over(request.user, exam, request.POST.get("reason", ""))
                messages.success(request, _("The case is yours now."))
                return redirect("report", pk=pk)
            if action == "structured" and reader is None and structured:
                form_class, prefix = STRUCTURED[structured]
                structured_form = form_class(request.POST, prefix=prefix)
                if structured_form.is_valid():
                    services.apply_structured(
                        request.user, exam, structured_form.nodule(),
                        expected_version=structured_form.cleaned_data["version"],
                    )  # fmt: skip
                    messages.success(request, _("Category, interval and text written."))
                    return redirect("report", pk=pk)
            if action in ("save", "submit", "preliminary") and form.is_valid():
                report = _save(request, exam, form)
                # The draft is saved whatever the signature does next: a page shown again (a
                # mistyped password, warnings to confirm) carries the saved version, or the
                # next attempt would be taken for another physician's edit.
                form.data = form.data.copy()
                form.data["version"] = report.version
                if action != "save":
                    sign_form = SignForm(request.POST)
                    if sign_form.is_valid():
                        step = services.submit if action == "submit" else services.issue_preliminary
                        step(
                            request.user,
                            report,
                            sign_form.cleaned_data["signature"],
                            confirm_warnings=confirmed,
                        )
                        messages.success(request, _("Report signed."))
                        return _next_case(request, exam, "unreported")
                else:
                    messages.success(request, _("Draft saved."))
                    return redirect("report", pk=pk)
            elif action == "final" and report:
                sign_form = SignForm(request.POST)
                if sign_form.is_valid():
                    services.sign_final(
                        request.user,
                        report,
                        sign_form.cleaned_data["signature"],
                        confirm_warnings=confirmed,
                    )
                    messages.success(request, _("Report signed and released."))
                    return _next_case(request, exam, "review")
            elif action == "send_back" and report:
                services.send_back(request.user, report, request.POST.get("reason", ""))
                messages.success(request, _("Report sent back to its author."))
                return _next_case(request, exam, "review")
            elif action == "key_images" and report:
                services.set_key_images(request.user, report, request.POST.getlist("key"))
                messages.success(request, _("Key images saved."))
                return redirect("report", pk=pk)
            elif action == "phrase":
                services.save_phrase(
                    request.user,
                    request.POST.get("phrase_name", ""),
                    request.POST.get("phrase_findings", ""),
                    request.POST.get("phrase_impression", ""),
                )
                messages.success(request, _("Phrase saved."))
                return redirect("report", pk=pk)
            elif action == "critical":
                critical.flag_critical(
                    request.user,
                    exam,
                    request.POST.get("item", ""),
                    request.POST.get("finding", ""),
                )
                messages.success(request, _("Critical result recorded: notify the clinic now."))
                return redirect("critical")
            elif action == "amend" and report:
                addendum_form = AddendumForm(request.POST)
                if addendum_form.is_valid():
                    data = addendum_form.cleaned_data
                    services.amend(
                        request.user, report, data["text"], data["reason"], data["signature"]
                    )
                    messages.success(request, _("Addendum signed."))
                    return redirect("report", pk=pk)
        except services.EditConflict:
            form.add_error(
                None,
                _(
                    "Another physician saved this report after you opened it. "
                    "Your text is still in the boxes: copy it, reload, and merge."
                ),
            )
        except RuleViolation as violation:
            warnings = violation.data.get("warnings", [])
            if not warnings:
                show_refusal(request, violation)
    tab = _tab_of(request, report)
    previous_case, next_case = workstation.neighbours(exam, reading_rows(request.user, tab))
    return render(
        request,
        "reports/report.html",
        {
            "exam": exam,
            "report": report,
            "form": form,
            "sign_form": sign_form,
            "addendum_form": addendum_form,
            "priors": workstation.priors(exam),
            "ws": workstation.context(exam),
            "images": availability.summary(exam),
            "frozen": active_freeze(exam.pk),
            "tab": tab,
            "previous_case": previous_case,
            "next_case": next_case,
            "changes": workstation.changes(report) if report else None,
            "versions": report.versions.select_related("saved_by__staff") if report else [],
            "addenda": report.addenda.select_related("author") if report else [],
            "editable": editable and reader is None,
            "reader": reader,
            "structured_form": structured_form,
            "structured_scheme": structured,
            "can_sign": may(request.user, Action.SIGN_REPORT),
            "warnings": warnings,
            "critical_items": critical_items(exam),
            "templates": _with_initials(
                services.templates_for(exam, getattr(request.user, "staff", None))
            ),
            "now": timezone.now(),
        },
    )


# The structured reports the editor offers: the form and its field prefix.
STRUCTURED = {
    "Lung-RADS": (LungRadsForm, "lung"),
    "TI-RADS": (TiRadsForm, "thyroid"),
    "LI-RADS": (LiRadsForm, "liver"),
    "BI-RADS": (BiRadsForm, "breast"),
}


def _with_initials(templates):
    """Each template with its name's pinyin initials, for the editor's search box."""
    for group in templates:
        for template in group:
            template.initials = item_initials(template.name)
    return templates


def _tab_of(request: HttpRequest, report: Report | None) -> str:
    """The reading list the report was opened from: its neighbours are the previous and next
    cases, and signing opens the next one."""
    if request.GET.get("tab") in TABS:
        return request.GET["tab"]
    if report and report.status == ReportStatus.SUBMITTED:
        return "review"
    if report and report.sent_back_at:
        return "sent_back"
    return "unreported"


def _next_case(request: HttpRequest, exam: Exam, tab: str) -> HttpResponse:
    """After signing or sending back, the next case of the same list, else the list."""
    _previous, following = workstation.neighbours(exam, reading_rows(request.user, tab))
    if following is None:
        return redirect(f"{reverse('reading')}?tab={tab}")
    return redirect(f"{reverse('report', args=[following])}?tab={tab}")


def _save(request, exam, form) -> Report:
    data = form.cleaned_data
    return services.save_draft(
        request.user,
        exam,
        services.Draft(
            findings=data["findings"],
            impression=data["impression"],
            positive=data["positive"],
            difficult=data["difficult"],
            teaching=data["teaching"],
            image_grade=data["image_grade"],
            category=data.get("category", ""),
        ),
        expected_version=data["version"],
    )


@requires_any(Action.WRITE_REPORT, Action.READ_RESULTS)
def report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The signed report as PDF: for the department's physicians, and for a clinician the
    released report of their own or their department's patients (ARC-5, logged)."""
    from yiji.core import policy

    report = get_object_or_404(
        Report.objects.select_related("exam__patient", "exam__item"), exam_id=pk
    )
    hospital = policy.current_hospital()
    try:
        pdf = services.print_report(
            request.user, report, hospital.name if hospital else "", request.build_absolute_uri("/")
        )
    except RuleViolation as violation:
        show_refusal(request, violation)
        return redirect("report", pk=pk)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="report-{report.exam.accession}.pdf"'
    return response


def verify(request: HttpRequest, key, digest: str) -> HttpResponse:
    """Public: anyone holding a printed copy checks it, seeing no more than the paper shows."""
    from yiji.orders.checkin import masked_name

    result = services.verify_copy(key, digest)
    report = result.report
    return render(
        request,
        "reports/verify.html",
        {
            "state": result.state,
            "report": report,
            "patient": masked_name(report.exam.patient.name) if report else "",
        },
        status=200 if report else 404,
    )


@requires(Action.READ_RESULTS)
def result(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(
        Report.objects.select_related(
            "exam__patient", "exam__item", "author_signature", "reviewer_signature"
        ),
        pk=pk,
    )
    services.open_result(request.user, report)
    return render(
        request, "reports/result.html", {"report": report, "addenda": report.addenda.all()}
    )


@login_required
def critical_alerts(request: HttpRequest) -> HttpResponse:
    """The alert banner alone, polled by every page a clinician has open (RPT-12)."""
    return render(
        request, "reports/critical_alerts.html",
        {"critical_alerts": critical.clinician_alerts(request.user)},
    )  # fmt: skip


def _offer_receivers(rows: list[CriticalResult]) -> None:
    """Give each row the staff of its ordering department, to choose who took the call."""
    departments = {r.exam.requisition.ordering_department_id for r in rows} - {None}
    chosen: dict[int, list[Staff]] = {d: [] for d in departments}
    members = Membership.objects.filter(department_id__in=departments, staff__active=True)
    for membership in members.select_related("staff").order_by("staff__name"):
        chosen[membership.department_id].append(membership.staff)
    for row in rows:
        row.receiver_choices = chosen.get(row.exam.requisition.ordering_department_id, [])


def _handle_critical_post(request: HttpRequest, clinician: bool) -> None:
    result = get_object_or_404(CriticalResult, pk=form_pk(request.POST.get("result")))
    action = request.POST.get("action")
    if clinician:
        critical.acknowledge_in_yiji(
            request.user, result, request.POST.get("action_taken", ""),
            request.POST.get("signature", ""),
        )  # fmt: skip
    elif action == "notify":
        receiver = Staff.objects.filter(pk=form_pk(request.POST.get("receiver_staff"))).first()
        critical.record_notification(
            request.user, result, receiver=request.POST.get("receiver", ""),
            department=request.POST.get("department", ""),
            channel=request.POST.get("channel", ""),
            read_back=request.POST.get("read_back") == "on", receiver_staff=receiver,
        )  # fmt: skip
    elif action == "acknowledge":
        critical.acknowledge(request.user, result, request.POST.get("action_taken", ""))


@requires_any(Action.WRITE_REPORT, Action.PROCESS_SPECIMEN, Action.READ_RESULTS)
def critical_register(request: HttpRequest) -> HttpResponse:
    """The critical-result register with the national rates (R4) and each record; for a
    clinician, their patients' results, acknowledged with their own signature."""
    clinician = not (
        may(request.user, Action.WRITE_REPORT) or may(request.user, Action.PROCESS_SPECIMEN)
    )
    if request.method == "POST":
        try:
            _handle_critical_post(request, clinician)
            messages.success(request, _("Saved."))
        except RuleViolation as violation:
            show_refusal(request, violation)
        return redirect("critical")
    today = timezone.localdate()
    first = today.replace(day=1)
    if clinician:
        rows = critical.for_clinician(request.user).select_related("found_by")
    else:
        rows = CriticalResult.objects.select_related(
            "exam__patient", "exam__item", "exam__requisition", "found_by", "notified_by"
        )
        # Each side sees the results it handles: the lab its values, imaging its findings.
        if not may(request.user, Action.PROCESS_SPECIMEN):
            rows = rows.exclude(exam__modality=Modality.LAB)
        elif not may(request.user, Action.WRITE_REPORT):
            rows = rows.filter(exam__modality=Modality.LAB)
    rows = list(rows.order_by("-found_at")[:200])
    if not clinician:
        _offer_receivers(rows)
    rates = None if clinician else critical.rates(first, today)
    return render(
        request,
        "reports/critical.html",
        {
            "rows": rows,
            "clinician": clinician,
            "rates": rates,
            "first": first,
            "today": today,
            "notified_rate": rates and rates.percent(rates.notified),
            "within_rate": rates and rates.percent(rates.within_limit),
            "channels": Channel.choices,
        },
    )


@require_POST
@requires(Action.WRITE_REPORT)
def autosave(request: HttpRequest, pk: int) -> HttpResponse:
    """htmx: save the draft a few seconds after typing stops; answer with the new version."""
    exam = get_object_or_404(Exam, pk=pk)
    form = report_form_for(exam.item, request.POST)
    state, version = "", None
    if not form.is_valid():
        state = _("Not saved: check the form.")
    else:
        claims.claim(request.user, exam)  # typing keeps the case the reader's
        try:
            version = _save(request, exam, form).version
            state = _("Draft saved at %(time)s.") % {
                "time": timezone.localtime().strftime("%H:%M:%S")
            }
        except services.EditConflict:
            state = _("Not saved: another physician saved this report. Reload before going on.")
        except RuleViolation as violation:
            state = violation.message
    return render(request, "reports/autosave.html", {"state": state, "version": version})


@requires(Action.VIEW_QUALITY)
@reads_from_replica
def tat(request: HttpRequest) -> HttpResponse:
    """Turnaround dashboard: a chart with the numbers beside it, drill-down to late reports."""
    from yiji.reports import tat as figures

    by = request.GET.get("by") if request.GET.get("by") in figures.GROUPINGS else "modality"
    first, last = requested_period(request)
    with policy.batch():
        rows = figures.dashboard(first, last, by)
        preliminary = figures.preliminary_figures(first, last)
    chart = {
        "keys": [row.key for row in rows],
        "on_time": [row.on_time_rate for row in rows],
        "p50": [row.p50 for row in rows],
        "p90": [row.p90 for row in rows],
    }
    return render(
        request,
        "reports/tat.html",
        {
            "rows": rows,
            "preliminary": preliminary,
            "by": by,
            "first": first,
            "last": last,
            "chart": chart,
            "groupings": figures.GROUPINGS,
        },
    )


@requires(Action.VIEW_QUALITY)
@reads_from_replica
def tat_late(request: HttpRequest) -> HttpResponse:
    from yiji.reports import tat as figures

    by = request.GET.get("by") if request.GET.get("by") in figures.GROUPINGS else "modality"
    first, last = requested_period(request)
    key = request.GET.get("key", "")
    exams = figures.late_exams(first, last, by, key)
    return render(
        request,
        "reports/tat_late.html",
        {"exams": exams, "by": by, "key": key, "first": first, "last": last},
    )


def home_panels(request: HttpRequest) -> list[HomePanel]:
    """The reading list's counts first on a radiologist's home; a clinician's patients'
    critical results not yet acknowledged first on theirs."""
    held = {a.role for a in role_assignments(request.user)}
    panels = []
    if held & {Role.PHYSICIAN, Role.TRAINEE}:
        reading_url = reverse("reading")
        tiles = [
            (label, reading_count(request.user, tab), f"{reading_url}?tab={tab}", "warn")
            for tab, label in TABS.items()
        ]
        overdue = reading_rows(request.user, "unreported").filter(report_due_at__lt=timezone.now())
        tiles.insert(1, (_("Overdue"), overdue.count(), reverse("tat_late"), "bad"))
        panels.append(queue_panel(10, _("Reading"), reading_url, _("Open the reading list"), tiles))
    if Role.CLINICIAN in held:
        alerts = critical.clinician_alerts(request.user)
        url = reverse("critical")
        panels.append(queue_panel(
            5, _("Critical results"), url, _("Acknowledge"),
            [(_("Not yet acknowledged"), len(alerts), url, "bad")],
            [(f"{a.exam.patient.name} · {a.exam.item.name} · {a.finding}", url, "bad")
             for a in alerts],
        ))  # fmt: skip
    return panels


@requires_any(Action.WRITE_REPORT, Action.MANAGE_TEMPLATES)
def templates_page(request: HttpRequest) -> HttpResponse:
    """The template tree (modality, then body part) of the department's templates and the
    reader's own phrases, searchable by name and pinyin initials; add, change, delete."""
    staff = getattr(request.user, "staff", None)
    chosen = None
    if pk := form_pk(request.GET.get("edit") or request.POST.get("pk")):
        chosen = get_object_or_404(ReportTemplate, pk=pk)
    form = TemplateForm(
        request.POST or None, instance=chosen,
        initial={"shared": chosen is not None and chosen.owner_id is None},
    )  # fmt: skip
    if request.method == "POST":
        try:
            if request.POST.get("action") == "delete" and chosen:
                services.delete_template(request.user, chosen)
                messages.success(request, _("Template deleted."))
                return redirect("report_templates")
            if form.is_valid():
                services.save_template(
                    request.user, form.save(commit=False), shared=form.cleaned_data["shared"]
                )
                messages.success(request, _("Template saved."))
                return redirect("report_templates")
        except RuleViolation as violation:
            show_refusal(request, violation)
    shared = ReportTemplate.objects.filter(owner__isnull=True).select_related("item")
    tree: dict[str, dict[str, list]] = {}
    for template in shared.order_by("modality", "body_part", "name"):
        template.initials = item_initials(template.name)
        tree.setdefault(template.modality or "—", {}).setdefault(
            template.body_part or "—", []
        ).append(template)
    own = list(ReportTemplate.objects.filter(owner=staff)) if staff else []
    for template in own:
        template.initials = item_initials(template.name)
    return render(request, "reports/templates.html", {
        "form": form,
        "chosen": chosen,
        "tree": {m: sorted(parts.items()) for m, parts in sorted(tree.items())},
        "own": own,
        "can_manage": may(request.user, Action.MANAGE_TEMPLATES),
    })  # fmt: skip
