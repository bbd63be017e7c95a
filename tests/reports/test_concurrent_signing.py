"""Two reviewers signing the same report at the same instant (issue 11's faults): exactly one
signature makes it final; the other is refused with the rule (RPT-1), and nothing is signed,
released or recorded twice."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType

from tests.conftest import PASSWORD
from tests.orders.fixtures import race
from yiji.core.models import ElectronicSignature
from yiji.core.rulebook import RuleViolation
from yiji.orders.models import EventKind
from yiji.reports import services
from yiji.reports.models import Report, ReportStatus

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.rules("RPT-1")
def test_two_reviewers_signing_at_once_one_signature_counts(doctor, completed, items):
    writer = doctor("resident")
    reviewers = [doctor("attending"), doctor("attending")]
    exam = completed(items["chest"])
    draft = services.Draft("双肺纹理清晰，未见实变。", "胸部未见明显异常。")
    report = services.save_draft(writer.user, exam, draft, expected_version=0)
    report = services.submit(writer.user, report, PASSWORD)

    results = race([lambda r=r: services.sign_final(r.user, report, PASSWORD) for r in reviewers])

    won = [r for r in results if isinstance(r, Report)]
    refused = [r for r in results if isinstance(r, RuleViolation)]
    assert len(won) == 1 and len(refused) == 1, results
    assert refused[0].rule_id == "RPT-1"
    report.refresh_from_db()
    assert report.status == ReportStatus.FINAL and report.reviewer == won[0].reviewer
    assert report.version == won[0].version
    assert exam.events.filter(kind=EventKind.REPORT_FINAL).count() == 1
    meanings = ElectronicSignature.objects.filter(
        content_type=ContentType.objects.get_for_model(Report), object_id=str(report.pk)
    ).values_list("meaning", flat=True)
    assert sorted(meanings) == ["report author", "report reviewer"]
