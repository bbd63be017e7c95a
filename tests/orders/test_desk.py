"""The registration desk: patient search as you type, item search by pinyin initials with the
department's frequent items first, one-click earliest booking, the booking grid, the slip."""

from __future__ import annotations

import pytest

from tests.orders.fixtures import at
from yiji.core.models import Patient, Role
from yiji.orders.desk import item_initials, search_items
from yiji.orders.models import ExamStatus
from yiji.orders.scheduling import book


def test_item_initials_are_what_the_desk_types():
    assert item_initials("胸部CT平扫") == "xbctps"
    assert item_initials("肝胆胰脾双肾") == "gdypss"


def test_items_found_by_initials_code_and_name_frequent_first(order, items, imaging):
    assert [i.code for i in search_items("xbz")] == ["DR-CHEST"]  # 胸部正位
    assert [i.code for i in search_items("ct-head")] == ["CT-HEAD"]
    assert {i.code for i in search_items("CT")} == {"CT-HEAD", "CT-CHEST-E"}
    order(items["ct_enh"])
    listed = [i.code for i in search_items("", imaging)]
    assert listed[0] == "CT-CHEST-E", "the item the department booked comes first"


def test_the_desk_finds_the_patient_and_books_the_earliest_slot(
    clerk, client_for, order, items, patient
):
    exam = order(items["ct_head"])[0]
    client = client_for(clerk)
    fragment = client.get("/desk/", {"q": "张三"}, headers={"HX-Request": "true"})
    assert patient.name in fragment.content.decode()
    # Enter on a single match (an ID card read at the desk) chooses the patient at once.
    chosen = client.get("/desk/", {"q": patient.id_card})
    assert chosen.status_code == 302 and chosen["Location"].endswith(f"?patient={patient.pk}")
    page = client.get(chosen["Location"]).content.decode()
    assert items["ct_head"].name in page and "预约最早时段" in page
    response = client.post(f"/desk/exams/{exam.pk}/book/")
    assert response.status_code == 302
    exam.refresh_from_db()
    assert exam.status == ExamStatus.BOOKED and exam.scheduled_start == at(8)
    assert exam.room.code == "CT1"
    page = client.get(f"/desk/?patient={patient.pk}").content.decode()
    assert f"/exams/{exam.pk}/slip.pdf" in page


def test_a_found_accession_leads_to_its_patient(clerk, client_for, order, items, rooms, patient):
    exam = book(clerk.user, order(items["chest"])[0], rooms["DR1"], at(9))
    response = client_for(clerk).get("/desk/", {"q": exam.accession})
    assert response["Location"].endswith(f"?patient={patient.pk}")


def test_an_unknown_search_offers_registration(clerk, client_for, db):
    page = client_for(clerk).get("/desk/", {"q": "查无此人"}).content.decode()
    assert "没有符合条件的患者" in page and "/patients/new/" in page


@pytest.fixture
def us_clerk(make_staff, ultrasound):
    return make_staff(Role.CLERK, department=ultrasound)


@pytest.mark.rules("SCH-3")
def test_the_grid_shows_free_taken_and_the_rule_a_slot_breaks(
    us_clerk, client_for, order, items, rooms
):
    other = Patient.objects.create(patient_id="P200", name="李四", sex="F")
    book(us_clerk.user, order(items["us_thyroid"], patient=other)[0], rooms["US1"], at(8))
    exam = order(items["us_liver"])[0]  # fasting ultrasound: mornings only (SCH-3)
    page = client_for(us_clerk).get(f"/exams/{exam.pk}/grid/", {"day": "2026-11-23"})
    html = page.content.decode()
    assert page.status_code == 200
    assert "已约" in html  # US1 at 08:00
    assert 'data-slot="US2-0800"' in html and 'data-slot="US1-0800"' not in html
    assert "SCH-3" in html  # the afternoon
    assert 'data-slot="US1-1400"' not in html


def test_a_click_on_a_free_slot_books_it_and_a_refused_one_says_why(
    us_clerk, client_for, order, items, rooms
):
    exam = order(items["us_liver"])[0]
    client = client_for(us_clerk)
    refused = client.post(
        f"/exams/{exam.pk}/grid/?day=2026-11-23",
        {"room": rooms["US1"].pk, "start": at(14).isoformat()},
        follow=True,
    )
    assert "SCH-3" in refused.content.decode()
    exam.refresh_from_db()
    assert exam.status == ExamStatus.REQUESTED
    client.post(f"/exams/{exam.pk}/grid/", {"room": rooms["US2"].pk, "start": at(9).isoformat()})
    exam.refresh_from_db()
    assert exam.status == ExamStatus.BOOKED and exam.room == rooms["US2"]
    assert exam.scheduled_start == at(9)
    bad = client.post(f"/exams/{exam.pk}/grid/", {"room": rooms["US2"].pk, "start": "nonsense"})
    assert bad.status_code == 302


def test_the_requisition_form_picks_patient_and_items_by_search(
    clinician, client_for, items, patient
):
    client = client_for(clinician)
    found = client.get(
        "/patients/", {"q": "张三", "pick": "patient_id"}, headers={"HX-Request": "true"}
    ).content.decode()
    assert 'name="patient_id"' in found and patient.patient_id in found
    listed = client.get("/items/search/", {"item_q": "tlct"}).content.decode()
    assert items["ct_head"].name in listed and items["chest"].name not in listed
    form = client.get(f"/requisitions/new/?patient={patient.patient_id}").content.decode()
    assert patient.name in form and "<select" not in form.split('id="items-chosen"')[1][:200]
