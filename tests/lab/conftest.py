"""A lab with its starting catalogue and analysers, lab staff, and helpers that take a lab
order through the services to a given stage."""

from __future__ import annotations

import datetime as dt

import pytest

from yiji.core.models import Patient, Role
from yiji.equipment.models import Device
from yiji.lab import catalogue, results, specimens
from yiji.lab.models import LabItem
from yiji.orders.checkin import Identifiers
from yiji.orders.models import ExamItem
from yiji.orders.services import RequisitionInput, create_requisition


@pytest.fixture(autouse=True)
def _on_a_monday_morning(frozen_clock):
    yield


@pytest.fixture
def lab_catalogue(lab, make_staff):
    catalogue.load(lab)
    custodian = make_staff(Role.LAB_REVIEWER, department=lab)
    analysers = {}
    for section in ("clinical", "biochemistry", "microbiology"):
        analysers[section] = Device.objects.create(
            department=lab, name=f"{section}分析仪", kind="analyser", manufacturer="—",
            model="—", serial=f"SN-{section}", custodian=custodian,
        )  # fmt: skip
    for panel in LabItem.objects.all():
        panel.instrument = analysers[panel.section]
        panel.save(update_fields=["instrument"])
    return analysers


@pytest.fixture
def labtech(make_staff, lab):
    return make_staff(Role.LAB_TECHNOLOGIST, department=lab, username="labtech", name="马检验")


@pytest.fixture
def reviewer(make_staff, lab):
    return make_staff(Role.LAB_REVIEWER, department=lab, username="labreviewer", name="林审核")


def identity(patient: Patient) -> Identifiers:
    return Identifiers(name=patient.name, patient_id=patient.patient_id)


@pytest.fixture
def lab_order(lab_catalogue, clinician, ward, patient):
    """lab_order("LAB-CBC", urgent=False, patient=...) -> the exam of a new lab requisition."""

    def make(code: str, urgent: bool = False, who=None, **fields):
        requisition = create_requisition(
            (who or clinician).user,
            RequisitionInput(
                patient=fields.pop("patient", patient), items=[ExamItem.objects.get(code=code)],
                ordering_physician=clinician, ordering_department=ward,
                clinical_history="发热三天", clinical_diagnosis="发热待查", purpose="协助诊断",
                priority="urgent" if urgent else "routine",
                **fields,
            ),
        )  # fmt: skip
        return requisition.exams.get()

    return make


@pytest.fixture
def collected(lab_order, labtech):
    """collected("LAB-ELEC") -> a specimen collected (identity checked) and on its way."""

    def make(code: str, **fields):
        exam = lab_order(code, **fields)
        specimen = specimens.labels_for(labtech.user, exam.requisition)[0]
        return specimens.collect(labtech.user, specimen, identity(exam.patient))

    return make


@pytest.fixture
def received(collected, labtech):
    def make(code: str, **fields):
        return specimens.receive(labtech.user, collected(code, **fields))

    return make


@pytest.fixture
def entered(received, labtech):
    """entered("LAB-ELEC", {"K": "4.1", ...}) -> the exam with all its results entered."""

    def make(code: str, values: dict[str, str], **fields):
        specimen = received(code, **fields)
        entry = results.enter(labtech.user, specimen.exam, values)
        assert not entry.problems, entry.problems
        return specimen.exam

    return make


def born(years: int) -> dt.date:
    return dt.date(2026 - years, 1, 1)
