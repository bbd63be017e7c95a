"""Public pages of patient self-service: the kiosk and the patient's link (no login)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.csrf import csrf_protect

from yiji.core import policy
from yiji.core.rulebook import RuleViolation, record_refusal
from yiji.core.views import client_ip
from yiji.images import pacs
from yiji.reports import self_service


def _hospital_name() -> str:
    hospital = policy.current_hospital()
    return hospital.name if hospital else ""


def _pdf(pdf: bytes, accession: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="report-{accession}.pdf"'
    return response


@csrf_protect
def kiosk(request: HttpRequest) -> HttpResponse:
    """Scan the slip (its barcode or QR code) or type the accession, then the ID card's last
    six characters: the released report prints, once."""
    error = ""
    if request.method == "POST":
        ip = client_ip(request)
        try:
            report = self_service.kiosk_report(
                request.POST.get("code", "")[:300], request.POST.get("card", "")[:6], ip
            )
            pdf = self_service.print_for_patient(
                report, "kiosk", _hospital_name(), request.build_absolute_uri("/"), ip
            )
        except RuleViolation as violation:
            record_refusal(violation, None, "web", request.path)
            error = violation.message
        else:
            return _pdf(pdf, report.exam.accession)
    return render(request, "reports/kiosk.html", {"error": error}, status=400 if error else 200)


def patient_link(request: HttpRequest, token: str) -> HttpResponse:
    """The patient's page from the slip's QR code: the appointment notice, and the report
    once it is released."""
    try:
        exam, report = self_service.open_link(token, client_ip(request))
    except RuleViolation as violation:
        record_refusal(violation, None, "web", request.path)
        return render(
            request, "reports/patient_link.html", {"error": violation.message}, status=404
        )
    return render(request, "reports/patient_link.html", {
        "exam": exam, "report": report, "token": token, "now": timezone.now(),
        "hospital": _hospital_name(),
    })  # fmt: skip


def patient_link_pdf(request: HttpRequest, token: str) -> HttpResponse:
    ip = client_ip(request)
    try:
        exam, report = self_service.open_link(token, ip)
    except RuleViolation as violation:
        record_refusal(violation, None, "web", request.path)
        return render(
            request, "reports/patient_link.html", {"error": violation.message}, status=404
        )
    if report is None:
        return render(request, "reports/patient_link.html", {"exam": exam, "token": token})
    pdf = self_service.print_for_patient(
        report, "link", _hospital_name(), request.build_absolute_uri("/"), ip
    )
    return _pdf(pdf, exam.accession)


def patient_link_key_image(request: HttpRequest, token: str, number: int) -> HttpResponse:
    try:
        image = self_service.key_image(token, number)
    except (RuleViolation, LookupError):
        return HttpResponse(status=404)
    except pacs.ArchiveUnavailable:
        return HttpResponse(status=503)
    response = HttpResponse(image, content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    return response
