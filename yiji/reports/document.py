"""The report as a document: a PDF with header, patient and exam data, findings, impression,
both signatures, addenda, page numbers, and a QR code that verifies the copy."""

from __future__ import annotations

import hashlib
import io
import json

from django.utils import timezone
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Image as RLImage
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from yiji.core import policy
from yiji.images import pacs
from yiji.orders.slip import FONT, draw_qr
from yiji.reports import pades
from yiji.reports.models import Report

BODY = ParagraphStyle("body", fontName=FONT, fontSize=11, leading=17, wordWrap="CJK")
HEAD = ParagraphStyle("head", parent=BODY, fontSize=12, leading=18, spaceBefore=6)
TITLE = ParagraphStyle("title", parent=BODY, fontSize=16, leading=22, alignment=1)
SMALL = ParagraphStyle("small", parent=BODY, fontSize=9, leading=12)


def _when(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else "—"


def content(report: Report) -> dict:
    """Everything the paper shows, in a canonical form: what the QR code vouches for."""
    exam = report.exam

    def signed(sig):
        return [sig.signer_name, sig.title, sig.signed_at.isoformat()] if sig else None

    return {
        "accession": exam.accession,
        "patient": exam.patient.patient_id,
        "item": exam.item.code,
        "findings": report.findings,
        "impression": report.impression,
        "author": signed(report.author_signature),
        "reviewer": signed(report.reviewer_signature),
        "addenda": [[a.text, a.reason, signed(a.signature)] for a in report.addenda.all()],
    }


def content_hash(report: Report) -> str:
    text = json.dumps(content(report), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def key_image_flowables(report: Report) -> list:
    """The key images, four to a row, rendered by the archive (img.key_images_on_pdf); where
    the archive does not answer, their labels stand in, and the PDF is still made."""
    marked = list(report.key_images.all()) if report.pk else []
    if not marked or not policy.value("img.key_images_on_pdf", department=report.exam.department):
        return []
    cells = []
    for key in marked:
        try:
            jpeg = pacs.rendered(key.study_uid, key.series_uid, key.sop_uid)
            cells.append(RLImage(io.BytesIO(jpeg), width=38 * mm, height=38 * mm))
        except (pacs.ArchiveUnavailable, OSError):
            cells.append(Paragraph(f"（图像{key.label}：影像存档暂不可达）", SMALL))
    rows = [cells[i : i + 4] for i in range(0, len(cells), 4)]
    return [Paragraph("关键图像：", HEAD), Table(rows, hAlign="LEFT")]


def report_pdf(report: Report, hospital_name: str, verify_url: str) -> bytes:
    exam = report.exam
    patient = exam.patient
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=18 * mm,
        bottomMargin=22 * mm,
        title=f"{exam.item.name} {exam.accession}",
    )
    facts = [
        ["姓名", patient.name, "性别", patient.get_sex_display(), "患者ID", patient.patient_id],
        [
            "检查号",
            exam.accession or "",
            "检查项目",
            exam.item.name,
            "检查时间",
            _when(exam.completed_at),
        ],
        [
            "申请科室",
            exam.requisition.ordering_department.name
            if exam.requisition.ordering_department
            else "",
            "申请医师",
            exam.requisition.ordering_physician_name,
            "状态",
            report.get_status_display(),
        ],
    ]
    table = Table(
        [[Paragraph(str(cell), SMALL) for cell in row] for row in facts],
        # Each label column fits its four characters on one line (申请科室 wrapped at 16 mm).
        colWidths=[20 * mm, 30 * mm, 20 * mm, 40 * mm, 20 * mm, 44 * mm],
    )
    table.setStyle(TableStyle([("LINEBELOW", (0, -1), (-1, -1), 0.5, "#888888")]))
    story = [
        Paragraph(hospital_name, TITLE),
        Paragraph(f"{exam.department.name}检查报告单", TITLE),
        Spacer(1, 4 * mm),
        table,
        Paragraph("检查所见：", HEAD),
        *[Paragraph(line or "&nbsp;", BODY) for line in report.findings.splitlines()],
        Paragraph("诊断意见：", HEAD),
        *[Paragraph(line or "&nbsp;", BODY) for line in report.impression.splitlines()],
        *key_image_flowables(report),
        Spacer(1, 6 * mm),
    ]
    for label, sig in (
        ("报告医师", report.author_signature),
        ("审核医师", report.reviewer_signature),
    ):
        if sig:
            story.append(
                Paragraph(
                    f"{label}：{sig.signer_name}（{sig.title}"
                    + (f"，执业证书{sig.licence_number}" if sig.licence_number else "")
                    + f"）  {_when(sig.signed_at)}",
                    BODY,
                )
            )
    for addendum in report.addenda.select_related("signature"):
        story += [
            Paragraph(f"补充报告（{_when(addendum.created_at)}）：", HEAD),
            Paragraph(addendum.text, BODY),
            Paragraph(
                f"原因：{addendum.reason}  签名：{addendum.signature.signer_name}"
                f"（{addendum.signature.title}）",
                SMALL,
            ),
        ]
    story.append(Spacer(1, 4 * mm))
    story.append(Paragraph("本报告仅供临床参考。扫描右下角二维码可核验本报告的真实性。", SMALL))

    def decorate(canvas, doc):
        canvas.saveState()
        canvas.setFont(FONT, 9)
        canvas.drawCentredString(A4[0] / 2, 10 * mm, f"第 {doc.page} 页")
        draw_qr(canvas, verify_url, A4[0] - 18 * mm - 22 * mm, 4 * mm, 22 * mm)
        canvas.restoreState()

    document.build(story, onFirstPage=decorate, onLaterPages=decorate)
    signers = [s.signer_name for s in (report.author_signature, report.reviewer_signature) if s]
    return pades.sign_pdf(
        buffer.getvalue(),
        name="、".join(signers) or hospital_name,
        reason=f"{hospital_name}{exam.department.name}检查报告 {exam.accession or ''}".strip(),
    )
