"""The archive pages: the registry search (audited), an exam's archive record with its report
versions and where the films are, loan requests refused with their rule, a tampered number a
404, never a server error."""

from __future__ import annotations

import pytest

from yiji.core.models import AuditEntry, Role


@pytest.fixture(autouse=True)
def _monday(frozen_clock):
    yield


@pytest.mark.rules("ARC-1", "ARC-7")
def test_the_registry_and_an_exams_archive_record(client_for, clerk, completed, items, patient):
    exam = completed(items["chest"])
    web = client_for(clerk)
    found = web.get(f"/archive/?q={patient.patient_id}").content.decode()
    assert exam.accession in found
    assert AuditEntry.objects.filter(object_type="archive.registry").exists()
    assert exam.accession not in web.get("/archive/?q=nobody").content.decode()
    web.post(f"/archive/exams/{exam.pk}/", {"medium": "film", "room": "档案室", "cabinet": "A-1"})
    page = web.get(f"/archive/exams/{exam.pk}/").content.decode()
    assert "档案室 A-1" in page and "检查完成" in page  # the location and the work records
    assert exam.accession in web.get("/archive/?location=A-1").content.decode()
    bad = web.post(f"/archive/exams/{exam.pk}/", {"medium": "x"}, follow=True)
    assert "【ARC-1】" in bad.content.decode()
    assert web.get("/archive/?from=2026-02-30").status_code == 200


@pytest.mark.rules("ARC-2")
def test_loan_requests_on_the_page(client_for, clerk, clinician, completed, items, make_staff):
    exam = completed(items["chest"])
    web = client_for(clerk)
    refused = web.post("/archive/loans/", {"accession": exam.accession, "kind": "borrow",
                                           "medium": "film", "borrower_unit": "急诊科",
                                           "purpose": "会诊"})  # fmt: skip
    assert "【ARC-2】" in refused.content.decode() and "会诊" in refused.content.decode()
    unknown = web.post("/archive/loans/", {"accession": "NOPE", "kind": "borrow"})
    assert "【ARC-2】" in unknown.content.decode()
    made = web.post("/archive/loans/", {"accession": exam.accession, "kind": "borrow",
                                        "medium": "film", "borrower": clinician.pk,
                                        "borrower_unit": "急诊科", "purpose": "会诊"})  # fmt: skip
    assert made.status_code == 302
    assert web.get("/archive/loans/999999/").status_code == 404
    assert client_for(make_staff(Role.ENGINEER)).get("/archive/loans/").status_code == 403
