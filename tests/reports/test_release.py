"""RPT-4: routine CT reports go out after the next morning's reading session; emergencies and
X-ray at once. A held report is not shown to the clinic until then."""

from __future__ import annotations

import pytest

from tests.conftest import PASSWORD
from tests.orders.fixtures import at
from yiji.reports import services


def _final(doctor, exam):
    writer = doctor("resident")
    report = services.save_draft(
        writer.user, exam, services.Draft("所见", "意见"), expected_version=0
    )
    report = services.submit(writer.user, report, PASSWORD)
    return services.sign_final(doctor("attending").user, report, PASSWORD)


@pytest.mark.rules("RPT-4")
def test_routine_ct_is_held_until_the_next_morning(
    frozen_clock, completed, items, doctor, clinician, client_for
):
    frozen_clock.move_to(at(15, 0))
    report = _final(doctor, completed(items["ct_head"]))
    assert report.released_at == at(10, 0, days=1)
    client = client_for(clinician)
    assert report not in list(client.get("/results/").context["rows"])
    frozen_clock.move_to(at(10, 1, days=1))
    client = client_for(clinician)  # a new day, a new log-in (the old session timed out)
    assert report in list(client.get("/results/").context["rows"])


@pytest.mark.rules("RPT-4")
def test_friday_reports_go_out_on_monday(frozen_clock, completed, items, doctor):
    frozen_clock.move_to(at(16, 0, days=4))  # Friday
    report = _final(doctor, completed(items["ct_head"]))
    assert report.released_at == at(10, 0, days=7)  # the next Monday


@pytest.mark.rules("RPT-4")
def test_emergency_ct_and_x_ray_go_out_at_once(frozen_clock, completed, items, doctor):
    frozen_clock.move_to(at(15, 0))
    urgent = _final(doctor, completed(items["ct_head"], priority="urgent"))
    xray = _final(doctor, completed(items["chest"]))
    assert urgent.released_at == urgent.final_at and xray.released_at == xray.final_at
