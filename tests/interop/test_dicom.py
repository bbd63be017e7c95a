"""Yiji's DICOM service over real associations: Modality Worklist C-FIND answered alike to
pynetdicom and to DCMTK's findscu (an independent client), Chinese names intact in UTF-8 and
GB18030, MPPS moving the exam through its states, and bad peers and queries refused cleanly."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from decimal import Decimal

import pytest
from django.utils import timezone
from pydicom import dcmread
from pydicom.dataset import Dataset
from pydicom.uid import generate_uid
from pynetdicom import AE, evt
from pynetdicom.sop_class import ModalityPerformedProcedureStep, ModalityWorklistInformationFind

from yiji.interop.models import DicomAssociation, PerformedStep
from yiji.orders.models import EventKind, ExamStatus

pytestmark = [pytest.mark.django_db(transaction=True)]


def query(**keys) -> Dataset:
    ds = Dataset()
    ds.SpecificCharacterSet = "ISO_IR 192"
    ds.PatientName = keys.get("name", "")
    ds.PatientID = keys.get("patient_id", "")
    ds.AccessionNumber = keys.get("accession", "")
    ds.StudyInstanceUID = ""
    ds.RequestedProcedureDescription = ""
    step = Dataset()
    step.ScheduledStationAETitle = keys.get("station", "")
    step.Modality = keys.get("modality", "")
    step.ScheduledProcedureStepStartDate = keys.get("date", "")
    step.ScheduledProcedureStepStartTime = ""
    step.ScheduledProcedureStepDescription = ""
    ds.ScheduledProcedureStepSequence = [step]
    return ds


def find(port, ds, calling="CT1_GE"):
    ae = AE(ae_title=calling)
    ae.add_requested_context(ModalityWorklistInformationFind)
    assoc = ae.associate("127.0.0.1", port, ae_title="YIJI")
    assert assoc.is_established, "association refused"
    answers, statuses = [], []
    for status, identifier in assoc.send_c_find(ds, ModalityWorklistInformationFind):
        statuses.append(status.Status)
        if identifier is not None:
            answers.append(identifier)
    assoc.release()
    return answers, statuses


def test_worklist_matches_by_station_modality_date_and_name(dicom, waiting):
    answers, statuses = find(dicom, query(station="CT1_GE", modality="CT", date="20261123"))
    assert statuses[-1] == 0x0000
    assert sorted(a.AccessionNumber for a in answers) == sorted(
        [waiting["ct"].accession, waiting["other_ct"].accession]
    )
    ct = next(a for a in answers if a.PatientID == "P100")
    assert str(ct.PatientName) == "张三明"
    assert ct.ScheduledProcedureStepSequence[0].ScheduledStationAETitle == "CT1_GE"
    assert ct.ScheduledProcedureStepSequence[0].ScheduledProcedureStepDescription == "头颅CT平扫"
    assert ct.StudyInstanceUID.startswith("2.25.")
    assert "PatientBirthDate" not in ct  # only the keys asked for come back

    assert [a.PatientID for a in find(dicom, query(name="欧阳*"))[0]] == ["P200"]
    assert find(dicom, query(date="20261124"))[0] == []
    assert len(find(dicom, query(date="20261120-20261123"))[0]) == 3
    assert len(find(dicom, query(modality="DX"))[0]) == 1
    dr = find(dicom, query(accession=waiting["dr"].accession), calling="DR1")[0][0]
    assert dr.SpecificCharacterSet == "GB18030" and str(dr.PatientName) == "张三明"


def test_an_empty_sequence_key_returns_the_whole_sequence(dicom, waiting):
    ds = query(accession=waiting["ct"].accession)
    ds.RequestedProcedureCodeSequence = []
    ds.ScheduledProcedureStepSequence[0].ScheduledProtocolCodeSequence = []
    ds.PatientMotherBirthName = ""  # a key Yiji does not keep comes back empty
    (answer,), _ = find(dicom, ds)
    code = answer.RequestedProcedureCodeSequence[0]
    assert code.CodingSchemeDesignator == "99YIJI" and code.CodeMeaning == "头颅CT平扫"
    step = answer.ScheduledProcedureStepSequence[0]
    assert step.ScheduledProtocolCodeSequence[0].CodeValue == code.CodeValue
    assert "ScheduledStationName" not in step  # inside an item with keys, only those
    assert answer.PatientMotherBirthName == ""


def test_exams_not_checked_in_are_not_offered(dicom, order, items, modality_rooms):
    order(items["ct_head"])  # requested only: identity not yet verified (ORD-5)
    assert find(dicom, query())[0] == []


@pytest.fixture
def findscu():
    """DCMTK's findscu. .ci/run installs it (apt dcmtk) and requires this test to run."""
    path = shutil.which("findscu")
    if path is None:
        if os.environ.get("YIJI_REQUIRE_DCMTK") == "1":
            pytest.fail("findscu is required (YIJI_REQUIRE_DCMTK=1) but DCMTK is not installed")
        pytest.skip("DCMTK's findscu is not installed (apt-get install dcmtk)")
    return path


