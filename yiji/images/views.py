"""Opening an exam's images in the viewer (an access to the record: ORD-7, ARC-5), thumbnails
and the key-image picker drawn from the archive, and the studies a person must reconcile."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yiji.core import access
from yiji.core.permissions import Action
from yiji.core.rulebook import RuleViolation
from yiji.core.views import gate, requires, show_refusal
from yiji.images import availability, pacs, services, viewer
from yiji.images.models import Problem, Study
from yiji.orders.models import Exam


def _exam(pk: int) -> Exam:
    return get_object_or_404(Exam.objects.select_related("patient", "item"), pk=pk)


def _study(exam: Exam) -> Study | None:
    uid = availability.summary(exam).study_uid
    return Study.objects.filter(study_uid=uid).first() if uid else None


@requires(Action.VIEW_PATIENT)
def open_images(request: HttpRequest, pk: int) -> HttpResponse:
    """One click from any list: the access is logged like opening the record (break-glass
    where the user has no relation to the patient), then the viewer opens the study."""
    exam = _exam(pk)
    if refused := gate(request, exam.patient, "images"):
        return refused
    study = _study(exam)
    if study is None:
        messages.error(request, _("The archive holds no image of this exam yet."))
        return redirect("exam", pk=pk)
    services.note_viewing(request.user, exam, study)  # INC-2
    try:
        return redirect(viewer.url_for(study))
    except pacs.ArchiveUnavailable:
        messages.error(request, _("The image archive cannot be reached."))
        return redirect("exam", pk=pk)


@requires(Action.VIEW_PATIENT)
def thumbnail(request: HttpRequest, pk: int, series: str, sop: str) -> HttpResponse:
    """A rendered instance of the exam's own study, fetched from the archive (WADO-RS) so the
    browser needs no way to the PACS."""
    exam = _exam(pk)
    if not access.may_open(request.user, exam.patient):
        return HttpResponse(status=403)
    study = _study(exam)
    if study is None:
        return HttpResponse(status=404)
    try:
        image = pacs.rendered(study.study_uid, series, sop)
    except pacs.ArchiveUnavailable:
        return HttpResponse(_("The image archive cannot be reached."), status=503)
    response = HttpResponse(image, content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    return response


@requires(Action.WRITE_REPORT)
def key_image_picker(request: HttpRequest, pk: int) -> HttpResponse:
    """The study's instances as thumbnails with the report's key images ticked (loaded into
    the editor after the page, so a slow archive never holds the editor up)."""
    exam = _exam(pk)
    if not access.may_open(request.user, exam.patient):
        return HttpResponse(status=403)
    study, found, error = _study(exam), [], ""
    if study is not None:
        try:
            found = pacs.instances(study.study_uid)
        except pacs.ArchiveUnavailable:
            error = _("The image archive cannot be reached.")
    report = getattr(exam, "report", None)
    marked = set(report.key_images.values_list("sop_uid", flat=True)) if report else set()
    return render(
        request,
        "images/key_image_picker.html",
        {"exam": exam, "instances": found, "marked": marked, "error": error,
         "report": report, "editable": report is None or not report.signed},
    )  # fmt: skip


@requires(Action.PERFORM_EXAM)
def studies(request: HttpRequest) -> HttpResponse:
    """Studies that matched no exam or another patient (IHE SWF), for a person to decide."""
    waiting = (
        Study.objects.filter(problem__in=[Problem.UNKNOWN_ACCESSION, Problem.OTHER_PATIENT])
        .select_related("exam__patient", "exam__item")
        .order_by("-seen_at", "-pk")
    )
    page = Paginator(waiting, 20).get_page(request.GET.get("page"))
    return render(request, "images/studies.html", {"page": page})


@require_POST
@requires(Action.PERFORM_EXAM)
def study_action(request: HttpRequest, pk: int) -> HttpResponse:
    study = get_object_or_404(Study, pk=pk)
    action, reason = request.POST.get("action"), request.POST.get("reason", "")
    try:
        if action == "attach":
            accession = request.POST.get("accession", "").strip()
            exam = Exam.objects.filter(accession=accession).first() if accession else study.exam
            if exam is None:
                messages.error(request, _("No exam has that accession number."))
                return redirect("image_studies")
            services.attach(request.user, study, exam, reason)
            messages.success(request, _("The study is attached to the exam."))
        elif action == "set_aside":
            services.set_aside(request.user, study, reason)
            messages.success(request, _("The study is set aside."))
        elif action == "delete":
            services.request_deletion(request.user, study, reason)
            messages.success(request, _("Deletion requested from the PACS administrator."))
        else:
            messages.error(request, _("Unknown action."))
    except RuleViolation as violation:
        show_refusal(request, violation)
    return redirect("image_studies")
