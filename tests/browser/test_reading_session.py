"""A collective reading session in a real browser: opened, chaired, a case added and
concluded with an addendum on its report, attendance taken, minutes written, closed."""

from __future__ import annotations

import pytest
from django.utils import timezone

from yiji.site.demo import hospital as demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def site(live_server):
    from yiji.site.demo import clinical

    demo.load()
    clinical.load()
    return live_server.url


def _signed_report():
    from django.contrib.auth import get_user_model

    from yiji.orders.models import Exam
    from yiji.reports import services

    users = get_user_model().objects
    exam = Exam.objects.filter(status="completed", modality="DR", report__isnull=True).first()
    writer, reviewer = users.get(username="physician"), users.get(username="deputy")
    draft = services.Draft("双肺纹理清晰。", "胸部未见异常。")
    report = services.save_draft(writer, exam, draft, expected_version=0)
    report = services.submit(writer, report, demo.DEMO_PASSWORD)
    return services.sign_final(reviewer, report, demo.DEMO_PASSWORD)


def test_a_reading_session_from_opening_to_closing(page, site, login):
    from yiji.core.models import CalendarDay, DayKind
    from yiji.reports.models import Report

    # Whatever day the test runs on, it is a working day for this session.
    CalendarDay.objects.create(day=timezone.localdate(), kind=DayKind.WORKDAY, name="测试")
    report = _signed_report()

    login(site, "director")
    page.goto(site + "/quality/sessions/")
    page.click("#open-today")
    page.wait_for_url("**/quality/sessions/*/")
    session_url = page.url

    page.select_option("#chair", label="王建国（主任医师）")
    page.click("form:has(input[value=chair]) button")
    page.wait_for_url(session_url)
    assert "王建国" in page.locator("#chair option:checked").inner_text()

    page.fill("input[name=accession]", report.exam.accession)
    page.click("form:has(input[value=add_case]) button")
    page.wait_for_url(session_url)
    case = page.locator("article.case", has_text=report.exam.accession)
    case.locator("textarea[name=conclusion]").fill("右肺上叶小结节，建议三个月后复查。")
    case.locator("input[name=changes_diagnosis]").check()
    case.locator("input[name=secret]").fill(demo.DEMO_PASSWORD)
    case.locator("form button").click()
    page.wait_for_url(session_url)
    case = page.locator("article.case", has_text=report.exam.accession)
    assert "右肺上叶小结节" in case.inner_text()

    for select in page.locator("select[name^=presence-]").all():
        select.select_option("present")
    page.click("form:has(input[value=attendance]) button")
    page.wait_for_url(session_url)

    page.fill("textarea[name=minutes]", "讨论1例，结论已补充到报告。")
    page.click("form:has(input[value=close]) button")
    page.wait_for_url(session_url)
    assert "已结束" in page.locator("h1").inner_text()

    report = Report.objects.get(pk=report.pk)
    assert report.status == "amended"
    assert report.addenda.get().text == "右肺上叶小结节，建议三个月后复查。"
