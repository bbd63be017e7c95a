import datetime as dt
from decimal import Decimal

import pytest

from yiji.core.models import CredentialKind, PhysicianTitle, Role, TraineeKind
from yiji.core.services import add_credential
from yiji.exams import services as room
from yiji.orders.checkin import Identifiers, check_in

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
        )
        room.start_exam(technologist.user, exam)
        if item.radiation:
            room.record_details(
                technologist.user, exam, {"kv": Decimal("120"), "shielding": "铅围裙"}
            )
        return room.complete_exam(technologist.user, exam)

    return make


__all__ = ["TraineeKind"]


@pytest.fixture(autouse=True)
def _on_a_monday_morning(frozen_clock):
    """Clinical-flow tests run on a frozen clock (Monday 07:30 in Beijing) unless they move it."""
    yield
