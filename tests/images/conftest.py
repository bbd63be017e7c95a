import pytest

from yiji.exams import services as room
from yiji.orders.checkin import Identifiers, check_in


@pytest.fixture(autouse=True)
def _on_a_monday_morning(frozen_clock):
    """Image tests run on the clinical flow's frozen clock (Monday 07:30 in Beijing)."""
    yield


@pytest.fixture
def started(clerk, technologist, order, patient):
    """started(item) -> the exam checked in and started in the room (the modality scanning)."""

    def make(item, **fields):
        exam = order(item, **fields)[0]
        ids = Identifiers(name=patient.name, patient_id=patient.patient_id)
        exam = check_in(clerk.user, exam, ids, accompanying_physician="王医生", consent_by=clerk)
        room.start_exam(technologist.user, exam)
        exam.refresh_from_db()
        return exam

    return make
