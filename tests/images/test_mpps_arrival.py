"""MPPS COMPLETED asks the archive at once (IHE SWF): the modality's announced series and image
counts are kept beside what the archive holds, and the exam's images are known without waiting
for the next polling pass."""

from __future__ import annotations

import pytest
from pydicom.dataset import Dataset
from pydicom.uid import generate_uid

from yiji.images import availability, pacs, synthetic
from yiji.images.models import Study
from yiji.interop.accounts import interface_user
from yiji.interop.dicom import mpps
from yiji.interop.dicom.worklist import study_uid
from yiji.orders.models import EventKind


def _series(datasets, series_uid):
    item = Dataset()
    item.SeriesInstanceUID = series_uid
    item.SeriesDescription = "平扫"
    item.ReferencedImageSequence = [
        Dataset() for ds in datasets if ds.SeriesInstanceUID == series_uid
    ]
    return item


@pytest.mark.rules("EXM-2")
def test_mpps_completed_asks_the_archive_at_once(
    archive, clerk, order, patient, items, django_capture_on_commit_callbacks
):
    from yiji.orders.checkin import Identifiers, check_in

    exam = check_in(
        clerk.user, order(items["ct_head"])[0],
        Identifiers(name=patient.name, patient_id=patient.patient_id),
        accompanying_physician="王医生", consent_by=clerk,
    )  # fmt: skip
    modality = interface_user("dicom")
    uid, study = generate_uid(), study_uid(exam)
    created = Dataset()
    created.PerformedProcedureStepStatus = "IN PROGRESS"
    scheduled = Dataset()
    scheduled.AccessionNumber, scheduled.StudyInstanceUID = exam.accession, study
    created.ScheduledStepAttributesSequence = [scheduled]
    mpps.create(modality, "CT1", uid, created)

    made = synthetic.study(exam, study, series=2, per_series=3)
    pacs.store(made)
    finished = Dataset()
    finished.PerformedProcedureStepStatus = "COMPLETED"
    finished.PerformedSeriesSequence = [
        _series(made, s) for s in dict.fromkeys(ds.SeriesInstanceUID for ds in made)
    ]
    with django_capture_on_commit_callbacks(execute=True):
        mpps.update(modality, uid, finished)

    found = Study.objects.get(study_uid=study)
    assert (found.announced_series, found.announced_instances) == (2, 6)
    assert found.instance_count == 6 and found.complete and not found.mismatch
    assert exam.events.filter(kind=EventKind.IMAGES_AVAILABLE).exists()
    # Complete: no later pass asks about it again.
    assert availability.poll(force=True).asked == 0
