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


WEEKDAYS = "一二三四五六日"


def _when(exam: Exam) -> str:
    if not exam.scheduled_start:
        return "到检后排队"
    start = timezone.localtime(exam.scheduled_start)
    return f"{start:%Y-%m-%d} 星期{WEEKDAYS[start.weekday()]} {start:%H:%M}"


@carries_out("SCH-9")
def appointment_slip(exams: list[Exam], hospital_name: str, link: str = "") -> bytes:
    """One A5 page per exam: when (with the weekday), where, the department's phone for
    changes, the item's preparation (预约须知), the accession as a barcode, and a QR code:
    the patient's own link when there is one, else the accession."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A5)
    pdf.setTitle(f"预约单 {' '.join(e.accession or '' for e in exams)}")
    for exam in exams:
        _slip_page(pdf, exam, hospital_name, link)
    pdf.save()
    return buffer.getvalue()


def _slip_page(pdf, exam: Exam, hospital_name: str, link: str) -> None:
    width, height = A5
    y = height - 20 * mm
    pdf.setFont(FONT, 16)
    pdf.drawCentredString(width / 2, y, f"{hospital_name}  检查预约单")
    pdf.setFont(FONT, 11)
    y -= 12 * mm
    department = exam.department
    rows = [
        ("姓名", f"{exam.patient.name}    患者ID {exam.patient.patient_id}"),
        ("检查项目", exam.item.name),
        ("预约时间", _when(exam)),
        ("检查室", f"{exam.room.name}  {exam.room.location}" if exam.room else "—"),
        ("检查号", exam.accession or "—"),
        ("科室电话", f"{department.name}  {department.phone or '—'}"),
    ]
    for label, value in rows:
        pdf.drawString(15 * mm, y, f"{label}：{value}")
        y -= 7 * mm
    y -= 3 * mm
    pdf.setFont(FONT, 12)
    pdf.drawString(15 * mm, y, "预约须知（检查前准备）：")
    pdf.setFont(FONT, 10)
    for line in _wrap(exam.item.preparation or "无特殊准备。", 30):
        y -= 6 * mm
        pdf.drawString(15 * mm, y, line)
    pdf.drawString(15 * mm, 48 * mm, "请提前15分钟到达，凭本单及就诊卡登记。")
    pdf.drawString(15 * mm, 43 * mm, "如需改约或取消，请致电科室。")
    if exam.accession:
        barcode = code128.Code128(exam.accession, barHeight=12 * mm, barWidth=0.35 * mm)
        barcode.drawOn(pdf, 15 * mm, 20 * mm)
        draw_qr(pdf, link or exam.accession, width - 15 * mm - 28 * mm, 15 * mm, 28 * mm)
        if link:
            pdf.setFont(FONT, 8)
            pdf.drawString(width - 15 * mm - 28 * mm, 12 * mm, "扫码查看须知和报告")
    pdf.showPage()


def draw_qr(canvas, text: str, x: float, y: float, size: float) -> None:
    """The QR code's dark runs straight onto the canvas: encoded once, and without the
    graphics renderer, which took three quarters of a printed report's time (bench/pdf.py)."""
    code = qr.QrCodeWidget(text, barWidth=size, barHeight=size)
    canvas.setFillColor("#000000")
    for box in code.draw().contents:
        if box.fillColor is not None:
            canvas.rect(x + box.x, y + box.y, box.width, box.height, stroke=0, fill=1)
