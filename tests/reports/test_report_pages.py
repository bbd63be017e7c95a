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


def test_the_positive_flag_shows_again_after_saving(doctor, completed, items, client_for):
    exam = completed(items["chest"])
    writer = client_for(doctor("resident"))
    writer.post(f"/exams/{exam.pk}/report/", {**_form(positive="true"), "action": "save"})
    page = writer.get(f"/exams/{exam.pk}/report/")
    assert '<option value="true" selected>' in page.text
    shown = page.context["form"]["positive"].value()
    version = page.context["form"]["version"].value()
    writer.post(  # saved again as shown: the flag stays
        f"/exams/{exam.pk}/report/",
        {**_form(version=version, positive="true" if shown else "unknown"), "action": "save"},
    )
    assert Report.objects.get(exam=exam).positive is True


@pytest.mark.rules("RPT-1")
def test_a_mistyped_signature_then_the_right_one_signs(doctor, completed, items, client_for):
    exam = completed(items["chest"])
    writer = client_for(doctor("resident"))
    wrong = writer.post(
        f"/exams/{exam.pk}/report/", {**_form(), "action": "submit", "signature": "wrong-pw"}
    )
    assert wrong.status_code == 200
    report = Report.objects.get(exam=exam)
    assert report.status == ReportStatus.DRAFT  # the text is kept as a draft
    version = wrong.context["form"]["version"].value()
    assert int(version) == report.version
    writer.post(
        f"/exams/{exam.pk}/report/",
        {**_form(version=version), "action": "submit", "signature": PASSWORD},
    )
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED


@pytest.mark.rules("RPT-1", "RPT-2", "RAD-1")
def test_an_author_with_an_expired_licence_cannot_submit_but_a_trainee_goes_to_review(
    doctor, completed, items, client_for
):
    exam = completed(items["ct_head"])
    lapsed = client_for(doctor("attending", licence="expired"))
    refused = lapsed.post(
        f"/exams/{exam.pk}/report/",
        {**_form(), "action": "submit", "signature": PASSWORD},
        follow=True,
    )
    assert "RAD-1" in refused.text and "不能签发报告" in refused.text
    assert Report.objects.get(exam=exam).status == ReportStatus.DRAFT
    other = completed(items["ct_head"])
    trainee = client_for(doctor("resident", licence="none", trainee="residency"))
    trainee.post(
        f"/exams/{other.pk}/report/", {**_form(), "action": "submit", "signature": PASSWORD}
    )
    assert Report.objects.get(exam=other).status == ReportStatus.SUBMITTED  # to a superior


def test_a_stale_save_keeps_both_texts_and_says_why(doctor, completed, items, client_for):
    exam = completed(items["chest"])
    first, second = client_for(doctor("resident")), client_for(doctor("attending"))
    first.post(f"/exams/{exam.pk}/report/", {**_form(), "action": "save"})
    first.post(
        f"/exams/{exam.pk}/report/", {**_form(version=1, findings="第一位"), "action": "save"}
    )
    # The colleague takes the case over (the first still holds it), with a form opened at v1.
    second.post(f"/exams/{exam.pk}/report/", {"action": "take_over", "reason": "协助完成"})
    stale = second.post(
        f"/exams/{exam.pk}/report/", {**_form(version=1, findings="第二位"), "action": "save"}
    )
    assert stale.status_code == 200 and "第二位" in stale.text
    assert Report.objects.get(exam=exam).findings == "第一位"


def test_technologists_cannot_write_reports(completed, items, client_for, technologist):
    exam = completed(items["chest"])
    response = client_for(technologist).get(f"/exams/{exam.pk}/report/")
    assert response.status_code == 403 and "RPT-1" in response.text


def test_autosave_keeps_the_version_moving_and_stops_on_a_conflict(
    doctor, completed, items, client_for
):
    exam = completed(items["chest"])
    client = client_for(doctor("resident"))
    first = client.post(f"/exams/{exam.pk}/report/autosave/", _form(), HTTP_HX_REQUEST="true")
    assert first.status_code == 200 and 'value="1"' in first.text and "hx-swap-oob" in first.text
    second = client.post(
        f"/exams/{exam.pk}/report/autosave/",
        _form(version=1, findings="改"),
        HTTP_HX_REQUEST="true",
    )
    assert 'value="2"' in second.text
    stale = client.post(
        f"/exams/{exam.pk}/report/autosave/",
        _form(version=1, findings="旧"),
        HTTP_HX_REQUEST="true",
    )
    assert "hx-swap-oob" not in stale.text
    assert Report.objects.get(exam=exam).findings == "改"


def test_the_reading_list_filters_by_modality_group_and_day(
    doctor, completed, items, client_for, rooms, imaging, frozen_clock
):
    from tests.orders.fixtures import at
    from yiji.core.models import WorkGroup

    ct = WorkGroup.objects.create(department=imaging, code="CT", name="CT组")
    rooms["CT1"].group = ct
    rooms["CT1"].save()
    head = completed(items["ct_head"])
    chest = completed(items["chest"])
    client = client_for(doctor("attending"))

    def shown(**params):
        return {row[0] for row in client.get("/reading/", params).context["rows"]}

    assert shown() == {head, chest}
    assert shown(modality="CT") == {head}
    assert shown(group=ct.pk) == {head}
    assert shown(day=at(0).date().isoformat()) == {head, chest}
    assert shown(day="2020-01-01") == set()


def test_the_page_title_is_text_and_the_template_script_is_in_the_page(
    doctor, completed, items, client_for
):
    exam = completed(items["chest"])
    page = (
        client_for(doctor("attending"))
        .get(f"/exams/{exam.pk}/report/", HTTP_ACCEPT_LANGUAGE="en")
        .text
    )
    title = page.split("<title>", 1)[1].split("</title>", 1)[0]
    assert "<script" not in title and "querySelectorAll" not in title
    assert page.count("button.insert") == 1  # the editor's script, once: a phrase goes in once
    assert ">Findings" in page  # a label starts with a capital in English
