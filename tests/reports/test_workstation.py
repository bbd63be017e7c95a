"""The reading workstation (issue 26, part): the context beside the text, priors of the same
body part first with the comparison sentence, the reviewer's send-back with a reason and the
diff since submission, the next case after signing, templates searchable by pinyin initials."""

from __future__ import annotations

import pytest

from tests.conftest import PASSWORD
from yiji.core.models import Notice
from yiji.reports import services
from yiji.reports.models import ReportStatus


def _draft(writer, exam, findings="双肺纹理清晰。", impression="胸部未见异常。"):
    return services.save_draft(
        writer.user, exam, services.Draft(findings, impression), expected_version=0
    )


def test_the_editor_shows_the_requisition_the_clock_and_the_priors(
    doctor, completed, items, client_for
):
    items["ct_head"].body_part = "头颅"
    items["ct_head"].save()
    writer, chief = doctor("attending"), doctor("chief")
    old_head = completed(items["ct_head"])
    head_draft = _draft(writer, old_head, "脑实质未见异常。", "颅脑CT平扫未见异常。")
    services.sign_final(chief.user, services.submit(writer.user, head_draft, PASSWORD), PASSWORD)
    old_chest = completed(items["chest"])
    services.sign_final(
        chief.user, services.submit(writer.user, _draft(writer, old_chest), PASSWORD), PASSWORD
    )
    exam = completed(items["ct_head"])
    page = client_for(writer).get(f"/exams/{exam.pk}/report/").content.decode()
    for shown in ("咳嗽两周", "明确诊断", "肺炎？", "急诊科", "报告时限", "分钟"):
        assert shown in page, shown
    # The head CT (same body part) comes before the later chest film, with its comparison.
    assert page.index("颅脑CT平扫未见异常") < page.index("胸部未见异常")
    assert "与2026-11-23 CT比较：" in page and "同一部位" in page


@pytest.mark.rules("RPT-2")
def test_the_reviewer_sends_a_report_back_with_a_reason_and_the_author_sees_it_first(
    doctor, completed, items, client_for
):
    writer, chief = doctor("attending"), doctor("chief")
    report = services.submit(writer.user, _draft(writer, completed(items["chest"])), PASSWORD)
    assert report.status == ReportStatus.SUBMITTED
    reviewer = client_for(chief)
    url = f"/exams/{report.exam_id}/report/"
    refused = reviewer.post(url, {"action": "send_back", "reason": ""}, follow=True)
    assert "RPT-2" in refused.content.decode()
    reviewer.post(url, {"action": "send_back", "reason": "印象与所见不符"})
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT and report.sent_back_reason == "印象与所见不符"
    assert report.author_signature is None
    assert Notice.objects.filter(recipient=writer, rule="RPT-2").exists()
    author = client_for(writer)
    listed = author.get("/reading/", {"tab": "sent_back"}).content.decode()
    assert url in listed
    page = author.get(url).content.decode()
    assert "印象与所见不符" in page and "已退回" in page
    services.submit(writer.user, report, PASSWORD)
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED and report.sent_back_at is None


def test_the_reviewer_sees_what_changed_since_the_author_signed(
    doctor, completed, items, client_for
):
    writer, chief = doctor("attending"), doctor("chief")
    report = services.submit(writer.user, _draft(writer, completed(items["chest"])), PASSWORD)
    services.save_draft(
        chief.user, report.exam,
        services.Draft("双肺纹理清晰，右下肺小结节。", "右下肺小结节。"),
        expected_version=report.version,
    )  # fmt: skip
    page = client_for(chief).get(f"/exams/{report.exam_id}/report/").content.decode()
    assert "<ins>，右下肺小结节</ins>" in page and "<del>胸部未见异常</del>" in page


def test_signing_opens_the_next_case_of_the_list(doctor, completed, items, client_for):
    writer = doctor("attending")
    first, second = completed(items["chest"]), completed(items["chest"])
    client = client_for(writer)
    client.post(
        f"/exams/{first.pk}/report/",
        {"action": "save", "version": 0, "findings": "双肺纹理清晰。", "impression": "未见异常。"},
    )
    page = client.get(f"/exams/{first.pk}/report/?tab=unreported").content.decode()
    assert f"/exams/{second.pk}/report/?tab=unreported" in page and 'data-shortcut="alt+n"' in page
    signed = client.post(
        f"/exams/{first.pk}/report/",
        {"action": "submit", "version": 1, "findings": "双肺纹理清晰。", "impression": "未见异常。",
         "signature": PASSWORD},
    )  # fmt: skip
    assert signed["Location"] == f"/exams/{second.pk}/report/?tab=unreported"


