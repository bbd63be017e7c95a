"""Two clerks booking the last free slot at the same moment: exactly one succeeds; check-ins
racing for accession numbers all get distinct ones."""

from __future__ import annotations

import pytest

from tests.orders.fixtures import at, race
from yiji.core.rulebook import RuleViolation
from yiji.orders.checkin import Identifiers, check_in
from yiji.orders.models import Exam, ExamStatus
from yiji.orders.scheduling import book

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.rules("SCH-8")
def test_two_clerks_booking_the_same_slot_one_wins(make_staff, order, items, rooms):
    from yiji.core.models import Role

    clerks = [make_staff(Role.CLERK).user for _ in range(2)]
    first, second = order(items["chest"])[0], order(items["chest"])[0]
    results = race(
        [
            lambda: book(clerks[0], first, rooms["DR1"], at(9, 0)),
            lambda: book(clerks[1], second, rooms["DR1"], at(9, 0)),
        ]
    )
    won = [r for r in results if isinstance(r, Exam)]
    lost = [r for r in results if isinstance(r, RuleViolation)]
    assert len(won) == 1 and len(lost) == 1, results
    assert Exam.objects.filter(room=rooms["DR1"], status=ExamStatus.BOOKED).count() == 1


def test_racing_check_ins_get_distinct_accession_and_queue_numbers(clerk, order, items, patient):
    exams = [order(items["chest"])[0] for _ in range(4)]
    ids = Identifiers(name=patient.name, patient_id=patient.patient_id)
    results = race([lambda e=e: check_in(clerk.user, e, ids) for e in exams])
    assert all(isinstance(r, Exam) for r in results), results
    assert len({r.accession for r in results}) == 4
    assert sorted(r.queue_number for r in results) == [1, 2, 3, 4]
