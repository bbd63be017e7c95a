"""A resident drafts, an attending reviews and signs, the PDF carries both, the QR link
verifies it, and after an addendum the signed text is still there."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from yiji.site.demo import hospital as demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def site(live_server):
    from yiji.site.demo import clinical

    demo.load()
    clinical.load()
    return live_server.url


def test_draft_review_sign_print_verify_and_amend(page, site, login):
    from yiji.orders.models import Exam
    from yiji.reports.models import ReportPrint

    exam = Exam.objects.filter(status="completed", modality="DR", report__isnull=True).first()
    url = f"{site}/exams/{exam.pk}/report/"

    login(site, "trainee")
    page.goto(url)
    page.fill("#id_findings", "双肺纹理增多，右下肺见斑片状模糊影。")
    page.fill("#id_impression", "右下肺炎症，建议治疗后复查。")
    page.select_option("#id_positive", "true")
    page.fill("#id_signature", demo.DEMO_PASSWORD)
    page.click("#submit")
    page.wait_for_url(url)
    assert "待审核" in page.locator("h1").inner_text()
    page.click("header form button.link")

    login(site, "physician")
    page.goto(url)
    page.locator("form:has(#sign-final) #id_signature").fill(demo.DEMO_PASSWORD)
    page.click("#sign-final")
    page.wait_for_url(url)
    assert "正式报告" in page.locator("h1").inner_text()

    pdf = page.request.get(site + page.locator("#pdf").get_attribute("href"))
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.body())).pages)
    assert "右下肺见斑片状模糊影" in text and "陈晓雯" in text and "刘洋" in text

    printed = ReportPrint.objects.get()
    report = printed.report
    page.goto(f"{site}/verify/{report.verification_key}/{printed.content_hash[:16]}/")
    assert "真实有效" in page.locator("#state").inner_text()

    page.goto(url)
    addendum = page.locator("form:has(input[value=amend])")
    addendum.locator("#id_text").fill("补充：右侧少量胸腔积液。")
    addendum.locator("#id_reason").fill("漏描述")
    addendum.locator("#id_signature").fill(demo.DEMO_PASSWORD)
    addendum.locator("button").click()
    page.wait_for_url(url)
    body = page.locator("main").inner_text()
    assert "右下肺见斑片状模糊影" in body and "补充：右侧少量胸腔积液。" in body
    page.goto(f"{site}/verify/{report.verification_key}/{printed.content_hash[:16]}/")
    assert "不再一致" in page.locator("#state").inner_text()
