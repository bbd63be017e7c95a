"""A form whose hidden record number was tampered with gets a 404, never a server error."""

from __future__ import annotations

import pytest

from yiji.core.models import PhysicianTitle, Role


@pytest.mark.parametrize(
    "url, field",
    [
        ("/critical/", "result"),
        ("/quality/sessions/", "department"),
        ("/quality/qc/", "department"),
    ],
)
def test_a_non_numeric_record_number_is_not_found(make_staff, client_for, url, field):
    staff = make_staff(Role.PHYSICIAN, Role.QC_OFFICER, physician_title=PhysicianTitle.ATTENDING)
    response = client_for(staff).post(url, {field: "1 OR 1=1", "action": "notify"})
    assert response.status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "/reading/?day=2026-02-30",
        "/quality/difficult/?day=2026-02-30",
        "/quality/kpi/?from=2026-02-30&to=2026-13-01",
    ],
)
def test_an_impossible_date_is_ignored(make_staff, client_for, url):
    staff = make_staff(
        Role.PHYSICIAN, Role.QC_OFFICER, Role.DIRECTOR, physician_title=PhysicianTitle.ATTENDING
    )
    assert client_for(staff).get(url).status_code == 200
