"""What the regulations ask before the exam begins (issue 23, points 18 and 22): informed
consent recorded at check-in for the policy's classes, with who explained it (EXM-8), and the
aseptic checklist of each interventional procedure before it starts (EXM-9)."""

from __future__ import annotations

import pytest

from tests.core.test_api import token_for  # noqa: F401 - a fixture
from tests.orders.fixtures import _item
from yiji.core import policy
from yiji.core.models import Room
from yiji.core.rulebook import RuleViolation
from yiji.exams import services as room
from yiji.exams.models import AsepticItem
from yiji.orders.checkin import Identifiers, check_in
from yiji.orders.models import AllergyScreen, ExamStatus


@pytest.fixture
def angiography(imaging):
    Room.objects.create(department=imaging, code="DSA1", name="导管室", modalities=["DSA"])
    return _item(imaging, "DSA-CER", "DSA", name="全脑血管造影", radiation=True,
                 contrast_route="intra_arterial")  # fmt: skip


def _ids(patient):
    return Identifiers(name=patient.name, patient_id=patient.patient_id)


@pytest.mark.rules("EXM-8")
def test_contrast_and_interventional_exams_need_consent_at_check_in(
    clerk, client_for, order, items, patient, director, hospital
):
    (enhanced,) = order(items["ct_enh"], priority="urgent", allergy_screen=AllergyScreen.CLEAR)
    with pytest.raises(RuleViolation, match="EXM-8"):
        check_in(clerk.user, enhanced, _ids(patient), accompanying_physician="王医生")
    desk = client_for(clerk)
    form = {"action": "checkin", "name": patient.name, "patient_id": patient.patient_id,
            "accompanying_physician": "王医生"}  # fmt: skip
    refused = desk.post(f"/exams/{enhanced.pk}/", form, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "EXM-8" in refused.text and "知情同意" in refused.text
    desk.post(f"/exams/{enhanced.pk}/", {**form, "consent": "on"})
    enhanced.refresh_from_db()
    assert enhanced.status == ExamStatus.ARRIVED and enhanced.consent_explained_by == clerk
    assert "告知人" in desk.get(f"/exams/{enhanced.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").text
    # A plain CT needs none by default; the policy may name every radiation exam.
    (plain,) = order(items["ct_head"])
    policy.change(director.user, "exm.consent_required_for", ["radiation"], hospital=hospital,
                  reason="本院辐射检查均书面告知")  # fmt: skip
    with pytest.raises(RuleViolation, match="EXM-8"):
        check_in(clerk.user, plain, _ids(patient))
    assert check_in(clerk.user, plain, _ids(patient), consent_by=clerk).consent_at


@pytest.mark.rules("EXM-8")
def test_the_api_check_in_records_the_caller_s_consent(clerk, token_for, order, items, patient):  # noqa: F811
    (enhanced,) = order(items["ct_enh"], priority="urgent", allergy_screen=AllergyScreen.CLEAR)
    api = token_for(clerk)
    body = {"name": patient.name, "patient_id": patient.patient_id, "accompanying_physician": "王"}
    url = f"/api/exams/{enhanced.pk}/check-in"
    refused = api.post(url, body, content_type="application/json")
    assert refused.status_code == 409 and "EXM-8" in refused.text
    done = api.post(url, {**body, "informed_consent": True}, content_type="application/json")
    assert done.status_code == 200
    enhanced.refresh_from_db()
    assert enhanced.consent_explained_by == clerk


@pytest.mark.rules("EXM-9")
def test_an_interventional_procedure_starts_after_its_aseptic_checklist(
    clerk, technologist, client_for, order, patient, angiography
):
    (exam,) = order(angiography, priority="urgent", allergy_screen=AllergyScreen.CLEAR)
    exam = check_in(clerk.user, exam, _ids(patient), accompanying_physician="王医生",
                    consent_by=clerk)  # fmt: skip
    with pytest.raises(RuleViolation, match="EXM-9"):
        room.start_exam(technologist.user, exam)
    cath_lab = client_for(technologist)
    page = cath_lab.get(f"/exams/{exam.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").text
    assert 'id="aseptic"' in page and page.count('name="aseptic"') == len(AsepticItem)
    partly = [AsepticItem.SCRUB, AsepticItem.GOWN]
    refused = cath_lab.post(f"/exams/{exam.pk}/act/", {"action": "aseptic", "aseptic": partly},
                            follow=True, HTTP_ACCEPT_LANGUAGE="zh-hans")  # fmt: skip
    assert "EXM-9" in refused.text and "铺无菌单" in refused.text
    cath_lab.post(f"/exams/{exam.pk}/act/", {"action": "aseptic", "aseptic": AsepticItem.values})
    exam.record.refresh_from_db()
    assert exam.record.aseptic_checked_by == technologist
    assert room.start_exam(technologist.user, exam).status == ExamStatus.IN_PROGRESS
