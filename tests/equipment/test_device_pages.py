"""The equipment pages: a device registered from the form, a fault reported from the exam
screen, the waiting appointment moved in one step, the repair and the return recorded."""

from __future__ import annotations

import pytest

from tests.orders.fixtures import at
from yiji.core.models import Role
from yiji.equipment.models import Device, DeviceStatus, Fault
from yiji.orders import scheduling
from yiji.orders.checkin import Identifiers, check_in


@pytest.mark.rules("EQP-1")
def test_register_a_device_from_the_form(engineer, technologist, imaging, rooms, client_for):
    client = client_for(engineer)
    assert client.get("/equipment/new/").status_code == 200
    response = client.post(
        "/equipment/new/",
        {"department": imaging.pk, "name": "DR一号机", "kind": "DR", "modality": "DR",
         "manufacturer": "万东", "model": "newVision", "serial": "DR-77", "room": rooms["DR1"].pk,
         "custodian": technologist.pk, "status": "in_use", "hours_per_day": "8"},
    )  # fmt: skip
    device = Device.objects.get(serial="DR-77")
    assert response.url == f"/equipment/{device.pk}/"
    listing = client.get("/equipment/").content.decode()
    assert "DR一号机" in listing and "万东" in listing
    assert client_for(technologist).get("/equipment/new/").status_code == 403


@pytest.mark.rules("EQP-3", "EQP-4")
def test_fault_from_the_exam_screen_to_return(
    ct, engineer, technologist, clerk, order, items, patient, rooms, second_ct_room, client_for
):
    waiting = order(items["ct_head"])[0]
    scheduling.book(clerk.user, waiting, rooms["CT1"], at(10, 0))
    here = order(items["ct_head"])[0]
    scheduling.book(clerk.user, here, rooms["CT1"], at(9, 0))
    here = check_in(clerk.user, here, Identifiers(name=patient.name, patient_id=patient.patient_id))

    tech = client_for(technologist)
    screen = tech.get(f"/exams/{here.pk}/").content.decode()
    assert 'id="report-fault"' in screen
    tech.post(
        f"/equipment/{ct.pk}/", {"action": "fault", "description": "机架报错", "exam": here.pk}
    )
    fault = Fault.objects.get()
    assert fault.exam_id == here.pk and Device.objects.get(pk=ct.pk).status == DeviceStatus.FAULT
    page = tech.get(f"/equipment/{ct.pk}/")
    assert [exam.pk for exam, _rooms in page.context["affected"]] == [here.pk, waiting.pk]

    desk = client_for(clerk)
    moved = desk.post(
        f"/equipment/{ct.pk}/",
        {"action": "divert", "exam": waiting.pk, "room": second_ct_room.pk},
        follow=True,
    )
    assert moved.status_code == 200
    waiting.refresh_from_db()
    assert waiting.room == second_ct_room and waiting.scheduled_start == at(10, 0)

    engineer_client = client_for(engineer)
    refused = engineer_client.post(
        f"/equipment/{ct.pk}/", {"action": "repair", "fault": fault.pk, "cost": "abc"},
        follow=True,
    )  # fmt: skip
    assert "EQP-4" in refused.content.decode()
    engineer_client.post(
        f"/equipment/{ct.pk}/",
        {"action": "repair", "fault": fault.pk, "engineer": "王工", "repair": "重启并校准",
         "cause": "软件死机", "responsibility": "quality", "cost": "0"},
    )  # fmt: skip
    tech.post(f"/equipment/{ct.pk}/", {"action": "return", "fault": fault.pk, "check": "试扫正常"})
    fault.refresh_from_db()
    assert fault.returned_at is not None and fault.return_check == "试扫正常"
    assert Device.objects.get(pk=ct.pk).status == DeviceStatus.IN_USE
    assert client_for(clerk).get(f"/equipment/{ct.pk}/").status_code == 200
    assert (
        client_for(clerk)
        .post(f"/equipment/{ct.pk}/", {"action": "divert", "exam": "x"})
        .status_code
        == 404
    )


def test_clinicians_do_not_see_equipment(make_staff, client_for, ward):
    clinician = make_staff(Role.CLINICIAN, department=ward)
    assert client_for(clinician).get("/equipment/").status_code == 403


@pytest.mark.rules("EQP-2", "EQP-8")
def test_plans_are_added_recorded_and_charted_from_the_device_page(
    ct, engineer, technologist, client_for
):
    client_for(engineer).post(f"/equipment/{ct.pk}/", {"action": "plans"})
    daily = ct.plans.get(kind="daily")
    tech = client_for(technologist)
    items = {i.name: i for i in daily.items.all()}
    form = {"action": "record", "plan": daily.pk}
    form |= {
        f"item_{i.pk}": "pass" if i.kind == "pass_fail" else str(i.reference)
        for i in items.values()
    }
    refused = tech.post(
        f"/equipment/{ct.pk}/", {**form, f"item_{items['水模CT值'].pk}": "abc"}, follow=True
    )
    assert "请填写“水模CT值”的结果" in refused.content.decode()
    tech.post(f"/equipment/{ct.pk}/", {**form, f"item_{items['水模CT值'].pk}": "2.5"})
    page = tech.get(f"/equipment/{ct.pk}/")
    assert page.context["records"][0].outcome == "pass"
    water = next(t for t in page.context["trends"] if t["name"].startswith("水模CT值"))
    assert (water["values"], water["tolerance"], water["action"]) == ([2.5], 4.0, 6.0)
    due = tech.get("/equipment/due/")
    assert {d.plan.name for d in due.context["due"]} >= {"小保养", "月度检查"}
    assert "开机日检" not in {d.plan.name for d in due.context["due"] if d.overdue}


@pytest.mark.rules("EQP-1")
def test_documents_are_filed_with_a_checksum_and_served_to_staff_only(
    ct, engineer, technologist, client_for, settings, tmp_path, make_staff, ward
):
    import hashlib

    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    body = b"%PDF-1.4 acceptance report"
    client = client_for(engineer)
    client.post(
        f"/equipment/{ct.pk}/",
        {"action": "document", "title": "验收报告", "file": SimpleUploadedFile("a.pdf", body)},
    )
    refused = client.post(
        f"/equipment/{ct.pk}/",
        {"action": "document", "file": SimpleUploadedFile("run.exe", b"MZ")},
        follow=True,
    )
    assert "只能上传PDF" in refused.content.decode()
    (filed,) = ct.documents.all()
    assert filed.sha256 == hashlib.sha256(body).hexdigest()
    served = client_for(technologist).get(f"/equipment/{ct.pk}/documents/{filed.pk}/")
    assert b"".join(served.streaming_content) == body
    clinician = make_staff(Role.CLINICIAN, department=ward)
    assert client_for(clinician).get(f"/equipment/{ct.pk}/documents/{filed.pk}/").status_code == 403
