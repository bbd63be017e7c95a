"""Demo laboratory: the catalogue with its analysers, two weeks of internal QC (rejected
runs with their corrective actions), EQA rounds, and lab work through the services: results
released over the past days for the TAT figures, and today's specimens at every stage — to
collect, in transit, one rejected with its recollection label, results waiting for
verification, a critical potassium not yet notified, a positive blood culture kept after its
report."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from yiji.core import policy
from yiji.core.models import Department, DepartmentKind, Patient, Room, Staff
from yiji.equipment import services as equipment
from yiji.equipment.models import Device
from yiji.lab import catalogue, qc, results, specimens
from yiji.lab.models import ControlMaterial, LabItem, LabReport, QcRun, Section, Specimen
from yiji.orders.checkin import Identifiers
from yiji.orders.models import Exam, ExamEvent, ExamItem
from yiji.orders.services import RequisitionInput, create_requisition
from yiji.reports.models import CriticalResult
from yiji.site.demo.hospital import DEMO_PASSWORD

ANALYSERS = (
    # section, name, kind, maker, model
    (Section.CLINICAL, "血液分析仪", "血液分析仪", "希森美康", "XN-1000"),
    (Section.BIOCHEMISTRY, "生化分析仪", "全自动生化分析仪", "迈瑞", "BS-2000M"),
    (Section.MICROBIOLOGY, "血培养仪", "全自动血培养仪", "BD", "BACTEC FX"),
)
CONTROLS = {  # test: (level 1 mean, sd), (level 2 mean, sd)
    "WBC": (("4.50", "0.15"), ("15.00", "0.40")),
    "HGB": (("80", "2"), ("160", "3")),
    "K": (("3.50", "0.06"), ("6.20", "0.10")),
    "GLU": (("5.00", "0.12"), ("15.00", "0.30")),
}
NORMAL = {
    "WBC": "6.2", "RBC": "4.6", "HGB": "138", "PLT": "230", "NEUT%": "58.5", "ALT": "28",
    "AST": "24", "TBIL": "11.2", "ALB": "44.1", "UREA": "5.1", "CREA": "72", "UA": "310",
    "K": "4.12", "NA": "140.2", "CL": "103.0", "GLU": "5.20", "TC": "4.6", "TG": "1.2",
    "HDL": "1.3", "LDL": "2.6", "PT": "12.1", "INR": "1.02", "APTT": "30.5", "FIB": "2.9",
    "UPRO": "阴性", "UGLU": "阴性", "UWBC": "8", "BC": "阴性", "HBSAG": "阴性",
}  # fmt: skip


def _user(username: str):
    return get_user_model().objects.get(username=username)


def _instruments(department: Department, engineer) -> dict[str, Device]:
    room = Room.objects.filter(department=department).order_by("-code").first()
    custodian = Staff.objects.get(user__username="labreviewer")
    found = {}
    for section, name, kind, maker, model in ANALYSERS:
        found[section] = equipment.register_device(
            engineer,
            Device(
                department=department, name=name, kind=kind, manufacturer=maker, model=model,
                serial=f"DEMO-LAB-{section[:4].upper()}", installed_on=dt.date(2022, 6, 1),
                room=room, custodian=custodian,
            ),
        )  # fmt: skip
    for panel in LabItem.objects.select_related("item"):
        panel.instrument = found[panel.section]
        panel.save(update_fields=["instrument"])
    return found


def _qc_month(tech, reviewer, rng: random.Random, instruments: dict[str, Device]) -> None:
    """Two levels a day for 12 days; on day 8 glucose level 2 drifts beyond 3 SD."""
    from yiji.lab.models import LabTest

    for code, levels in CONTROLS.items():
        test = LabTest.objects.get(code=code)
        instrument = instruments[test.panels.first().section]
        materials = [
            ControlMaterial.objects.create(
                test=test, instrument=instrument, name=f"{test.name}质控品", lot=f"QC2611-{lv}",
                level=lv, mean=Decimal(mean), sd=Decimal(sd), expires_on=dt.date(2027, 6, 30),
            )
            for lv, (mean, sd) in enumerate(levels, start=1)
        ]  # fmt: skip
        for day in range(12, -1, -1):  # day 0: this morning's run, so today's results go out
            values = {}
            for m in materials:
                z = rng.gauss(0, 0.8)
                if code == "GLU" and day == 8 and m.level == 2:
                    z = 3.4
                values[m.pk] = str((m.mean + Decimal(str(round(z, 2))) * m.sd).quantize(m.sd))
            run = qc.record_run(tech, test, instrument, values)
            if run.blocks_release:
                qc.correct(reviewer, run, "更换试剂批号并重新定标，复测质控在控。")
            if day:
                at = timezone.now() - dt.timedelta(days=day, hours=-8)
                QcRun.objects.filter(pk=run.pk).update(run_at=at)


def _shift(exam: Exam, delta: dt.timedelta) -> None:
    """Move an exam's whole lab history back in time (the services record 'now')."""
    Exam.objects.filter(pk=exam.pk).update(
        created_at=F("created_at") - delta, arrived_at=F("arrived_at") - delta,
        started_at=F("started_at") - delta, completed_at=F("completed_at") - delta,
        report_due_at=F("report_due_at") - delta,
    )  # fmt: skip
    exam.requisition.__class__.objects.filter(pk=exam.requisition_id).update(
        created_at=F("created_at") - delta
    )
    ExamEvent.objects.filter(exam=exam).update(at=F("at") - delta)
    Specimen.objects.filter(exam=exam).update(
        labelled_at=F("labelled_at") - delta, collected_at=F("collected_at") - delta,
        received_at=F("received_at") - delta, keep_until=F("keep_until") - delta,
    )  # fmt: skip
    LabReport.objects.filter(exam=exam).update(released_at=F("released_at") - delta)
    CriticalResult.objects.filter(exam=exam).update(
        found_at=F("found_at") - delta, notified_at=F("notified_at") - delta
    )


