"""Each ORD/SCH/EXM rule through the HTTP interface: the refusal names the rule, the allowed
path goes through. (The service-level tests sit beside the services' own test modules.)"""

from __future__ import annotations

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from tests.orders.fixtures import at, credentialed
from yiji.core.models import PhysicianTitle, Role
from yiji.orders.checkin import Identifiers, check_in
from yiji.orders.models import AllergyScreen, ExamStatus


def _api(staff) -> Client:
    out = StringIO()
    call_command("token", "create", staff.user.username, stdout=out)
    return Client(HTTP_AUTHORIZATION=f"Bearer {out.getvalue().strip()}")


def _order(client, items, **fields):
    payload = {
        "patient_id": "P100",
        "items": items,
        "ordering_department": "ED",
        "clinical_history": "史",
        "clinical_diagnosis": "诊断",
        "purpose": "目的",
        **fields,
    }
    response = client.post("/api/requisitions", payload, content_type="application/json")
    return response


def _book(client, exam_id, room, start, **extra):
    return client.post(
        f"/api/exams/{exam_id}/booking",
        {"room": room, "start": start.isoformat(), **extra},
        content_type="application/json",
    )


def _checkin(client, exam_id, **extra):
    return client.post(
        f"/api/exams/{exam_id}/check-in",
        {"name": "张三明", "patient_id": "P100", **extra},
        content_type="application/json",
    )


@pytest.fixture
def ward_api(clinician, items, patient, rooms):
    return _api(clinician)


@pytest.fixture
def desk(clerk):
    return _api(clerk)


def _exam_id(response):
    assert response.status_code == 201, response.content
    return response.json()["exams"][0]["id"]


@pytest.mark.rules("ORD-3")
def test_ord3_bedside_http(ward_api):
    refused = _order(ward_api, ["CT-HEAD"], bedside=True)
    assert refused.status_code == 409 and refused.json()["rule"] == "ORD-3"
    assert _order(ward_api, ["DR-CHEST"], bedside=True).status_code == 201


@pytest.mark.rules("ORD-6")
def test_ord6_allergy_screen_http(ward_api, desk):
    exam = _exam_id(_order(ward_api, ["CT-CHEST-E"], priority="urgent"))
    refused = _checkin(desk, exam, accompanying_physician="王医生")
    assert refused.status_code == 409 and refused.json()["rule"] == "ORD-6"
    clear = _exam_id(
        _order(ward_api, ["CT-CHEST-E"], priority="urgent", allergy_screen=AllergyScreen.CLEAR)
    )
    assert (
        _checkin(desk, clear, accompanying_physician="王医生", informed_consent=True).status_code
        == 200
    )


@pytest.mark.rules("SCH-1", "ORD-2")
def test_sch1_appointment_needed_unless_emergency_http(ward_api, desk):
    routine = _exam_id(_order(ward_api, ["CT-CHEST-E"], allergy_screen="clear"))
    refused = _checkin(desk, routine, accompanying_physician="王医生")
    assert refused.status_code == 409 and refused.json()["rule"] == "SCH-1"
    assert _book(desk, routine, "CT1", at(9, 0)).status_code == 200
    assert (
        _checkin(desk, routine, accompanying_physician="王医生", informed_consent=True).status_code
        == 200
    )
    urgent = _exam_id(_order(ward_api, ["CT-CHEST-E"], allergy_screen="clear", priority="urgent"))
    assert (
        _checkin(desk, urgent, accompanying_physician="王医生", informed_consent=True).status_code
        == 200
    )


@pytest.mark.rules("SCH-2")
def test_sch2_functional_first_http(ward_api, desk):
    response = _order(ward_api, ["DR-CHEST", "US-LIVER"])
    chest, liver = (e["id"] for e in response.json()["exams"])
    refused = _book(desk, chest, "DR1", at(9, 0))
    assert refused.status_code == 409 and refused.json()["rule"] == "SCH-2"
    assert _book(desk, liver, "US1", at(8, 0)).status_code == 200
    assert _book(desk, chest, "DR1", at(9, 0)).status_code == 200


@pytest.mark.rules("SCH-4")
def test_sch4_busy_morning_http(ward_api, desk, director, ultrasound):
    from yiji.core import policy

    policy.change(
        director.user,
        "sch.ultrasound_busy_threshold",
        1,
        hospital=ultrasound.hospital,
        department=ultrasound,
        reason="测试",
    )
    _book(desk, _exam_id(_order(ward_api, ["US-LIVER"])), "US1", at(8, 0))
    thyroid = _exam_id(_order(ward_api, ["US-THY"]))
    refused = _book(desk, thyroid, "US2", at(9, 0))
    assert refused.status_code == 409 and refused.json()["rule"] == "SCH-4"
    assert _book(desk, thyroid, "US2", at(14, 0)).status_code == 200


@pytest.mark.rules("SCH-7")
def test_sch7_inpatient_cutoff_http(ward_api, desk, patient):
    patient.source = "inpatient"
    patient.save()
    exam = _exam_id(_order(ward_api, ["DR-CHEST"]))
    refused = _book(desk, exam, "DR1", at(17, 10))
    assert refused.status_code == 409 and refused.json()["rule"] == "SCH-7"
    assert _book(desk, exam, "DR1", at(16, 0)).status_code == 200