def test_findscu_gets_the_same_matches(dicom, waiting, tmp_path, findscu):
    ours, _ = find(dicom, query(station="CT1_GE", date="20261123"))
    result = subprocess.run(
        [
            findscu,
            "-W",
            "-aet",
            "CT1_GE",
            "-aec",
            "YIJI",
            "-X",
            "-od",
            str(tmp_path),
            "-k",
            "SpecificCharacterSet=ISO_IR 192",
            "-k",
            "PatientName",
            "-k",
            "PatientID",
            "-k",
            "AccessionNumber",
            "-k",
            "ScheduledProcedureStepSequence[0].ScheduledStationAETitle=CT1_GE",
            "-k",
            "ScheduledProcedureStepSequence[0].ScheduledProcedureStepStartDate=20261123",
            "-k",
            "ScheduledProcedureStepSequence[0].Modality",
            "127.0.0.1",
            str(dicom),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    theirs = [dcmread(path) for path in sorted(tmp_path.glob("rsp*.dcm"))]
    assert sorted(a.AccessionNumber for a in theirs) == sorted(a.AccessionNumber for a in ours)
    assert {str(a.PatientName) for a in theirs} == {"张三明", "欧阳娜娜"}


def test_unknown_calling_ae_is_refused_and_logged(dicom, waiting):
    ae = AE(ae_title="ROGUE")
    ae.add_requested_context(ModalityWorklistInformationFind)
    assoc = ae.associate("127.0.0.1", dicom, ae_title="YIJI")
    assert assoc.is_rejected
    refused = DicomAssociation.objects.filter(calling_ae="ROGUE", refused=True)
    for _ in range(50):  # the service logs the connection as it closes, on its own thread
        if refused.exists():
            break
        time.sleep(0.1)
    assert refused.exists()


@pytest.mark.filterwarnings("ignore:Invalid value for VR DA")
def test_malformed_query_gets_a_failure_status(dicom, waiting):
    bad = query()
    bad.ScheduledProcedureStepSequence[0].ScheduledProcedureStepStartDate = "2026-11-23"
    answers, statuses = find(dicom, bad)
    assert answers == [] and statuses[-1] in (0xA900, 0xC000)
    answers, statuses = find(dicom, query(station="CT1_GE"))  # the service is still up
    assert statuses[-1] == 0 and len(answers) == 2


def _mpps(port, calling="CT1_GE", handlers=()):
    ae = AE(ae_title=calling)
    ae.add_requested_context(ModalityPerformedProcedureStep)
    assoc = ae.associate("127.0.0.1", port, ae_title="YIJI", evt_handlers=list(handlers))
    assert assoc.is_established
    return assoc


def _create(assoc, accession, uid):
    ds = Dataset()
    ds.PerformedProcedureStepStatus = "IN PROGRESS"
    ds.PerformedProcedureStepStartDate = "20261123"
    ds.PerformedProcedureStepStartTime = "074000"
    step = Dataset()
    step.AccessionNumber = accession
    ds.ScheduledStepAttributesSequence = [step]
    status, _ = assoc.send_n_create(ds, ModalityPerformedProcedureStep, uid)
    return status.Status


def _set(assoc, uid, state, **extra):
    ds = Dataset()
    ds.SpecificCharacterSet = "ISO_IR 192"
    ds.PerformedProcedureStepStatus = state
    ds.PerformedProcedureStepEndDate = "20261123"
    ds.PerformedProcedureStepEndTime = "075500"
    for key, value in extra.items():
        setattr(ds, key, value)
    status, _ = assoc.send_n_set(ds, ModalityPerformedProcedureStep, uid)
    return status.Status


@pytest.mark.rules("EXM-3")
def test_mpps_moves_the_exam_through_its_states(dicom, waiting):
    exam = waiting["ct"]
    uid = generate_uid()
    assoc = _mpps(dicom)
    try:
        assert _create(assoc, exam.accession, uid) == 0
        exam.refresh_from_db()
        assert exam.status == ExamStatus.IN_PROGRESS
        assert timezone.localtime(exam.started_at).strftime("%H:%M") == "07:40"
        # A modality may not start a step twice, nor finish an unknown one.
        assert _create(assoc, exam.accession, uid) == 0x0111
        assert _set(assoc, generate_uid(), "COMPLETED") == 0x0112
        assert _set(assoc, uid, "COMPLETED", CTDIvol=12.5, CommentsOnRadiationDose="DLP=345.6") == 0
    finally:
        assoc.release()
    exam.refresh_from_db()
    assert exam.status == ExamStatus.COMPLETED and exam.report_due_at
    assert exam.record.ctdi_vol == Decimal("12.500") and exam.record.dlp == Decimal("345.600")
    step = PerformedStep.objects.get(sop_instance_uid=uid)
    assert step.status == "COMPLETED" and step.calling_ae == "CT1_GE"
    # No shielding was recorded: the exam followed the modality, and EXM-4 is on record.
    broken = exam.events.filter(kind=EventKind.RULE_EXCEPTION)
    assert [e.data["rule"] for e in broken] == ["EXM-4"]
    # A completed step cannot be changed any more: a processing failure, Error ID A710.
    assoc = _mpps(dicom)
    ds = Dataset()
    ds.PerformedProcedureStepStatus = "DISCONTINUED"
    status, _ = assoc.send_n_set(ds, ModalityPerformedProcedureStep, uid)
    assoc.release()
    assert status.Status == 0x0110 and status.ErrorID == 0xA710


def test_an_n_create_without_a_uid_gets_one_from_yiji(dicom, waiting):
    exam = waiting["ct"]
    ds = Dataset()
    ds.PerformedProcedureStepStatus = "IN PROGRESS"
    ds.PerformedProcedureStepStartDate, ds.PerformedProcedureStepStartTime = "20261123", "074000"
    step = Dataset()
    step.AccessionNumber = exam.accession
    ds.ScheduledStepAttributesSequence = [step]
    responses = []  # the N-CREATE-RSP's command set, as the modality receives it
    keep = (evt.EVT_DIMSE_RECV, lambda event: responses.append(event.message.command_set))
    assoc = _mpps(dicom, handlers=[keep])
    try:
        status, _ = assoc.send_n_create(ds, ModalityPerformedProcedureStep, None)
        assert status.Status == 0
        uid = str(responses[-1].AffectedSOPInstanceUID)
        assert uid.startswith("1.2.")
        assert PerformedStep.objects.get(exam=exam).sop_instance_uid == uid
        assert _set(assoc, uid, "COMPLETED") == 0  # the modality goes on with the UID it got
    finally:
        assoc.release()
    exam.refresh_from_db()
    assert exam.status == ExamStatus.COMPLETED


def test_mpps_discontinued(dicom, waiting):
    exam, uid = waiting["dr"], generate_uid()
    assoc = _mpps(dicom, "DR1")
    assert _create(assoc, exam.accession, uid) == 0
    reason = Dataset()
    reason.CodeValue, reason.CodingSchemeDesignator = "110514", "DCM"
    reason.CodeMeaning = "Incorrect worklist entry selected"
    assert (
        _set(
            assoc,
            uid,
            "DISCONTINUED",
            PerformedProcedureStepDiscontinuationReasonCodeSequence=[reason],
        )
        == 0
    )
    assoc.release()
    exam.refresh_from_db()
    assert exam.status == ExamStatus.DISCONTINUED
    assert exam.record.discontinue_reason == "Incorrect worklist entry selected"


def test_mpps_for_an_unknown_accession_fails_cleanly(dicom, waiting):
    assoc = _mpps(dicom)
    assert _create(assoc, "NO-SUCH", generate_uid()) == 0x0110
    assoc.release()


def _series(uid, description, images):
    series = Dataset()
    series.SeriesInstanceUID = uid
    series.SeriesDescription = description
    refs = []
    for _ in range(images):
        ref = Dataset()
        ref.ReferencedSOPClassUID = "1.2.840.10008.5.1.4.1.1.2"
        ref.ReferencedSOPInstanceUID = generate_uid()
        refs.append(ref)
    series.ReferencedImageSequence = refs
    return series


def test_what_mpps_reports_is_an_imaging_study_in_fhir(dicom, waiting, his_api):
    exam, uid, study = waiting["ct"], generate_uid(), generate_uid()
    assoc = _mpps(dicom)
    try:
        ds = Dataset()
        ds.PerformedProcedureStepStatus = "IN PROGRESS"
        step = Dataset()
        step.AccessionNumber, step.StudyInstanceUID = exam.accession, study
        ds.ScheduledStepAttributesSequence = [step]
        assert assoc.send_n_create(ds, ModalityPerformedProcedureStep, uid)[0].Status == 0
        assert his_api.get(f"ImagingStudy/{exam.pk}")[1]["status"] == "registered"
        made = [_series("1.2.3.1", "平扫", 3), _series("1.2.3.2", "定位像", 1)]
        assert _set(assoc, uid, "COMPLETED", PerformedSeriesSequence=made) == 0
    finally:
        assoc.release()
    status, imaging = his_api.get(f"ImagingStudy/{exam.pk}")
    assert status == 200 and imaging["status"] == "available"
    assert imaging["identifier"][0]["value"] == f"urn:oid:{study}"
    assert imaging["numberOfSeries"] == 2 and imaging["numberOfInstances"] == 4
    assert [(s["uid"], s["modality"]["code"], s["description"]) for s in imaging["series"]] == [
        ("1.2.3.1", "CT", "平扫"),
        ("1.2.3.2", "CT", "定位像"),
    ]
    assert imaging["basedOn"] == [{"reference": f"ServiceRequest/{exam.pk}"}]
    _status, found = his_api.get("ImagingStudy", identifier=f"urn:dicom:uid|urn:oid:{study}")
    assert [e["resource"]["id"] for e in found["entry"]] == [str(exam.pk)]
    # No modality has reported on the DR exam yet: no study is known.
    assert his_api.get(f"ImagingStudy/{waiting['dr'].pk}")[0] == 404


def test_every_return_key_is_filled_without_a_query_per_answer(waiting):
    """Answers load only the columns they answer from (worklist.ANSWERED_FIELDS): a key read
    from a column left out would cost a query per answer."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from yiji.interop.dicom import worklist

    def everything(**keys) -> Dataset:
        ds = query(**keys)
        for keyword in worklist.entry(waiting["ct"]):
            if keyword not in ds and keyword != "SpecificCharacterSet":
                setattr(ds, keyword, "")
        ds.RequestedProcedureCodeSequence = []
        ds.ScheduledProcedureStepSequence = []  # every key of the step
        return ds

    counts = []
    for keys in ({"accession": waiting["ct"].accession}, {}):
        with CaptureQueriesContext(connection) as captured:
            answers = list(worklist.find(everything(**keys)))
        counts.append((len(answers), len(captured.captured_queries)))
    assert counts[0][0] == 1 and counts[1][0] == 3
    assert counts[0][1] == counts[1][1]  # as many queries for three answers as for one
    ct = next(a for a in answers if a.AccessionNumber == waiting["ct"].accession)
    assert ct.AdmissionID == waiting["ct"].requisition.number
    assert str(ct.ReferringPhysicianName) == waiting["ct"].requisition.ordering_physician_name
    assert ct.PatientSex == "M" and ct.RequestedProcedurePriority == "ROUTINE"
    step = ct.ScheduledProcedureStepSequence[0]
    assert step.ScheduledStationAETitle == "CT1_GE" and step.ScheduledStationName
