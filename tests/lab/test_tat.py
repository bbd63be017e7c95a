"""Lab turnaround (LAB-2): routine results by the day's cut-off, urgent ones within the
section's minutes from reception; reminders before and after the deadline; the TAT
indicators on crafted data with known answers (medians, 90th percentile, late count)."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.conftest import PASSWORD
from tests.orders.fixtures import at
from yiji.core.models import Notice, Role
from yiji.lab import results, specimens, tat

pytestmark = pytest.mark.rules("LAB-2")


@pytest.mark.parametrize(
    ("code", "urgent", "received_at", "due"),
    [
        ("LAB-CBC", True, at(7, 30), at(8, 0)),  # haematology: 30 min
        ("LAB-ELEC", True, at(7, 30), at(9, 30)),  # stat biochemistry: 2 h
        ("LAB-LFT", False, at(7, 30), at(18, 0)),  # routine: before the end of the day
        ("LAB-LFT", False, at(18, 30), at(18, 0, days=1)),  # after the cut-off: next day
        ("LAB-BC", False, at(7, 30), None),  # cultures take days
    ],
)
def test_the_deadline_by_section_and_urgency(lab_order, code, urgent, received_at, due):
    exam = lab_order(code, urgent=urgent)
    assert tat.deadline(exam, received_at)[0] == due


def test_reception_fixes_the_deadline(received):
    exam = received("LAB-CBC", urgent=True).exam
    exam.refresh_from_db()
    assert (exam.report_due_at, exam.report_due_rule) == (at(8, 0), "LAB-2")


def test_reminders_before_and_after_the_deadline(
    received, labtech, reviewer, make_staff, lab, frozen_clock
):
    director = make_staff(Role.DIRECTOR, department=lab)
    received("LAB-CBC", urgent=True)  # due 08:00
    frozen_clock.move_to(at(7, 45))
    assert tat.remind() == 0
    frozen_clock.move_to(at(7, 51))
    tat.remind()
    assert Notice.objects.filter(rule="LAB-2", recipient=labtech).count() == 1
    assert not Notice.objects.filter(rule="LAB-2", recipient=reviewer).exists()
    frozen_clock.move_to(at(8, 1))
    tat.remind()
    assert Notice.objects.get(rule="LAB-2", recipient=reviewer).key.startswith("lab-late-")
    frozen_clock.move_to(at(9, 1))
    tat.remind()
    assert Notice.objects.filter(rule="LAB-2", recipient=director).exists()
    sent = Notice.objects.count()
    tat.remind()
    assert Notice.objects.count() == sent  # each once


def test_a_released_result_is_not_reminded(entered, reviewer, frozen_clock):
    exam = entered("LAB-CBC", {"WBC": "6", "RBC": "4.5", "HGB": "140", "PLT": "200",
                               "NEUT%": "60"}, urgent=True)  # fmt: skip
    results.release(reviewer.user, exam, PASSWORD)
    frozen_clock.move_to(at(10, 0))
    assert tat.remind() == 0


CBC = {"WBC": "6", "RBC": "4.5", "HGB": "140", "PLT": "200", "NEUT%": "60"}


def _through(lab_order, labtech, reviewer, clock, pre: int, intra: int, urgent=True):
    """A specimen collected now, received `pre` minutes later, released `intra` after that."""
    from tests.lab.conftest import identity

    exam = lab_order("LAB-CBC", urgent=urgent)
    specimen = specimens.labels_for(labtech.user, exam.requisition)[0]
    specimens.collect(labtech.user, specimen, identity(exam.patient))
    clock.shift(dt.timedelta(minutes=pre))
    specimens.receive(labtech.user, specimen)
    results.enter(labtech.user, exam, CBC)
    clock.shift(dt.timedelta(minutes=intra))
    results.release(reviewer.user, exam, PASSWORD)
    return exam


def test_the_tat_indicators_on_known_intervals(lab_order, labtech, reviewer, frozen_clock):
    for pre, intra in ((10, 20), (20, 40), (30, 60)):
        _through(lab_order, labtech, reviewer, frozen_clock, pre, intra)
    _through(lab_order, labtech, reviewer, frozen_clock, 5, 300, urgent=False)
    day = at(0).date()
    urgent = tat.figures(day, day, urgent=True)
    assert (urgent.count, urgent.pre_median, urgent.intra_median) == (3, 20.0, 40.0)
    assert urgent.total_p90 == 84.0  # totals 30, 60, 90: the inclusive 90th percentile
    assert urgent.late == 2  # 40 and 60 minutes against the 30-minute target
    assert urgent.target_p90 == 120 and urgent.meets is True
    whole = tat.figures(day, day)
    assert whole.count == 4 and whole.late == 2  # the routine one is before 18:00
    late = tat.late_specimens(day, day)
    assert sorted(round(s.intra.total_seconds() / 60) for s in late) == [40, 60]


def test_no_specimens_no_figures(lab_catalogue):
    day = at(0).date()
    figures = tat.figures(day, day)
    assert figures.count == 0 and figures.total_p90 is None and figures.meets is None
