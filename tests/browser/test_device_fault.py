"""A device fault in a real browser (EQP-3): the technologist reports it from the exam
screen, the device goes out of service, and the registration desk moves a waiting
appointment to the other room in one step."""

from __future__ import annotations

import pytest

from yiji.site.demo import hospital as demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def site(live_server):
    from yiji.site.demo import clinical

    demo.load()
    clinical.load()
    return live_server.url


def _setting_up():
    """An arrived patient in a room that has a sister room, a device there, and a booked
    appointment on it for later."""
    from django.contrib.auth import get_user_model

    from yiji.core.models import Room, Staff
    from yiji.equipment import services
    from yiji.equipment.models import Device
    from yiji.orders import scheduling
    from yiji.orders.models import Exam, ExamStatus

    # The demo technologist's own department (ARC-5: another's exams ask for break-glass).
    arrived = Exam.objects.filter(
        status=ExamStatus.ARRIVED, room__isnull=False, department__code="RAD"
    )
    for exam in arrived:
        sisters = Room.objects.filter(department=exam.department, active=True).exclude(
            pk=exam.room_id
        )
        if any(exam.modality in room.modalities for room in sisters):
            break
    else:
        pytest.fail("the demo has no arrived patient in a room with a sister room")
    engineer = get_user_model().objects.get(username="engineer")
    device = services.register_device(
        engineer,
        Device(
            department=exam.department, name="测试设备", kind=exam.modality,
            modality=exam.modality, manufacturer="厂家", model="型号", serial="BROWSER-1",
            room=exam.room, custodian=Staff.objects.get(user__username="tech"),
        ),
    )  # fmt: skip
    clerk = get_user_model().objects.get(username="clerk")
    waiting = Exam.objects.filter(
        department=exam.department, modality=exam.modality, status=ExamStatus.REQUESTED
    ).first()
    slot = scheduling.earliest_slot(waiting, room=exam.room)
    scheduling.book(clerk, waiting, exam.room, slot[1])
    return exam, device, waiting


def test_fault_from_the_exam_screen_then_the_desk_moves_the_appointment(page, browser, site, login):
    from yiji.equipment.models import Device, DeviceStatus
    from yiji.orders.models import Exam

    exam, device, waiting = _setting_up()

    login(site, "tech")
    page.goto(f"{site}/exams/{exam.pk}/")
    page.click("details.fault summary")
    page.fill("details.fault input[name=description]", "球管过热报警，无法曝光")
    page.click("#report-fault")
    page.wait_for_url(f"{site}/equipment/{device.pk}/")
    assert "停机中" in page.content()
    assert Device.objects.get(pk=device.pk).status == DeviceStatus.FAULT

    desk = browser.new_context(locale="zh-CN").new_page()
    desk.goto(site + "/login/")
    desk.fill("#id_username", "clerk")
    desk.fill("#id_password", demo.DEMO_PASSWORD)
    desk.click("button.primary")
    desk.wait_for_url(site + "/")
    desk.goto(f"{site}/equipment/{device.pk}/")
    row = desk.locator("tr", has=desk.locator(f"input[name=exam][value='{waiting.pk}']"))
    row.locator("button").click()
    desk.wait_for_url(f"{site}/equipment/{device.pk}/")
    assert "预约已改到其他机房" in desk.content()
    moved = Exam.objects.get(pk=waiting.pk)
    assert moved.room_id != exam.room_id and moved.status == "booked"
