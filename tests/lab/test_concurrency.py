"""Two signers at once (issue 11's fault drills, for the lab and for imaging reports): two
reviewers releasing the same lab exam, two attendings signing the same report — exactly one
signature lands, the other is refused with its rule, nothing is written twice."""

from __future__ import annotations

import pytest

from tests.conftest import PASSWORD
from tests.orders.fixtures import race
from yiji.core.models import ElectronicSignature, Role
from yiji.core.rulebook import RuleViolation
from yiji.interop.models import Endpoint, OutboundMessage
from yiji.lab import results
from yiji.lab.models import LabReport

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.rules("LAB-3", "RPT-1")]


def test_two_reviewers_releasing_one_lab_exam_at_once(entered, make_staff, lab):
    Endpoint.objects.create(name="HIS", host="127.0.0.1", port=2575, receiving_application="HIS")
    exam = entered("LAB-GLU", {"GLU": "5.2"})
    reviewers = [make_staff(Role.LAB_REVIEWER, department=lab).user for _ in range(2)]
    outcome = race([lambda u=u: results.release(u, exam, PASSWORD) for u in reviewers])
    released = [r for r in outcome if isinstance(r, LabReport)]
    refused = [r for r in outcome if isinstance(r, RuleViolation)]
    assert len(released) == 1 and len(refused) == 1, outcome
    assert refused[0].rule_id == "LAB-3"
    assert LabReport.objects.filter(exam=exam).count() == 1
    assert ElectronicSignature.objects.filter(meaning="lab_release").count() == 1
    assert OutboundMessage.objects.filter(exam=exam, message_type="ORU^R01").count() == 1


def test_two_attendings_signing_one_report_at_once(completed, items, doctor):
    from yiji.reports import services
    from yiji.reports.models import Report, ReportStatus

    writer = doctor("resident")
    exam = completed(items["chest"])
    report = services.save_draft(
        writer.user, exam, services.Draft("双肺清晰。", "胸部未见异常。"), expected_version=0
    )
    report = services.submit(writer.user, report, PASSWORD)
    signers = [doctor("attending").user for _ in range(2)]
    outcome = race([lambda u=u: services.sign_final(u, report, PASSWORD) for u in signers])
    signed = [r for r in outcome if isinstance(r, Report)]
    refused = [r for r in outcome if isinstance(r, RuleViolation)]
    assert len(signed) == 1 and len(refused) == 1, outcome
    report.refresh_from_db()
    assert report.status == ReportStatus.FINAL and report.reviewer.user == signed[0].reviewer.user
    assert ElectronicSignature.objects.filter(meaning="report reviewer").count() == 1
