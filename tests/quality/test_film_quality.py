"""QLT-3 and CNF-6: rejected images and errors are registered; films are graded at the
review (over the reader's grade); grade-A, reject and artefact rates per technologist,
device, modality and month come out of the database as counted by hand."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection

from tests.orders.fixtures import credentialed
from yiji.core import policy
from yiji.core.models import Notice, Role, TechnologistTitle
from yiji.core.rulebook import RuleViolation
from yiji.exams import services as room
from yiji.orders.checkin import Identifiers, check_in
from yiji.quality import films
from yiji.quality.models import RejectReason
from yiji.reports import services as reports

MONDAY = dt.date(2026, 11, 23)


@pytest.fixture
def perform(clerk, order, patient):
    """perform(item, tech) -> an exam checked in, started and completed by `tech`."""

    def make(item, tech):
        exam = order(item)[0]
        exam = check_in(
            clerk.user, exam, Identifiers(name=patient.name, patient_id=patient.patient_id)
        )
        room.start_exam(tech.user, exam)
        if item.radiation:
            room.record_details(tech.user, exam, {"kv": Decimal("120"), "shielding": "铅围裙"})
        return room.complete_exam(tech.user, exam)

    return make


@pytest.fixture
def techs(make_staff):
    title = TechnologistTitle.SUPERVISOR
    return (
        credentialed(make_staff(Role.TECHNOLOGIST, technologist_title=title, name="技师甲")),
        credentialed(make_staff(Role.TECHNOLOGIST, technologist_title=title, name="技师乙")),
    )


def _graded(doctor, exam, grade):
    draft = reports.Draft("所见。", "诊断。", image_grade=grade)
    reports.save_draft(doctor("resident").user, exam, draft, expected_version=0)


@pytest.mark.rules("QLT-3", "CNF-6")
def test_rates_match_a_hand_count(perform, techs, items, doctor):
    first, second = techs
    ct = [perform(items["ct_head"], first) for _ in range(4)]
    dr = perform(items["chest"], second)
    _graded(doctor, ct[0], "A")
    _graded(doctor, ct[1], "B")
    films.grade_film(first.user, ct[1], "A")  # the review's grade stands over the reader's
    _graded(doctor, ct[2], "C")
    _graded(doctor, dr, "A")
    films.register_reject(first.user, ct[0], RejectReason.POSITIONING)
    films.register_reject(first.user, ct[2], RejectReason.MOTION)
    films.register_reject(first.user, ct[2], RejectReason.ARTEFACT)
    marker = films.register_reject(first.user, dr, RejectReason.MARKER)
    assert marker.technologist == second  # whoever started the exam, not who registers

    by_tech = {r.label: r for r in films.film_rates(MONDAY, MONDAY, "technologist")}
    a, b = by_tech["技师甲"], by_tech["技师乙"]
    # 技师甲: 4 exams, 3 graded, 2 grade A; 3 rejects of 7 images; 1 exam with an artefact.
    assert (a.exams, a.graded, a.grade_a, a.rejects, a.artefact_exams) == (4, 3, 2, 3, 1)
    assert round(a.grade_a_rate, 1) == 66.7 and round(a.reject_rate, 1) == 42.9
    assert a.artefact_rate == 25.0
    assert (b.exams, b.grade_a_rate, b.reject_rate, b.artefact_rate) == (1, 100.0, 50.0, 0.0)

    by_modality = {r.key: r for r in films.film_rates(MONDAY, MONDAY, "modality")}
    assert by_modality["CT"].rejects == 3 and by_modality["DR"].rejects == 1
    (month,) = films.film_rates(MONDAY, MONDAY, "month")
    assert (month.label, month.exams, month.rejects) == ("2026-11", 5, 4)
    by_room = {r.label: r.exams for r in films.film_rates(MONDAY, MONDAY, "room")}
    assert by_room == {"CT一室": 4, "DR一室": 1}

    # The same counts straight from the tables.
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM quality_rejectedimage")
        assert cursor.fetchone()[0] == sum(r.rejects for r in by_tech.values())
    assert (
        films.film_rates(MONDAY - dt.timedelta(days=1), MONDAY - dt.timedelta(days=1), "month")
        == []
    )


@pytest.mark.rules("QLT-3")
def test_register_refusals(perform, techs, items, order):
    exam = perform(items["ct_head"], techs[0])
    with pytest.raises(RuleViolation, match="QLT-3"):
        films.register_reject(techs[0].user, exam, "bored")
    waiting = order(items["ct_head"])[0]
    with pytest.raises(RuleViolation, match="QLT-3"):
        films.register_reject(techs[0].user, waiting, RejectReason.EXPOSURE)
    with pytest.raises(RuleViolation, match="CNF-6"):
        films.grade_film(techs[0].user, exam, "Z")


def test_film_quality_page(perform, techs, items, make_staff, client_for):
    exam = perform(items["ct_head"], techs[0])
    client = client_for(techs[0])
    bad = client.post(
        "/quality/films/",
        {"action": "reject", "accession": "NOPE", "reason": "motion"},
        follow=True,
    )
    assert "QLT-3" in bad.content.decode()
    client.post(
        "/quality/films/", {"action": "reject", "accession": exam.accession, "reason": "motion"}
    )
    client.post("/quality/films/", {"action": "grade", "accession": exam.accession, "grade": "B"})
    assert exam.rejects.get().reason == "motion" and exam.film_grade.grade == "B"
    manager = client_for(make_staff(Role.QC_OFFICER))
    page = manager.get(
        "/quality/films/", {"from": "2026-11-23", "to": "2026-11-23", "by": "modality"}
    )
    (rate,) = page.context["rates"]
    assert (rate.key, rate.exams, rate.rejects) == ("CT", 1, 1)
    assert page.context["chart"]["reject"] == [50.0]
    assert client_for(make_staff(Role.CLERK)).get("/quality/films/").status_code == 403


@pytest.mark.rules("CNF-2")
def test_a_technical_session_is_chaired_by_a_senior_technologist(
    techs, make_staff, imaging, client_for
):
    junior = make_staff(Role.TECHNOLOGIST, technologist_title=TechnologistTitle.TECHNOLOGIST)
    with pytest.raises(RuleViolation, match="CNF-2"):
        films.record_technical_session(
            techs[0].user, imaging, MONDAY, junior, films_reviewed=20, problems="摆位偏斜"
        )
    with pytest.raises(RuleViolation, match="CNF-2"):
        films.record_technical_session(
            techs[0].user, imaging, MONDAY, techs[1], films_reviewed=20, problems=" "
        )
    client = client_for(techs[0])
    client.post(
        "/quality/films/",
        {
            "action": "session",
            "department": imaging.pk,
            "day": "2026-11-23",
            "chair": techs[1].pk,
            "films_reviewed": "30",
            "problems": "胸片摆位偏斜2例",
            "measures": "加强摆位培训",
        },
    )
    (record,) = client.get("/quality/films/").context["technical_sessions"]
    assert (record.chair, record.films_reviewed, record.recorded_by) == (techs[1], 30, techs[0])


@pytest.mark.rules("CNF-6")
def test_a_film_review_is_reminded_once_per_interval_when_none_was_held(
    frozen_clock, perform, techs, items, make_staff, director, imaging
):
    officer = make_staff(Role.QC_OFFICER)
    first = perform(items["chest"], techs[0])
    assert films.remind_film_review() == 1  # films wait and none was graded in 7 days
    assert films.remind_film_review() == 0  # once per interval
    notice = Notice.objects.get(recipient=officer, rule="CNF-6")
    assert "7天未评片" in notice.message
    films.grade_film(techs[1].user, first, "A")
    frozen_clock.shift(3 * 24 * 3600)
    perform(items["chest"], techs[0])
    assert films.remind_film_review() == 0  # reviewed three days ago
    policy.change(  # the department reviews every other day
        director.user, "cnf.film_review_interval_days", 2, hospital=imaging.hospital,
        reason="每两天评片",
    )  # fmt: skip
    assert films.remind_film_review() == 1
