"""SCH-9: the appointment slip carries time, room, preparation and the accession number."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from tests.orders.fixtures import at
from yiji.orders.scheduling import book


@pytest.mark.rules("SCH-9")
def test_the_slip_prints_time_weekday_room_phone_preparation_and_accession(
    clerk, client_for, order, items, rooms, imaging
):
    imaging.phone = "010-88886666"
    imaging.save()
    items["barium"].preparation = "检查前禁食8小时。"
    items["barium"].save()
    exam = book(clerk.user, order(items["barium"])[0], rooms["RF1"], at(8, 30))
    assert exam.accession
    response = client_for(clerk).get(f"/exams/{exam.pk}/slip.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    for expected in (
        "2026-11-23 星期一 08:30", "造影室", "010-88886666", "预约须知", "禁食8小时",
        exam.accession, "张三明",
    ):  # fmt: skip
        assert expected in text


@pytest.mark.rules("SCH-9")
def test_no_slip_before_booking(clerk, client_for, order, items):
    exam = order(items["chest"])[0]
    response = client_for(clerk).get(f"/exams/{exam.pk}/slip.pdf")
    assert response.status_code == 302


def test_the_qr_code_paints_exactly_the_encoded_dark_modules_top_row_first():
    from reportlab.graphics.barcode import qr

    from yiji.orders.slip import draw_qr

    painted_boxes = []

    class Canvas:
        def setFillColor(self, colour):
            pass

        def rect(self, x, y, width, height, stroke, fill):
            painted_boxes.append((x - 10, y - 20, width))

    text, size = "https://yiji.local/verify/5b0c/3f2a/", 100.0
    draw_qr(Canvas(), text, 10, 20, size)
    encoded = qr.QrCodeWidget(text).qr
    encoded.make()
    count, border = encoded.getModuleCount(), 4
    box = size / (count + 2 * border)
    painted = set()
    for x, y, width in painted_boxes:
        row = count - 1 - round(y / box - border)  # the page's y grows upwards
        first = round(x / box) - border
        painted |= {(row, column) for column in range(first, first + round(width / box))}
    dark = {(r, c) for r in range(count) for c in range(count) if encoded.isDark(r, c)}
    assert painted == dark
