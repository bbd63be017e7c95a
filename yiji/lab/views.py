"""The laboratory's pages: the workbench (by specimen stage, with a barcode box), a specimen's
page (collect, receive, reject, concession, store, dispose, its track), a lab exam's results
page (entry, flags, critical notification, clinic calls, verification and release), the
analyser-file import, QC with Levey-Jennings charts and EQA, and the TAT indicators.
Thin: read the form, call the service, show the refusal."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yiji.core import policy
from yiji.core.calendar import day_bounds
from yiji.core.hooks import HomePanel, queue_panel
from yiji.core.models import Hospital, Role
from yiji.core.permissions import Action, may, role_assignments
from yiji.core.rulebook import RuleViolation
from yiji.core.views import (
    form_date,
    form_decimal,
    form_pk,
    requested_period,
    requires,
    requires_any,
    show_refusal,
)
from yiji.equipment.models import Device
from yiji.lab import document, imports, qc, results, specimens, tat
from yiji.lab.models import (
    CallReason,
    ControlMaterial,
    EqaRecord,
    LabReport,
    LabTest,
    QcRun,
    Specimen,
    SpecimenStatus,
)
from yiji.orders.checkin import Identifiers
from yiji.orders.models import Exam, ExamStatus, Modality, Requisition
from yiji.reports import critical
from yiji.reports.models import Channel

TABS = {
    "collect": gettext_lazy("To collect"),
    "transit": gettext_lazy("In transit"),
    "testing": gettext_lazy("Testing"),
    "released": gettext_lazy("Released today"),
    "dispose": gettext_lazy("To dispose of"),
}
LAB_EXAMS = Exam.objects.filter(modality=Modality.LAB, item__lab__isnull=False).select_related(
    "patient", "item", "requisition", "department"
)


def _rows(tab: str):
    if tab == "collect":
        return (
            Specimen.objects.filter(status=SpecimenStatus.LABELLED)
            .select_related("exam__patient", "exam__item", "exam__requisition")
            .order_by("-exam__priority", "labelled_at")
        )
    if tab == "transit":
        return (
            Specimen.objects.filter(status=SpecimenStatus.COLLECTED)
            .select_related("exam__patient", "exam__item")
            .order_by("-exam__priority", "collected_at")
        )
    if tab == "released":
        start, end = day_bounds(timezone.localdate(), timezone.localdate())
        return LAB_EXAMS.filter(
            lab_report__released_at__gte=start, lab_report__released_at__lt=end
        ).order_by("-lab_report__released_at")
    if tab == "dispose":
        return specimens.due_for_disposal().order_by("keep_until", "pk")
    return LAB_EXAMS.filter(status__in=[ExamStatus.ARRIVED, ExamStatus.IN_PROGRESS]).order_by(
        "-priority", "report_due_at", "pk"
    )


@requires_any(Action.COLLECT_SPECIMEN, Action.PROCESS_SPECIMEN)
def workbench(request: HttpRequest) -> HttpResponse:
    barcode = request.GET.get("barcode", "").strip()
    if barcode:
        specimen = Specimen.objects.filter(barcode=barcode).first()
        if specimen is not None:
            return redirect("lab_specimen", specimen.pk)
        exam = LAB_EXAMS.filter(accession=barcode).first()
        if exam is not None:
            return redirect("lab_exam", exam.pk)
        messages.error(request, _("No specimen has the barcode %(code)s.") % {"code": barcode})
    tab = request.GET.get("tab") if request.GET.get("tab") in TABS else "testing"
    waiting = LAB_EXAMS.filter(
        status=ExamStatus.REQUESTED, specimens__isnull=True, requisition__cancelled_at__isnull=True
    ).order_by("-priority", "created_at")[:50]
    return render(
        request,
        "lab/workbench.html",
        {
            "tab": tab,
            "tabs": TABS.items(),
            "page": Paginator(_rows(tab), 50).get_page(request.GET.get("page")),
            "unlabelled": waiting if tab == "collect" else [],
            "now": timezone.now(),
            "processor": may(request.user, Action.PROCESS_SPECIMEN),
        },
    )


@requires(Action.COLLECT_SPECIMEN)
def labels(request: HttpRequest, pk: int) -> HttpResponse:
    requisition = get_object_or_404(Requisition, pk=pk)
    try:
        printed = specimens.labels_for(request.user, requisition)
    except RuleViolation as violation:
        show_refusal(request, violation)
        return redirect("lab")
    response = HttpResponse(document.labels_pdf(printed), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="labels-{requisition.number}.pdf"'
    return response


def _specimen_action(request: HttpRequest, specimen: Specimen) -> None:
    action, post, user = request.POST.get("action"), request.POST, request.user
    if action == "collect":
        ids = Identifiers(name=post.get("name", ""), patient_id=post.get("patient_id", ""),
                          birth_date=post.get("birth_date", ""))  # fmt: skip
        specimens.collect(user, specimen, ids)
    elif action == "receive":
        specimens.receive(user, specimen)
    elif action == "concession":
        specimens.receive(
            user, specimen, concession=post.get("reason", ""), note=post.get("note", "")
        )
    elif action == "reject":
        specimens.reject(user, specimen, post.get("reason", ""), post.get("note", ""))
    elif action == "store":
        specimens.store(user, specimen, post.get("location", ""))
    elif action == "dispose":
        specimens.dispose(user, specimen, post.get("method", ""))
    else:
        return
    messages.success(request, _("Saved."))


@requires_any(Action.COLLECT_SPECIMEN, Action.PROCESS_SPECIMEN)
def specimen_page(request: HttpRequest, pk: int) -> HttpResponse:
    specimen = get_object_or_404(
        Specimen.objects.select_related(
            "exam__patient", "exam__item__lab", "exam__requisition", "collected_by",
            "received_by", "rejected_by", "disposed_by", "recollection_of",
        ),
        pk=pk,
    )  # fmt: skip
    if request.method == "POST":
        try:
            _specimen_action(request, specimen)
        except RuleViolation as violation:
            show_refusal(request, violation)
        return redirect("lab_specimen", specimen.pk)
    spec = policy.setting("lab.rejection_reasons")
    allowed = policy.value("lab.rejection_reasons", department=specimen.exam.department)
    english = (request.LANGUAGE_CODE or "").startswith("en")
    return render(
        request,
        "lab/specimen.html",
        {
            "specimen": specimen,
            "exam": specimen.exam,
            "events": specimen.events.select_related("by"),
            "reasons": [(v, en if english else zh) for v, zh, en in spec.choices if v in allowed],
            "rejection": specimens.reason_label(specimen.rejection_reason),
            "concession": specimens.reason_label(specimen.concession_reason),
            "replacement": getattr(specimen, "recollection", None),
            "collector": may(request.user, Action.COLLECT_SPECIMEN),
            "processor": may(request.user, Action.PROCESS_SPECIMEN),
            "concession_allowed": policy.value(
                "lab.concession_testing_allowed", department=specimen.exam.department
            ),
            "now": timezone.now(),
        },
    )


def _exam_action(request: HttpRequest, exam: Exam) -> None:
    action, post, user = request.POST.get("action"), request.POST, request.user
    if action == "enter":
        values = {k[len("value_") :]: v for k, v in post.items() if k.startswith("value_")}
        entry = results.enter(user, exam, values)
        for code, problem in entry.problems.items():
            messages.error(request, f"{code}: {problem}")
        if entry.saved:
            messages.success(request, _("%(n)d results saved.") % {"n": len(entry.saved)})
        return
    if action in ("mark_call", "record_call"):
        result = get_object_or_404(exam.lab_results, pk=form_pk(post.get("result")))
        if action == "mark_call":
            results.mark_for_call(user, result, post.get("reason", ""))
        else:
            results.record_call(user, result, post.get("call_note", ""))
    elif action in ("notify", "acknowledge"):
        found = get_object_or_404(exam.critical_results, pk=form_pk(post.get("critical")))
        if action == "notify":
            critical.record_notification(
                user, found, receiver=post.get("receiver", ""),
                department=post.get("department", ""), channel=post.get("channel", ""),
                read_back=post.get("read_back") == "on",
            )  # fmt: skip
        else:
            critical.acknowledge(user, found, post.get("action_taken", ""))
    elif action == "qc_exception":
        result = get_object_or_404(
            exam.lab_results.select_related("test", "instrument"),
            test_id=form_pk(post.get("test")), instrument_id=form_pk(post.get("instrument")),
        )  # fmt: skip
        qc.record_exception(user, result.test, result.instrument, post.get("reason", ""))
    elif action == "release":
        results.release(user, exam, post.get("secret", ""), comment=post.get("comment", ""),
                        confirm_delta=post.get("confirm_delta") == "on")  # fmt: skip
        messages.success(request, _("Verified, signed and released."))
        return
    else:
        return
    messages.success(request, _("Saved."))


@requires_any(Action.PROCESS_SPECIMEN, Action.RELEASE_LAB_RESULT)
def exam_page(request: HttpRequest, pk: int) -> HttpResponse:
    exam = get_object_or_404(LAB_EXAMS.select_related("item__lab"), pk=pk)
    if request.method == "POST":
        try:
            _exam_action(request, exam)
        except RuleViolation as violation:
            show_refusal(request, violation)
        return redirect("lab_exam", exam.pk)
    saved = {
        r.test_id: r for r in exam.lab_results.select_related("test", "previous", "instrument")
    }
    lines = [(test, saved.get(test.pk)) for test in results.panel_tests(exam)]
    report = LabReport.objects.filter(exam=exam).select_related("verified_by", "signature").first()
    staff = getattr(request.user, "staff", None)
    return render(
        request,
        "lab/exam.html",
        {
            "exam": exam,
            "lines": lines,
            "specimen": specimens.current(exam),
            "report": report,
            "criticals": exam.critical_results.select_related("found_by", "notified_by"),
            "problems": [] if report else results.release_problems(exam, staff),
            "delta_failed": any(r.delta_failed for r in saved.values()),
            "channels": Channel.choices,
            "call_reasons": CallReason.choices,
            "processor": may(request.user, Action.PROCESS_SPECIMEN),
            "reviewer": may(request.user, Action.RELEASE_LAB_RESULT),
        },
    )


@requires_any(Action.PROCESS_SPECIMEN, Action.RELEASE_LAB_RESULT, Action.READ_RESULTS)
def report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(
        LabReport.objects.select_related(
            "exam__patient", "exam__item", "exam__requisition__ordering_department",
            "exam__department", "exam__performed_by", "verified_by", "signature",
        ),
        exam_id=pk,
    )  # fmt: skip
    results.open_report(request.user, report)
    hospital = Hospital.objects.order_by("pk").first()
    pdf = document.report_pdf(report, hospital.name if hospital else "")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="lab-{report.exam.accession}.pdf"'
    return response


@requires(Action.PROCESS_SPECIMEN)
def import_page(request: HttpRequest) -> HttpResponse:
    outcome = None
    instruments = Device.objects.filter(department__kind="lab").order_by("name")
    if request.method == "POST":
        upload = request.FILES.get("file")
        instrument = instruments.filter(pk=form_pk(request.POST.get("instrument"))).first()
        if upload is None:
            messages.error(request, _("Choose the analyser's file."))
        else:
            try:
                outcome = imports.import_file(request.user, upload, instrument)
                messages.success(
                    request,
                    _("%(saved)d results saved for %(specimens)d specimens.")
                    % {"saved": outcome.saved, "specimens": outcome.specimens},
                )
            except RuleViolation as violation:
                show_refusal(request, violation)
    return render(request, "lab/import.html", {"outcome": outcome, "instruments": instruments})


# ------------------------------------------------------------------ QC


def _pairs():
    """(test, instrument) pairs with control materials in use, with their latest run."""
    pairs = {}
    for m in ControlMaterial.objects.filter(active=True).select_related("test", "instrument"):
        pairs.setdefault((m.test_id, m.instrument_id), (m.test, m.instrument, []))[2].append(m)
    rows = []
    for test, instrument, materials in pairs.values():
        latest = QcRun.objects.filter(test=test, instrument=instrument).first()
        blocking = qc.blocking_run(test, instrument)
        rows.append({"test": test, "instrument": instrument, "materials": materials,
                     "latest": latest, "blocking": blocking})  # fmt: skip
    return sorted(rows, key=lambda r: (r["instrument"].name, r["test"].code))


@requires_any(Action.PROCESS_SPECIMEN, Action.RELEASE_LAB_RESULT)
def qc_page(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        try:
            _qc_action(request)
        except RuleViolation as violation:
            show_refusal(request, violation)
        return redirect("lab_qc")
    year = timezone.localdate().year
    today = timezone.localdate()
    return render(
        request,
        "lab/qc.html",
        {
            "pairs": _pairs(),
            "tests": LabTest.objects.all(),
            "instruments": Device.objects.filter(department__kind="lab").order_by("name"),
            "eqa": Paginator(EqaRecord.objects.select_related("test"), 20).get_page(
                request.GET.get("page")
            ),
            "eqa_figures": qc.eqa_figures(year),
            "iqc": qc.iqc_figures(today.replace(day=1), today),
            "year": year,
            "reviewer": may(request.user, Action.RELEASE_LAB_RESULT),
            "processor": may(request.user, Action.PROCESS_SPECIMEN),
        },
    )


def _qc_action(request: HttpRequest) -> None:
    post, user = request.POST, request.user
    test = LabTest.objects.filter(pk=form_pk(post.get("test"))).first()
    instrument = Device.objects.filter(pk=form_pk(post.get("instrument"))).first()
    action = post.get("action")
    if action == "run":
        values = {
            int(k[9:]): v for k, v in post.items() if k.startswith("material_") and k[9:].isdigit()
        }
        run = qc.record_run(user, test, instrument, values)
        messages.success(request, f"{run.get_status_display()} {' '.join(run.violations)}")
    elif action == "material":
        qc.add_material(
            user, test=test, instrument=instrument, name=post.get("name", "").strip(),
            lot=post.get("lot", "").strip(), level=form_pk(post.get("level")),
            mean=form_decimal(post.get("mean")), sd=form_decimal(post.get("sd")),
            expires_on=form_date(post.get("expires_on")),
        )  # fmt: skip
        messages.success(request, _("Saved."))
    elif action == "eqa":
        qc.record_eqa(
            user, test=test, provider=post.get("provider", "").strip(),
            round=post.get("round", "").strip(), year=form_pk(post.get("year")),
            samples=form_pk(post.get("samples")), acceptable=_count(post.get("acceptable")),
            note=post.get("note", "").strip(),
        )  # fmt: skip
        messages.success(request, _("Saved."))


def _count(text):
    text = str(text or "").strip()
    return int(text) if text.isdigit() else None


@requires_any(Action.PROCESS_SPECIMEN, Action.RELEASE_LAB_RESULT)
def qc_chart(request: HttpRequest, test: int, instrument: int) -> HttpResponse:
    test = get_object_or_404(LabTest, pk=test)
    instrument = get_object_or_404(Device, pk=instrument)
    if request.method == "POST":
        run = get_object_or_404(QcRun, pk=form_pk(request.POST.get("run")), test=test)
        try:
            qc.correct(request.user, run, request.POST.get("action_text", ""))
            messages.success(request, _("Saved."))
        except RuleViolation as violation:
            show_refusal(request, violation)
        return redirect("lab_qc_chart", test.pk, instrument.pk)
    today = timezone.localdate()
    last = form_date(request.GET.get("to")) or today
    first = form_date(request.GET.get("from")) or last.replace(day=1)
    runs = (
        QcRun.objects.filter(test=test, instrument=instrument)
        .prefetch_related("results__material")
        .select_related("recorded_by", "corrected_by")
    )
    return render(
        request,
        "lab/qc_chart.html",
        {
            "test": test,
            "instrument": instrument,
            "chart": qc.chart(test, instrument, first, last),
            "materials": qc.materials_for(test, instrument),
            "page": Paginator(runs, 30).get_page(request.GET.get("page")),
            "first": first,
            "last": last,
            "processor": may(request.user, Action.PROCESS_SPECIMEN),
        },
    )


# ------------------------------------------------------------------ indicators


@requires_any(Action.VIEW_QUALITY, Action.RELEASE_LAB_RESULT)
def indicators(request: HttpRequest) -> HttpResponse:
    first, last = requested_period(request)
    days = tat.by_day(first, last)
    late = Paginator(tat.late_specimens(first, last), 30).get_page(request.GET.get("page"))
    for specimen in late:
        specimen.total_minutes = round(specimen.total.total_seconds() / 60)
    return render(
        request,
        "lab/indicators.html",
        {
            "first": first,
            "last": last,
            "all": tat.figures(first, last),
            "urgent": tat.figures(first, last, urgent=True),
            "routine": tat.figures(first, last, urgent=False),
            "chart": {
                "days": [d.isoformat() for d, _f in days],
                "pre": [f.pre_median for _d, f in days],
                "intra": [f.intra_median for _d, f in days],
                "p90": [f.total_p90 for _d, f in days],
            },
            "late": late,
            "overdue": tat.unreleased_after_deadline().order_by("report_due_at")[:50],
            "iqc": qc.iqc_figures(first, last),
            "eqa": qc.eqa_figures(last.year),
            "criticals": critical.rates(first, last, modality=Modality.LAB),
        },
    )


def home_panels(request: HttpRequest) -> list[HomePanel]:
    """The lab workbench's tabs, with their counts, first on a lab member's home."""
    held = {a.role for a in role_assignments(request.user)}
    if not held & {Role.LAB_TECHNOLOGIST, Role.LAB_REVIEWER}:
        return []
    url = reverse("lab")
    return [queue_panel(10, _("Laboratory"), url, _("Open the workbench"), [
        (label, _rows(tab).count(), f"{url}?tab={tab}", "warn" if tab != "released" else "")
        for tab, label in TABS.items()
    ])]  # fmt: skip
