"""QLT-4 quality indicators: on a crafted day whose answers are counted by hand, the national
and department indicators come out of the database right, overall and per person, modality and
period; the drill-down lists exactly the records behind a figure; the pages, the chart data and
the Excel downloads show the same numbers; bad parameters get a page, not an error."""

from __future__ import annotations

import datetime as dt
from io import BytesIO

import pytest
from openpyxl import load_workbook

from tests.conftest import PASSWORD
from tests.orders.fixtures import at
from yiji.quality import films, kpi
from yiji.quality.models import RejectReason
from yiji.reports import critical, services

MONDAY = dt.date(2026, 11, 23)


def _sign(writer, reviewer, exam, *, positive=None, grade="", impression="诊断。"):
    draft = services.Draft("所见。", impression, positive=positive, image_grade=grade)
    report = services.save_draft(writer.user, exam, draft, expected_version=0)
    confirm = impression != "诊断。"
    report = services.submit(writer.user, report, PASSWORD, confirm_warnings=confirm)
    if report.status == "submitted":
        report = services.sign_final(reviewer.user, report, PASSWORD, confirm_warnings=confirm)
    return report


@pytest.fixture
def day(frozen_clock, completed, items, doctor, technologist):
    """Three chest films and two emergency head CTs, read, graded, flagged and notified."""
    writer, other, senior = doctor("attending"), doctor("attending"), doctor("associate_chief")
    chest = [completed(items["chest"]) for _ in range(3)]
    ct = [completed(items["ct_head"], priority="urgent") for _ in range(2)]
    _sign(writer, senior, chest[0], positive=True, grade="A")
    _sign(writer, senior, chest[1], positive=False, grade="B")
    _sign(other, senior, chest[2], positive=True, impression="诊断：待填。")  # an R3 warning
    films.register_reject(technologist.user, ct[0], RejectReason.ARTEFACT)
    found = [
        critical.flag_critical(writer.user, chest[0], "massive_thorax", "大量气胸"),
        critical.flag_critical(writer.user, ct[1], "intracerebral_haemorrhage", "脑出血"),
    ]
    for minutes, result in ((5, found[0]), (15, found[1])):
        frozen_clock.move_to(at(7, 30 + minutes))
        critical.record_notification(
            writer.user, result, receiver="李护士", department="急诊科", channel="phone",
            read_back=True,
        )  # fmt: skip
    frozen_clock.move_to(at(9, 0))  # 1.5 h after the exam started
    _sign(writer, senior, ct[0])
    frozen_clock.move_to(at(10, 0))  # 2.5 h
    _sign(writer, senior, ct[1])
    return {"writer": writer, "other": other, "chest": chest, "ct": ct}


def _total(code: str, **scope) -> kpi.Figure:
    return kpi.total(kpi.BY_CODE[code], MONDAY, MONDAY, **scope)


@pytest.mark.rules("QLT-4", "QLT-3", "RPT-10", "RPT-12", "CNF-6")
def test_indicators_match_a_hand_count(day):
    expected = {
        "EXAMS": (0, 5, 5.0),
        "POSITIVE": (2, 5, 40.0),  # 2 of 5 signed reports positive
        "R1": (1, 2, 50.0),  # 1 of 2 CT exams with an artefact reject
        "R2": (1, 2, 50.0),  # one emergency CT signed within 2 h of its start
        "R3": (4, 5, 80.0),  # one report signed over a template placeholder
        "R4": (1, 2, 50.0),  # notified after 5 and after 15 minutes
        "GRADE-A": (1, 2, 50.0),
        "REJECT": (1, 6, 16.67),  # 1 reject of 6 images taken
        "R7": (0, 0, None),
    }
    for code, (numerator, denominator, value) in expected.items():
        figure = _total(code)
        assert (figure.numerator, figure.denominator, figure.value) == (
            numerator,
            denominator,
            value,
        ), code
    assert _total("REJECT").value == pytest.approx(
        films.film_rates(MONDAY, MONDAY, "month")[0].reject_rate, abs=0.01
    )


@pytest.mark.rules("QLT-4")
def test_groupings_and_scope(day, ultrasound):
    positive = kpi.BY_CODE["POSITIVE"]
    by_person = {f.label: f for f in kpi.compute(positive, MONDAY, MONDAY, "person")}
    writer, other = day["writer"].name, day["other"].name
    assert (by_person[writer].numerator, by_person[writer].denominator) == (1, 4)
    assert by_person[other].value == 100.0
    by_modality = {f.key: f.denominator for f in kpi.compute(positive, MONDAY, MONDAY, "modality")}
    assert by_modality == {"DR": 3, "CT": 2}
    (month,) = kpi.compute(positive, MONDAY, MONDAY, "month")
    assert (month.label, month.numerator, month.denominator) == ("2026-11", 2, 5)
    by_quarter = kpi.compute(kpi.BY_CODE["EXAMS"], MONDAY, MONDAY, "quarter")
    assert [(f.label, f.value) for f in by_quarter] == [("2026 Q4", 5.0)]
    assert _total("EXAMS", department=ultrasound).denominator == 0
    assert _total("EXAMS", modality="CT").denominator == 2
    with pytest.raises(ValueError):
        kpi.compute(positive, MONDAY, MONDAY, "nonsense")


