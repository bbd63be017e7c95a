"""Check-in: identity (ORD-5), accompaniment (ORD-4), allergy screen (ORD-6), appointment
(SCH-1), emergencies on arrival and first in the queue (ORD-2), and the queue itself."""

from __future__ import annotations

import pytest

from tests.orders.fixtures import at
from yiji.core import policy
from yiji.core.rulebook import RuleViolation
from yiji.orders.checkin import (
    Identifiers,
    call_next,
    check_in,
    mark_no_show,
    masked_name,
    queue,
)
from yiji.orders.models import AllergyScreen, EventKind, ExamStatus
from yiji.orders.scheduling import book


@pytest.fixture
def ids(patient):
    return Identifiers(name=patient.name, patient_id=patient.patient_id)


@pytest.mark.rules("ORD-5")
def test_two_matching_identifiers_check_the_patient_in(clerk, order, items, ids):
    exam = check_in(clerk.user, order(items["chest"])[0], ids)
    assert exam.status == ExamStatus.ARRIVED
    assert exam.accession.startswith("A20261123") and exam.queue_number == 1
    assert exam.room.code == "DR1"
    assert exam.events.filter(kind=EventKind.ARRIVED).exists()


@pytest.mark.rules("ORD-5")
@pytest.mark.parametrize(
    "given",
    [
        Identifiers(name="张三明"),  # one identifier only
        Identifiers(name="张三明", patient_id="P999"),  # a wrong one
        Identifiers(name="李四", birth_date="1970-05-01"),
        Identifiers(),
    ],
)
def test_identity_check_refuses(clerk, order, items, given):
    exam = order(items["chest"])[0]
    with pytest.raises(RuleViolation) as refused:
        check_in(clerk.user, exam, given)
    assert refused.value.rule_id == "ORD-5"
    exam.refresh_from_db()
    assert exam.status == ExamStatus.REQUESTED and exam.accession is None


@pytest.mark.rules("ORD-5")
def test_birth_date_and_id_card_count_as_identifiers(clerk, order, items):
    given = Identifiers(birth_date="1970-05-01", id_card="11010519491231002x")
    assert check_in(clerk.user, order(items["chest"])[0], given).status == ExamStatus.ARRIVED


@pytest.mark.rules("ORD-4")
def test_inpatients_need_an_accompanying_physician(clerk, order, items, ids, patient):
    patient.source = "inpatient"
    patient.save()
    exam = order(items["chest"])[0]
    with pytest.raises(RuleViolation) as refused:
        check_in(clerk.user, exam, ids)
    assert refused.value.rule_id == "ORD-4" and "陪同医师" in refused.value.zh
    exam = check_in(clerk.user, exam, ids, accompanying_physician="王医生")
    assert exam.accompanying_physician == "王医生"


@pytest.mark.rules("ORD-4")
def test_critically_ill_patients_need_an_accompanying_physician(clerk, order, items, ids):
    exam = order(items["chest"], critically_ill=True)[0]
    with pytest.raises(RuleViolation, match="ORD-4"):
        check_in(clerk.user, exam, ids)


@pytest.mark.rules("ORD-4")
def test_an_outpatient_enhanced_ct_needs_no_escort_but_special_contrast_does(
    clerk, director, order, items, ids, imaging
):
    enhanced = order(items["ct_enh"], priority="urgent", allergy_screen=AllergyScreen.CLEAR)[0]
    assert check_in(clerk.user, enhanced, ids, consent_by=clerk).accompanying_physician == ""
    barium = order(items["barium"], priority="urgent", allergy_screen=AllergyScreen.CLEAR)[0]
    with pytest.raises(RuleViolation, match="ORD-4"):  # 特殊造影: an X-ray contrast study
        check_in(clerk.user, barium, ids)
    policy.change(  # a hospital may widen it to every exam with contrast
        director.user, "ord.accompanied_patient_classes", ["special_contrast", "contrast"],
        hospital=imaging.hospital, reason="测试",
    )  # fmt: skip
    widened = order(items["ct_enh"], priority="urgent", allergy_screen=AllergyScreen.CLEAR)[0]
    with pytest.raises(RuleViolation, match="ORD-4"):
        check_in(clerk.user, widened, ids)


@pytest.mark.rules("ORD-6", "SCH-1")
def test_contrast_needs_a_clear_allergy_screen(clerk, order, items, ids, rooms):
    exam = order(items["ct_enh"], priority="urgent")[0]  # urgent: no booking needed
    with pytest.raises(RuleViolation) as refused:
        check_in(clerk.user, exam, ids, accompanying_physician="王医生")
    assert refused.value.rule_id == "ORD-6"
    found = order(items["ct_enh"], priority="urgent", allergy_screen=AllergyScreen.CONTRAINDICATED)
    with pytest.raises(RuleViolation, match="ORD-6"):
        check_in(clerk.user, found[0], ids, accompanying_physician="王医生")
    clear = order(items["ct_enh"], priority="urgent", allergy_screen=AllergyScreen.CLEAR)[0]
    assert check_in(
        clerk.user, clear, ids, accompanying_physician="王医生", consent_by=clerk
    ).accession


