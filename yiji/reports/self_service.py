"""Patient self-service (自助服务): the report-printing kiosk in the hall and the patient's
own link from the slip. No login: the accession (or the slip's link) and the last six
characters of the ID card stand in for it, tries are limited per address, a kiosk prints a
released report once (reprints need the desk), and every print and every opening is
logged (ARC-5, ORD-7)."""

from __future__ import annotations

from urllib.parse import urlparse

from django.core.cache import cache
from django.urls import Resolver404, resolve

from yiji.core import audit
from yiji.core.models import AuditAction
from yiji.core.rulebook import RuleViolation, carries_out
from yiji.images import pacs
from yiji.orders import patient_link
from yiji.orders.models import Exam
from yiji.reports.models import Report, ReportPrint, ReportStatus

RELEASED = (ReportStatus.FINAL, ReportStatus.AMENDED)
TRIES = 5
TRIES_SECONDS = 15 * 60


def _tries_key(ip: str | None) -> str:
    return f"kiosk-tries-{ip or 'unknown'}"


def _exam_for(code: str) -> Exam | None:
    """The exam a slip names: its accession typed or read from the barcode, or its QR
    code's link."""
    code = code.strip()
    if "/p/" in code:
        try:
            match = resolve(urlparse(code).path)
        except Resolver404:
            return None
        try:
            return patient_link.exam_for(match.kwargs.get("token", ""))
        except RuleViolation:
            return None
    return Exam.objects.select_related("patient").filter(accession=code.upper()).first()


def _card_matches(exam: Exam, last_six: str) -> bool:
    card = (exam.patient.id_card or "").upper()
    return len(card) >= 6 and last_six.strip().upper() == card[-6:]


@carries_out("ARC-5")
def kiosk_report(code: str, last_six: str, ip: str | None) -> Report:
    """The released report the slip and the ID card open; refused alike for an unknown
    accession and a wrong card, and after TRIES failures from one address."""
    tries = cache.get(_tries_key(ip), 0)
    if tries >= TRIES:
        raise RuleViolation(
            "ARC-5",
            "尝试次数过多，请15分钟后再试，或到登记台办理。",
            "Too many tries: try again in 15 minutes, or ask at the desk.",
        )
    exam = _exam_for(code)
    if exam is None or not _card_matches(exam, last_six):
        cache.set(_tries_key(ip), tries + 1, TRIES_SECONDS)
        raise RuleViolation(
            "ARC-5",
            "检查号或身份证号后六位不正确。",
            "The accession number or the ID card's last six characters do not match.",
            field="code",
        )
    cache.delete(_tries_key(ip))
    report = Report.objects.filter(exam=exam).select_related("exam__patient", "exam__item").first()
    if report is None or report.status not in RELEASED:
        raise RuleViolation(
            "ARC-5",
            "报告尚未发布，请稍后再来。",
            "The report is not released yet; please come back later.",
        )
    if ReportPrint.objects.filter(report=report, via="kiosk").exists():
        raise RuleViolation(
            "ARC-5",
            "该报告已自助打印过一次，补打请到登记台。",
            "This report was printed here once; ask at the desk for another copy.",
        )
    return report


def print_for_patient(
    report: Report, via: str, hospital_name: str, verify_base: str, ip: str | None
) -> bytes:
    """A copy for the patient (the kiosk, or their own link), counted and logged."""
    from yiji.reports.document import content_hash, report_pdf

    digest = content_hash(report)
    url = f"{verify_base.rstrip('/')}/verify/{report.verification_key}/{digest[:16]}/"
    pdf = report_pdf(report, hospital_name, url)
    ReportPrint.objects.create(report=report, printed_by=None, content_hash=digest, via=via)
    audit.record(
        None, AuditAction.EXPORT, report, patient=report.exam.patient,
        reason=f"self-service {via} print", ip=ip,
    )  # fmt: skip
    return pdf


def open_link(token: str, ip: str | None) -> tuple[Exam, Report | None]:
    """The patient's link: the exam, and its report once released; the opening logged."""
    exam = patient_link.exam_for(token)
    report = Report.objects.filter(exam=exam, status__in=RELEASED).first()
    audit.record(None, AuditAction.VIEW, exam.patient, reason="patient link", ip=ip)
    return exam, report


def key_image(token: str, number: int) -> bytes:
    """The patient's cloud film (云胶片): the released report's key images, one by one, from
    the archive (the page that shows them was logged when opened). Raises LookupError for an
    image the link does not lead to, pacs.ArchiveUnavailable when the archive is away."""
    exam = patient_link.exam_for(token)
    report = Report.objects.filter(exam=exam, status__in=RELEASED).first()
    keys = list(report.key_images.all()) if report else []
    if not 0 <= number < len(keys):
        raise LookupError(number)
    key = keys[number]
    return pacs.rendered(key.study_uid, key.series_uid, key.sop_uid)
