"""The registration desk's common case in a real browser (issue 27, point 1): a known patient
with the clinician's requisition for one item, booked in the earliest slot, slip printed —
counted action by action, at most six, in Chinese and in English."""

from __future__ import annotations

import pytest

from yiji.site.demo import hospital as demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def ordered(live_server):
    """The demo's people and catalogue, and one requisition the clinician sent for a
    returning patient (as the HIS would send it)."""
    from django.contrib.auth import get_user_model

    from yiji.orders.catalogue import load_demo_catalogue
    from yiji.orders.models import ExamItem
    from yiji.orders.services import RequisitionInput, create_requisition

    demo.load()
    load_demo_catalogue()
    clinician = get_user_model().objects.get(username="clinician")
    from yiji.core.models import Department, Patient

    patient = Patient.objects.order_by("pk").first()
    item = ExamItem.objects.filter(modality="CT", needs_appointment=False, active=True).first()
    requisition = create_requisition(
        clinician,
        RequisitionInput(
            patient=patient,
            items=[item],
            ordering_physician=clinician.staff,
            ordering_department=Department.objects.filter(kind="clinical").first(),
            clinical_history="头痛3天",
            clinical_diagnosis="头痛待查",
            purpose="排除颅内病变",
        ),
    )
    return live_server.url, requisition.exams.get()


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_known_patient_one_item_earliest_slot_and_slip_in_at_most_six_actions(
    page, login, ordered, language
):
    site, exam = ordered
    login(site, "clerk")
    if language == "en":
        page.context.add_cookies([{"name": "django_language", "value": "en", "url": site}])
    actions = 0

    def act(step):
        nonlocal actions
        actions += 1
        step()

    act(lambda: page.goto(f"{site}/desk/"))  # the menu's 登记台
    act(lambda: page.fill("#desk-q", exam.patient.name[:2]))
    page.wait_for_selector("[data-action=choose-patient]")
    act(lambda: page.click(f"[data-action=choose-patient][href$='patient={exam.patient_id}']"))
    act(lambda: page.click("[data-action=book-earliest]"))
    page.wait_for_selector("[data-action=slip]")
    with page.expect_popup() as opened:
        act(lambda: page.click("[data-action=slip]"))
    slip = opened.value
    slip.wait_for_load_state()
    assert slip.url.endswith(f"/exams/{exam.pk}/slip.pdf")
    assert actions <= 6, f"the desk's common case took {actions} actions"

    exam.refresh_from_db()
    assert exam.status == "booked" and exam.accession
    messages = page.locator(".messages").inner_text()
    expected = "Booked" if language == "en" else "已预约"
    assert expected in messages and exam.room.name in messages