@pytest.mark.rules("SCH-3")
def test_sch3_override_by_a_leader_http(ward_api, make_staff):
    leader = _api(make_staff(Role.GROUP_LEADER, Role.CLERK))
    exam = _exam_id(_order(ward_api, ["US-LIVER"]))
    refused = _book(leader, exam, "US1", at(14, 0))
    assert refused.status_code == 409 and refused.json()["overridable"] is True
    done = _book(leader, exam, "US1", at(14, 0), override_reason="患者只能下午来")
    assert done.status_code == 200


@pytest.mark.rules("ORD-2")
def test_ord2_queue_page_calls_the_emergency_first(ward_api, desk, technologist, client_for):
    routine = _exam_id(_order(ward_api, ["DR-CHEST"]))
    urgent = _exam_id(_order(ward_api, ["DR-CHEST"], priority="urgent"))
    room = _checkin(desk, routine).json()["room"]
    _checkin(desk, urgent)
    from yiji.core.models import Room

    page = client_for(technologist)
    room_pk = Room.objects.get(code=room).pk
    page.post(f"/rooms/{room_pk}/queue/", {"action": "call"})
    shown = page.get(f"/rooms/{room_pk}/queue/").context["current"]
    assert shown.pk == urgent


@pytest.fixture
def in_room(clerk, order, patient):
    def make(item, **fields):
        exam = order(item, **fields)[0]
        return check_in(
            clerk.user,
            exam,
            Identifiers(name=patient.name, patient_id="P100"),
            accompanying_physician="王医生",
            consent_by=clerk,
        )

    return make


def _act(client, exam, action, **data):
    return client.post(f"/exams/{exam.pk}/act/", {"action": action, **data}, follow=True)


@pytest.mark.rules("EXM-1", "EXM-2", "EXM-6")
def test_exm_1_2_6_through_the_exam_page(in_room, technologist, physician, client_for, items):
    exam = in_room(items["ct_enh"], priority="urgent", allergy_screen="clear")
    tech = client_for(technologist)
    assert "EXM-1" in _act(tech, exam, "start").text
    _act(tech, exam, "technique", protocol="双期增强")
    _act(client_for(physician), exam, "technique")
    _act(tech, exam, "start")
    _act(
        tech,
        exam,
        "record",
        kv="120",
        ctdi_vol="12.5",
        dlp="480",
        shielding="铅围脖",
        reaction="",
        contrast_route="",
    )
    assert "EXM-2" in _act(tech, exam, "complete").text
    _act(tech, exam, "accept")
    assert "EXM-6" in _act(tech, exam, "complete").text
    _act(
        tech,
        exam,
        "record",
        kv="120",
        ctdi_vol="12.5",
        dlp="480",
        shielding="铅围脖",
        contrast_agent="碘帕醇370",
        contrast_ml="70",
        contrast_route="iv",
        reaction="none",
    )
    _act(tech, exam, "complete")
    exam.refresh_from_db()
    assert exam.status == ExamStatus.COMPLETED and exam.record.contrast_ml == Decimal("70")


@pytest.mark.rules("EXM-3", "EXM-4")
def test_exm_3_4_through_the_exam_page(in_room, technologist, client_for, items):
    exam = in_room(items["chest"])
    tech = client_for(technologist)
    _act(tech, exam, "start")
    assert "EXM-3" in _act(tech, exam, "complete").text
    _act(tech, exam, "record", kv="125", mas="2.5", reaction="", contrast_route="")
    assert "EXM-4" in _act(tech, exam, "complete").text
    _act(
        tech,
        exam,
        "record",
        kv="125",
        mas="2.5",
        shielding="铅围裙",
        reaction="",
        contrast_route="",
    )
    _act(tech, exam, "complete")
    exam.refresh_from_db()
    assert exam.status == ExamStatus.COMPLETED


@pytest.mark.rules("EXM-7")
def test_exm7_through_the_exam_page(
    clerk, order, patient, technologist, make_staff, client_for, ultrasound
):
    from yiji.core.models import Department, Room
    from yiji.orders.models import ExamItem

    ecg = Department.objects.create(
        hospital=ultrasound.hospital, code="ECG", name="心电图室", kind="ecg"
    )
    Room.objects.create(department=ecg, code="ECG2", name="运动平板室", modalities=["ECG"])
    treadmill = ExamItem.objects.create(
        code="ECG-TM", name="运动平板试验", department=ecg, modality="ECG", exercise=True
    )
    exam = check_in(
        clerk.user, order(treadmill)[0], Identifiers(name=patient.name, patient_id="P100")
    )
    # The ECG room's own staff (ARC-5: the imaging department's would need break-glass).
    tech = client_for(credentialed(make_staff(Role.TECHNOLOGIST, department=ecg)))
    assert "EXM-7" in _act(tech, exam, "start").text
    doctor = make_staff(Role.PHYSICIAN, physician_title=PhysicianTitle.ATTENDING, department=ecg)
    _act(client_for(doctor), exam, "present")
    _act(tech, exam, "start")
    exam.refresh_from_db()
    assert exam.status == ExamStatus.IN_PROGRESS


def test_exam_page_bad_input_changes_nothing(in_room, technologist, client_for, items):
    exam = in_room(items["chest"])
    tech = client_for(technologist)
    _act(tech, exam, "start")
    response = _act(tech, exam, "record", kv="lots", reaction="", contrast_route="")
    assert response.status_code == 200
    assert _act(tech, exam, "nonsense").status_code == 200
    exam.refresh_from_db()
    assert exam.status == ExamStatus.IN_PROGRESS and not exam.record.kv
