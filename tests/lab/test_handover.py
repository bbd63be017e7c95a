"""The lab's handover lists its open work from the records (STF-4): specimens on their way
and tests received but not released, each linked to its lab page."""

from __future__ import annotations

import pytest

from tests.conftest import PASSWORD
from yiji.lab import results
from yiji.people import handover

pytestmark = pytest.mark.rules("STF-4")


def test_the_lab_handover_lists_specimens_in_transit_and_tests_not_released(
    collected, received, entered, reviewer, lab
):
    on_way = collected("LAB-GLU")
    waiting = received("LAB-CBC", urgent=True)
    done = entered("LAB-GLU", {"GLU": "5.0"})
    results.release(reviewer.user, done, PASSWORD)
    items = handover.open_items(lab)
    kinds = [(i["kind"], i["url"]) for i in items]
    assert ("lab_transit", f"/lab/specimens/{on_way.pk}/") in kinds
    assert ("lab_pending", f"/lab/exams/{waiting.exam_id}/") in kinds
    assert not any(str(done.pk) in url for _k, url in kinds)
    assert not any(kind == "waiting" for kind, _url in kinds)  # lab work has its own lines
