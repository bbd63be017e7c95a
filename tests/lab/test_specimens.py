"""Specimens (LAB-1, LAB-4): labels, collection after the identity check, the reception
check, every rejection reason with the ward told and a recollection label, concessions,
storage, and keeping special specimens for the policy hours after the report."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.conftest import PASSWORD
from tests.lab.conftest import identity
from yiji.core import policy
from yiji.core.models import Notice, Role
from yiji.core.policy_catalogue import REJECTION_REASONS
from yiji.core.rulebook import RuleViolation
from yiji.lab import results, specimens
from yiji.lab.models import Specimen, SpecimenStatus
from yiji.orders.checkin import Identifiers
from yiji.orders.models import EventKind, ExamStatus

pytestmark = pytest.mark.rules("LAB-1")


def test_labels_make_one_specimen_per_lab_exam_and_printing_again_reuses_them(lab_order, labtech):
    exam = lab_order("LAB-CBC")
    first = specimens.labels_for(labtech.user, exam.requisition)
    again = specimens.labels_for(labtech.user, exam.requisition)
    assert [s.barcode for s in first] == [s.barcode for s in again]
    assert first[0].container == "edta" and first[0].status == SpecimenStatus.LABELLED
    exam.refresh_from_db()
    assert exam.accession


def test_collection_needs_the_patients_identity(lab_order, labtech):
    exam = lab_order("LAB-CBC")
    specimen = specimens.labels_for(labtech.user, exam.requisition)[0]
    with pytest.raises(RuleViolation) as refused:
        specimens.collect(labtech.user, specimen, Identifiers(name="李四", patient_id="P100"))
    assert refused.value.rule_id == "ORD-5"
    collected = specimens.collect(labtech.user, specimen, identity(exam.patient))
    assert collected.collected_by == labtech and collected.collected_at
    assert exam.events.filter(kind=EventKind.SPECIMEN_COLLECTED).exists()


def test_a_specimen_not_collected_cannot_be_received(lab_order, labtech):
    exam = lab_order("LAB-CBC")
    specimen = specimens.labels_for(labtech.user, exam.requisition)[0]
    with pytest.raises(RuleViolation, match="LAB-1"):
        specimens.receive(labtech.user, specimen)


def test_reception_starts_the_exam_and_its_clock(collected, labtech):
    specimen = specimens.receive(labtech.user, collected("LAB-ELEC", urgent=True))
    exam = specimen.exam
    exam.refresh_from_db()
    assert exam.status == ExamStatus.ARRIVED and exam.report_due_rule == "LAB-2"
    assert specimen.events.filter(kind=SpecimenStatus.RECEIVED).exists()


@pytest.mark.parametrize("reason", [code for code, _zh, _en in REJECTION_REASONS])
def test_each_rejection_reason_rejects_tells_the_ward_and_asks_for_a_new_specimen(
    reason, collected, labtech, clinician, make_staff, ward
):
    nurse = make_staff(Role.NURSE, department=ward)
    specimen = collected("LAB-ELEC")
    specimens.reject(labtech.user, specimen, reason, "核对发现")
    specimen.refresh_from_db()
    assert specimen.status == SpecimenStatus.REJECTED and specimen.rejection_reason == reason
    replacement = specimen.recollection
    assert replacement.status == SpecimenStatus.LABELLED and replacement.barcode != specimen.barcode
    told = Notice.objects.filter(rule="LAB-1", key=f"lab-reject-{specimen.pk}")
    assert {n.recipient for n in told} == {clinician, nurse}
    assert replacement.barcode in told.first().message
    assert specimen.exam.events.filter(kind=EventKind.SPECIMEN_REJECTED).exists()
    assert specimens.current(specimen.exam) == replacement


def test_a_reason_not_on_the_list_is_refused(collected, labtech, lab, director):
    specimen = collected("LAB-ELEC")
    policy.change(director.user, "lab.rejection_reasons", ["clotted"], hospital=lab.hospital,
                  department=lab, reason="测试")  # fmt: skip
    for reason in ("haemolysed", "bogus", ""):
        with pytest.raises(RuleViolation, match="LAB-1"):
            specimens.reject(labtech.user, specimen, reason)
    assert Specimen.objects.get(pk=specimen.pk).status == SpecimenStatus.COLLECTED


def test_rejecting_a_received_specimen_puts_the_exam_back_to_waiting(received, labtech):
    specimen = received("LAB-CBC")
    specimens.reject(labtech.user, specimen, "clotted")
    specimen.exam.refresh_from_db()
    assert specimen.exam.status == ExamStatus.REQUESTED and specimen.exam.report_due_at is None


def test_a_late_specimen_is_refused_unless_a_concession_is_documented(
    collected, labtech, frozen_clock
):
    specimen = collected("LAB-ELEC")
    frozen_clock.shift(dt.timedelta(minutes=121))
    with pytest.raises(RuleViolation, match="LAB-1") as refused:
        specimens.receive(labtech.user, specimen)
    assert "运送延迟" in refused.value.zh
    with pytest.raises(RuleViolation, match="LAB-1"):
        specimens.receive(labtech.user, specimen, concession="delayed_transport", note="")
    received = specimens.receive(
        labtech.user, specimen, concession="delayed_transport", note="患者难以再次采血，临床同意"
    )
    assert received.status == SpecimenStatus.RECEIVED
    assert received.concession_reason == "delayed_transport"


def test_concessions_can_be_switched_off(collected, labtech, lab, director):
    policy.change(director.user, "lab.concession_testing_allowed", False, hospital=lab.hospital,
                  department=lab, reason="测试")  # fmt: skip
    with pytest.raises(RuleViolation, match="concession testing"):
        specimens.receive(labtech.user, collected("LAB-ELEC"), concession="lipaemic", note="同意")


def test_a_concession_is_printed_on_the_released_report(collected, labtech, reviewer):
    specimen = specimens.receive(
        labtech.user, collected("LAB-GLU"), concession="lipaemic", note="临床同意"
    )
    results.enter(labtech.user, specimen.exam, {"GLU": "5.1"})
    report = results.release(reviewer.user, specimen.exam, PASSWORD)
    assert report.comment.startswith("让步检验：脂血")


def test_storage_needs_a_location(received, labtech):
    specimen = received("LAB-LFT")
    with pytest.raises(RuleViolation, match="LAB-1"):
        specimens.store(labtech.user, specimen, " ")
    stored = specimens.store(labtech.user, specimen, "2-8℃冰箱A层")
    assert stored.status == SpecimenStatus.STORED and stored.location == "2-8℃冰箱A层"


def _released(entered, reviewer, code, values):
    exam = entered(code, values)
    results.release(reviewer.user, exam, PASSWORD)
    return specimens.current(exam)


@pytest.mark.rules("LAB-4")
def test_a_special_specimen_is_kept_the_policy_hours_after_the_report(
    entered, reviewer, labtech, frozen_clock
):
    specimen = _released(entered, reviewer, "LAB-HBSAG", {"HBSAG": "阴性"})
    assert specimen.keep_until - specimen.exam.lab_report.released_at == dt.timedelta(hours=24)
    with pytest.raises(RuleViolation, match="LAB-4"):
        specimens.dispose(labtech.user, specimen, "高压灭菌")
    frozen_clock.shift(dt.timedelta(hours=24))
    with pytest.raises(RuleViolation, match="LAB-4"):
        specimens.dispose(labtech.user, specimen, "")
    disposed = specimens.dispose(labtech.user, specimen, "高压灭菌后按医疗废物处理")
    assert disposed.status == SpecimenStatus.DISPOSED and disposed.disposed_by == labtech


@pytest.mark.rules("LAB-4")
def test_other_specimens_are_due_for_disposal_at_once(entered, reviewer, labtech):
    specimen = _released(entered, reviewer, "LAB-GLU", {"GLU": "5.0"})
    assert specimen.keep_until == specimen.exam.lab_report.released_at
    assert specimens.dispose(labtech.user, specimen, "消毒处理").status == SpecimenStatus.DISPOSED


@pytest.mark.rules("LAB-4")
def test_nothing_is_disposed_of_before_its_report(received, labtech):
    with pytest.raises(RuleViolation, match="LAB-4"):
        specimens.dispose(labtech.user, received("LAB-GLU"), "消毒处理")


@pytest.mark.rules("LAB-4")
def test_specimens_past_their_time_are_reminded_once_a_day(
    entered, reviewer, labtech, frozen_clock
):
    specimen = _released(entered, reviewer, "LAB-BC", {"BC": "阴性"})
    assert specimens.remind_disposal() == 0  # kept 24 h
    frozen_clock.shift(dt.timedelta(hours=25, minutes=5))
    assert specimens.remind_disposal() == 1
    assert specimens.remind_disposal() == 0  # once per department and day
    notice = Notice.objects.get(rule="LAB-4")
    assert notice.recipient == labtech and "1份标本" in notice.message
    specimens.dispose(labtech.user, specimen, "高压灭菌")
    frozen_clock.shift(dt.timedelta(days=1))
    assert specimens.remind_disposal() == 0
