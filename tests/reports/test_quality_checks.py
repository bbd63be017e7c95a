"""RPT-10: report-writing checks before signing; warnings signed anyway are kept and counted."""

from __future__ import annotations

import pytest

from tests.conftest import PASSWORD
from yiji.core.rulebook import RuleViolation
from yiji.orders.models import ExamItem
from yiji.reports import services
from yiji.reports.models import ReportStatus
from yiji.reports.quality import quality_warnings


def _report(doctor, exam, findings, impression, **flags):
    writer = doctor("attending")
    report = services.save_draft(
        writer.user, exam, services.Draft(findings, impression, **flags), expected_version=0
    )
    return writer, report


@pytest.mark.rules("RPT-10")
@pytest.mark.parametrize(
    ("findings", "impression", "positive", "warning"),
    [
        ("右膝关节间隙变窄。", "右膝退行性变。", None, "侧"),
        ("子宫大小正常。", "未见异常。", None, "性别"),
        ("[ ]肺纹理清晰。", "未见异常。", None, "占位符"),
        ("双肺见结节。", "双肺未见明显异常。", True, "矛盾"),
    ],
)
def test_warnings_name_the_problem(
    doctor, completed, items, imaging, findings, impression, positive, warning
):
    knee = ExamItem.objects.create(
        code="DR-LKNEE",
        name="左膝关节正侧位",
        department=imaging,
        modality="DR",
        radiation=True,
        body_part="左膝",
    )
    exam = completed(knee)
    _writer, report = _report(doctor, exam, findings, impression, positive=positive)
    assert any(warning in w for w in quality_warnings(report))


@pytest.mark.rules("RPT-10")
def test_a_clean_report_has_no_warning(doctor, completed, items):
    _writer, report = _report(
        doctor, completed(items["chest"]), "双肺纹理清晰。", "胸部未见异常。", positive=False
    )
    assert quality_warnings(report) == []


@pytest.mark.rules("RPT-10")
def test_signing_with_a_warning_needs_confirmation_and_is_recorded(doctor, completed, items):
    writer, report = _report(doctor, completed(items["chest"]), "___ 双肺纹理清晰。", "未见异常。")
    with pytest.raises(RuleViolation) as refused:
        services.submit(writer.user, report, PASSWORD)
    assert refused.value.rule_id == "RPT-10" and refused.value.overridable
    report = services.submit(writer.user, report, PASSWORD, confirm_warnings=True)
    assert report.status == ReportStatus.SUBMITTED and report.quality_issues


@pytest.mark.rules("RPT-10")
def test_the_page_shows_the_warnings_and_signs_after_confirmation(
    doctor, completed, items, client_for
):
    exam = completed(items["chest"])
    client = client_for(doctor("attending"))
    form = {
        "version": 0,
        "findings": "XX 双肺纹理清晰。",
        "impression": "未见异常。",
        "positive": "unknown",
        "action": "submit",
        "signature": PASSWORD,
    }
    page = client.post(f"/exams/{exam.pk}/report/", form)
    assert "占位符" in page.text and page.context["warnings"]
    form["version"] = exam.report.version
    client.post(f"/exams/{exam.pk}/report/", {**form, "confirm_warnings": "on"})
    exam.report.refresh_from_db()
    assert exam.report.status == ReportStatus.SUBMITTED
