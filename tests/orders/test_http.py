"""The same rules through the pages and the JSON API: refusals name the rule, bad input
changes nothing, allowed paths work."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from tests.orders.fixtures import at
from yiji.orders.models import Exam, ExamStatus, Requisition


def _api(staff) -> Client:
    out = StringIO()
    call_command("token", "create", staff.user.username, stdout=out)
    return Client(HTTP_AUTHORIZATION=f"Bearer {out.getvalue().strip()}")


def _payload(**overrides):
    data = {
        "patient_id": "P100",
        "items": ["DR-CHEST"],
        "ordering_department": "ED",
        "clinical_history": "咳嗽两周",
        "clinical_diagnosis": "肺炎？",
        "purpose": "明确诊断",
    }
    return {**data, **overrides}


@pytest.fixture
def api(clinician, items, patient):
    return _api(clinician)


@pytest.mark.rules("ORD-1")
def test_api_creates_a_requisition(api):
    response = api.post("/api/requisitions", _payload(), content_type="application/json")
    assert response.status_code == 201
    body = response.json()
    assert body["exams"][0]["item"] == "DR-CHEST" and body["exams"][0]["status"] == "requested"


@pytest.mark.rules("ORD-1")
def test_api_refuses_a_missing_field_with_the_rule(api):
    response = api.post(
        "/api/requisitions", _payload(clinical_history=""), content_type="application/json"
    )
    assert response.status_code == 409
    body = response.json()
    assert body["rule"] == "ORD-1" and "病史" in body["message_zh"]
    assert body["field"] == "clinical_history"
    assert not Requisition.objects.exists()


@pytest.mark.parametrize(
    "payload",
    [
        _payload(items=["NO-SUCH-ITEM"]),
        _payload(patient_id="P404"),
        _payload(ordering_department="NOWHERE"),
        _payload(priority="whenever"),
        {"items": "DR-CHEST"},
    ],
)
def test_api_bad_input_is_a_clear_error_and_changes_nothing(api, payload):
    response = api.post("/api/requisitions", payload, content_type="application/json")
    assert response.status_code in (400, 422)
    assert response.json()
    assert not Requisition.objects.exists()


def test_api_malformed_json_is_refused(api):
    response = api.post("/api/requisitions", "{items: [", content_type="application/json")
    assert response.status_code in (400, 422)
    assert not Requisition.objects.exists()


def test_a_resent_submission_is_not_applied_twice(api):
    first = api.post(
        "/api/requisitions", _payload(submission_key="k1"), content_type="application/json"
    )
    again = api.post(
        "/api/requisitions", _payload(submission_key="k1"), content_type="application/json"
    )
    assert first.status_code == 201 and again.status_code == 200
    assert first.json()["number"] == again.json()["number"]
    assert Requisition.objects.count() == 1


@pytest.mark.rules("SCH-3")
def test_api_booking_refusal_and_allowed_path(api, clerk, rooms):
    number = api.post(
        "/api/requisitions", _payload(items=["US-LIVER"]), content_type="application/json"
    ).json()
    exam_id = number["exams"][0]["id"]
    desk = _api(clerk)
    refused = desk.post(
        f"/api/exams/{exam_id}/booking",
        {"room": "US1", "start": at(14, 0).isoformat()},
        content_type="application/json",
    )
    assert refused.status_code == 409 and refused.json()["rule"] == "SCH-3"
    assert refused.json()["overridable"] is True
    booked = desk.post(
        f"/api/exams/{exam_id}/booking",
        {"room": "US1", "start": at(8, 30).isoformat()},
        content_type="application/json",
    )
    assert booked.status_code == 200 and booked.json()["status"] == "booked"


@pytest.mark.rules("SCH-8")
def test_api_booking_outside_hours_or_in_the_past_changes_nothing(api, clerk, rooms):
    exam_id = api.post("/api/requisitions", _payload(), content_type="application/json").json()[
        "exams"
    ][0]["id"]
    desk = _api(clerk)
    for start in (at(20, 0).isoformat(), at(9, 0, days=-1).isoformat(), "2026-11-23T09:00:00"):
        response = desk.post(
            f"/api/exams/{exam_id}/booking",
            {"room": "DR1", "start": start},
            content_type="application/json",
        )
        assert response.status_code in (400, 409), start
    assert Exam.objects.get(pk=exam_id).status == ExamStatus.REQUESTED


@pytest.mark.rules("ORD-5")
def test_api_check_in_needs_two_identifiers(api, clerk, rooms):
    exam_id = api.post("/api/requisitions", _payload(), content_type="application/json").json()[
        "exams"
    ][0]["id"]
    desk = _api(clerk)
    refused = desk.post(
        f"/api/exams/{exam_id}/check-in", {"name": "张三明"}, content_type="application/json"
    )
    assert refused.status_code == 409 and refused.json()["rule"] == "ORD-5"
    ok = desk.post(
        f"/api/exams/{exam_id}/check-in",
        {"name": "张三明", "patient_id": "P100"},
        content_type="application/json",
    )
    assert ok.status_code == 200 and ok.json()["accession"].startswith("A")


@pytest.mark.rules("ORD-1")
def test_the_form_refuses_with_the_rule_and_creates_on_a_full_submission(
    clinician, client_for, items, patient, ward
):
    client = client_for(clinician)
    page = client.get("/requisitions/new/")
    key = page.context["form"].initial["submission_key"]
    data = {
        "submission_key": key,
        "patient_id": "P100",
        "ordering_department": ward.pk,
        "items": [items["chest"].pk],
        "priority": "routine",
        "pregnancy": "na",
        "allergy_screen": "not_done",
        "purpose": "明确诊断",
        "clinical_diagnosis": "肺炎？",
    }
    refused = client.post("/requisitions/new/", data)
    assert refused.status_code == 200 and "ORD-1" in refused.text and "病史" in refused.text
    assert not Requisition.objects.exists()
    created = client.post("/requisitions/new/", {**data, "clinical_history": "咳嗽两周"})
    assert created.status_code == 302
    again = client.post("/requisitions/new/", {**data, "clinical_history": "咳嗽两周"})
    assert again.status_code == 302 and again.url == created.url  # duplicate: the first one
    assert Requisition.objects.count() == 1


@pytest.mark.rules("SCH-4", "ORD-4")
def test_pages_show_booking_and_check_in_refusals(clerk, client_for, order, items, patient, rooms):
    patient.source = "inpatient"
    patient.save()
    exam = order(items["chest"])[0]
    client = client_for(clerk)
    page = client.get(f"/exams/{exam.pk}/")
    assert page.status_code == 200 and "DR一室" in page.text
    late = client.post(
        f"/exams/{exam.pk}/",
        {"action": "book", "room": rooms["DR1"].pk, "start": "2026-11-23T17:30"},
    )
    assert "SCH-7" in late.text
    unaccompanied = client.post(
        f"/exams/{exam.pk}/", {"action": "checkin", "name": "张三明", "patient_id": "P100"}
    )
    assert "ORD-4" in unaccompanied.text
    done = client.post(
        f"/exams/{exam.pk}/",
        {
            "action": "checkin",
            "name": "张三明",
            "patient_id": "P100",
            "accompanying_physician": "李医生",
        },
    )
    assert done.status_code == 302
    exam.refresh_from_db()
    assert exam.status == ExamStatus.ARRIVED


@pytest.mark.rules("EXM-5", "EXM-1")
def test_exam_room_actions_through_the_page(
    clerk, technologist, client_for, order, items, patient, rooms
):
    from yiji.orders.checkin import Identifiers, check_in

    exam = check_in(
        clerk.user,
        order(items["chest"], infectious=True)[0],
        Identifiers(name="张三明", patient_id="P100"),
    )
    tech = client_for(technologist)
    tech.post(f"/exams/{exam.pk}/act/", {"action": "start"})
    tech.post(
        f"/exams/{exam.pk}/act/",
        {
            "action": "record",
            "kv": "120",
            "mas": "2",
            "shielding": "铅围裙",
            "reaction": "",
            "contrast_route": "",
        },
    )
    tech.post(f"/exams/{exam.pk}/act/", {"action": "complete"})
    exam.refresh_from_db()
    assert exam.status == ExamStatus.COMPLETED
    following = check_in(
        clerk.user, order(items["chest"])[0], Identifiers(name="张三明", patient_id="P100")
    )
    response = tech.post(f"/exams/{following.pk}/act/", {"action": "start"}, follow=True)
    assert "EXM-5" in response.text
    tech.post(f"/rooms/{rooms['DR1'].pk}/disinfect/", {"method": "含氯消毒剂"})
    tech.post(f"/exams/{following.pk}/act/", {"action": "start"})
    following.refresh_from_db()
    assert following.status == ExamStatus.IN_PROGRESS


def test_public_screen_masks_names_and_needs_no_login(
    clerk, technologist, order, items, rooms, client_for
):
    from yiji.orders.checkin import Identifiers, call_next, check_in

    exam = check_in(
        clerk.user, order(items["chest"])[0], Identifiers(name="张三明", patient_id="P100")
    )
    call_next(technologist.user, exam.room)
    screen = Client().get(f"/screen/{exam.room.pk}/")
    assert screen.status_code == 200 and "张*明" in screen.text and "张三明" not in screen.text
    partial = Client().get(f"/screen/{exam.room.pk}/", HTTP_HX_REQUEST="true")
    assert "<html" not in partial.text and "张*明" in partial.text


def test_worklist_query_count_does_not_grow_with_rows(clerk, client_for, order, items, patient):
    """The page and the API are built from one query's columns (worklists.WorklistRow), so
    rows of every kind (checked in with a room and a queue number, infectious, booked,
    waiting) cost what one row costs."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from yiji.orders.checkin import Identifiers, check_in

    page, api = client_for(clerk), _api(clerk)

    def queries(client, url):
        client.get(url)  # the session's and the policy's first reads
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
            assert response.status_code == 200
        return len(captured), response

    def add_rows(n: int) -> None:
        for _ in range(n):
            tuberculosis = {"infectious": True, "infectious_disease": "开放性肺结核"}
            chest = order(items["chest"], items["us_liver"], **tuberculosis)[0]
            ids = Identifiers(name=patient.name, patient_id=patient.patient_id)
            check_in(clerk.user, chest, ids)
            order(items["ct_head"])

    add_rows(1)
    few_page, _ = queries(page, "/worklist/")
    few_api, answer = queries(api, "/api/worklist")
    assert {e["room"] for e in answer.json()} > {None}  # rooms and queue numbers are read
    add_rows(12)
    many_page, rendered = queries(page, "/worklist/")
    many_api, answer = queries(api, "/api/worklist")
    assert len(answer.json()) == 39 and 'title="EXM-5"' in rendered.text
    assert (many_page, many_api) == (few_page, few_api)
    assert few_page <= 15


def test_worklist_pages_by_keyset_with_emergencies_first(
    clerk, client_for, order, items, frozen_clock
):
    for n in range(60):
        frozen_clock.shift(1)
        order(items["chest"], priority="urgent" if n == 59 else "routine")
    client = client_for(clerk)
    first = client.get("/worklist/")
    rows = first.context["rows"]
    assert rows[0].priority == "urgent" and len(rows) == 50
    second = client.get("/worklist/", {"after": first.context["next_cursor"]})
    assert len(second.context["rows"]) == 10
    assert not {r.pk for r in rows} & {r.pk for r in second.context["rows"]}


def test_technologists_see_each_room_with_its_waiting_count(
    clerk, technologist, client_for, order, items
):
    from yiji.orders.checkin import Identifiers, check_in

    check_in(clerk.user, order(items["chest"])[0], Identifiers(name="张三明", patient_id="P100"))
    page = client_for(technologist).get("/worklist/")
    waiting = {room.code: room.waiting for room in page.context["rooms"]}
    assert waiting["DR1"] == 1 and waiting["CT1"] == 0
    assert "US1" not in waiting  # the ultrasound department's rooms are not the imaging tech's
    assert client_for(clerk).get("/worklist/").context["rooms"] == []
