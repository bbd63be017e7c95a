"""The report PDF and its QR verification: text, signers, print log, tamper check."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from pypdf import PdfReader

from tests.conftest import PASSWORD
from yiji.core.models import AuditAction, AuditEntry
from yiji.reports import services
from yiji.reports.models import ReportPrint


@pytest.fixture
def signed(doctor, completed, items):
    writer, reviewer = doctor("resident"), doctor("attending")
    exam = completed(items["chest"])
    report = services.save_draft(
        writer.user,
        exam,
        services.Draft(
            "双肺纹理清晰，右肺下叶见小结节。", "右肺下叶小结节，建议随访。", positive=True
        ),
        expected_version=0,
    )
    report = services.submit(writer.user, report, PASSWORD)
    return services.sign_final(reviewer.user, report, PASSWORD), writer, reviewer


def test_the_pdf_carries_findings_both_signers_and_is_logged(signed, client_for):
    report, writer, reviewer = signed
    response = client_for(reviewer).get(f"/exams/{report.exam_id}/report.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    for expected in (
        "申请科室",  # on one line, not 申请科/室
        "右肺下叶见小结节",
        "建议随访",
        writer.name,
        reviewer.name,
        "主治医师",
        report.exam.accession,
        "第 1 页",
    ):
        assert expected in text, expected
    assert ReportPrint.objects.filter(report=report, printed_by=reviewer.user).count() == 1
    assert AuditEntry.objects.filter(
        action=AuditAction.EXPORT, patient=report.exam.patient
    ).exists()


@pytest.mark.rules("RPT-13")
def test_the_qr_code_verifies_until_the_report_changes(signed, client_for):
    report, _writer, reviewer = signed
    client_for(reviewer).get(f"/exams/{report.exam_id}/report.pdf")
    printed = ReportPrint.objects.get()
    url = f"/verify/{report.verification_key}/{printed.content_hash[:16]}/"
    page = Client().get(url)
    assert page.context["state"] == "authentic"
    assert report.exam.patient.name not in page.text  # no more than the paper shows, masked
    services.amend(reviewer.user, report, "补充：左肺未见结节。", "补充描述", PASSWORD)
    assert Client().get(url).context["state"] == "changed"
    assert (
        Client().get(f"/verify/{report.verification_key}/0000000000000000/").context["state"]
        == "changed"
    )


def test_an_unknown_code_is_not_found(db):
    response = Client().get("/verify/5d0c3c9e-1111-4222-8333-444455556666/abcdefabcdefabcd/")
    assert response.status_code == 404 and response.context["state"] == "unknown"


def test_a_draft_cannot_be_printed(doctor, completed, items, client_for):
    writer = doctor("attending")
    exam = completed(items["chest"])
    services.save_draft(writer.user, exam, services.Draft("所见", "意见"), expected_version=0)
    response = client_for(writer).get(f"/exams/{exam.pk}/report.pdf")
    assert response.status_code == 302 and not ReportPrint.objects.exists()


def _validate(pdf: bytes):
    from asn1crypto import x509 as asn1_x509
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    from yiji.reports.pades import signer

    root = asn1_x509.Certificate.load(signer().signing_cert.dump())
    [embedded] = PdfFileReader(io.BytesIO(pdf)).embedded_signatures
    return validate_pdf_signature(embedded, ValidationContext(trust_roots=[root]))


def test_the_pdf_carries_a_pades_signature_that_fails_after_one_byte_changes(signed, client_for):
    report, _writer, reviewer = signed
    pdf = client_for(reviewer).get(f"/exams/{report.exam_id}/report.pdf").content
    status = _validate(pdf)
    assert status.intact and status.valid and status.trusted
    assert status.signer_reported_dt is not None
    at = pdf.index(b"stream") + 20  # a byte of the first content stream, inside the signed range
    tampered = pdf[:at] + bytes([pdf[at] ^ 0x01]) + pdf[at + 1 :]
    assert not _validate(tampered).intact