def _order(clinician, patient, code: str, urgent: bool, ward):
    requisition = create_requisition(
        clinician,
        RequisitionInput(
            patient=patient, items=[ExamItem.objects.get(code=code)],
            ordering_physician=clinician.staff, ordering_department=ward,
            clinical_history="发热、乏力", clinical_diagnosis="待查", purpose="协助诊断",
            priority="urgent" if urgent else "routine",
        ),
    )  # fmt: skip
    return requisition


def _ids(patient: Patient) -> Identifiers:
    return Identifiers(name=patient.name, patient_id=patient.patient_id)


def _to_results(tech, clinician, patient, code, urgent, ward, values=None):
    requisition = _order(clinician, patient, code, urgent, ward)
    specimen = specimens.labels_for(tech, requisition)[0]
    specimens.collect(tech, specimen, _ids(patient))
    specimens.receive(tech, specimen)
    exam = specimen.exam
    panel = [t.code for t in results.panel_tests(exam)]
    results.enter(tech, exam, {c: (values or {}).get(c, NORMAL[c]) for c in panel})
    return exam


def load(seed: int = 11) -> bool:
    """Idempotent: nothing is added once the lab has a specimen."""
    department = Department.objects.filter(kind=DepartmentKind.LAB).first()
    if department is None or Specimen.objects.exists():
        return False
    rng = random.Random(seed)
    tech, reviewer = _user("labtech"), _user("labreviewer")
    clinician, engineer = _user("clinician"), _user("engineer")
    wards = list(Department.objects.filter(kind=DepartmentKind.CLINICAL))
    patients = list(Patient.objects.order_by("-pk")[:50])
    with transaction.atomic(), policy.batch():
        catalogue.load(department)
        instruments = _instruments(department, engineer)
        _qc_month(tech, reviewer, rng, instruments)
        codes = ["LAB-CBC", "LAB-LFT", "LAB-RFT", "LAB-ELEC", "LAB-GLU", "LAB-COAG", "LAB-URINE"]
        for index, patient in enumerate(patients[:20]):  # released over the past days
            exam = _to_results(tech, clinician, patient, rng.choice(codes), index % 4 == 0,
                               rng.choice(wards))  # fmt: skip
            results.release(reviewer, exam, DEMO_PASSWORD)
            release = timezone.now()
            back = dt.timedelta(days=1 + index % 10)
            Specimen.objects.filter(exam=exam).update(
                collected_at=release - dt.timedelta(minutes=rng.randint(40, 120)),
                received_at=release - dt.timedelta(minutes=rng.randint(20, 39)),
            )
            _shift(exam, back)
        _today(tech, reviewer, clinician, patients[20:], wards, rng, codes)
        _eqa(reviewer)
    return True


def _today(tech, reviewer, clinician, patients, wards, rng, codes) -> None:
    it = iter(patients)
    for _ in range(4):  # ordered, labels not yet printed
        _order(clinician, next(it), rng.choice(codes), False, rng.choice(wards))
    for _ in range(3):  # labelled, waiting to be collected
        requisition = _order(clinician, next(it), rng.choice(codes), False, rng.choice(wards))
        specimens.labels_for(tech, requisition)
    for _ in range(3):  # collected, on the way to the lab
        patient = next(it)
        requisition = _order(clinician, patient, rng.choice(codes), False, rng.choice(wards))
        specimens.collect(tech, specimens.labels_for(tech, requisition)[0], _ids(patient))
    patient = next(it)  # rejected: haemolysed, recollection label made
    requisition = _order(clinician, patient, "LAB-ELEC", True, rng.choice(wards))
    specimen = specimens.labels_for(tech, requisition)[0]
    specimens.collect(tech, specimen, _ids(patient))
    specimens.reject(tech, specimen, "haemolysed", "肉眼可见明显溶血")
    for _ in range(3):  # results entered, waiting for verification
        _to_results(tech, clinician, next(it), rng.choice(codes), False, rng.choice(wards))
    # A critical potassium, found and not yet notified (the RPT-12 clock runs).
    _to_results(tech, clinician, next(it), "LAB-ELEC", True, rng.choice(wards),
                {"K": "6.82", "NA": "136.0", "CL": "101.0"})  # fmt: skip
    # A positive blood culture: critical, notified, released, kept 24 h after the report.
    exam = _to_results(tech, clinician, next(it), "LAB-BC", False, rng.choice(wards),
                       {"BC": "阳性"})  # fmt: skip
    found = exam.critical_results.get()
    from yiji.reports import critical

    critical.record_notification(tech, found, receiver="李护士", department="呼吸内科",
                                 channel="phone", read_back=True)  # fmt: skip
    results.release(reviewer, exam, DEMO_PASSWORD)


def _eqa(reviewer) -> None:
    from yiji.lab.models import LabTest

    year = timezone.localdate().year
    for code, round_, samples, ok in (
        ("K", f"{year}-1", 5, 5),
        ("GLU", f"{year}-1", 5, 4),
        ("WBC", f"{year}-1", 5, 5),
        ("ALT", f"{year}-1", 5, 3),
    ):
        qc.record_eqa(reviewer, test=LabTest.objects.get(code=code),
                      provider="国家卫生健康委临床检验中心", round=round_, year=year,
                      samples=samples, acceptable=ok)  # fmt: skip
