"""The daily screens in a real browser, each as its role, in Chinese and in English (issue 27):
the director's cockpit draws its charts beside the numbers, the technologist calls the next
patient with one key and sees the whole exam on the room screen, the patient prints a
released report at the kiosk once."""

from __future__ import annotations

import pytest

from yiji.site.demo import hospital as demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WORDS = {
    "zh-hans": {"cockpit": "今日检查", "identity": "核对患者身份", "again": "补打请到登记台"},
    "en": {"cockpit": "Exams today", "identity": "Check the patient", "again": "ask at the desk"},
}


@pytest.fixture
def site(live_server):
    from yiji.site.demo import clinical

    demo.load()
    clinical.load()
    return live_server.url


def _released_report():
    """One report signed as the demo's physician and group leader would sign it."""
    from django.contrib.auth import get_user_model

    from yiji.orders.models import Exam, ExamStatus
    from yiji.reports import services

    users = get_user_model().objects.in_bulk(["physician", "leader"], field_name="username")
    exam = Exam.objects.filter(
        status=ExamStatus.COMPLETED, department__code="RAD", patient__id_card__regex=r".{6}"
    ).first()
    report = services.save_draft(
        users["physician"], exam, services.Draft("双肺纹理清晰。", "胸部未见异常。"),
        expected_version=0,
    )  # fmt: skip
    report = services.submit(users["physician"], report, demo.DEMO_PASSWORD)
    if report.status != "final":
        report = services.sign_final(users["leader"], report, demo.DEMO_PASSWORD)
    return report


def _in(page, site: str, language: str) -> None:
    page.context.add_cookies([{"name": "django_language", "value": language, "url": site}])


def test_cockpit_room_screen_and_kiosk_in_both_languages(browser, site):
    from yiji.core.models import Room
    from yiji.orders.models import Exam, ExamStatus

    room = Room.objects.get(code="CT1")
    released = _released_report()
    for language in ("zh-hans", "en"):
        words = WORDS[language]
        context = browser.new_context(locale="zh-CN")
        page = context.new_page()
        _in(page, site, language)
        _login(page, site, "director")
        page.goto(f"{site}/quality/cockpit/")
        assert words["cockpit"] in page.locator(".tiles").inner_text()
        page.wait_for_selector("[data-cockpit-chart=exams] canvas")
        total = page.locator(".tile strong").first.inner_text()
        assert int(total) > 0
        context.close()

        context = browser.new_context(locale="zh-CN")
        page = context.new_page()
        _in(page, site, language)
        _login(page, site, "tech")
        page.goto(f"{site}/rooms/{room.pk}/queue/")
        waiting = Exam.objects.filter(room=room, status=ExamStatus.ARRIVED).count()
        page.keyboard.press("n")  # call the next patient: one key
        page.wait_for_load_state("load")
        if waiting:
            page.wait_for_selector(".identity")
            assert words["identity"] in page.locator(".identity h2").inner_text()
            assert page.locator("form input[name=next][value=room]").count() > 0
        context.close()

        kiosk = browser.new_context(locale="zh-CN").new_page()
        _in(kiosk, site, language)
        kiosk.goto(f"{site}/kiosk/")
        kiosk.fill("#code", released.exam.accession)
        kiosk.fill("#card", released.exam.patient.id_card[-6:])
        if language == "zh-hans":
            with kiosk.expect_response(lambda r: r.url.endswith("/kiosk/")) as answer:
                kiosk.click("button.primary")
            assert answer.value.headers["content-type"] == "application/pdf"
        else:  # printed once already: the kiosk sends the patient to the desk
            kiosk.click("button.primary")
            assert words["again"] in kiosk.locator(".errors").inner_text()
        kiosk.context.close()


def _login(page, site: str, username: str) -> None:
    page.goto(site + "/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", demo.DEMO_PASSWORD)
    page.click("button.primary")
    page.wait_for_url(site + "/")
