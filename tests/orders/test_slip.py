"""SCH-9: the appointment slip carries time, room, preparation and the accession number."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from tests.orders.fixtures import at
from yiji.orders.scheduling import book


@pytest.mark.rules("SCH-9")
def test_the_slip_prints_time_room_preparation_and_accession(
    clerk, client_for, order, items, rooms
):
    items["us_liver"].preparation = "检查前禁食8小时。"
    items["us_liver"].save()
    exam = book(clerk.user, order(items["us_liver"])[0], rooms["US1"], at(8, 30))
    assert exam.accession
    response = client_for(clerk).get(f"/exams/{exam.pk}/slip.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    for expected in ("2026-11-23 08:30", "超声一室", "禁食8小时", exam.accession, "张三明"):
        assert expected in text


@pytest.mark.rules("SCH-9")
def test_no_slip_before_booking(clerk, client_for, order, items):
    exam = order(items["chest"])[0]
    response = client_for(clerk).get(f"/exams/{exam.pk}/slip.pdf")
    assert response.status_code == 302
