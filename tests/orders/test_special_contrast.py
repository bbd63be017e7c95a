"""SCH-5: special-contrast appointments are ordered by severity, distance and preparation."""

from __future__ import annotations

import pytest

from yiji.core.models import Patient
from yiji.orders.models import EventKind
from yiji.orders.scheduling import confirm_preparation, special_contrast_waitlist


def _patient(pid, km):
    return Patient.objects.create(
        patient_id=pid, name=f"患者{pid}", sex="F", source="outpatient", residence_distance_km=km
    )


@pytest.mark.rules("SCH-5")
def test_severity_then_distance_then_preparation(order, items, clerk, frozen_clock):
    near = order(items["barium"], patient=_patient("N", 2))[0]
    frozen_clock.shift(60)
    far = order(items["barium"], patient=_patient("F", 80))[0]
    frozen_clock.shift(60)
    prepared = order(items["barium"], patient=_patient("R", 2))[0]
    confirm_preparation(clerk.user, prepared)
    severe = order(items["barium"], patient=_patient("S", 1), critically_ill=True)[0]
    routine_ct = order(items["ct_head"])[0]  # not special contrast: not on the list
    ordered = [e.pk for e in special_contrast_waitlist()]
    assert ordered == [severe.pk, far.pk, prepared.pk, near.pk]
    assert routine_ct.pk not in ordered
    assert prepared.events.filter(kind=EventKind.PREPARED).exists()


@pytest.mark.rules("SCH-5")
def test_the_list_is_shown_to_the_desk(order, items, clerk, client_for):
    order(items["barium"], patient=_patient("F", 80))
    page = client_for(clerk).get("/special-contrast/")
    assert page.status_code == 200 and "患者F" in page.text and "80" in page.text