@pytest.mark.rules("QLT-4")
def test_drill_down_lists_the_records_behind_a_figure(day):
    chest, ct = day["chest"], day["ct"]
    positive = kpi.BY_CODE["POSITIVE"]
    numerator = kpi.records(positive, MONDAY, MONDAY, part="numerator")
    assert {e.pk for e in numerator} == {chest[0].pk, chest[2].pk}
    late = kpi.records(kpi.BY_CODE["R2"], MONDAY, MONDAY, part="missing")
    assert [e.pk for e in late] == [ct[1].pk]
    by_writer = kpi.records(
        positive, MONDAY, MONDAY, by="person", key=str(day["writer"].pk), part="denominator"
    )
    assert by_writer.count() == 4
    rejects = kpi.records(kpi.BY_CODE["REJECT"], MONDAY, MONDAY, part="numerator")
    assert [kpi.describe(r).exam.pk for r in rejects] == [ct[0].pk]
    month = kpi.compute(positive, MONDAY, MONDAY, "month")[0].key
    in_month = kpi.records(positive, MONDAY, MONDAY, by="month", key=month.isoformat())
    assert in_month.count() == 2


@pytest.mark.rules("QLT-4")
def test_pages_and_downloads_show_the_same_numbers(day, director, client_for, clinician):
    client = client_for(director)
    period = "from=2026-11-23&to=2026-11-23"
    page = client.get(f"/quality/kpi/?{period}")
    assert page.status_code == 200
    html = page.content.decode()
    assert "急诊检查报告2小时完成率" in html and "40.0%" in html and "80.0%" in html

    book = load_workbook(BytesIO(client.get(f"/quality/kpi/?{period}&format=xlsx").content))
    rows = {row[2]: row for row in book.active.iter_rows(min_row=3, values_only=True)}
    assert rows["POSITIVE"][4:7] == (2, 5, 40.0)
    assert rows["R3"][7] == 98.0 and rows["R3"][8] == "否"  # below the 98% target

    detail = client.get(f"/quality/kpi/POSITIVE/?{period}&by=person")
    assert detail.status_code == 200
    assert sorted(detail.context["chart"]["values"]) == [25.0, 100.0]
    book = load_workbook(
        BytesIO(client.get(f"/quality/kpi/POSITIVE/?{period}&by=person&format=xlsx").content)
    )
    lines = list(book.active.iter_rows(min_row=4, values_only=True))
    assert sorted(line[1:] for line in lines) == [(1, 1, 100.0), (1, 4, 25.0)]

    records = client.get(f"/quality/kpi/POSITIVE/records/?{period}&part=numerator")
    assert records.status_code == 200
    assert {line.exam.pk for line in records.context["lines"]} == {
        day["chest"][0].pk,
        day["chest"][2].pk,
    }


@pytest.mark.rules("QLT-4")
def test_bad_parameters_get_a_page(day, director, client_for, clinician):
    client = client_for(director)
    for url in (
        "/quality/kpi/?from=2026-02-30&to=bad&department=x&modality=ZZ",
        "/quality/kpi/R2/?by=nonsense",
        "/quality/kpi/R2/records/?by=month&key=not-a-date",
        "/quality/kpi/R2/records/?by=person&key=abc&part=everything",
    ):
        assert client.get(url).status_code == 200, url
    assert client.get("/quality/kpi/NOPE/").status_code == 404
    assert client_for(clinician).get("/quality/kpi/").status_code == 403


@pytest.mark.rules("QLT-4")
def test_every_indicator_groups_every_way_it_offers(day):
    for indicator in kpi.INDICATORS:
        whole = kpi.total(indicator, MONDAY, MONDAY)
        for by in indicator.groupings():
            figures = kpi.compute(indicator, MONDAY, MONDAY, by)
            if indicator.kind != kpi.Kind.PER_HEAD_MONTH:
                assert sum(f.denominator for f in figures) == whole.denominator, (indicator, by)
                assert sum(f.numerator for f in figures) == whole.numerator, (indicator, by)
            for figure in figures[:1]:
                key = "" if figure.key is None else str(figure.key)
                key = figure.key.isoformat() if hasattr(figure.key, "isoformat") else key
                rows = kpi.records(indicator, MONDAY, MONDAY, by=by, key=key, part="denominator")
                expected = figure.denominator - (
                    figure.numerator if indicator.extra_numerator else 0
                )
                if indicator.kind != kpi.Kind.PER_HEAD_MONTH:
                    assert rows.count() == expected, (indicator, by)
