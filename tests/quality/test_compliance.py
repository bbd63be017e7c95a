"""The compliance page: every rule, implemented or planned, with this period's overrides,
exceptions, reminders and measured figure, the same as a direct count, and a drill-down."""

from __future__ import annotations

import pytest
from django.db import connection

from tests.orders.fixtures import at
from yiji.core.models import Role
from yiji.orders.models import EventKind
from yiji.orders.services import record_event
from yiji.quality import films, sessions
from yiji.quality.models import RejectReason

PERIOD = {"from": "2026-11-23", "to": "2026-11-23"}


@pytest.fixture
def period_data(frozen_clock, completed, items, make_staff, technologist):
    boss = make_staff(Role.DIRECTOR)
    exam = completed(items["chest"])
    record_event(exam, EventKind.OVERRIDE, boss.user, note="急诊加号", rule="SCH-8")
    record_event(exam, EventKind.RULE_EXCEPTION, None, rule="EXM-4")
    films.register_reject(technologist.user, exam, RejectReason.POSITIONING)
    frozen_clock.move_to(at(8, 31))
    sessions.remind_unrecorded()
    return boss, exam


def test_period_figures_per_rule(period_data, client_for):
    boss, exam = period_data
    page = client_for(boss).get("/quality/compliance/", PERIOD)
    assert page.status_code == 200
    figures = {row.rule.id: (row.status, f) for row, f in page.context["rows"]}
    assert figures["SCH-8"][1].overrides == 1
    assert figures["EXM-4"][1].exceptions == 1
    assert figures["CNF-1"][1].reminders == 1
    assert "50.0% (1/2)" in figures["QLT-3"][1].measure  # one reject among two images
    assert figures["EQP-1"] == ("planned", None)  # not carried out yet: shown as such
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM orders_examevent WHERE kind = 'override'")
        assert cursor.fetchone()[0] == page.context["totals"]["overrides"]

    detail = client_for(boss).get("/quality/compliance/SCH-8/", PERIOD)
    assert [e.note for e in detail.context["events"]] == ["急诊加号"]
    assert client_for(boss).get("/quality/compliance/NOPE-1/").status_code == 404
    other_day = client_for(boss).get(
        "/quality/compliance/", {"from": "2026-11-20", "to": "2026-11-20"}
    )
    figures = {row.rule.id: f for row, f in other_day.context["rows"]}
    assert figures["SCH-8"] is None or figures["SCH-8"].overrides == 0


def test_compliance_is_for_management(make_staff, client_for):
    assert client_for(make_staff(Role.CLERK)).get("/quality/compliance/").status_code == 403
