"""Images in a real browser against a real Orthanc (issue 25): the technologist's acceptance
waits for the archive and then shows its counts, the radiologist opens the study in the viewer
from the editor with Alt+I, marks a key image and signs; the reviewer co-signs and the PDF
carries the key image."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from pypdf import PdfReader

from yiji.site.demo import hospital as demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def site(live_server, archive):
    from yiji.site.demo import clinical

    demo.load()
    clinical.load()
    return live_server.url


def _ct_started():
    """A head CT ordered, checked in and started, as the demo's clinician, clerk and
    technologist would."""
    from django.contrib.auth import get_user_model

    from yiji.core.models import Department, Patient, PatientSource
    from yiji.exams import services as room
    from yiji.orders.checkin import Identifiers, check_in
    from yiji.orders.models import ExamItem
    from yiji.orders.services import RequisitionInput, create_requisition

    users = get_user_model().objects.in_bulk(["clinician", "clerk", "tech"], field_name="username")
    # An outpatient: an inpatient's walk-in is refused late in the afternoon (SCH-7), and
    # this test runs at any hour on the real clock.
    patient = Patient.objects.filter(source=PatientSource.OUTPATIENT).order_by("pk").first()
    requisition = create_requisition(
        users["clinician"],
        RequisitionInput(
            patient=patient,
            items=[
                ExamItem.objects.filter(
                    modality="CT", name__contains="头颅", needs_appointment=False
                ).first()
            ],
            ordering_physician=users["clinician"].staff,
            ordering_department=Department.objects.filter(kind="clinical").first(),
            clinical_history="头痛3天", clinical_diagnosis="头痛待查", purpose="排除颅内病变",
        ),
    )  # fmt: skip
    exam = check_in(
        users["clerk"], requisition.exams.get(),
        Identifiers(name=patient.name, patient_id=patient.patient_id),
        accompanying_physician="王医生", consent_by=users["clerk"].staff,
    )  # fmt: skip
    exam = room.start_exam(users["tech"], exam)
    room.record_details(
        users["tech"], exam,
        {"kv": Decimal("120"), "ctdi_vol": Decimal("45"), "shielding": "铅围脖",
         "pregnancy_checked": True},
    )  # fmt: skip
    return exam


def test_acceptance_viewing_key_image_and_signed_pdf(page, site, login):
    from yiji.images import pacs, synthetic
    from yiji.interop.dicom.worklist import study_uid
    from yiji.orders.models import Exam
    from yiji.reports.models import KeyImage

    exam = _ct_started()
    login(site, "tech")
    exam_url = f"{site}/exams/{exam.pk}/"
    page.goto(exam_url)
    assert "存档中尚无图像" in page.inner_text("#accept-counts")
    page.click("#accept")  # refused: nothing in the archive yet (EXM-2)
    assert "EXM-2" in page.content()

    pacs.store(synthetic.study(exam, study_uid(exam), series=2, per_series=3))  # the modality
    page.goto(exam_url)
    assert "6" in page.inner_text("#accept-counts")
    page.click("#accept")
    page.click("#complete")
    assert Exam.objects.get(pk=exam.pk).status == "completed"
    page.click("header form button.link")

    login(site, "physician")
    report_url = f"{site}/exams/{exam.pk}/report/"
    page.goto(report_url)
    page.fill("#id_findings", "右侧基底节区见小片状低密度影，边界清。")
    page.fill("#id_impression", "右侧基底节区腔隙性脑梗死。")
    page.keyboard.press("Control+s")
    page.wait_for_selector("#key-images input[type=checkbox]")
    page.check("#key-images input[type=checkbox] >> nth=1")
    page.click("#save-key-images")
    page.wait_for_selector("#key-images input[type=checkbox]")
    assert KeyImage.objects.filter(report__exam=exam).count() == 1

    fetched: list[tuple[int, str]] = []
    page.context.on("response", lambda r: fetched.append((r.status, r.url)))
    with page.expect_popup() as opened:
        page.keyboard.press("Alt+i")
    viewer = opened.value
    viewer.wait_for_load_state()
    assert "/web-viewer/app/viewer.html?series=" in viewer.url
    # The viewer found the series and drew an image of it (decoded by the archive).
    for _ in range(50):
        if any(status == 200 and "/web-viewer/instances/" in url for status, url in fetched):
            break
        viewer.wait_for_timeout(200)
    assert any(status == 200 and "/web-viewer/series/" in url for status, url in fetched)
    assert any(status == 200 and "/web-viewer/instances/" in url for status, url in fetched)
    viewer.close()

    page.fill("#id_signature", demo.DEMO_PASSWORD)
    page.press("#id_signature", "Enter")
    page.wait_for_url(lambda moved: moved != report_url)
    page.click("header form button.link")

    login(site, "leader")
    page.goto(report_url)
    page.fill("#review-signature", demo.DEMO_PASSWORD)
    page.keyboard.press("Control+Enter")
    page.wait_for_url(lambda moved: moved != report_url)
    pdf = page.request.get(f"{site}/exams/{exam.pk}/report.pdf")
    assert pdf.ok
    assert any(p.images for p in PdfReader(io.BytesIO(pdf.body())).pages)
