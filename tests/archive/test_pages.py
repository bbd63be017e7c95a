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


@pytest.mark.rules("ARC-7")
def test_the_work_records_include_the_days_qc_of_the_rooms_devices(
    client_for, clerk, completed, items, rooms, technologist, make_staff
):
    from yiji.archive import registry
    from yiji.equipment import plans
    from yiji.equipment import services as equipment
    from yiji.equipment.models import Device, MaintenancePlan

    engineer = make_staff(Role.ENGINEER)
    device = equipment.register_device(
        engineer.user,
        Device(department=rooms["DR1"].department, name="DR一号机", kind="DR", modality="DR",
               manufacturer="厂", model="M", serial="S9", room=rooms["DR1"],
               custodian=technologist),
    )  # fmt: skip
    plans.create_default_plans(engineer.user, device)
    daily = MaintenancePlan.objects.filter(device=device).order_by("interval_days").first()
    answers = [
        plans.Result(i, value=i.reference) if i.kind == "numeric" else plans.Result(i, passed=True)
        for i in daily.items.all()
    ]
    plans.record(technologist.user, daily, answers)
    exam = completed(items["chest"])
    work = registry.work_records(exam)
    assert [r.plan for r in work.qc] == [daily]
    assert {e.kind for e in work.events} >= {"requested", "arrived", "started", "completed"}
    page = client_for(clerk).get(f"/archive/exams/{exam.pk}/").content.decode()
    assert "DR一号机" in page
