"""The technologist's worklist (issue 27, point 2, part): it opens on the person's own
department, remembers the filters last chosen, and shows patient ID, sex, age, accession,
waiting time and the infectious flag."""

from __future__ import annotations

from tests.orders.fixtures import at
from yiji.core.models import Role
from yiji.orders.checkin import Identifiers, check_in


def test_the_worklist_opens_on_my_department_and_remembers_my_filters(
    make_staff, client_for, order, items, clerk, patient, frozen_clock, imaging, ultrasound
):
    ct = order(items["ct_head"], infectious=True, infectious_disease="开放性肺结核")[0]
    order(items["us_liver"])
    check_in(clerk.user, ct, Identifiers(name=patient.name, patient_id=patient.patient_id))
    frozen_clock.move_to(at(7, 42))  # 12 minutes in the queue
    tech = client_for(make_staff(Role.TECHNOLOGIST, department=imaging))
    page = tech.get("/worklist/", HTTP_ACCEPT_LANGUAGE="zh-hans").text
    assert "头颅CT平扫" in page and "肝胆胰脾双肾" not in page  # CT work, not ultrasound
    ct.refresh_from_db()
    assert ct.accession in page and patient.patient_id in page
    assert ">56<" in page  # age: born 1970-05-01, today 2026-11-23
    assert "传染病" in page or "Infectious" in page
    assert "12.0 分" in page  # minutes waited since check-in
    chosen = tech.get("/worklist/", {"department": imaging.pk, "status": "booked"}).text
    assert "头颅CT平扫" not in chosen  # arrived, not booked
    assert "头颅CT平扫" not in tech.get("/worklist/").text  # the filter is remembered
    assert "头颅CT平扫" in tech.get("/worklist/", {"reset": "1"}).text  # back to my own
    # Another department's exams stay out of a CT technologist's list even when asked for.
    assert "肝胆胰脾双肾" not in tech.get("/worklist/", {"department": ultrasound.pk}).text
