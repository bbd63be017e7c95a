"""BI-RADS, PI-RADS and Lung-RADS categories where the item needs one (RPT-10, R6/R7)."""

from __future__ import annotations

import pytest

from tests.conftest import PASSWORD
from yiji.core.rulebook import RuleViolation
from yiji.orders.models import ExamItem
from yiji.reports import services
from yiji.reports.structured import scheme_for


@pytest.fixture
def mammography(imaging):
    from yiji.core.models import Room

    Room.objects.create(department=imaging, code="MG1", name="乳腺摄影室", modalities=["MG"])
    return ExamItem.objects.create(
        code="MG-BILAT", name="双侧乳腺X线摄影", department=imaging, modality="MG", radiation=True
    )


def test_schemes_by_item(imaging, items, mammography):
    prostate = ExamItem(name="前列腺多参数MR", modality="MR", department=imaging)
    screening = ExamItem(name="胸部低剂量CT平扫", modality="CT", department=imaging)
    assert scheme_for(mammography) == "BI-RADS"
    assert scheme_for(prostate) == "PI-RADS" and scheme_for(screening) == "Lung-RADS"
    assert scheme_for(items["chest"]) == ""


@pytest.mark.rules("RPT-10")
def test_a_mammography_report_without_bi_rads_is_a_warning(
    completed, mammography, doctor, client_for
):
    exam = completed(mammography)
    writer = doctor("attending")
    page = client_for(writer).get(f"/exams/{exam.pk}/report/")
    assert "BI-RADS" in page.text and "4A" in page.text
    report = services.save_draft(
        writer.user, exam, services.Draft("所见", "双乳增生。"), expected_version=0
    )
    with pytest.raises(RuleViolation, match="BI-RADS"):
        services.submit(writer.user, report, PASSWORD)
    report = services.save_draft(
        writer.user,
        exam,
        services.Draft("所见", "双乳增生。", category="2"),
        expected_version=report.version,
    )
    assert services.submit(writer.user, report, PASSWORD).category == "2"
