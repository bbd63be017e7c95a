"""A clinician reads released reports of their own patients, never drafts; every view logged."""

from __future__ import annotations

import pytest

from tests.conftest import PASSWORD
from yiji.core.models import AuditAction, AuditEntry, PhysicianTitle, Role
from yiji.reports import services


def _report(doctor, exam, text="双肺未见异常。"):
    writer = doctor("attending")
    report = services.save_draft(
        writer.user, exam, services.Draft("所见", text), expected_version=0
    )
    return report, writer


@pytest.mark.rules("ORD-7")
def test_the_ordering_clinician_reads_final_and_preliminary_reports(
    doctor, completed, items, clinician, client_for
):
    final, writer = _report(doctor, completed(items["chest"]))
    final = services.sign_final(
        doctor("chief").user, services.submit(writer.user, final, PASSWORD), PASSWORD
    )
    draft, _w = _report(doctor, completed(items["chest"]), "草稿内容")
    urgent, writer2 = _report(doctor, completed(items["ct_head"], priority="urgent"))
    services.issue_preliminary(writer2.user, urgent, PASSWORD)
    client = client_for(clinician)
    listed = list(client.get("/results/").context["rows"])
    assert final in listed and urgent in listed and draft not in listed
    page = client.get(f"/results/{urgent.pk}/")
    assert "初步报告" in page.text
    assert client.get(f"/results/{draft.pk}/").status_code == 403
    views = AuditEntry.objects.filter(action=AuditAction.VIEW, actor=clinician.user)
    assert views.count() == 1 and views.get().object_id == str(urgent.pk)


def test_a_clinician_of_another_department_cannot_read(
    doctor, completed, items, make_staff, client_for, hospital
):
    from yiji.core.models import Department

    report, writer = _report(doctor, completed(items["chest"]))
    services.sign_final(
        doctor("chief").user, services.submit(writer.user, report, PASSWORD), PASSWORD
    )
    elsewhere = Department.objects.create(
        hospital=hospital, code="ORTH", name="骨科", kind="clinical"
    )
    stranger = make_staff(
        Role.CLINICIAN, department=elsewhere, physician_title=PhysicianTitle.ATTENDING
    )
    client = client_for(stranger)
    assert report not in list(client.get("/results/").context["rows"])
    response = client.get(f"/results/{report.pk}/")
    assert response.status_code == 403 and "ARC-5" in response.text


@pytest.mark.rules("ORD-7")
def test_the_results_list_pages_newest_first_without_repeats(
    doctor, completed, items, clinician, client_for, monkeypatch
):
    monkeypatch.setattr("yiji.lab.results_views.RESULTS_PAGE", 2)
    released = []
    for _ in range(3):
        report, writer = _report(doctor, completed(items["ct_head"], priority="urgent"))
        released.append(services.issue_preliminary(writer.user, report, PASSWORD))
    client = client_for(clinician)
    first = client.get("/results/")
    assert list(first.context["rows"]) == [released[2], released[1]]
    assert first.context["older"] and "更早" in first.text
    second = client.get("/results/", {"before": first.context["older"]})
    assert list(second.context["rows"]) == [released[0]] and second.context["older"] == ""
    for cursor in ("nonsense", "2026-11-23T07:30:00~x", "2026-11-23T07:30:00~5",
                   f"2026-11-23T07:30:00+08:00~{2**64}"):  # fmt: skip
        assert client.get("/results/", {"before": cursor}).status_code == 200  # the first page


@pytest.mark.rules("ARC-5", "ORD-7")
def test_a_clinician_prints_the_released_report_of_their_patient_but_no_other(
    doctor, completed, items, clinician, make_staff, client_for, hospital
):
    from yiji.core.models import Department

    report, writer = _report(doctor, completed(items["chest"]))
    report = services.sign_final(
        doctor("chief").user, services.submit(writer.user, report, PASSWORD), PASSWORD
    )
    client = client_for(clinician)
    assert f"/exams/{report.exam_id}/report.pdf" in client.get(f"/results/{report.pk}/").text
    pdf = client.get(f"/exams/{report.exam_id}/report.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert AuditEntry.objects.filter(
        actor=clinician.user, action=AuditAction.EXPORT, object_id=str(report.pk)
    ).exists()
    elsewhere = Department.objects.create(
        hospital=hospital, code="ORTH", name="骨科", kind="clinical"
    )
    stranger = make_staff(
        Role.CLINICIAN, department=elsewhere, physician_title=PhysicianTitle.ATTENDING
    )
    refused = client_for(stranger).get(f"/exams/{report.exam_id}/report.pdf")
    assert refused.status_code == 403 and "ARC-5" in refused.text
