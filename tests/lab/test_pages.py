"""The lab's pages through the web client: the workbench and its barcode box, a specimen's
actions, result entry and release from the exam page, the PDF report in Chinese, the analyser
import, QC and the indicators; refusals shown with their rule, never a 500."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from tests.conftest import PASSWORD
from tests.lab.conftest import identity
from yiji.lab import specimens
from yiji.lab.models import ControlMaterial, LabTest, QcRun, Specimen, SpecimenStatus
from yiji.orders.models import ExamStatus

pytestmark = pytest.mark.rules("LAB-1", "LAB-3")


def test_the_workbench_tabs_and_the_barcode_box(client_for, labtech, received, collected):
    here = received("LAB-CBC")
    on_way = collected("LAB-GLU")
    client = client_for(labtech)
    for tab in ("collect", "transit", "testing", "released", "dispose"):
        assert client.get(f"/lab/?tab={tab}").status_code == 200
    assert on_way.barcode in client.get("/lab/?tab=transit").content.decode()
    assert here.exam.accession in client.get("/lab/").content.decode()
    jump = client.get(f"/lab/?barcode={on_way.barcode}")
    assert jump.status_code == 302 and jump.url == f"/lab/specimens/{on_way.pk}/"
    missing = client.get("/lab/?barcode=NOPE", follow=True)
    assert "NOPE" in missing.content.decode()


def test_labels_print_as_a_pdf(client_for, labtech, lab_order):
    exam = lab_order("LAB-CBC")
    response = client_for(labtech).get(f"/lab/requisitions/{exam.requisition_id}/labels.pdf")
    assert response["Content-Type"] == "application/pdf"
    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    barcode = Specimen.objects.get(exam=exam).barcode
    assert barcode in text and "血常规" in text


def test_collect_receive_and_reject_from_the_specimen_page(client_for, labtech, lab_order):
    exam = lab_order("LAB-ELEC")
    specimen = specimens.labels_for(labtech.user, exam.requisition)[0]
    client = client_for(labtech)
    url = f"/lab/specimens/{specimen.pk}/"
    wrong = client.post(url, {"action": "collect", "name": "别人", "patient_id": "P100"},
                        follow=True)  # fmt: skip
    assert "ORD-5" in wrong.content.decode()
    client.post(url, {"action": "collect", "name": exam.patient.name, "patient_id": "P100"})
    page = client.post(url, {"action": "reject", "reason": "", "note": ""}, follow=True)
    assert "LAB-1" in page.content.decode()
    client.post(url, {"action": "reject", "reason": "haemolysed", "note": "明显溶血"})
    specimen.refresh_from_db()
    assert specimen.status == SpecimenStatus.REJECTED
    page = client.get(url).content.decode()
    assert "溶血" in page and specimen.recollection.barcode in page


def test_enter_notify_and_release_from_the_exam_page(client_for, labtech, reviewer, received):
    specimen = received("LAB-ELEC")
    exam = specimen.exam
    tech = client_for(labtech)
    url = f"/lab/exams/{exam.pk}/"
    page = tech.post(url, {"action": "enter", "value_K": "7.1", "value_NA": "x", "value_CL": "100"},
                     follow=True)  # fmt: skip
    body = page.content.decode()
    assert "危急值" in body and "NA" in body  # the critical flag, and the bad value named
    tech.post(url, {"action": "enter", "value_NA": "139"})
    found = exam.critical_results.get()
    tech.post(url, {"action": "notify", "critical": found.pk, "receiver": "王护士",
                    "department": "急诊科", "channel": "phone", "read_back": "on"})  # fmt: skip
    found.refresh_from_db()
    assert found.notified_at and found.receiver == "王护士"
    review = client_for(reviewer)
    refused = review.post(url, {"action": "release", "secret": "wrong"}, follow=True)
    assert refused.status_code == 200 and "LAB-3" in refused.content.decode()
    review.post(url, {"action": "release", "secret": PASSWORD})
    exam.refresh_from_db()
    assert exam.status == ExamStatus.COMPLETED
    pdf = review.get(f"/lab/exams/{exam.pk}/report.pdf")
    text = PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    assert "钾" in text and "mmol/L" in text and "检验报告单" in text and "林审核" in text


def test_the_report_pdf_has_the_units_with_their_exponents(entered, reviewer, client_for):
    from yiji.lab import results

    exam = entered("LAB-CBC", {"WBC": "6.1", "RBC": "4.5", "HGB": "140", "PLT": "200",
                               "NEUT%": "60"})  # fmt: skip
    results.release(reviewer.user, exam, PASSWORD)
    pdf = client_for(reviewer).get(f"/lab/exams/{exam.pk}/report.pdf")
    text = PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    assert "白细胞计数" in text and "血小板计数" in text and "g/L" in text
    assert "×10" in text and "/L" in text


def test_a_clinician_reads_only_their_own_patients_lab_report(
    entered, reviewer, client_for, clinician, make_staff, hospital
):
    from yiji.core.models import Department, DepartmentKind, Role
    from yiji.lab import results

    exam = entered("LAB-GLU", {"GLU": "5.0"})
    results.release(reviewer.user, exam, PASSWORD)
    assert client_for(clinician).get(f"/lab/exams/{exam.pk}/report.pdf").status_code == 200
    other = Department.objects.create(hospital=hospital, code="GI", name="消化内科",
                                      kind=DepartmentKind.CLINICAL)  # fmt: skip
    stranger = make_staff(Role.CLINICIAN, department=other)
    assert client_for(stranger).get(f"/lab/exams/{exam.pk}/report.pdf").status_code == 403


def test_the_import_page(client_for, labtech, received):
    specimen = received("LAB-GLU")
    client = client_for(labtech)
    assert client.get("/lab/import/").status_code == 200
    upload = io.BytesIO(f"barcode,test,value\n{specimen.barcode},GLU,5.6\n".encode())
    upload.name = "r.csv"
    page = client.post("/lab/import/", {"file": upload}, follow=True).content.decode()
    assert specimen.exam.lab_results.get().value == "5.60"
    assert "1" in page
    assert client.post("/lab/import/", {}).status_code == 200


@pytest.mark.rules("LAB-5")
def test_qc_pages_record_a_run_and_its_corrective_action(
    client_for, labtech, reviewer, lab_catalogue
):
    review = client_for(reviewer)
    glucose = LabTest.objects.get(code="GLU")
    instrument = lab_catalogue["biochemistry"]
    material = {"action": "material", "test": glucose.pk, "instrument": instrument.pk,
                "name": "血糖质控", "sd": "0.2"}  # fmt: skip
    for level, mean in ((1, "5.0"), (2, "15.0")):
        review.post("/lab/qc/", {**material, "lot": f"G{level}", "level": level, "mean": mean})
    bad = review.post("/lab/qc/", {**material, "lot": "G9", "level": "1", "mean": "abc"},
                      follow=True)  # fmt: skip
    assert bad.status_code == 200 and "LAB-5" in bad.content.decode()
    low, high = ControlMaterial.objects.filter(test=glucose).order_by("level")
    tech = client_for(labtech)
    tech.post("/lab/qc/", {"action": "run", "test": glucose.pk, "instrument": instrument.pk,
                           f"material_{low.pk}": "5.9", f"material_{high.pk}": "15.0"})  # fmt: skip
    run = QcRun.objects.get()
    assert run.blocks_release
    chart_url = f"/lab/qc/{glucose.pk}/{instrument.pk}/"
    page = tech.get(chart_url).content.decode()
    assert "lj-chart" in page and "1-3s" in page  # the rule as written, not its code
    tech.post(chart_url, {"run": run.pk, "action_text": "重新定标"})
    run.refresh_from_db()
    assert not run.blocks_release
    assert review.get("/lab/qc/").status_code == 200


@pytest.mark.rules("LAB-2")
def test_the_indicators_page(client_for, reviewer, entered):
    from yiji.lab import results

    results.release(reviewer.user, entered("LAB-GLU", {"GLU": "5.0"}), PASSWORD)
    page = client_for(reviewer).get("/lab/indicators/?from=2026-11-01&to=2026-11-23")
    assert page.status_code == 200 and "tat-chart" in page.content.decode()
    assert client_for(reviewer).get("/lab/indicators/?from=bad").status_code == 200


def test_pages_are_closed_to_other_roles(client_for, clinician, received):
    specimen = received("LAB-GLU")
    client = client_for(clinician)
    for url in ("/lab/", f"/lab/specimens/{specimen.pk}/", f"/lab/exams/{specimen.exam_id}/",
                "/lab/qc/", "/lab/import/"):  # fmt: skip
        assert client.get(url).status_code == 403


def test_collection_by_the_ward_nurse(client_for, make_staff, ward, lab_order):
    from yiji.core.models import Role

    nurse = make_staff(Role.NURSE, department=ward)
    exam = lab_order("LAB-CBC")
    client = client_for(nurse)
    assert client.get(f"/lab/requisitions/{exam.requisition_id}/labels.pdf").status_code == 200
    specimen = Specimen.objects.get(exam=exam)
    client.post(
        f"/lab/specimens/{specimen.pk}/", {"action": "collect", **identity(exam.patient).__dict__}
    )
    specimen.refresh_from_db()
    assert specimen.status == SpecimenStatus.COLLECTED and specimen.collected_by == nurse
    refused = client.post(f"/lab/specimens/{specimen.pk}/", {"action": "receive"})
    assert refused.status_code == 403


def test_the_clinicians_results_page_lists_their_lab_results(entered, reviewer, client_for,
                                                             clinician):  # fmt: skip
    from yiji.lab import results

    exam = entered("LAB-GLU", {"GLU": "5.0"})
    page = client_for(clinician).get("/results/").content.decode()
    assert f"/lab/exams/{exam.pk}/report.pdf" not in page  # not released yet
    results.release(reviewer.user, exam, PASSWORD)
    page = client_for(clinician).get("/results/").content.decode()
    assert f"/lab/exams/{exam.pk}/report.pdf" in page and "血糖" in page