def test_templates_carry_their_pinyin_initials_for_the_search(doctor, completed, items, client_for):
    from yiji.reports.models import ReportTemplate

    ReportTemplate.objects.create(
        name="头颅CT平扫正常", modality="CT", findings="脑实质密度均匀。", impression="未见异常。"
    )
    exam = completed(items["ct_head"])
    page = client_for(doctor("attending")).get(f"/exams/{exam.pk}/report/").content.decode()
    assert 'data-initials="tlctpszc"' in page and 'data-shortcut="ctrl+k"' in page


def test_opening_a_case_claims_it_and_a_colleague_takes_over_with_a_reason(
    doctor, completed, items, client_for, frozen_clock
):
    first, second = doctor("attending"), doctor("attending")
    exam = completed(items["chest"])
    url = f"/exams/{exam.pk}/report/"
    client_for(first).get(url)  # claims it
    listed = client_for(second).get("/reading/").content.decode()
    assert first.name in listed  # who reads what
    page = client_for(second).get(url).content.decode()
    assert f"{first.name}正在阅此病例" in page and 'id="take-over"' in page
    assert 'id="id_findings"' not in page  # no editor while a colleague holds the case
    refused = client_for(second).post(
        url, {"action": "save", "version": 0, "findings": "x", "impression": "y"}, follow=True
    )
    assert "RPT-1" in refused.content.decode() and not hasattr(exam, "report")
    assert "RPT-1" in client_for(second).post(url, {"action": "take_over"}, follow=True).text
    client_for(second).post(url, {"action": "take_over", "reason": "急诊优先处理"})
    assert 'id="id_findings"' in client_for(second).get(url).content.decode()
    assert Notice.objects.filter(recipient=first, rule="RPT-1").exists()
    # A claim lapses after rpt.claim_minutes without activity.
    frozen_clock.shift(16 * 60)
    assert 'id="id_findings"' in client_for(first).get(url).content.decode()


def test_the_revision_rate_counts_material_changes_and_send_backs_per_author(
    doctor, completed, items, client_for, director
):
    import datetime as dt

    from yiji.reports.revisions import revision_rates

    trainee = doctor("resident", trainee="residency")
    chief = doctor("chief")
    kept = services.submit(trainee.user, _draft(trainee, completed(items["chest"])), PASSWORD)
    services.sign_final(chief.user, kept, PASSWORD)  # signed as written
    rewritten = services.submit(trainee.user, _draft(trainee, completed(items["chest"])), PASSWORD)
    services.save_draft(
        chief.user, rewritten.exam,
        services.Draft("右下肺见斑片状高密度影，边界模糊。", "右下肺炎症，建议治疗后复查。"),
        expected_version=rewritten.version,
    )  # fmt: skip
    services.sign_final(chief.user, rewritten, PASSWORD)
    returned = services.submit(trainee.user, _draft(trainee, completed(items["chest"])), PASSWORD)
    services.send_back(chief.user, returned, "印象不全")
    returned.refresh_from_db()
    services.submit(trainee.user, returned, PASSWORD)
    services.sign_final(chief.user, returned, PASSWORD)
    day = dt.date(2026, 11, 23)
    [row] = revision_rates(day, day)
    assert (row.author, row.reviewed, row.revised, row.sent_back) == (trainee, 3, 1, 1)
    assert row.rate == 33.3
    page = client_for(director).get(
        "/quality/revisions/", {"from": "2026-11-23", "to": "2026-11-23"}
    )
    assert page.status_code == 200 and "33.3%" in page.content.decode()
    # ... and on the trainee's running training plan.
    from yiji.people.models import TrainingPlan

    TrainingPlan.objects.create(
        staff=trainee, kind="resident", start=day, goals="规范化培训", mentor=chief
    )
    plans = client_for(director).get("/people/training/").content.decode()
    assert "33.3% (1/3)" in plans


