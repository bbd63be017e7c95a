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
    assert figures["LAB-1"][0] == "implemented"
    assert figures["LAB-1"][1].measure.startswith("不合格标本")
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


@pytest.mark.rules("ORD-3", "QLT-3")
def test_refusals_are_counted_per_rule_whichever_way_they_came(
    frozen_clock, completed, items, technologist, clinician, patient, client_for, director
):
    from tests.orders.test_rules_http import _api, _order
    from yiji.core.models import Refusal

    exam = completed(items["chest"])
    page = client_for(technologist).post(
        "/quality/films/", {"action": "reject", "accession": exam.accession, "reason": ""},
        follow=True,
    )  # fmt: skip
    assert "QLT-3" in page.content.decode()
    refused = _order(_api(clinician), ["CT-HEAD"], bedside=True)
    assert refused.status_code == 409
    kept = {(r.rule, r.channel, r.actor_id) for r in Refusal.objects.all()}
    assert kept == {("QLT-3", "web", technologist.user.pk), ("ORD-3", "api", clinician.user.pk)}

    figures = {
        row.rule.id: f
        for row, f in client_for(director).get("/quality/compliance/", PERIOD).context["rows"]
    }
    assert (figures["QLT-3"].refusals, figures["ORD-3"].refusals) == (1, 1)
    detail = client_for(director).get("/quality/compliance/ORD-3/", PERIOD)
    assert [r.where for r in detail.context["refusals"]] == ["/api/requisitions"]
