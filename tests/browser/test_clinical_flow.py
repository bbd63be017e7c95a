"""One patient from requisition to completed exam, in a real browser, with the timeline."""

from __future__ import annotations

import pytest

from yiji.orders.catalogue import load_demo_catalogue
from yiji.site.demo import hospital as demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def site(live_server):
    demo.load()
    load_demo_catalogue()
    return live_server.url


def _logout(page):
    page.click("header form button.link")


def test_requisition_booking_check_in_call_exam_and_timeline(page, site, login):
    from yiji.core.models import Patient

    patient = Patient.objects.order_by("pk").first()

    login(site, "clinician")
    page.goto(site + "/requisitions/new/")
    page.fill("#id_patient_id", patient.patient_id)  # chosen from the search, not typed
    page.check(f"#patient-results input[value='{patient.patient_id}']")
    page.select_option("#id_ordering_department", label="急诊科")
    page.fill("#id_clinical_history", "咳嗽两周，发热")
    page.fill("#id_clinical_diagnosis", "肺炎？")
    page.fill("#id_purpose", "明确肺部病变")
    page.fill("#id_items", "xbzw")  # the item by its pinyin initials
    page.check("#item-results label:has-text('胸部正位DR摄影') input")
    assert page.locator("#items-chosen input:checked").count() == 1
    page.click("button.primary")
    page.wait_for_url("**/requisitions/*/")
    assert "申请单" in page.locator("h1").inner_text()
    page.click("text=胸部正位DR摄影")
    page.wait_for_url("**/exams/*/")
    exam_url = page.url
    _logout(page)

    login(site, "clerk")
    page.goto(exam_url)
    page.click("form:has(input[value=book]) button.primary")  # the proposed slot is filled in
    page.wait_for_url(exam_url)
    assert "已预约" in page.locator("h1").inner_text()
    checkin = page.locator("form:has(input[value=checkin])")
    checkin.locator("#id_name").fill(patient.name)
    checkin.locator("#id_patient_id").fill(patient.patient_id)
    checkin.locator("button.primary").click()
    page.wait_for_url(exam_url)
    assert "已登记" in page.locator("h1").inner_text()
    _logout(page)

    login(site, "tech")
    from yiji.orders.models import Exam

    exam = Exam.objects.get()
    page.goto(f"{site}/rooms/{exam.room_id}/queue/")
    page.click("#call")
    assert patient.name in page.locator("section.card").first.inner_text()
    page.goto(exam_url)
    page.click("#start")
    page.wait_for_url(exam_url)
    record = page.locator("form.columns")
    record.locator("#id_kv").fill("125")
    record.locator("#id_mas").fill("2.5")
    record.locator("#id_shielding").fill("铅围脖")
    record.locator("button").click()
    page.wait_for_url(exam_url)
    page.click("#accept")
    page.wait_for_url(exam_url)
    page.click("#complete")
    page.wait_for_url(exam_url)
    assert "已完成" in page.locator("h1").inner_text()

    timeline = page.locator("ol.timeline").inner_text()
    for step in ("已申请", "已预约", "已登记", "已呼叫", "检查开始", "图像已确认合格", "检查完成"):
        assert step in timeline, step
    assert timeline.count(":") >= 14  # every event shows its time
