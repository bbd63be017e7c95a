"""The appointment slip (SCH-9): time, room, preparation, and the accession number as a
barcode and a QR code, printed in Chinese."""

from __future__ import annotations

import io

from django.utils import timezone
from reportlab.graphics.barcode import code128, qr
from reportlab.lib.pagesizes import A5
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from yiji.core.rulebook import carries_out
from yiji.orders.models import Exam

# A CID font every PDF reader maps to its own Song/Ming face: nothing to ship or download.
FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))


def _wrap(text: str, width: int) -> list[str]:
    lines = []
    for paragraph in text.splitlines() or [""]:
        while len(paragraph) > width:
            lines.append(paragraph[:width])
            paragraph = paragraph[width:]
        lines.append(paragraph)
    return lines


@carries_out("SCH-9")
def appointment_slip(exam: Exam, hospital_name: str) -> bytes:
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A5)
    pdf.setTitle(f"预约单 {exam.accession}")
    width, height = A5
    y = height - 20 * mm
    pdf.setFont(FONT, 16)
    pdf.drawCentredString(width / 2, y, f"{hospital_name}  检查预约单")
    pdf.setFont(FONT, 11)
    y -= 12 * mm
    start = timezone.localtime(exam.scheduled_start) if exam.scheduled_start else None
    rows = [
        ("姓名", f"{exam.patient.name}    患者ID {exam.patient.patient_id}"),
        ("检查项目", exam.item.name),
        ("预约时间", start.strftime("%Y-%m-%d %H:%M") if start else "到检后排队"),
        ("检查室", f"{exam.room.name}  {exam.room.location}" if exam.room else "—"),
        ("检查号", exam.accession or "—"),
    ]
    for label, value in rows:
        pdf.drawString(15 * mm, y, f"{label}：{value}")
        y -= 7 * mm
    y -= 3 * mm
    pdf.setFont(FONT, 12)
    pdf.drawString(15 * mm, y, "检查前准备：")
    pdf.setFont(FONT, 10)
    for line in _wrap(exam.item.preparation or "无特殊准备。", 30):
        y -= 6 * mm
        pdf.drawString(15 * mm, y, line)
    pdf.drawString(15 * mm, 40 * mm, "请提前15分钟到达，凭本单及就诊卡登记。如需改约请致电科室。")
    if exam.accession:
        barcode = code128.Code128(exam.accession, barHeight=12 * mm, barWidth=0.35 * mm)
        barcode.drawOn(pdf, 15 * mm, 20 * mm)
        draw_qr(pdf, exam.accession, width - 15 * mm - 28 * mm, 15 * mm, 28 * mm)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def draw_qr(canvas, text: str, x: float, y: float, size: float) -> None:
    """The QR code's dark runs straight onto the canvas: encoded once, and without the
    graphics renderer, which took three quarters of a printed report's time (bench/pdf.py)."""
    code = qr.QrCodeWidget(text, barWidth=size, barHeight=size)
    canvas.setFillColor("#000000")
    for box in code.draw().contents:
        if box.fillColor is not None:
            canvas.rect(x + box.x, y + box.y, box.width, box.height, stroke=0, fill=1)
