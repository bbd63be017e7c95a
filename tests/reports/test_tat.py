"""The turnaround dashboard: the same numbers as a hand-written SQL count, percentiles from
recorded times, drill-down to the late reports."""

from __future__ import annotations

import pytest
from django.db import connection

from tests.conftest import PASSWORD
from tests.orders.fixtures import at
from yiji.reports import services, tat


def _sql_counts(first, last):
    """Reports per modality and how many were out by their deadline, in plain SQL."""
    from django.utils import timezone

    tz = timezone.get_current_timezone()
    import datetime as dt

    # UTC parameters: SQLite stores UTC text and compares it as text.
    start = dt.datetime.combine(first, dt.time.min, tzinfo=tz).astimezone(dt.UTC)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min, tzinfo=tz).astimezone(
        dt.UTC
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT e.modality, COUNT(*), SUM(CASE WHEN e.report_due_at IS NOT NULL AND "
            "COALESCE(r.preliminary_at, r.final_at) <= e.report_due_at THEN 1 ELSE 0 END) "
            "FROM orders_exam e JOIN reports_report r ON r.exam_id = e.id "
            "WHERE e.completed_at >= %s AND e.completed_at < %s "
            "AND COALESCE(r.preliminary_at, r.final_at) IS NOT NULL GROUP BY e.modality",
            [start, end],
        )
        return {row[0]: (row[1], int(row[2])) for row in cursor.fetchall()}


def _preliminary(doctor, exam):
    writer = doctor("resident")
    report = services.save_draft(
        writer.user, exam, services.Draft("所见", "意见"), expected_version=0
    )
    return services.issue_preliminary(writer.user, report, PASSWORD)


@pytest.mark.rules("RPT-5")
def test_on_time_counts_and_percentiles(
    frozen_clock, completed, items, doctor, director, client_for
):
    day = at(0).date()
    for finish, report_at in (
        (at(10, 0), at(10, 20)),
        (at(11, 0), at(11, 40)),
        (at(12, 0), at(12, 10)),
    ):
        frozen_clock.move_to(finish)
        exam = completed(items["ct_head"], priority="urgent")
        frozen_clock.move_to(report_at)
        _preliminary(doctor, exam)
    rows = {row.key: row for row in tat.dashboard(day, day, "modality")}
    assert (rows["CT"].reports, rows["CT"].on_time) == _sql_counts(day, day)["CT"] == (3, 2)
    assert rows["CT"].p50 == 20.0 and rows["CT"].on_time_rate == 66.7
    page = client_for(director).get("/tat/", {"from": day.isoformat(), "to": day.isoformat()})
    assert page.status_code == 200 and "66.7%" in page.text and "echarts" in page.text
    late = client_for(director).get(
        "/tat/late/",
        {"by": "modality", "key": "CT", "from": day.isoformat(), "to": day.isoformat()},
    )
    assert len(late.context["exams"]) == 1


def test_the_dashboard_matches_sql_on_the_demo_data(db):
    from django.utils import timezone

    from yiji.site.demo import clinical
    from yiji.site.demo import hospital as demo
    from yiji.site.demo import reports as reporting

    demo.load()  # the demo's exams and their reports, without the other apps' demo data
    clinical.load()
    reporting.load()
    today = timezone.localdate()
    rows = {row.key: (row.reports, row.on_time) for row in tat.dashboard(today, today)}
    assert rows == _sql_counts(today, today) and rows
