"""The teaching file (ARC-4): a signed case is filed with its tags and a de-identified copy of
the report — no name, hospital ID, ID-card number or phone, the age as a band — flagged
reports wait to be filed, and the file is searched by trainees."""

from __future__ import annotations

import pytest

from tests.conftest import PASSWORD
from yiji.archive import teaching
from yiji.archive.models import BodySystem, CaseValue
from yiji.core.models import Role
from yiji.core.rulebook import RuleViolation
from yiji.reports import services as reports


@pytest.fixture(autouse=True)
def _monday(frozen_clock):
    yield


@pytest.mark.rules("ARC-4")
def test_a_case_is_filed_de_identified_and_found_by_trainees(
    completed, items, doctor, patient, client_for, make_staff
):
    writer, reviewer = doctor("resident"), doctor("attending")
    exam = completed(items["chest"])
    text = f"患者{patient.name}（ID {patient.patient_id}，电话13912345678）右上肺见结节。"
    report = reports.save_draft(
        writer.user,
        exam,
        reports.Draft(text, "右上肺结节，建议随访", teaching=True),
        expected_version=0,
    )
    with pytest.raises(RuleViolation, match="ARC-4"):  # not signed yet
        teaching.mark(writer.user, exam, CaseValue.TEACHING, BodySystem.CHEST, "肺结节")
    reports.sign_final(reviewer.user, reports.submit(writer.user, report, PASSWORD), PASSWORD)
    assert [r.exam_id for r in teaching.flagged()] == [exam.pk]
    case = teaching.mark(writer.user, exam, CaseValue.TEACHING, BodySystem.CHEST, "周围型肺结节")
    assert patient.name not in case.findings and patient.patient_id not in case.findings
    assert "13912345678" not in case.findings and "右上肺见结节" in case.findings
    assert case.age_band.endswith("岁") and list(teaching.flagged()) == []
    with pytest.raises(RuleViolation, match="ARC-4"):
        teaching.mark(writer.user, exam, CaseValue.TEACHING, BodySystem.CHEST, "再登记")
    trainee = make_staff(Role.TRAINEE, trainee_kind="residency")
    page = client_for(trainee).get("/archive/teaching/?q=肺结节").content.decode()
    assert "周围型肺结节" in page and patient.name not in page
    assert (
        "周围型肺结节" not in client_for(trainee).get("/archive/teaching/?q=骨折").content.decode()
    )


@pytest.mark.rules("ARC-4")
def test_a_case_is_filed_from_its_report_page(completed, items, doctor, client_for):
    writer, reviewer = doctor("resident"), doctor("attending")
    exam = completed(items["chest"])
    report = reports.save_draft(
        writer.user, exam, reports.Draft("所见", "意见"), expected_version=0
    )
    reports.sign_final(reviewer.user, reports.submit(writer.user, report, PASSWORD), PASSWORD)
    web = client_for(writer)
    assert (
        f"/archive/teaching/?exam={exam.pk}"
        in web.get(f"/exams/{exam.pk}/report/").content.decode()
    )
    form = web.get(f"/archive/teaching/?exam={exam.pk}").content.decode()
    assert f'name="exam" value="{exam.pk}"' in form  # not flagged, chosen from the report
    web.post("/archive/teaching/", {"exam": exam.pk, "value": "teaching", "body_system": "chest",
                                    "diagnosis": "正常胸片"})  # fmt: skip
    assert "正常胸片" in web.get("/archive/teaching/").content.decode()
