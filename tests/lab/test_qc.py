"""Internal QC (LAB-5): each Westgard rule triggered by a crafted series and not by a clean
one; a rejected run blocks releasing that test's results from that instrument until the
corrective action is recorded; the run needs its control levels; EQA pass rates."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tests.conftest import PASSWORD
from yiji.core.models import Notice
from yiji.core.permissions import PermissionRefused
from yiji.core.policy_catalogue import WESTGARD_RULES
from yiji.core.rulebook import RuleViolation
from yiji.lab import qc, results
from yiji.lab.models import ControlMaterial, LabTest, RunStatus
from yiji.lab.qc import Point, westgard

pytestmark = pytest.mark.rules("LAB-5")
ALL = [code for code, _zh, _en in WESTGARD_RULES]


def runs(*levels: list[float]) -> list[Point]:
    """runs([z of level 1 per run], [z of level 2 per run]) -> the points, oldest first."""
    return [Point(run, level, z) for level, zs in enumerate(levels, 1) for run, z in enumerate(zs)]


CLEAN = runs([0.3, -0.5, 0.8, -1.1, 0.2, -0.4, 0.9, -0.2, 0.1, -0.6, 0.4],
             [-0.2, 0.6, -0.9, 0.4, -0.3, 1.2, -0.7, 0.5, -0.1, 0.3, -0.8])  # fmt: skip


def test_a_clean_series_violates_nothing():
    assert westgard(CLEAN, ALL) == []


@pytest.mark.parametrize(
    ("points", "expected"),
    [
        (runs([0.1, 2.3], [0.2, -0.4]), ["1_2s"]),  # a warning only
        (runs([0.1, 3.2], [0.2, 0.1]), ["1_3s"]),
        (runs([0.1, -3.4], [0.2, 0.1]), ["1_3s"]),
        (runs([0.1, 2.2], [0.2, 2.4]), ["2_2s"]),  # within the run, across levels
        (runs([2.1, 2.3], [0.2, 0.1]), ["2_2s"]),  # across runs, one level
        (runs([0.1, 2.2], [0.2, -2.3]), ["R_4s"]),
        (runs([0.2, 1.2, 1.3, 1.1, 1.5], [0.1, -0.3, 0.2, -0.5, 0.4]), ["4_1s"]),
        (runs([-0.2, -1.4], [0.3, -1.2]) + [Point(2, 1, -1.3), Point(2, 2, -1.1)], ["4_1s"]),
        (runs([0.5, 0.3, 0.6, 0.4, 0.2, 0.7, 0.5, 0.3, 0.8, 0.4], [0] * 10), ["10x"]),
    ],
)
def test_each_rule_is_triggered_by_its_series(points, expected):
    assert westgard(points, ALL) == expected


def test_an_old_violation_is_not_judged_again():
    assert westgard(runs([3.5, 0.2, -0.3], [0.1, 0.4, -0.2]), ALL) == []


def test_rules_switched_off_in_the_policy_are_not_applied():
    assert westgard(runs([0.1, 2.2], [0.2, -2.3]), ["1_3s"]) == []


@pytest.fixture
def potassium(lab_catalogue):
    test = LabTest.objects.get(code="K")
    instrument = lab_catalogue["biochemistry"]
    levels = [
        ControlMaterial.objects.create(
            test=test, instrument=instrument, name="钾质控", lot="L1", level=1,
            mean=Decimal("3.50"), sd=Decimal("0.10"),
        ),
        ControlMaterial.objects.create(
            test=test, instrument=instrument, name="钾质控", lot="L2", level=2,
            mean=Decimal("6.20"), sd=Decimal("0.10"),
        ),
    ]  # fmt: skip
    return test, instrument, levels


def _run(labtech, potassium, first: str, second: str):
    test, instrument, (low, high) = potassium
    return qc.record_run(labtech.user, test, instrument, {low.pk: first, high.pk: second})


def test_a_run_in_control_is_accepted(labtech, potassium):
    run = _run(labtech, potassium, "3.52", "6.15")
    assert run.status == RunStatus.ACCEPTED and run.violations == []
    assert [str(r.z) for r in run.results.order_by("material__level")] == ["0.20", "-0.50"]


def test_a_rejected_run_blocks_release_until_the_corrective_action(
    labtech, reviewer, potassium, entered
):
    exam = entered("LAB-ELEC", {"K": "4.10", "NA": "140", "CL": "101"})
    run = _run(labtech, potassium, "3.85", "6.20")  # level 1 at +3.5 SD
    assert run.status == RunStatus.REJECTED and run.violations == ["1_3s"]
    assert Notice.objects.filter(rule="LAB-5", recipient=reviewer).exists()
    with pytest.raises(RuleViolation, match="LAB-5"):
        results.release(reviewer.user, exam, PASSWORD)
    with pytest.raises(RuleViolation, match="LAB-5"):
        qc.correct(labtech.user, run, "")
    qc.correct(labtech.user, run, "更换电极，重新定标后复测在控")
    with pytest.raises(RuleViolation, match="LAB-5"):  # corrected, but not yet re-run in control
        results.release(reviewer.user, exam, PASSWORD)
    _run(labtech, potassium, "3.52", "6.15")
    assert results.release(reviewer.user, exam, PASSWORD).exam == exam


def test_the_block_is_for_that_test_on_that_instrument_only(labtech, reviewer, potassium, entered):
    _run(labtech, potassium, "3.85", "6.20")
    exam = entered("LAB-GLU", {"GLU": "5.2"})
    assert results.release(reviewer.user, exam, PASSWORD)


def test_a_warning_run_does_not_block(labtech, reviewer, potassium, entered):
    run = _run(labtech, potassium, "3.73", "6.20")  # +2.3 SD
    assert run.status == RunStatus.WARNING and run.violations == ["1_2s"]
    exam = entered("LAB-ELEC", {"K": "4.10", "NA": "140", "CL": "101"})
    assert results.release(reviewer.user, exam, PASSWORD)


def test_rules_span_runs(labtech, potassium, frozen_clock):
    _run(labtech, potassium, "3.72", "6.20")
    frozen_clock.shift(dt.timedelta(hours=4))
    second = _run(labtech, potassium, "3.73", "6.21")
    assert second.status == RunStatus.REJECTED and second.violations == ["2_2s"]


def test_a_run_needs_the_policy_levels_and_numbers(labtech, potassium):
    test, instrument, (low, high) = potassium
    with pytest.raises(RuleViolation, match="LAB-5"):
        qc.record_run(labtech.user, test, instrument, {low.pk: "3.5"})
    with pytest.raises(RuleViolation, match="LAB-5"):
        qc.record_run(labtech.user, test, instrument, {low.pk: "3.5", high.pk: "high"})


def test_an_expired_lot_cannot_be_used(labtech, potassium):
    test, instrument, (low, high) = potassium
    ControlMaterial.objects.filter(pk=high.pk).update(expires_on=dt.date(2026, 11, 1))
    with pytest.raises(RuleViolation, match="LAB-5"):
        qc.record_run(labtech.user, test, instrument, {low.pk: "3.5", high.pk: "6.2"})


def test_materials_and_eqa_are_kept_by_the_reviewer(labtech, reviewer, lab_catalogue):
    test = LabTest.objects.get(code="GLU")
    with pytest.raises(PermissionRefused):
        qc.record_eqa(labtech.user, test=test, provider="临检中心", round="2026-1", year=2026,
                      samples=5, acceptable=5)  # fmt: skip
    with pytest.raises(RuleViolation, match="LAB-5"):
        qc.record_eqa(reviewer.user, test=test, provider="临检中心", round="2026-1", year=2026,
                      samples=5, acceptable=6)  # fmt: skip
    qc.record_eqa(reviewer.user, test=test, provider="临检中心", round="2026-1", year=2026,
                  samples=5, acceptable=4)  # fmt: skip
    qc.record_eqa(reviewer.user, test=test, provider="临检中心", round="2026-2", year=2026,
                  samples=5, acceptable=3)  # fmt: skip
    figures = qc.eqa_figures(2026)
    assert (figures.rounds, figures.passed, figures.pass_rate) == (2, 1, 50.0)
    with pytest.raises(RuleViolation, match="LAB-5"):
        qc.add_material(
            reviewer.user, test=test, instrument=lab_catalogue["biochemistry"], name="糖质控",
            lot="G1", level=1, mean=Decimal("5"), sd=Decimal("0"),
        )  # fmt: skip


def test_iqc_coverage_counts_the_reported_tests_that_had_qc(labtech, reviewer, potassium, entered):
    _run(labtech, potassium, "3.50", "6.20")
    results.release(reviewer.user, entered("LAB-GLU", {"GLU": "5.0"}), PASSWORD)
    results.release(reviewer.user, entered("LAB-ELEC", {"K": "4.1", "NA": "140", "CL": "101"}),
                    PASSWORD)  # fmt: skip
    today = dt.date(2026, 11, 23)
    figures = qc.iqc_figures(today, today)
    assert (figures.runs, figures.tests_reported, figures.tests_with_qc) == (1, 4, 1)
    assert figures.coverage == 25.0


def test_a_run_without_its_test_or_instrument_is_refused_in_the_service(labtech, potassium):
    test, instrument, _levels = potassium
    for pair in ((None, instrument), (test, None)):
        with pytest.raises(RuleViolation, match="LAB-5"):
            qc.record_run(labtech.user, *pair, {})


def test_results_wait_for_the_period_s_in_control_run_or_a_documented_exception(
    labtech, reviewer, potassium, entered, client_for, frozen_clock
):
    yesterday = _run(labtech, potassium, "3.52", "6.15")
    yesterday.run_at -= dt.timedelta(days=1)
    yesterday.save()
    exam = entered("LAB-ELEC", {"K": "4.10", "NA": "140", "CL": "101"})
    page = client_for(reviewer).get(f"/lab/exams/{exam.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "本质控周期尚无在控的室内质控" in page.text and 'value="qc_exception"' in page.text
    with pytest.raises(RuleViolation, match="LAB-5"):
        results.release(reviewer.user, exam, PASSWORD)
    test, instrument, _levels = potassium
    with pytest.raises(RuleViolation, match="LAB-5"):  # the exception says why
        qc.record_exception(reviewer.user, test, instrument, "")
    client_for(reviewer).post(
        f"/lab/exams/{exam.pk}/",
        {"action": "qc_exception", "test": test.pk, "instrument": instrument.pk,
         "reason": "质控品批号用完，新批号明晨到货，急诊结果先发"},
    )  # fmt: skip
    assert results.release(reviewer.user, exam, PASSWORD).exam == exam


def test_by_shift_the_morning_run_does_not_cover_the_night(
    labtech, reviewer, potassium, entered, frozen_clock, director, hospital
):
    from tests.orders.fixtures import at
    from yiji.core import policy

    frozen_clock.move_to(at(9, 0))
    _run(labtech, potassium, "3.52", "6.15")
    test, instrument, _levels = potassium
    assert qc.missing_run(test, instrument, instrument.department) is None
    frozen_clock.move_to(at(21, 0))
    assert qc.missing_run(test, instrument, instrument.department) is None  # by day: covered
    policy.change(director.user, "lab.qc_release_period", "shift", hospital=hospital, reason="按班")
    assert qc.missing_run(test, instrument, instrument.department) == at(20, 0)
