"""The reading list and the report page: write, sign, review, amend, through HTTP."""

from __future__ import annotations

import pytest

from tests.conftest import PASSWORD
from yiji.reports.models import Report, ReportStatus


def _form(version=0, **extra):
    return {
        "version": version,
        "findings": "肝脏形态大小正常。",
        "impression": "肝脏未见异常。",
        "positive": "false",
        "image_grade": "A",
        **extra,
    }


@pytest.mark.rules("RPT-1", "RPT-13")
def test_write_submit_review_and_amend_through_the_page(doctor, completed, items, client_for):
    exam = completed(items["chest"])
    resident, attending = doctor("resident"), doctor("attending")
    writer = client_for(resident)
    listed = writer.get("/reading/")
    assert exam in [row[0] for row in listed.context["rows"]]
    writer.post(f"/exams/{exam.pk}/report/", {**_form(), "action": "save"})
    report = Report.objects.get(exam=exam)
    drafts = writer.get("/reading/?tab=drafts").context["rows"]
    assert report.status == ReportStatus.DRAFT and exam in [row[0] for row in drafts]
    writer.post(
        f"/exams/{exam.pk}/report/",
        {**_form(version=report.version), "action": "submit", "signature": PASSWORD},
    )
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    own = writer.post(
        f"/exams/{exam.pk}/report/", {"action": "final", "signature": PASSWORD}, follow=True
    )
    assert "RPT-1" in own.text  # nobody co-signs his own report
    reviewer = client_for(attending)
    assert exam in [row[0] for row in reviewer.get("/reading/?tab=review").context["rows"]]
    reviewer.post(f"/exams/{exam.pk}/report/", {"action": "final", "signature": PASSWORD})
    report.refresh_from_db()
    assert report.status == ReportStatus.FINAL and report.reviewer == attending
    page = reviewer.post(
        f"/exams/{exam.pk}/report/",
        {"action": "amend", "text": "补充：", "reason": "", "signature": PASSWORD},
    )
    assert page.status_code == 200
    reviewer.post(
        f"/exams/{exam.pk}/report/",
        {"action": "amend", "text": "补充：心影饱满。", "reason": "漏写", "signature": PASSWORD},
    )
    report.refresh_from_db()
    assert report.status == ReportStatus.AMENDED and report.findings == "肝脏形态大小正常。"
    shown = reviewer.get(f"/exams/{exam.pk}/report/").text
    assert "补充：心影饱满。" in shown and "肝脏形态大小正常。" in shown


def test_a_stale_save_keeps_both_texts_and_says_why(doctor, completed, items, client_for):
    exam = completed(items["chest"])
    first, second = client_for(doctor("resident")), client_for(doctor("attending"))
    first.post(f"/exams/{exam.pk}/report/", {**_form(), "action": "save"})
    first.post(
        f"/exams/{exam.pk}/report/", {**_form(version=1, findings="第一位"), "action": "save"}
    )
    stale = second.post(
        f"/exams/{exam.pk}/report/", {**_form(version=1, findings="第二位"), "action": "save"}
    )
    assert stale.status_code == 200 and "第二位" in stale.text
    assert Report.objects.get(exam=exam).findings == "第一位"


def test_technologists_cannot_write_reports(completed, items, client_for, technologist):
    exam = completed(items["chest"])
    response = client_for(technologist).get(f"/exams/{exam.pk}/report/")
    assert response.status_code == 403 and "RPT-1" in response.text
