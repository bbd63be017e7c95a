"""IHE SWF unscheduled case: a modality scans a patient without a worklist entry (no accession
number). The MPPS step is accepted and kept apart, the room's technologists are told, and a
person matches it to the right order (same patient, same modality, checked in); the exam then
follows the modality, with its dose and images."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone
from pydicom.dataset import Dataset
from pydicom.uid import generate_uid
from pynetdicom.sop_class import ModalityPerformedProcedureStep

from tests.interop.test_dicom import _mpps, _set
from yiji.core.models import AuditEntry, Notice
from yiji.interop.models import PerformedStep
from yiji.orders.models import ExamStatus

pytestmark = [pytest.mark.django_db(transaction=True)]


def _unscheduled(port, uid, patient_id="P100", name="张三明"):
    ds = Dataset()
    ds.SpecificCharacterSet = "ISO_IR 192"
    ds.PerformedProcedureStepStatus = "IN PROGRESS"
    ds.PerformedProcedureStepStartDate, ds.PerformedProcedureStepStartTime = "20261123", "074000"
    ds.PatientID, ds.PatientName, ds.Modality = patient_id, name, "CT"
    ds.PerformedProcedureStepDescription = "急诊头颅CT平扫"
    step = Dataset()
    step.AccessionNumber = ""
    ds.ScheduledStepAttributesSequence = [step]
    assoc = _mpps(port)
    try:
        status, _ = assoc.send_n_create(ds, ModalityPerformedProcedureStep, uid)
        assert status.Status == 0
        assert _set(assoc, uid, "COMPLETED", CTDIvol=12.5) == 0
    finally:
        assoc.release()
    return PerformedStep.objects.get(sop_instance_uid=uid)


@pytest.mark.rules("ORD-5", "EXM-3")
def test_an_unscheduled_step_is_kept_then_matched_to_its_order(
    dicom, waiting, technologist, client_for
):
    exam = waiting["ct"]
    step = _unscheduled(dicom, generate_uid())
    assert step.exam is None and step.status == "COMPLETED"
    assert (step.patient_id, step.patient_name, step.modality) == ("P100", "张三明", "CT")
    exam.refresh_from_db()
    assert exam.status == ExamStatus.ARRIVED  # nothing moves before a person confirms
    assert Notice.objects.filter(recipient=technologist, rule="ORD-5").exists()

    client = client_for(technologist)
    page = client.get("/interfaces/unscheduled/")
    assert page.status_code == 200
    ((shown, candidates),) = page.context["rows"]
    assert shown == step and candidates == [exam]  # not the DR, not the other patient's CT

    refused = client.post(
        f"/interfaces/unscheduled/{step.pk}/reconcile/", {"exam": waiting["other_ct"].pk},
        follow=True,
    )  # fmt: skip
    assert "ORD-5" in refused.content.decode()
    step.refresh_from_db()
    assert step.exam is None

    matched = client.post(f"/interfaces/unscheduled/{step.pk}/reconcile/", {"exam": exam.pk})
    assert matched.url == f"/exams/{exam.pk}/"
    exam.refresh_from_db()
    step.refresh_from_db()
    assert step.exam == exam and step.reconciled_by == technologist.user
    assert exam.status == ExamStatus.COMPLETED
    assert timezone.localtime(exam.started_at).strftime("%H:%M") == "07:40"
    assert exam.record.ctdi_vol == Decimal("12.500")
    assert AuditEntry.objects.filter(reason="unscheduled step reconciled").exists()

    again = client.post(
        f"/interfaces/unscheduled/{step.pk}/reconcile/", {"exam": exam.pk}, follow=True
    )
    assert "ORD-5" in again.content.decode()
    assert client.get("/interfaces/unscheduled/").context["rows"] == []


def test_a_step_for_a_patient_with_no_order_waits_with_no_candidate(
    dicom, waiting, technologist, client_for
):
    _unscheduled(dicom, generate_uid(), patient_id="P999", name="无名氏")
    page = client_for(technologist).get("/interfaces/unscheduled/")
    ((_step, candidates),) = page.context["rows"]
    assert candidates == []
    assert "P999" in page.content.decode()
