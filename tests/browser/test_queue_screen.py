"""The waiting-room screen in a real browser (issue 27, point 3): it shows the patient called
and the next three with masked names, and announces each new call — a recall too — by the
browser's speech synthesis in Chinese, never the name; what was on the screen when it opened
is not announced. (Speech is recorded by replacing speechSynthesis.speak: the machine has no
speakers.)"""

from __future__ import annotations

import pytest

from yiji.site.demo import hospital as demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RECORD_SPEECH = """
window.spoken = [];
window.speechSynthesis.speak = (utterance) => window.spoken.push([utterance.lang, utterance.text]);
"""


def _wait_for_speech(page, count: int) -> None:
    """Poll from Python: a waiting function would be evaluated as a string, which the page's
    Content-Security-Policy forbids."""
    for _ in range(40):
        if page.evaluate("window.spoken.length") >= count:
            return
        page.wait_for_timeout(500)
    raise AssertionError(f"expected {count} announcements, heard {page.evaluate('window.spoken')}")


@pytest.fixture
def site(live_server):
    from yiji.site.demo import clinical

    demo.load()
    clinical.load()
    return live_server.url


def test_a_call_is_shown_and_announced_by_voice_and_a_recall_again(page, site):
    from django.contrib.auth import get_user_model

    from yiji.orders import checkin
    from yiji.orders.models import Exam, ExamStatus

    waiting = Exam.objects.filter(status=ExamStatus.ARRIVED, room__isnull=False).first()
    room = waiting.room
    tech = get_user_model().objects.get(username="tech")
    page.add_init_script(RECORD_SPEECH)
    page.goto(f"{site}/screen/{room.pk}/")
    assert page.locator("ol.next li").count() <= 3
    assert page.evaluate("window.spoken") == []  # nothing new yet
    called = checkin.call_next(tech, room)
    _wait_for_speech(page, 1)
    lang, text = page.evaluate("window.spoken[0]")
    assert lang == "zh-CN" and f"{called.queue_number}号" in text and room.name in text
    assert called.patient.name not in text and called.patient.name[0] not in text[:2]
    assert page.locator(".now strong").inner_text() == str(called.queue_number)
    checkin.recall(tech, called)
    _wait_for_speech(page, 2)
    page.click("#repeat")
    _wait_for_speech(page, 3)  # the desk repeats it on demand


def test_the_screen_recovers_by_itself_after_the_network_drops(page, site):
    from django.contrib.auth import get_user_model

    from yiji.orders import checkin
    from yiji.orders.models import Exam, ExamStatus

    room = Exam.objects.filter(status=ExamStatus.ARRIVED, room__isnull=False).first().room
    tech = get_user_model().objects.get(username="tech")
    page.add_init_script(RECORD_SPEECH)
    page.goto(f"{site}/screen/{room.pk}/")
    page.context.set_offline(True)
    page.wait_for_selector(".offline-note", state="visible", timeout=15000)
    called = checkin.call_next(tech, room)  # called while the screen cannot hear
    page.context.set_offline(False)
    page.wait_for_selector(".offline-note", state="hidden", timeout=15000)
    _wait_for_speech(page, 1)
    assert page.locator(".now strong").inner_text() == str(called.queue_number)