def test_the_reading_list_filters_by_body_part_ward_waiting_and_mine(
    doctor, completed, items, client_for, frozen_clock
):
    items["ct_head"].body_part = "头颅"
    items["ct_head"].save()
    head, chest = completed(items["ct_head"]), completed(items["chest"])
    reader = doctor("attending")
    client = client_for(reader)

    def listed(**filters):
        rows = client.get("/reading/", filters).context["rows"]
        return {row[0].pk for row in rows}

    assert listed() == {head.pk, chest.pk}
    assert listed(body_part="头颅") == {head.pk}
    assert listed(ward=str(head.requisition.ordering_department_id)) == {head.pk, chest.pk}
    assert listed(waited="20") == set()
    frozen_clock.shift(21 * 60)  # within the session's idle time-out
    assert listed(waited="20") == {head.pk, chest.pk}
    client.get(f"/exams/{chest.pk}/report/")  # opening claims it
    assert listed(mine="1") == {chest.pk}
    assert listed(waited="soon") == {head.pk, chest.pk}  # a bad value is ignored


@pytest.mark.rules("RPT-10")
def test_leaders_keep_department_templates_and_readers_their_own(
    doctor, client_for, director, items
):
    from yiji.reports.models import ReportTemplate

    reader = client_for(doctor("attending"))
    refused = reader.post("/reading/templates/", {
        "name": "头颅CT正常", "modality": "CT", "body_part": "头颅", "findings": "脑实质未见异常。",
        "impression": "未见异常。", "shared": "on", "action": "save",
    })  # fmt: skip
    assert refused.status_code == 403 and not ReportTemplate.objects.exists()
    reader.post("/reading/templates/", {
        "name": "我的头颅正常", "findings": "脑实质未见异常。", "impression": "未见异常。",
        "action": "save",
    })  # fmt: skip
    mine = ReportTemplate.objects.get()
    assert mine.owner is not None
    leader = client_for(director)
    leader.post("/reading/templates/", {
        "name": "头颅CT正常", "modality": "CT", "body_part": "头颅", "findings": "脑实质未见异常。",
        "impression": "未见异常。", "shared": "on", "action": "save",
    })  # fmt: skip
    shared = ReportTemplate.objects.get(owner__isnull=True)
    page = reader.get("/reading/templates/").content.decode()
    assert "头颅CT正常" in page and 'data-initials="tlctzc"' in page and "我的头颅正常" in page
    leader.post("/reading/templates/", {"pk": mine.pk, "action": "delete"})
    assert ReportTemplate.objects.filter(pk=mine.pk).exists()  # not the leader's to delete
    leader.post("/reading/templates/", {"pk": shared.pk, "action": "delete"})
    assert not ReportTemplate.objects.filter(pk=shared.pk).exists()


def test_the_demo_has_a_normal_template_for_every_catalogue_group(db):
    from yiji.orders.catalogue import load_demo_catalogue
    from yiji.orders.models import ExamItem
    from yiji.reports.models import ReportTemplate
    from yiji.site.demo import hospital
    from yiji.site.demo.reports import load_templates

    hospital.load()
    load_demo_catalogue()
    load_templates()
    groups = set(
        ExamItem.objects.filter(active=True)
        .exclude(modality="LAB")
        .values_list("modality", "body_part")
    )
    kept = set(ReportTemplate.objects.filter(owner=None).values_list("modality", "body_part"))
    assert groups and groups <= kept


def test_each_tab_counts_the_rows_it_lists_for_each_reader(doctor, completed, items, client_for):
    from yiji.reports.views import TABS, reading_count, reading_rows

    writer, chief, colleague = doctor("attending"), doctor("chief"), doctor("attending")
    completed(items["chest"])  # waiting for a report
    _draft(writer, completed(items["chest"]))  # the writer's draft
    sent_back = services.submit(writer.user, _draft(writer, completed(items["ct_head"])), PASSWORD)
    services.send_back(chief.user, sent_back, "印象与所见不符")
    services.submit(colleague.user, _draft(colleague, completed(items["chest"])), PASSWORD)
    for reader in (writer, chief, colleague):
        for tab in TABS:
            rows = reading_rows(reader.user, tab)
            assert reading_count(reader.user, tab) == rows.count(), (reader, tab)
    assert [reading_count(writer.user, tab) for tab in TABS] == [1, 1, 2, 1, 0]
    page = client_for(writer).get("/reading/").content.decode()
    assert "退回" in page
