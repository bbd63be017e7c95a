"""QLT-4 nightly roll-up of the indicators: a settled day rolled up gives the same yearly set as
counting its records; the set really reads the roll-up for rolled days and the records for the
others; the night rolls up only settled days; a report signed after its day settled takes the
day out again; the command refuses bad dates; the indicator page says how far the roll-up goes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import CommandError, call_command

from tests.orders.fixtures import MONDAY
from tests.quality.conftest import sign_report
from yiji.quality import kpi, rollup, tasks
from yiji.quality.models import IndicatorDay, RolledDay

DAY = MONDAY.date()


def _figures(first=DAY, last=DAY, **scope) -> dict[str, tuple]:
    return {
        i.code: (f.numerator, f.denominator, f.value)
        for i, f, *_ in kpi.summary(first, last, **scope)
    }


def _counted_from_records(first=DAY, last=DAY, **scope) -> dict[str, tuple]:
    figures = (kpi.counted(indicator, first, last, "", **scope)[0] for indicator in kpi.INDICATORS)
    return {
        i.code: (f.numerator, f.denominator, f.value)
        for i, f in zip(kpi.INDICATORS, figures, strict=True)
    }


@pytest.mark.rules("QLT-4")
def test_a_rolled_up_day_gives_the_figures_its_records_give(day, ultrasound):
    counted = _counted_from_records()
    assert counted["POSITIVE"] == (2, 5, 40.0) and counted["REJECT"] == (1, 6, 16.67)
    stored = rollup.roll_up(DAY, DAY)
    assert stored == IndicatorDay.objects.count() > 0
    assert RolledDay.objects.filter(day=DAY).exists()
    assert kpi.unrolled_runs(DAY - dt.timedelta(days=2), DAY) == [
        (DAY - dt.timedelta(days=2), DAY - dt.timedelta(days=1))
    ]
    assert _figures() == counted
    week = (DAY - dt.timedelta(days=6), DAY + dt.timedelta(days=3))  # rolled and live days
    assert _figures(*week) == _counted_from_records(*week)
    for scope in ({"modality": "CT"}, {"department": day["chest"][0].department}):
        assert _figures(**scope) == _counted_from_records(**scope)
    assert _figures(department=ultrasound)["EXAMS"] == (0, 0, 0.0)


@pytest.mark.rules("QLT-4")
def test_a_rolled_up_week_with_ultrasound_gives_the_same_set_per_head_too(week):
    first, last = DAY, DAY + dt.timedelta(days=2)
    counted = _counted_from_records(first, last)
    assert counted["US-HR-01"] == (2, 1, 2.0)  # two reports by one sonographer, one month
    rollup.roll_up(first, DAY)  # Monday rolled up, Tuesday and Wednesday from the records
    assert IndicatorDay.objects.filter(indicator="US-HR-01", person__isnull=False).exists()
    assert _figures(first, last) == counted
    rollup.roll_up(first, last)
    assert _figures(first, last) == counted


@pytest.mark.rules("QLT-4")
def test_the_set_reads_the_roll_up_for_rolled_days(day):
    rollup.roll_up(DAY, DAY)
    IndicatorDay.objects.filter(indicator="EXAMS", modality="DR").update(denominator=30)
    assert _figures()["EXAMS"] == (0, 32, 32.0)  # 30 stored DR + 2 CT: the stored rows count
    rollup.forget(DAY, DAY)
    assert _figures()["EXAMS"] == (0, 5, 5.0)  # back to the records


GROUPED = ("day", "week", "month", "year", "department", "modality", "person", "")


def _grouped(read, indicator, first, last) -> dict:
    return {
        by: [(str(f.key)[:10], f.numerator, f.denominator, f.value)
             for f in read(indicator, first, last, by)]
        for by in GROUPED
        if by in indicator.groupings() or not by
    }  # fmt: skip


@pytest.mark.rules("QLT-4")
def test_grouped_figures_read_the_roll_up_and_equal_the_records(day):
    first, last = DAY - dt.timedelta(days=3), DAY + dt.timedelta(days=2)  # rolled and live days
    rolling = [i for i in kpi.INDICATORS if i.rolls_up and i.kind != kpi.Kind.PER_HEAD_MONTH]
    expected = {i.code: _grouped(kpi.counted, i, first, last) for i in rolling}
    rollup.roll_up(first, DAY)
    for indicator in rolling:
        assert _grouped(kpi.compute, indicator, first, last) == expected[indicator.code]
    # It is the stored rows that count for the rolled days, by month as in the whole.
    IndicatorDay.objects.filter(indicator="EXAMS", modality="DR").update(denominator=30)
    by_month = kpi.compute(kpi.BY_CODE["EXAMS"], first, last, "month")
    assert sum(f.denominator for f in by_month) == 32
    assert kpi.compute(kpi.BY_CODE["EXAMS"], first, last, "modality")[-1].denominator == 30


@pytest.mark.rules("QLT-4")
def test_the_night_rolls_up_settled_days_and_a_late_report_reopens_its_day(
    day, frozen_clock, completed, items, doctor
):
    late_exam = completed(items["chest"])  # completed on the Monday, reported 40 days later
    assert tasks.indicator_rollup.call_local() == 0
    assert not RolledDay.objects.filter(day=DAY).exists()  # not settled yet (14 days)
    frozen_clock.move_to(MONDAY + dt.timedelta(days=40))
    assert tasks.indicator_rollup.call_local() > 0
    rolled = set(RolledDay.objects.values_list("day", flat=True))
    assert DAY in rolled and max(rolled) == rollup.last_settled_day() == DAY + dt.timedelta(days=26)
    assert _figures()["POSITIVE"] == (2, 5, 40.0)
    assert tasks.indicator_rollup.call_local() == 0  # nothing left to roll up

    sign_report(day["writer"], doctor("associate_chief"), late_exam, positive=True)
    assert not RolledDay.objects.filter(day=DAY).exists()  # counted from the records again
    assert _figures()["POSITIVE"] == (3, 6, 50.0) == _counted_from_records()["POSITIVE"]
    call_command("rollup")
    assert RolledDay.objects.filter(day=DAY).exists()
    assert _figures()["POSITIVE"] == (3, 6, 50.0)


@pytest.mark.rules("QLT-4")
def test_the_command_counts_a_stretch_again_and_refuses_bad_dates(day, capsys):
    call_command("rollup", "--from", "2026-11-20", "--to", "2026-11-23")
    assert RolledDay.objects.count() == 4
    assert "indicator-day rows stored" in capsys.readouterr().out
    for args in (["--from", "2026-11-31", "--to", "2026-12-01"], ["--from", "2026-11-23"],
                 ["--from", "2026-11-24", "--to", "2026-11-23"]):  # fmt: skip
        with pytest.raises(CommandError):
            call_command("rollup", *args)
    assert RolledDay.objects.count() == 4


@pytest.mark.rules("QLT-4")
def test_the_indicator_page_says_how_far_the_roll_up_goes(day, director, client_for):
    client = client_for(director)
    period = "from=2026-11-01&to=2026-11-23"
    assert "夜间汇总" not in client.get(f"/quality/kpi/?{period}").content.decode()
    rollup.roll_up(dt.date(2026, 11, 1), DAY - dt.timedelta(days=1))
    html = client.get(f"/quality/kpi/?{period}").content.decode()
    assert "2026-11-22" in html and "夜间汇总" in html and "40.0%" in html
