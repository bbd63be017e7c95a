"""A small department with rooms and catalogue items, and staff for each desk."""

from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from yiji.core.models import (
    CredentialKind,
    Department,
    DepartmentKind,
    Patient,
    PhysicianTitle,
    Role,
    Room,
    TechnologistTitle,
)
from yiji.core.services import add_credential
from yiji.exams import services as room
from yiji.orders.checkin import Identifiers, check_in
from yiji.orders.models import ExamItem
from yiji.orders.services import RequisitionInput, create_requisition

# A Monday morning before the clinic opens; every test runs on this frozen clock.
MONDAY = dt.datetime(2026, 11, 23, 7, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))


@pytest.fixture
def frozen_clock():
    with time_machine.travel(MONDAY, tick=False) as traveller:
        yield traveller


def at(hour: int, minute: int = 0, days: int = 0) -> dt.datetime:
    return MONDAY.replace(hour=hour, minute=minute) + dt.timedelta(days=days)


@pytest.fixture
def ultrasound(hospital) -> Department:
    return Department.objects.create(
        hospital=hospital, code="US", name="超声科", kind=DepartmentKind.ULTRASOUND
    )


@pytest.fixture
def ward(hospital) -> Department:
    return Department.objects.create(
        hospital=hospital, code="ED", name="急诊科", kind=DepartmentKind.CLINICAL
    )


@pytest.fixture
def rooms(imaging, ultrasound):
    return {
        "DR1": Room.objects.create(
            department=imaging, code="DR1", name="DR一室", modalities=["DR"]
        ),
        "CT1": Room.objects.create(
            department=imaging, code="CT1", name="CT一室", modalities=["CT"]
        ),
        "RF1": Room.objects.create(
            department=imaging, code="RF1", name="造影室", modalities=["RF"]
        ),
        "US1": Room.objects.create(
            department=ultrasound, code="US1", name="超声一室", modalities=["US"]
        ),
        "US2": Room.objects.create(
            department=ultrasound, code="US2", name="超声二室", modalities=["US"]
        ),
    }


def _item(department, code, modality, **flags) -> ExamItem:
    return ExamItem.objects.create(
        code=code,
        name=flags.pop("name", code),
        department=department,
        modality=modality,
        duration_minutes=flags.pop("duration", 10),
        price=Decimal("100"),
        **flags,
    )


@pytest.fixture
def items(imaging, ultrasound, rooms):
    return {
        "chest": _item(imaging, "DR-CHEST", "DR", name="胸部正位", radiation=True, duration=5),
        "ct_head": _item(imaging, "CT-HEAD", "CT", name="头颅CT平扫", radiation=True),
        "ct_enh": _item(
            imaging,
            "CT-CHEST-E",
            "CT",
            name="胸部CT增强",
            radiation=True,
            important=True,
            needs_appointment=True,
            contrast_route="iv",
            duration=15,
        ),
        "barium": _item(
            imaging,
            "RF-UGI",
            "RF",
            name="上消化道钡餐",
            radiation=True,
            important=True,
            needs_appointment=True,
            contrast_route="oral",
            fasting=True,
            duration=30,
        ),
        "us_liver": _item(
            ultrasound, "US-LIVER", "US", name="肝胆胰脾双肾", fasting=True, duration=15
        ),
        "us_thyroid": _item(ultrasound, "US-THY", "US", name="甲状腺", non_fasting_us=True),
    }


@pytest.fixture
def patient(db) -> Patient:
    return Patient.objects.create(
        patient_id="P100",
        name="张三明",
        sex="M",
        birth_date=dt.date(1970, 5, 1),
        id_card="11010519491231002X",
        phone="13800000001",
        source="outpatient",
    )


@pytest.fixture
def clinician(make_staff, ward):
    return make_staff(Role.CLINICIAN, department=ward, physician_title=PhysicianTitle.ATTENDING)


# Every credential the posts ask by default (RAD-1), so that a test of another rule is not
# refused for want of a certificate.
OPERATOR_CREDENTIALS = (
    CredentialKind.RADIATION_TRAINING, CredentialKind.PRE_JOB_MEDICAL,
    CredentialKind.RADIATION_WORK_PERMIT, CredentialKind.LARGE_EQUIPMENT,
    CredentialKind.PRACTISING_LICENCE,
)  # fmt: skip


def credentialed(staff):
    """The staff member, holding every credential an exam's operator may need (RAD-1)."""
    for kind in OPERATOR_CREDENTIALS:
        add_credential(None, staff, kind=kind, number=f"{kind[:2].upper()}{staff.pk:06d}")
    return staff


@pytest.fixture
def technologist(make_staff):
    return credentialed(
        make_staff(Role.TECHNOLOGIST, technologist_title=TechnologistTitle.SUPERVISOR)
    )


@pytest.fixture
def physician(make_staff):
    return make_staff(Role.PHYSICIAN, physician_title=PhysicianTitle.ATTENDING)


@pytest.fixture
def order(clinician, patient, ward):
    """order(item, ...) -> the exams of a complete requisition for the patient."""

    def make(*items, who=None, **fields):
        data = RequisitionInput(
            patient=fields.pop("patient", patient),
            items=list(items),
            ordering_physician=clinician,
            ordering_department=ward,
            clinical_history="咳嗽两周",
            clinical_diagnosis="肺炎？",
            purpose="明确诊断",
            **fields,
        )
        requisition = create_requisition((who or clinician).user, data)
        return list(requisition.exams.order_by("pk"))

    return make


def now():
    return timezone.now()


TITLES = {
    "resident": PhysicianTitle.RESIDENT,
    "attending": PhysicianTitle.ATTENDING,
    "associate_chief": PhysicianTitle.ASSOCIATE_CHIEF,
    "chief": PhysicianTitle.CHIEF,
}


@pytest.fixture
def doctor(make_staff, frozen_clock):
    """doctor("attending", licence="valid"|"expired"|"none", trainee="") -> Staff."""

    def make(title, licence="valid", trainee="", department=None):
        roles = [Role.TRAINEE] if trainee else [Role.PHYSICIAN]
        staff = make_staff(
            *roles,
            physician_title=TITLES.get(title),
            trainee_kind=trainee,
            **({"department": department} if department else {}),
        )
        today = dt.date(2026, 11, 23)
        if licence != "none":
            expires = today - dt.timedelta(days=1) if licence == "expired" else None
            add_credential(
                None,
                staff,
                kind=CredentialKind.PRACTISING_LICENCE,
                number=f"L{staff.pk:06d}",
                expires_on=expires,
            )
        return staff

    return make


@pytest.fixture
def completed(clerk, technologist, order, patient):
    """completed(item, **requisition fields) -> an exam completed in the room."""

    def make(item, **fields):
        exam = order(item, **fields)[0]
        exam = check_in(
            clerk.user,
            exam,
            Identifiers(name=patient.name, patient_id=patient.patient_id),
            accompanying_physician="王医生",
            consent_by=clerk,
        )
        room.start_exam(technologist.user, exam)
        if item.radiation:
            room.record_details(
                technologist.user, exam, {"kv": Decimal("120"), "shielding": "铅围裙"}
            )
        return room.complete_exam(technologist.user, exam)

    return make


def race(workers):
    """Run the callables at the same instant, each in its own thread and database connection;
    their results (or the exception each raised), in order."""
    barrier = threading.Barrier(len(workers))
    results: list = [None] * len(workers)

    def run(index, work):
        try:
            barrier.wait()
            results[index] = work()
        except Exception as exc:  # noqa: BLE001 - the outcome is what the test inspects
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, w)) for i, w in enumerate(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results