@pytest.mark.rules("SCH-1")
def test_items_booked_in_advance_are_not_checked_in_without_an_appointment(
    clerk, order, items, ids, rooms
):
    exam = order(items["ct_enh"], allergy_screen=AllergyScreen.CLEAR)[0]
    with pytest.raises(RuleViolation) as refused:
        check_in(clerk.user, exam, ids, accompanying_physician="王医生")
    assert refused.value.rule_id == "SCH-1"
    book(clerk.user, exam, rooms["CT1"], at(9, 0))
    checked = check_in(clerk.user, exam, ids, accompanying_physician="王医生", consent_by=clerk)
    assert checked.room == rooms["CT1"]


@pytest.mark.rules("ORD-2")
def test_emergencies_are_examined_on_arrival_ahead_of_the_queue(
    clerk, technologist, order, items, ids, frozen_clock
):
    room_first = check_in(clerk.user, order(items["chest"])[0], ids)
    frozen_clock.shift(60)
    routine_second = check_in(clerk.user, order(items["chest"])[0], ids)
    frozen_clock.shift(60)
    emergency = check_in(clerk.user, order(items["chest"], priority="urgent")[0], ids)
    room = room_first.room
    assert [e.pk for e in queue(room)] == [emergency.pk, room_first.pk, routine_second.pk]
    assert call_next(technologist.user, room).pk == emergency.pk
    assert call_next(technologist.user, room).pk == room_first.pk


@pytest.mark.rules("ORD-2")
def test_without_emergencies_the_queue_is_by_arrival(
    clerk, technologist, order, items, ids, frozen_clock
):
    first = check_in(clerk.user, order(items["chest"])[0], ids)
    frozen_clock.shift(30)
    second = check_in(clerk.user, order(items["chest"])[0], ids)
    assert [e.pk for e in queue(first.room)] == [first.pk, second.pk]
    assert call_next(technologist.user, first.room).pk == first.pk


def test_no_show_leaves_the_queue(clerk, technologist, order, items, ids):
    exam = check_in(clerk.user, order(items["chest"])[0], ids)
    mark_no_show(technologist.user, exam)
    assert not queue(exam.room).exists()


def test_a_cancelled_requisition_cannot_be_checked_in(clerk, clinician, order, items, ids):
    from yiji.orders.services import cancel_requisition

    exam = order(items["chest"])[0]
    cancel_requisition(clinician.user, exam.requisition, "重复开单")
    with pytest.raises(RuleViolation):
        check_in(clerk.user, exam, ids)


@pytest.mark.parametrize(
    ("name", "shown"), [("张三明", "张*明"), ("张三", "张*"), ("欧阳娜娜", "欧**娜")]
)
def test_public_screens_mask_names(name, shown):
    assert masked_name(name) == shown


def test_a_skipped_patient_goes_to_the_back_and_keeps_the_arrival_time(
    clerk, technologist, order, items, ids, frozen_clock, client_for
):
    first = check_in(clerk.user, order(items["chest"])[0], ids)
    frozen_clock.shift(60)
    second = check_in(clerk.user, order(items["chest"])[0], ids)
    frozen_clock.shift(60)
    client_for(technologist).post(
        f"/rooms/{first.room_id}/queue/", {"action": "skip", "exam": first.pk}
    )
    assert [e.pk for e in queue(first.room)] == [second.pk, first.pk]
    first.refresh_from_db()
    assert first.arrived_at < second.arrived_at
    assert first.events.filter(kind=EventKind.SKIPPED).exists()


@pytest.mark.rules("ORD-6")
def test_the_desk_completes_a_missing_contrast_screen_on_the_exam_page(
    clerk, client_for, order, items
):
    (exam,) = order(items["ct_enh"], priority="urgent")
    assert exam.requisition.allergy_screen == "not_done"
    client = client_for(clerk)
    page = client.get(f"/exams/{exam.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").text
    assert "对比剂过敏筛查" in page and 'name="allergy_screen"' in page
    refused = client.post(
        f"/exams/{exam.pk}/", {"action": "screen", "allergy_screen": "contraindicated"},
        HTTP_ACCEPT_LANGUAGE="zh-hans", follow=True,
    )  # fmt: skip
    assert "ORD-6" in refused.text  # a positive screen names what was found
    client.post(
        f"/exams/{exam.pk}/",
        {"action": "screen", "allergy_screen": "clear", "allergy_note": "否认过敏史，肾功能正常"},
    )
    exam.requisition.refresh_from_db()
    assert exam.requisition.allergy_screen == "clear"
    assert exam.requisition.allergy_screened_by == clerk
    assert "否认过敏史" in client.get(f"/exams/{exam.pk}/").text
