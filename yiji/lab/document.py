"""Lab paper: the released result report (PDF, Chinese names and units) and the specimen
labels with a Code 128 barcode of the specimen number (LAB-1)."""

from __future__ import annotations

import io
import re

from django.utils import timezone
from reportlab.graphics.barcode import code128
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from yiji.lab.models import LabReport, Specimen
from yiji.orders.slip import FONT
from yiji.reports.document import BODY, SMALL, TITLE

SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")
FLAG_MARKS = {"H": "↑", "L": "↓", "HH": "↑↑ 危急", "LL": "↓↓ 危急", "POS": "阳性"}
LABEL_SIZE = (50 * mm, 30 * mm)  # the usual tube label


def unit_markup(unit: str) -> str:
    """×10⁹/L as ReportLab markup: the CID font has no superscript digits, so raise them."""
    return re.sub(
        "[⁰¹²³⁴⁵⁶⁷⁸⁹]+", lambda m: f"<super>{m.group().translate(SUPERSCRIPTS)}</super>", unit
    )


def _when(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else "—"


def report_pdf(report: LabReport, hospital_name: str) -> bytes:
    exam = report.exam
    patient = exam.patient
    specimen = exam.specimens.filter(received_at__isnull=False).order_by("-pk").first()
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=16 * mm,
        bottomMargin=18 * mm, title=f"{exam.item.name} {exam.accession}",
    )  # fmt: skip
    requisition = exam.requisition
    ordering = requisition.ordering_department
    facts = [
        ["姓名", patient.name, "性别", patient.get_sex_display(), "患者ID", patient.patient_id],
        ["标本号", specimen.barcode if specimen else "", "标本类型",
         specimen.get_specimen_type_display() if specimen else "", "检验项目", exam.item.name],
        ["申请科室", ordering.name if ordering else "", "申请医师",
         requisition.ordering_physician_name, "临床诊断", requisition.clinical_diagnosis],
        ["采集时间", _when(specimen.collected_at if specimen else None), "接收时间",
         _when(specimen.received_at if specimen else None), "报告时间", _when(report.released_at)],
    ]  # fmt: skip
    head = Table(
        [[Paragraph(str(cell), SMALL) for cell in row] for row in facts],
        colWidths=[16 * mm, 34 * mm, 18 * mm, 34 * mm, 18 * mm, 54 * mm],
    )
    head.setStyle(TableStyle([("LINEBELOW", (0, -1), (-1, -1), 0.5, "#888888")]))
    rows = [[Paragraph(h, SMALL) for h in ("项目", "代号", "结果", "提示", "单位", "参考区间")]]
    for r in exam.lab_results.select_related("test").order_by("pk"):
        shown = {"positive": "阳性", "negative": "阴性"}.get(r.value, r.value)
        rows.append([
            Paragraph(r.test.name, SMALL), Paragraph(r.test.code, SMALL), Paragraph(shown, SMALL),
            Paragraph(FLAG_MARKS.get(r.flag, ""), SMALL), Paragraph(unit_markup(r.unit), SMALL),
            Paragraph(r.reference.replace("Negative", "阴性"), SMALL),
        ])  # fmt: skip
    table = Table(rows, colWidths=[50 * mm, 18 * mm, 24 * mm, 22 * mm, 24 * mm, 36 * mm])
    table.setStyle(TableStyle([("LINEBELOW", (0, 0), (-1, 0), 0.5, "#888888")]))
    signer = report.signature
    story = [
        Paragraph(hospital_name, TITLE),
        Paragraph(f"{exam.department.name}检验报告单", TITLE),
        Spacer(1, 4 * mm),
        head,
        Spacer(1, 3 * mm),
        table,
        Spacer(1, 4 * mm),
    ]
    if report.comment:
        story.append(Paragraph(f"备注：{report.comment}", BODY))
    tester = exam.performed_by.name if exam.performed_by else ""
    story.append(Paragraph(
        f"检验者：{tester}　审核者：{signer.signer_name if signer else report.verified_by.name}"
        f"（电子签名 {_when(signer.signed_at if signer else report.released_at)}）", BODY,
    ))  # fmt: skip
    story.append(Paragraph("本结果仅对所检标本负责。↑高于参考区间，↓低于参考区间。", SMALL))
    document.build(story)
    return buffer.getvalue()


def labels_pdf(specimens: list[Specimen]) -> bytes:
    """One label per page at the label printer's size: barcode, patient, item, container."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=LABEL_SIZE)
    pdf.setTitle("标本条码")
    width, height = LABEL_SIZE
    for specimen in specimens:
        exam = specimen.exam
        barcode = code128.Code128(specimen.barcode, barHeight=10 * mm, barWidth=0.3 * mm)
        barcode.drawOn(pdf, (width - barcode.width) / 2, height - 14 * mm)
        pdf.setFont(FONT, 7)
        pdf.drawCentredString(width / 2, height - 17 * mm, specimen.barcode)
        urgent = "【急】" if exam.priority == "urgent" else ""
        pdf.setFont(FONT, 8)
        patient = exam.patient
        who = f"{urgent}{patient.name} {patient.get_sex_display()} {patient.patient_id}"
        pdf.drawString(2 * mm, 9 * mm, who)
        pdf.drawString(2 * mm, 5.5 * mm, exam.item.name[:16])
        pdf.setFont(FONT, 7)
        pdf.drawString(2 * mm, 2 * mm, f"{specimen.get_container_display()}")
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()
