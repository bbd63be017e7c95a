"""Patient self-service (issue 27, point 6): the kiosk prints a released report once for the
slip's accession (or QR code) and the ID card's last six characters, audited, reprints at
the desk; the slip's QR link shows the notice, then the report, expires, and is logged."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from pypdf import PdfReader

from tests.conftest import PASSWORD
from tests.orders.fixtures import at
from yiji.core.models import AuditAction, AuditEntry
from yiji.orders.patient_link import token_for
from yiji.orders.scheduling import book
from yiji.reports import services
from yiji.reports.models import ReportPrint

CARD_END = "31002X"  # the fixture patient's ID card ends so (lower case x is accepted too)


@pytest.fixture
def released(doctor, completed, items):
    exam = completed(items["chest"])
    writer = doctor("attending")
    report = services.save_draft(
        writer.user, exam, services.Draft("双肺纹理清晰。", "胸部未见异常。"), expected_version=0
    )
    return services.sign_final(
        doctor("chief").user, services.submit(writer.user, report, PASSWORD), PASSWORD
    )


@pytest.mark.rules("ARC-5", "ORD-7")
def test_the_kiosk_prints_a_released_report_once(released):
    kiosk = Client()
    accession = released.exam.accession
    printed = kiosk.post("/kiosk/", {"code": accession, "card": CARD_END.lower()})
    assert printed.status_code == 200 and printed["Content-Type"] == "application/pdf"
    assert "胸部未见异常" in PdfReader(io.BytesIO(printed.content)).pages[0].extract_text()
    assert ReportPrint.objects.filter(report=released, via="kiosk").count() == 1
    assert AuditEntry.objects.filter(
        action=AuditAction.EXPORT, reason="self-service kiosk print"
    ).exists()
    again = kiosk.post("/kiosk/", {"code": accession, "card": CARD_END})
    assert again.status_code == 400 and "补打请到登记台" in again.text and "ARC-5" in again.text


def test_a_wrong_card_and_an_unknown_accession_read_the_same_and_tries_are_limited(released):
    kiosk = Client()
    wrong = kiosk.post("/kiosk/", {"code": released.exam.accession, "card": "000000"})
    unknown = kiosk.post("/kiosk/", {"code": "A000000000", "card": CARD_END})
    assert wrong.status_code == unknown.status_code == 400
    assert (
        "检查号或身份证号后六位不正确" in wrong.text
        and "检查号或身份证号后六位不正确" in unknown.text
    )
    for _ in range(3):
        kiosk.post("/kiosk/", {"code": "A000000000", "card": CARD_END})
    blocked = kiosk.post("/kiosk/", {"code": released.exam.accession, "card": CARD_END})
    assert "尝试次数过多" in blocked.text
    assert not ReportPrint.objects.filter(via="kiosk").exists()


def test_the_kiosk_reads_the_slip_s_qr_link_too(released):
    link = f"http://yiji.example/p/{token_for(released.exam)}/"
    printed = Client().post("/kiosk/", {"code": link, "card": CARD_END})
    assert printed["Content-Type"] == "application/pdf"


def test_an_unreleased_report_does_not_print(clerk, order, items, rooms):
    exam = book(clerk.user, order(items["chest"])[0], rooms["DR1"], at(9))
    answer = Client().post("/kiosk/", {"code": exam.accession, "card": CARD_END})
    assert answer.status_code == 400 and "报告尚未发布" in answer.text


@pytest.mark.rules("ARC-5", "SCH-9")
def test_the_slip_s_link_shows_the_notice_then_the_report_and_expires(
    clerk, order, items, rooms, released, frozen_clock
):
    items["chest"].preparation = "去除胸前金属物品。"
    items["chest"].save()
    booked = book(clerk.user, order(items["chest"])[0], rooms["DR1"], at(9))
    visitor = Client()
    notice = visitor.get(f"/p/{token_for(booked)}/")
    assert notice.status_code == 200
    assert "去除胸前金属物品" in notice.text and "星期一" in notice.text and "报告" in notice.text
    page = visitor.get(f"/p/{token_for(released.exam)}/")
    assert "胸部未见异常" in page.text and "report.pdf" in page.text
    pdf = visitor.get(f"/p/{token_for(released.exam)}/report.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    assert AuditEntry.objects.filter(action=AuditAction.VIEW, reason="patient link").count() == 3
    assert visitor.get("/p/forged-token/").status_code == 404
    token = token_for(booked)
    frozen_clock.shift(31 * 86400)
    expired = visitor.get(f"/p/{token}/")
    assert expired.status_code == 404 and "30天" in expired.text


def test_the_slip_s_qr_code_is_the_patient_s_link(clerk, client_for, order, items, rooms):
    exam = book(clerk.user, order(items["chest"])[0], rooms["DR1"], at(9))
    slip = client_for(clerk).get(f"/exams/{exam.pk}/slip.pdf")
    assert slip.status_code == 200
    assert "扫码查看须知和报告" in PdfReader(io.BytesIO(slip.content)).pages[0].extract_text()
