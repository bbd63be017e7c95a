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


def _normal_report_in_four_actions(page, site, login):
    """A normal report from template to signature: open the case, choose the template, type
    the signature, press Enter — four actions (issue 26, point 5)."""
    from yiji.orders.models import Exam
    from yiji.reports.models import Report, ReportTemplate

    exam = Exam.objects.filter(status="completed", modality="DR", report__isnull=True).last()
    ReportTemplate.objects.create(
        name="胸部正常", modality="DR", body_part=exam.item.body_part,
        findings="双肺纹理清晰，未见实质性病变。", impression="胸部未见异常。",
    )  # fmt: skip
    login(site, "physician")
    url = f"{site}/exams/{exam.pk}/report/"
    actions = 0

    def act(step):
        nonlocal actions
        actions += 1
        step()

    act(lambda: page.goto(url))
    act(lambda: page.click(".templates button.insert:has-text('胸部正常')"))
    act(lambda: page.fill("#id_signature", demo.DEMO_PASSWORD))
    act(lambda: page.press("#id_signature", "Enter"))
    page.wait_for_url(lambda moved: moved != url)
    assert actions <= 4
    report = Report.objects.get(exam=exam)
    assert report.impression == "胸部未见异常。" and report.status in ("submitted", "final")
    page.click("header form button.link")


def _screening_ct_done():
    """A low-dose screening CT, ordered, checked in, performed and completed as the demo's
    clinician, clerk and technologist would."""
    from decimal import Decimal

    from django.contrib.auth import get_user_model

    from yiji.core.models import Department, Patient
    from yiji.exams import services as room
    from yiji.orders.checkin import Identifiers, check_in
    from yiji.orders.models import ExamItem
    from yiji.orders.services import RequisitionInput, create_requisition

    users = get_user_model().objects.in_bulk(["clinician", "clerk", "tech"], field_name="username")
    patient = Patient.objects.order_by("pk")[5]
    requisition = create_requisition(
        users["clinician"],
        RequisitionInput(
            patient=patient,
            items=[ExamItem.objects.get(name__contains="低剂量CT")],
            ordering_physician=users["clinician"].staff,
            ordering_department=Department.objects.filter(kind="clinical").first(),
            clinical_history="吸烟30年", clinical_diagnosis="肺癌筛查", purpose="筛查",
        ),
    )  # fmt: skip
    exam = check_in(
        users["clerk"], requisition.exams.get(),
        Identifiers(name=patient.name, patient_id=patient.patient_id),
        consent_by=users["clerk"].staff,
    )  # fmt: skip
    exam = room.start_exam(users["tech"], exam)
    room.record_details(
        users["tech"],
        exam,
        {"kv": Decimal("120"), "ctdi_vol": Decimal("1.2"), "shielding": "铅围脖"},
    )
    return room.complete_exam(users["tech"], exam)


def _lung_rads_from_the_keyboard(page, site, login):
    """A Lung-RADS report: the fields typed, Enter computes the category and writes the
    text, Enter in the signature field signs, the reviewer co-signs with Ctrl+Enter."""
    from yiji.reports.models import Report

    exam = _screening_ct_done()
    url = f"{site}/exams/{exam.pk}/report/"
    login(site, "physician")
    page.goto(url)
    page.select_option("#id_lung-density", "solid")
    page.select_option("#id_lung-lobe", "RUL")
    page.fill("#id_lung-size_mm", "9.5")
    page.press("#id_lung-size_mm", "Enter")
    page.wait_for_selector("#id_impression")
    assert "Lung-RADS 4A类" in page.input_value("#id_impression")
    page.fill("#id_signature", demo.DEMO_PASSWORD)
    page.press("#id_signature", "Enter")
    page.wait_for_url(lambda moved: moved != url)
    page.click("header form button.link")
    login(site, "leader")
    page.goto(url)
    page.fill("#review-signature", demo.DEMO_PASSWORD)
    page.keyboard.press("Control+Enter")
    page.wait_for_url(lambda moved: moved != url)
    report = Report.objects.get(exam=exam)
    assert report.status == "final" and report.category == "4A"
    assert report.structured["follow_up_months"] == 3
    page.click("header form button.link")


def test_draft_review_sign_print_verify_and_amend(page, site, login):
    from yiji.orders.models import Exam
    from yiji.reports.models import ReportPrint

    _normal_report_in_four_actions(page, site, login)
    _lung_rads_from_the_keyboard(page, site, login)
    exam = Exam.objects.filter(status="completed", modality="DR", report__isnull=True).first()
    url = f"{site}/exams/{exam.pk}/report/"

    login(site, "trainee")
    page.goto(url)
    page.fill("#id_findings", "双肺纹理增多，右下肺见斑片状模糊影。")
    page.fill("#id_impression", "右下肺炎症，建议治疗后复查。")
    page.select_option("#id_positive", "true")
    page.fill("#id_signature", demo.DEMO_PASSWORD)
    page.press("#id_signature", "Enter")  # Enter in the signature field signs
    page.wait_for_url(lambda moved: moved != url)  # and the next case of the list opens
    page.goto(url)
    assert "待审核" in page.locator("h1").inner_text()
    page.click("header form button.link")

    login(site, "physician")  # sends it back (退回) with a reason, Enter in the reason box
    page.goto(url)
    page.fill("form.send-back input[name=reason]", "印象未写明范围")
    page.press("form.send-back input[name=reason]", "Enter")
    page.wait_for_url(lambda moved: moved != url)
    page.click("header form button.link")

    login(site, "trainee")  # sees why at the top, revises, signs again from the keyboard
    page.goto(f"{site}/reading/?tab=sent_back")
    page.click(f"a[href*='/exams/{exam.pk}/report/']")
    assert "印象未写明范围" in page.locator("main .editor").inner_text()
    page.fill("#id_impression", "右下肺炎症（右肺下叶外基底段），建议治疗后复查。")
    page.fill("#id_signature", demo.DEMO_PASSWORD)
    page.press("#id_signature", "Enter")
    page.wait_for_url(lambda moved: "/report/" not in moved or str(exam.pk) not in moved)
    page.click("header form button.link")

    login(site, "physician")
    page.goto(url)
    assert "外基底段" in page.locator(".changes").inner_text()  # what changed since signing
    page.fill("#review-signature", demo.DEMO_PASSWORD)
    page.keyboard.press("Control+Enter")  # the reviewer's signature, from the keyboard
    page.wait_for_url(lambda moved: moved != url)
    page.goto(url)
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
