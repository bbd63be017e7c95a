"""Small synthetic DICOM studies for an exam (the demo's images, the tests' arrivals): the
exam's patient, accession number and worklist Study Instance UID, a few instances per series,
modality-appropriate attributes, names in UTF-8 (ISO_IR 192)."""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
from django.utils import timezone
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import PYDICOM_IMPLEMENTATION_UID, ExplicitVRLittleEndian, generate_uid

from yiji.orders.models import Exam

# Catalogue modality → (DICOM modality, SOP class UID of its images).
SOP_CLASSES = {
    "CT": ("CT", "1.2.840.10008.5.1.4.1.1.2"),
    "MR": ("MR", "1.2.840.10008.5.1.4.1.1.4"),
    "DR": ("DX", "1.2.840.10008.5.1.4.1.1.1.1"),
    "CR": ("CR", "1.2.840.10008.5.1.4.1.1.1"),
    "MG": ("MG", "1.2.840.10008.5.1.4.1.1.1.2"),
    "DSA": ("XA", "1.2.840.10008.5.1.4.1.1.12.1"),
    "RF": ("RF", "1.2.840.10008.5.1.4.1.1.12.2"),
    "US": ("US", "1.2.840.10008.5.1.4.1.1.6.1"),
}
SIZE = 96


def _pixels(series: int, instance: int) -> bytes:
    """A disc that moves with the instance number: something to look at, scroll and key."""
    y, x = np.mgrid[0:SIZE, 0:SIZE]
    cy, cx = SIZE / 2 + 10 * np.sin(instance), SIZE / 2 + 8 * series
    disc = ((y - cy) ** 2 + (x - cx) ** 2) < (SIZE / 5) ** 2
    image = (x * 8 + 200).astype(np.uint16)
    image[disc] = 1800 + 100 * instance
    return image.tobytes()


def _person_name(exam: Exam) -> str:
    patient = exam.patient
    if patient.family_name:
        return f"{patient.family_name}^{patient.given_name}"
    return patient.name


def study(
    exam: Exam,
    study_uid: str,
    series: int = 2,
    per_series: int = 3,
    patient_id: str | None = None,
    accession: str | None = None,
) -> list[Dataset]:
    """The instances of one synthetic study of `exam` (patient and accession overridable, to
    make the mismatches a modality makes)."""
    modality, sop_class = SOP_CLASSES.get(exam.modality, ("OT", "1.2.840.10008.5.1.4.1.1.7"))
    moment = timezone.localtime(exam.started_at or timezone.now())
    made = []
    for s in range(1, series + 1):
        series_uid = generate_uid(entropy_srcs=[study_uid, str(s)])
        for i in range(1, per_series + 1):
            made.append(
                _instance(
                    exam,
                    study_uid,
                    series_uid,
                    sop_class,
                    modality,
                    s,
                    i,
                    moment,
                    patient_id,
                    accession,
                )
            )
    return made


def _instance(
    exam,
    study_uid,
    series_uid,
    sop_class,
    modality,
    s,
    i,
    moment: dt.datetime,
    patient_id,
    accession,
) -> Dataset:
    sop_uid = generate_uid(entropy_srcs=[series_uid, str(i)])
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = sop_class
    meta.MediaStorageSOPInstanceUID = sop_uid
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    meta.ImplementationClassUID = PYDICOM_IMPLEMENTATION_UID
    ds = Dataset()
    ds.file_meta = meta
    ds.SpecificCharacterSet = "ISO_IR 192"
    ds.SOPClassUID = sop_class
    ds.SOPInstanceUID = sop_uid
    ds.StudyInstanceUID = study_uid
    ds.SeriesInstanceUID = series_uid
    ds.PatientName = _person_name(exam)
    ds.PatientID = patient_id if patient_id is not None else exam.patient.patient_id
    if exam.patient.birth_date:
        ds.PatientBirthDate = exam.patient.birth_date.strftime("%Y%m%d")
    ds.PatientSex = {"M": "M", "F": "F"}.get(exam.patient.sex, "O")
    ds.AccessionNumber = accession if accession is not None else (exam.accession or "")
    ds.StudyDate = ds.SeriesDate = ds.ContentDate = moment.strftime("%Y%m%d")
    ds.StudyTime = ds.SeriesTime = ds.ContentTime = moment.strftime("%H%M%S")
    ds.StudyID = str(exam.pk)
    ds.StudyDescription = exam.item.name
    ds.SeriesDescription = f"{exam.item.name} {s}"
    ds.Modality = modality
    ds.Manufacturer = "Yiji synthetic"
    ds.InstitutionName = exam.department.name
    ds.SeriesNumber = s
    ds.InstanceNumber = i
    ds.BodyPartExamined = re.sub(r"[^A-Z0-9 _]", "", exam.item.body_part_en.upper())[:16]
    if modality in ("CT", "MR"):
        ds.ImageType = ["ORIGINAL", "PRIMARY", "AXIAL"]
        ds.SliceThickness = "5"
        ds.ImagePositionPatient = [0, 0, i * 5]
        ds.ImageOrientationPatient = [1, 0, 0, 0, 1, 0]
        ds.PixelSpacing = [1, 1]
    if modality == "CT":
        ds.KVP = "120"
        ds.RescaleIntercept = "-1024"
        ds.RescaleSlope = "1"
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.Rows = ds.Columns = SIZE
    ds.BitsAllocated = 16
    ds.BitsStored = 12
    ds.HighBit = 11
    ds.PixelRepresentation = 0
    ds.WindowCenter = "1200"
    ds.WindowWidth = "2400"
    ds.PixelData = _pixels(s, i)
    return ds
