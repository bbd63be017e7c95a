"""Archive pages: the registry of exam records (ARC-1, ARC-7), each exam's archive record,
loans and copies with their signatures, hand-out, return and printable slip (ARC-2, ARC-3),
and the backup status (ARC-6). Thin: read the form, call the service, show its refusal."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from yiji.archive import loans, services, tasks, teaching
from yiji.archive import registry as registry_records
from yiji.archive.models import (
    Backup,
    BodySystem,
    CaseValue,
    Loan,
    LoanKind,
    LoanStatus,
    Medium,
    RestoreTest,
)
from yiji.core import audit
from yiji.core.models import AuditAction, Staff
from yiji.core.permissions import Action, may, roles_of
from yiji.core.rulebook import RuleViolation
from yiji.core.views import break_glass_form, form_date, form_pk, requires, show_refusal
from yiji.orders.models import Exam, ExamStatus


@requires(Action.VIEW_PATIENT)
def registry(request: HttpRequest) -> HttpResponse:
    """Completed exams searchable by patient, accession, date, item and location."""
    get = request.GET
    exams = Exam.objects.filter(status=ExamStatus.COMPLETED).select_related(
        "patient", "item", "department", "report", "location"
    )
    q = get.get("q", "").strip()
    if q:
        exams = exams.filter(
            Q(accession=q) | Q(patient__patient_id=q) | Q(patient__name__contains=q)
        )
    if get.get("item", "").strip():
        exams = exams.filter(item__name__contains=get["item"].strip())
    if get.get("location", "").strip():
        where = get["location"].strip()
        exams = exams.filter(
            Q(location__room__contains=where) | Q(location__cabinet=where) | Q(location__box=where)
        )
    first, last = form_date(get.get("from")), form_date(get.get("to"))
    if first:
        exams = exams.filter(completed_at__date__gte=first)
    if last:
        exams = exams.filter(completed_at__date__lte=last)
    if any(get.get(k) for k in ("q", "item", "location", "from", "to")):
        audit.record(request.user, AuditAction.SEARCH, object_type="archive.registry",
                     reason=get.urlencode()[:200])  # fmt: skip
    page = Paginator(exams.order_by("-completed_at", "-pk"), 30).get_page(get.get("page"))
    return render(request, "archive/registry.html", {"page": page})


@requires(Action.VIEW_PATIENT)
def exam_record(request: HttpRequest, pk: int) -> HttpResponse:
    """One exam's archive record: report versions and addenda, the PACS study, where the films
    are, and the work records of the exam."""
    exam = get_object_or_404(
        Exam.objects.select_related("patient", "item", "department", "room", "performed_by"), pk=pk
    )
    if request.method == "POST":
        try:
            loans.file_location(
                request.user, exam, request.POST.get("medium", ""), request.POST.get("room", ""),
                request.POST.get("cabinet", ""), request.POST.get("box", ""),
            )  # fmt: skip
            messages.success(request, _("Location recorded."))
        except RuleViolation as violation:
            show_refusal(request, violation)
        return redirect("archive_exam", pk=pk)
    try:
        registry_records.open_record(request.user, exam)
    except RuleViolation as violation:
        return break_glass_form(request, exam.patient, violation)
    report = getattr(exam, "report", None)
    work = registry_records.work_records(exam)
    return render(
        request,
        "archive/exam.html",
        {
            "exam": exam,
            "report": report,
            "versions": report.versions.select_related("saved_by__staff") if report else [],
            "addenda": report.addenda.select_related("author") if report else [],
            "studies": registry_records.studies(exam),
            "record": work.record,
            "events": work.events,
            "qc": work.qc,
            "location": getattr(exam, "location", None),
            "loans": exam.loans.all(),
            "media": Medium.choices,
            "can_file": may(request.user, Action.HANDLE_LOAN),
        },
    )


@requires(Action.REQUEST_LOAN)
def loan_list(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        post = request.POST
        borrower = Staff.objects.filter(pk=form_pk(post.get("borrower"))).first()
        try:
            loan = loans.request(
                request.user, post.get("accession", ""), post.get("kind", ""),
                post.get("medium", ""), borrower=borrower,
                borrower_name=post.get("borrower_name", ""),
                borrower_unit=post.get("borrower_unit", ""), outside=post.get("outside") == "on",
                purpose=post.get("purpose", ""), due_on=form_date(post.get("due_on")),
                writer_name=post.get("writer_name", ""),
                reviewer_name=post.get("reviewer_name", ""),
            )  # fmt: skip
        except RuleViolation as violation:
            show_refusal(request, violation)
            return render(request, "archive/loans.html", _loan_context(request, post))
        messages.success(request, _("Request recorded; the signers have been told."))
        return redirect("loan", pk=loan.pk)
    return render(request, "archive/loans.html", _loan_context(request, {}))


def _loan_context(request: HttpRequest, form) -> dict:
    status = request.GET.get("status", "")
    rows = Loan.objects.select_related("exam__patient", "exam__item")
    if status in LoanStatus.values:
        rows = rows.filter(status=status)
    return {
        "page": Paginator(rows, 30).get_page(request.GET.get("page")),
        "overdue": loans.overdue(),
        "statuses": LoanStatus.choices,
        "status": status,
        "kinds": LoanKind.choices,
        "media": Medium.choices,
        "staff": Staff.objects.filter(active=True).order_by("employee_no"),
        "form": form,
        "accession": form.get("accession") or request.GET.get("accession", ""),
        "today": timezone.localdate(),
    }


@requires(Action.REQUEST_LOAN)
def loan_page(request: HttpRequest, pk: int) -> HttpResponse:
    loan = get_object_or_404(
        Loan.objects.select_related("exam__patient", "exam__item", "borrower"), pk=pk
    )
    if request.method == "POST":
        post, action = request.POST, request.POST.get("action")
        try:
            if action in ("approve", "refuse"):
                loans.sign(request.user, loan, post.get("secret", ""), action == "approve",
                           post.get("note", ""))  # fmt: skip
            elif action == "hand_out":
                loans.hand_out(request.user, loan)
            elif action == "return":
                loans.take_back(request.user, loan, post.get("note", ""))
            elif action == "cancel":
                loans.cancel(request.user, loan)
            messages.success(request, _("Recorded."))
        except RuleViolation as violation:
            show_refusal(request, violation)
        return redirect("loan", pk=pk)
    me = getattr(request.user, "staff", None)
    step = loan.steps[0] if loan.status == LoanStatus.REQUESTED and loan.steps else ""
    signs = (
        (step == loans.BORROWER and me is not None and loan.borrower_id == me.pk)
        or (step in loans.STEP_ROLES and loans.STEP_ROLES[step] in roles_of(request.user))
        or (me is not None and loans.report_signers(loan.exam).get(step) == me)
    )
    template = "archive/slip.html" if request.GET.get("print") else "archive/loan.html"
    return render(
        request,
        template,
        {
            "loan": loan,
            "signatures": loan.signatures.select_related("signer", "signature"),
            "step": step,
            "signs": signs,
            "can_handle": may(request.user, Action.HANDLE_LOAN),
            "location": getattr(loan.exam, "location", None),
            "today": timezone.localdate(),
        },
    )


@requires(Action.MANAGE_BACKUPS)
def backups_page(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        if request.POST.get("action") == "restore_test":
            tasks.restore_test_now()
            messages.success(request, _("Restore test started."))
        else:
            tasks.backup_now()
            messages.success(request, _("Backup started."))
        return redirect("backups")
    running = Backup.objects.filter(finished_at__isnull=True).exists()
    partial = request.headers.get("HX-Request")
    return render(
        request,
        "archive/backups_body.html" if partial else "archive/backups.html",
        {
            "status": services.status(),
            "backups": Backup.objects.all()[:30],
            "tests": RestoreTest.objects.all()[:10],
            "running": running,
        },
    )


@requires(Action.WRITE_REPORT)
def teaching_file(request: HttpRequest) -> HttpResponse:
    """The teaching file (ARC-4): search the de-identified cases; file a flagged one."""
    if request.method == "POST":
        post = request.POST
        exam = get_object_or_404(Exam, pk=form_pk(post.get("exam")))
        try:
            teaching.mark(
                request.user, exam, post.get("value", ""), post.get("body_system", ""),
                post.get("diagnosis", ""), post.get("keywords", ""), post.get("note", ""),
            )  # fmt: skip
            messages.success(request, _("Filed in the teaching file."))
        except RuleViolation as violation:
            show_refusal(request, violation)
        return redirect("teaching")
    get = request.GET
    cases = teaching.search(get.get("q", ""), get.get("body_system", ""), get.get("modality", ""))
    # Filing straight from a report or a reading session: that exam's form comes first.
    chosen = teaching.unfiled(form_pk(get.get("exam"))) if get.get("exam") else None
    flagged = [r for r in teaching.flagged()[:30] if chosen is None or r.pk != chosen.pk]
    return render(
        request,
        "archive/teaching.html",
        {
            "page": Paginator(cases, 20).get_page(get.get("page")),
            "flagged": ([chosen] if chosen else []) + flagged,
            "systems": BodySystem.choices,
            "values": CaseValue.choices,
        },
    )
