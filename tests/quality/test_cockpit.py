"""The cockpit (issue 27, point 4): the director's home is the department's day — exams by
modality and state, waiting per room, reports against their clocks, critical results not
acknowledged, devices, staff on duty, the month's indicators — each figure as the records
count it and each a link to its list; other roles' homes lead with their own queue."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone

from yiji.orders.models import Exam, ExamStatus


@pytest.fixture
def demo_day(db):
    from yiji.site.demo import clinical
    from yiji.site.demo import hospital as demo

    demo.load()
    clinical.load()


def _today_counts() -> dict:
    today = timezone.localdate()
    start = timezone.make_aware(dt.datetime.combine(today, dt.time.min))
    end = start + dt.timedelta(days=1)
    exams = Exam.objects.filter(
        Q(scheduled_start__range=(start, end - dt.timedelta(microseconds=1)))
        | Q(arrived_at__range=(start, end - dt.timedelta(microseconds=1)))
        | Q(created_at__range=(start, end - dt.timedelta(microseconds=1)))
    )
    return {
        "total": exams.count(),
        "ct_completed": exams.filter(modality="CT", status=ExamStatus.COMPLETED).count(),
        "waiting": Exam.objects.filter(status=ExamStatus.ARRIVED, room__isnull=False).count(),
    }


def _client(username):
    from django.test import Client

    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


def test_the_director_s_home_is_the_cockpit_with_the_records_figures(demo_day):
    expected = _today_counts()
    response = _client("director").get("/")
    assert response.status_code == 200
    [panel] = [p for p in response.context["panels"] if p.template.startswith("quality/")]
    figures = panel.context
    assert figures["exams"]["total"] == expected["total"] > 0
    assert figures["waiting_total"] == expected["waiting"]
    ct = {m: dict(counts) for m, _, counts, _ in figures["exams"]["rows"]}.get("CT", {})
    assert ct.get(ExamStatus.COMPLETED, 0) == expected["ct_completed"]
    html = response.content.decode()
    assert "驾驶舱" in html and "今日检查" in html and 'id="cockpit-data"' in html
    assert "/worklist/?modality=" in html and "/critical/" in html and "/equipment/due/" in html

    # The wall screen refreshes its body only; the same figures in English.
    fragment = _client("director").get("/quality/cockpit/", headers={"HX-Request": "true"})
    assert fragment.content.decode().startswith('<div class="cockpit"')
    english = _client("director")
    english.cookies["django_language"] = "en"
    html = english.get("/").content.decode()
    assert "Cockpit" in html and "Exams today" in html and "今日检查" not in html

    # A technologist's home has no cockpit, nor may they open it.
    response = _client("tech").get("/")
    assert not [p for p in response.context["panels"] if p.template.startswith("quality/")]
    assert _client("tech").get("/quality/cockpit/").status_code == 403


def test_the_cockpit_counts_what_is_not_acknowledged_and_what_is_down(demo_day):
    from yiji.equipment.models import Device, DeviceStatus
    from yiji.reports.critical import open_critical
    from yiji.site.demo import equipment

    equipment.load()

    exam = Exam.objects.filter(status=ExamStatus.COMPLETED, modality="CT").first()
    director = get_user_model().objects.get(username="director")
    open_critical(director, exam, "ICH", "颅内出血")
    device = Device.objects.exclude(status=DeviceStatus.RETIRED).first()
    Device.objects.filter(pk=device.pk).update(status=DeviceStatus.FAULT)
    html = _client("director").get("/quality/cockpit/").content.decode()
    assert "颅内出血" in html
    assert f"/exams/{exam.pk}/" in html and f"/equipment/{device.pk}/" in html
