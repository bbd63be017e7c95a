"""The whole way round, as a hospital runs it: the HIS orders by HL7, the clerk checks the
patient in, the CT finds the exam on its worklist and reports it done by MPPS, the report is
signed, and the HIS receives the result, all under one accession number."""

from __future__ import annotations

import pytest
import time_machine
from pydicom.uid import generate_uid

from tests.conftest import PASSWORD
from tests.interop.hl7_messages import order
from tests.interop.test_dicom import _create, _mpps, _set, find, query
from tests.interop.test_hl7_inbound import send
from tests.orders.fixtures import at
from yiji.core.models import Patient
from yiji.interop.hl7 import outbound
from yiji.orders.checkin import Identifiers, check_in
from yiji.orders.models import Exam, ExamStatus
from yiji.reports import services

pytestmark = [pytest.mark.django_db(transaction=True)]


@pytest.mark.rules("ORD-1", "ORD-5", "RPT-11")
def test_order_to_result_under_one_accession(
    listener, dicom, his, endpoint, items, ward, clerk, doctor
):
    assert (
        send(listener, order("F1", items=[("CT-HEAD", "头颅CT平扫", "HIS-77")]))["MSA"][1] == "AA"
    )
    exam = Exam.objects.get(placer_number="HIS-77")
    patient = Patient.objects.get(patient_id="H0001")
    assert find(dicom, query(station="CT1_GE"))[0] == []  # not on the worklist before check-in

    check_in(clerk.user, exam, Identifiers(name=patient.name, patient_id=patient.patient_id))
    exam.refresh_from_db()
    answers, _ = find(dicom, query(station="CT1_GE", date="20261123"))
    assert [a.AccessionNumber for a in answers] == [exam.accession]
    assert str(answers[0].PatientName) == "李小红"

    uid = generate_uid()
    assoc = _mpps(dicom)
    assert _create(assoc, exam.accession, uid) == 0
    assert _set(assoc, uid, "COMPLETED", CTDIvol=48.2) == 0
    assoc.release()
    exam.refresh_from_db()
    assert exam.status == ExamStatus.COMPLETED

    writer = doctor("resident")
    report = services.save_draft(
        writer.user,
        exam,
        services.Draft("脑实质未见异常密度。", "头颅CT平扫未见异常。"),
        expected_version=0,
    )
    report = services.submit(writer.user, report, PASSWORD)
    services.sign_final(doctor("attending").user, report, PASSWORD)

    with time_machine.travel(at(10, 1, days=1), tick=False):  # routine CT: next morning (RPT-4)
        outbound.deliver_due()
    kinds = [m.split("\r")[0].split("|")[8] for m in his.received]
    assert kinds == ["ORM^O01^ORM_O01"] * 3 + ["ORU^R01^ORU_R01"]
    statuses = [his.segment(i, "ORC")[5] for i in range(3)]
    assert statuses == ["SC", "IP", "CM"]  # checked in, started, completed
    oru = len(his.received) - 1
    assert his.segment(oru, "ORC")[2:4] == ["HIS-77", exam.accession]
    assert his.segment(oru, "OBR")[3] == exam.accession and his.segment(oru, "OBR")[25] == "F"
