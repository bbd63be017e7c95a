"""Patients: registration with checks, masked ID card, and every view logged (ORD-7)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from yiji.core import services
from yiji.core.models import AuditAction, AuditEntry, Patient, Role

VALID_CARD = "11010519491231002X"


def _data(**overrides):
    data = {
        "patient_id": "P0001",
        "name": "张三",
        "sex": "F",  # as the ID card says: its 17th digit is even
        "source": "outpatient",
        "id_card": VALID_CARD,
        "allergy_history": "青霉素过敏",
    }
    return {**data, **overrides}


def test_a_clerk_registers_a_patient_and_it_is_audited(clerk):
    patient = services.register_patient(clerk.user, _data())
    assert patient.allergy_history == "青霉素过敏"
    entry = AuditEntry.objects.get(action=AuditAction.CREATE, patient=patient)
    assert entry.actor == clerk.user and entry.after["name"] == "张三"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("id_card", "110105194912310021"),  # wrong check character
        ("id_card", "1101051949"),  # too short
        ("id_card", "110105194913310028"),  # month 13
        ("name", "  "),
        ("sex", "X"),
        ("source", "somewhere"),
        ("sex", "M"),  # the card says female
        ("birth_date", dt.date(1950, 1, 1)),  # the card says 1949-12-31
    ],
)
def test_bad_fields_are_refused_by_name(clerk, field, value):
    with pytest.raises(ValidationError) as caught:
        services.register_patient(clerk.user, _data(**{field: value}))
    assert field in caught.value.message_dict
    assert not Patient.objects.exists()


def test_a_duplicate_patient_id_is_refused_and_the_first_kept(clerk):
    services.register_patient(clerk.user, _data())
    with pytest.raises(ValidationError):
        services.register_patient(clerk.user, _data(name="李四"))
    assert Patient.objects.get().name == "张三"


def test_the_id_card_is_stored_whole_and_shown_masked(clerk, client_for, make_staff):
    patient = services.register_patient(clerk.user, _data())
    assert patient.id_card == VALID_CARD
    assert patient.id_card_masked == "110105********002X"
    page = client_for(make_staff(Role.PHYSICIAN)).get(f"/patients/{patient.pk}/")
    assert "110105********002X" in page.text
    assert VALID_CARD not in page.text


@pytest.mark.rules("ORD-7")
def test_every_view_of_a_patient_record_is_logged(clerk, make_staff, client_for):
    patient = services.register_patient(clerk.user, _data())
    physician = make_staff(Role.PHYSICIAN)
    client = client_for(physician)
    assert client.get(f"/patients/{patient.pk}/").status_code == 200
    assert client.get(f"/patients/{patient.pk}/").status_code == 200
    views = AuditEntry.objects.filter(action=AuditAction.VIEW, patient=patient)
    assert views.count() == 2
    assert {e.actor for e in views} == {physician.user}


@pytest.mark.rules("ORD-7")
def test_searching_for_a_patient_is_logged_with_the_query(clerk, client_for):
    services.register_patient(clerk.user, _data())
    response = client_for(clerk).get("/patients/", {"q": "张"})
    assert "张三" in response.text
    entry = AuditEntry.objects.get(action=AuditAction.SEARCH)
    assert entry.reason == "web: 张" and entry.actor == clerk.user
    assert entry.after["returned"] == ["P0001"]  # what the search showed


@pytest.mark.rules("ORD-7")
def test_a_refused_view_is_not_shown(clerk, make_staff, client_for):
    patient = services.register_patient(clerk.user, _data())
    engineer = make_staff(Role.ENGINEER)
    response = client_for(engineer).get(f"/patients/{patient.pk}/")
    assert response.status_code == 403
    assert "ARC-5" in response.text and "张三" not in response.text
    assert not AuditEntry.objects.filter(action=AuditAction.VIEW).exists()


def test_registration_form_shows_errors_in_chinese(clerk, client_for):
    response = client_for(clerk).post(
        "/patients/new/", _data(id_card="110105194912310021"), HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert response.status_code == 200
    assert "校验" in response.text
    assert not Patient.objects.exists()


def test_the_form_registers_and_edits_a_patient(clerk, client_for):
    client = client_for(clerk)
    response = client.post("/patients/new/", _data())
    patient = Patient.objects.get()
    assert response.status_code == 302 and response.url == f"/patients/{patient.pk}/"
    response = client.post(
        f"/patients/{patient.pk}/edit/",
        {**_data(phone="13800000000"), "id_card": "", "birth_date": "1949-12-31"},
    )
    patient.refresh_from_db()
    assert patient.phone == "13800000000"
    assert patient.id_card == VALID_CARD  # an empty box keeps the stored number
    change = AuditEntry.objects.get(action=AuditAction.UPDATE, patient=patient)
    assert change.before == {"phone": ""} and change.after == {"phone": "13800000000"}


def test_the_list_paginates_and_filters_by_source(clerk, client_for):
    for n in range(30):
        source = "inpatient" if n % 3 == 0 else "outpatient"
        services.register_patient(clerk.user, _data(patient_id=f"P{n:04d}", source=source))
    client = client_for(clerk)
    first = client.get("/patients/")
    assert first.text.count("/edit/") == 0 and "P0029" in first.text and "P0000" not in first.text
    assert "P0000" in client.get("/patients/", {"page": 2}).text
    inpatients = client.get("/patients/", {"source": "inpatient"}, HTTP_HX_REQUEST="true")
    assert inpatients.text.count('href="/patients/') == 10
    assert "<html" not in inpatients.text  # htmx gets only the rows


def test_a_search_matching_very_many_counts_only_up_to_the_cap(clerk, client_for, monkeypatch):
    monkeypatch.setattr("yiji.core.views.BoundedPaginator.cap", 50)
    for n in range(60):
        services.register_patient(clerk.user, _data(patient_id=f"P{n:04d}"))
    client = client_for(clerk)
    first = client.get("/patients/", {"q": "张"})
    assert first.context["page"].paginator.count == 50 and "共 2+ 页" in first.text
    last = client.get("/patients/", {"q": "张", "page": 3}).text  # the last page within the cap
    assert "P0010" in last and "P0009" not in last and "第 2 页，共 2+ 页" in last
    monkeypatch.setattr("yiji.core.views.BoundedPaginator.cap", 100)
    assert "共 3 页" in client.get("/patients/", {"q": "张"}).text  # all counted


def test_the_desk_s_id_card_fills_sex_and_birth_date_and_a_mismatch_names_both(clerk, client_for):
    client = client_for(clerk)
    data = {"name": "欧阳娜娜", "sex": "U", "source": "outpatient", "id_card": VALID_CARD}
    response = client.post("/patients/new/", data)
    patient = Patient.objects.get()
    assert response.status_code == 302
    assert (patient.sex, patient.birth_date) == ("F", dt.date(1949, 12, 31))
    assert (patient.family_name, patient.given_name) == ("欧阳", "娜娜")  # 复姓 kept whole
    assert patient.patient_id.startswith(f"P{timezone.localdate():%Y%m%d}")  # the hospital's number
    refused = client.post(
        "/patients/new/", {**data, "sex": "M", "birth_date": "1950-01-01"},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )  # fmt: skip
    assert refused.status_code == 200 and Patient.objects.count() == 1
    assert "1949-12-31" in refused.text and "1950-01-01" in refused.text
    assert "身份证" in refused.text and "女" in refused.text and "男" in refused.text


def test_the_registration_page_fills_sex_and_birth_date_as_the_card_is_typed(clerk, client_for):
    page = client_for(clerk).get("/patients/new/").text
    assert 'id="id_id_card"' in page and "idCardFacts" in page


@pytest.mark.rules("ORD-7")
def test_the_desk_finds_a_patient_by_pinyin_initials(clerk, client_for):
    client = client_for(clerk)
    for name, sex in (("王建国", "M"), ("单田芳", "M"), ("汪洁", "F")):
        client.post("/patients/new/", {"name": name, "sex": sex, "source": "outpatient"})
    found = client.get("/patients/", {"q": "wj"}).text
    assert "王建国" in found and "汪洁" in found and "单田芳" not in found
    assert "单田芳" in client.get("/patients/", {"q": "STF"}).text  # 单 as a surname: shàn
