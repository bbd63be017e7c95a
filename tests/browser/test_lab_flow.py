"""The lab in a browser: collect and receive one specimen, reject another, enter results,
see the critical flag, notify the ward, verify and release, and print the PDF with the
Chinese test names and units."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from yiji.site.demo import hospital as demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.rules(
    "LAB-1", "LAB-3", "RPT-12"
)]  # fmt: skip


@pytest.fixture
def site(live_server):
    from django.contrib.auth import get_user_model

    from yiji.core.models import Department, DepartmentKind, Patient
    from yiji.lab import catalogue
    from yiji.orders.models import ExamItem
    from yiji.orders.services import RequisitionInput, create_requisition

    demo.load()
    catalogue.load(Department.objects.get(kind=DepartmentKind.LAB))
    clinician = get_user_model().objects.get(username="clinician")
    ward = Department.objects.get(code="ED")
    orders = []
    pair = zip(Patient.objects.order_by("pk")[:2], ("LAB-ELEC", "LAB-CBC"), strict=True)
    for patient, code in pair:
        requisition = create_requisition(
            clinician,
            RequisitionInput(
                patient=patient, items=[ExamItem.objects.get(code=code)],
                ordering_physician=clinician.staff, ordering_department=ward,
                clinical_history="乏力两天", clinical_diagnosis="电解质紊乱？",
                purpose="协助诊断", priority="urgent",
            ),
        )  # fmt: skip
        orders.append(requisition)
    return live_server.url, orders


def _collect(page, url, requisition):
    """Print the labels, open the specimen by its barcode and record the collection."""
    from yiji.lab.models import Specimen

    assert page.request.get(f"{url}/lab/requisitions/{requisition.pk}/labels.pdf").ok
    specimen = Specimen.objects.get(exam__requisition=requisition)
    page.goto(f"{url}/lab/?tab=collect")
    page.fill("input[name=barcode]", specimen.barcode)
    page.press("input[name=barcode]", "Enter")
    page.wait_for_url(f"**/lab/specimens/{specimen.pk}/")
    patient = requisition.patient
    page.fill("#c-name", patient.name)
    page.fill("#c-id", patient.patient_id)
    page.click("form:has(input[value=collect]) button")
    page.wait_for_selector("form:has(input[value=receive])")
    return specimen


def test_collect_receive_reject_enter_notify_release_and_print(page, site, login):
    url, (electrolytes, blood_count) = site
    login(url, "labtech")
    specimen = _collect(page, url, electrolytes)
    page.click("form:has(input[value=receive]) button")
    page.wait_for_selector("form:has(input[value=store])")  # received: it can be stored

    other = _collect(page, url, blood_count)
    page.select_option("#r-reason", "clotted")
    page.fill("#r-note", "可见凝块")
    page.click("form:has(input[value=reject]) button")
    page.wait_for_selector("text=已拒收")
    other.refresh_from_db()
    assert other.recollection.barcode in page.content()

    page.goto(f"{url}/lab/exams/{specimen.exam_id}/")
    page.fill("input[name=value_K]", "7.1")
    page.fill("input[name=value_NA]", "139")
    page.fill("input[name=value_CL]", "101")
    page.click("form:has(input[value=enter]) button.primary")
    page.wait_for_selector("tr.bad >> text=危急偏高")
    notify = page.locator("form:has(input[value=notify])")
    notify.locator("input[name=receiver]").fill("王护士")
    notify.locator("input[name=department]").fill("急诊科")
    notify.locator("input[name=read_back]").check()
    notify.locator("button").click()
    page.wait_for_selector("text=王护士")
    page.click("header form button.link")

    login(url, "labreviewer")
    page.goto(f"{url}/lab/exams/{specimen.exam_id}/")
    page.fill("#rel-secret", demo.DEMO_PASSWORD)
    page.click("form:has(input[value=release]) button")
    page.wait_for_selector("a:has-text('报告单PDF')")
    pdf = page.request.get(f"{url}/lab/exams/{specimen.exam_id}/report.pdf")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.body())).pages)
    assert "钾" in text and "钠" in text and "mmol/L" in text and "7.10" in text
    assert "林芳" in text  # the reviewer's signature
