"""Modality Performed Procedure Step (PS3.4 annex F): N-CREATE starts the exam, N-SET
completes or discontinues it, and the exam's state follows through the exam services. A step
without an accession number (IHE SWF unscheduled case) is kept apart until a person reconciles
it with its order (interop.dicom.unscheduled)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from pydicom.dataset import Dataset

from yiji.core.permissions import PermissionRefused
from yiji.core.rulebook import RuleViolation, record_refusal
from yiji.exams import services as exam_services
from yiji.images import availability
from yiji.interop.dicom import unscheduled
from yiji.interop.models import PerformedStep, StepStatus
from yiji.orders.models import Exam

# DICOM statuses (PS3.4 annex F and PS3.7 annex C).
SUCCESS = 0x0000
PROCESSING_FAILURE = 0x0110
NO_SUCH_OBJECT = 0x0112
INVALID_ATTRIBUTE_VALUE = 0x0106
DUPLICATE_INSTANCE = 0x0111
# The Error ID (0000,0902) of a processing failure on a step that is COMPLETED or
# DISCONTINUED: "Performed Procedure Step Object may no longer be updated" (PS3.4 F.7.2.2).
NOT_IN_PROGRESS = 0xA710


class StepError(Exception):
    def __init__(self, status: int, comment: str, error_id: int | None = None):
        super().__init__(comment)
        self.status = status
        self.comment = comment[:64]
        self.error_id = error_id


def _moment(date_value, time_value) -> dt.datetime:
    date_text, time_text = str(date_value or "").strip(), str(time_value or "").strip()
    if not date_text:
        return timezone.now()
    try:
        day = dt.datetime.strptime(date_text, "%Y%m%d")
        digits = (time_text.split(".")[0] + "000000")[:6]
        moment = day.replace(hour=int(digits[:2]), minute=int(digits[2:4]), second=int(digits[4:6]))
    except ValueError as exc:
        raise StepError(INVALID_ATTRIBUTE_VALUE, f"bad date/time {date_text} {time_text}") from exc
    return timezone.make_aware(moment)


def _decimal(value, scale: Decimal = Decimal(1)) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return (Decimal(str(value)) * scale).quantize(Decimal("0.001"))
    except InvalidOperation:
        return None


def dose(ds: Dataset) -> dict[str, Decimal]:
    """Dose and technique from the MPPS Radiation Dose module, where the modality sent them."""
    values: dict[str, Decimal | None] = {
        # Area dose product is in dGy·cm² in DICOM; Yiji records Gy·cm².
        "dap": _decimal(ds.get("ImageAndFluoroscopyAreaDoseProduct"), Decimal("0.1")),
        "ctdi_vol": _decimal(ds.get("CTDIvol")),
    }
    exposures = ds.get("ExposureDoseSequence") or []
    if exposures:
        first = exposures[0]
        values["kv"] = _decimal(first.get("KVP"))
        if first.get("ExposureInuAs") not in (None, ""):
            values["mas"] = _decimal(first.get("ExposureInuAs"), Decimal("0.001"))
    comments = str(ds.get("CommentsOnRadiationDose") or "")
    for key, name in (("dlp", "DLP"), ("ctdi_vol", "CTDIvol")):
        found = re.search(rf"{name}\s*[=:]\s*([0-9.]+)", comments, re.IGNORECASE)
        if found and values.get(key) is None:
            values[key] = _decimal(found.group(1))
    return {k: v for k, v in values.items() if v is not None}


def series(ds: Dataset) -> list[dict]:
    """The Performed Series Sequence: what the modality made, for ImagingStudy."""
    made = []
    for item in ds.get("PerformedSeriesSequence") or []:
        uid = str(item.get("SeriesInstanceUID") or "").strip()
        if uid:
            made.append(
                {
                    "uid": uid[:64],
                    "description": str(item.get("SeriesDescription") or "")[:64],
                    "instances": len(item.get("ReferencedImageSequence") or []),
                }
            )
    return made


def _study_uid(ds: Dataset) -> str:
    steps = ds.get("ScheduledStepAttributesSequence") or []
    return str(steps[0].get("StudyInstanceUID") or "").strip()[:64] if steps else ""


def _accession(ds: Dataset) -> str:
    steps = ds.get("ScheduledStepAttributesSequence") or []
    return str(steps[0].get("AccessionNumber") or "").strip() if steps else ""


def _text(ds: Dataset, keyword: str, size: int) -> str:
    return str(ds.get(keyword) or "").strip()[:size]


def _exam_for(accession: str) -> Exam:
    exam = Exam.objects.filter(accession=accession).first()
    if exam is None:
        raise StepError(PROCESSING_FAILURE, f"unknown accession {accession}")
    return exam


def _refusal(exc: Exception, actor=None, calling_ae: str = "") -> StepError:
    if isinstance(exc, RuleViolation):
        record_refusal(exc, actor, "dicom", f"MPPS {calling_ae}")
        return StepError(PROCESSING_FAILURE, f"{exc.rule_id} {exc.en}")
    if isinstance(exc, PermissionRefused):
        return StepError(PROCESSING_FAILURE, f"{exc.decision.rule} not permitted")
    raise exc


def create(actor, calling_ae: str, sop_instance_uid: str, ds: Dataset) -> PerformedStep:
    """N-CREATE: a step begins (IN PROGRESS) and the exam starts."""
    status = str(ds.get("PerformedProcedureStepStatus") or "").strip().upper()
    if status != StepStatus.IN_PROGRESS:
        raise StepError(INVALID_ATTRIBUTE_VALUE, "N-CREATE status must be IN PROGRESS")
    if PerformedStep.objects.filter(sop_instance_uid=sop_instance_uid).exists():
        raise StepError(DUPLICATE_INSTANCE, "step already exists")
    accession = _accession(ds)
    exam = _exam_for(accession) if accession else None
    started = _moment(
        ds.get("PerformedProcedureStepStartDate"), ds.get("PerformedProcedureStepStartTime")
    )
    try:
        with transaction.atomic():
            if exam is not None:
                exam_services.modality_started(actor, exam, started)
            step = PerformedStep.objects.create(
                sop_instance_uid=sop_instance_uid,
                exam=exam,
                calling_ae=calling_ae[:16],
                status=StepStatus.IN_PROGRESS,
                started_at=started,
                study_uid=_study_uid(ds),
                series=series(ds),
                patient_id=_text(ds, "PatientID", 64),
                patient_name=_text(ds, "PatientName", 64),
                modality=_text(ds, "Modality", 16),
                description=_text(ds, "PerformedProcedureStepDescription", 64),
            )
            if exam is None:
                unscheduled.announce(step)
            return step
    except (RuleViolation, PermissionRefused) as exc:
        raise _refusal(exc, actor, calling_ae) from exc


def update(actor, sop_instance_uid: str, ds: Dataset) -> PerformedStep:
    """N-SET: more data, or the final state COMPLETED / DISCONTINUED."""
    step = (
        PerformedStep.objects.select_related("exam")
        .filter(sop_instance_uid=sop_instance_uid)
        .first()
    )
    if step is None:
        raise StepError(NO_SUCH_OBJECT, "no such performed procedure step")
    if step.status != StepStatus.IN_PROGRESS:
        raise StepError(
            PROCESSING_FAILURE, "step is no longer IN PROGRESS", error_id=NOT_IN_PROGRESS
        )
    status = str(ds.get("PerformedProcedureStepStatus") or step.status).strip().upper()
    if status not in StepStatus.values:
        raise StepError(INVALID_ATTRIBUTE_VALUE, f"bad status {status}")
    ended = _moment(
        ds.get("PerformedProcedureStepEndDate"), ds.get("PerformedProcedureStepEndTime")
    )
    measured = dose(ds)
    try:
        with transaction.atomic():
            if step.exam is None:
                pass  # unscheduled: the exam follows once the step is reconciled
            elif status == StepStatus.COMPLETED:
                exam_services.modality_completed(actor, step.exam, ended, measured)
                _expect_images(step, ds)
            elif status == StepStatus.DISCONTINUED:
                exam_services.modality_discontinued(actor, step.exam, ended, _reason(ds))
            step.status = status
            step.ended_at = ended if status != StepStatus.IN_PROGRESS else None
            step.dose = {k: str(v) for k, v in {**step.dose, **measured}.items()}
            if "PerformedSeriesSequence" in ds:
                step.series = series(ds)
            step.updated_at = timezone.now()
            step.save()
    except (RuleViolation, PermissionRefused) as exc:
        raise _refusal(exc, actor, step.calling_ae) from exc
    return step


def _expect_images(step: PerformedStep, ds: Dataset) -> None:
    """What the modality says it made, to compare with what reaches the archive, which is
    asked at once (IHE SWF: MPPS COMPLETED precedes the images' arrival or follows it)."""
    made = series(ds) if "PerformedSeriesSequence" in ds else step.series
    if made and availability.needs_images(step.exam):
        availability.expect(step.exam, step.study_uid, len(made), sum(s["instances"] for s in made))
    availability.check_soon(step.exam)


def _reason(ds: Dataset) -> str:
    codes = ds.get("PerformedProcedureStepDiscontinuationReasonCodeSequence") or []
    if codes:
        return str(codes[0].get("CodeMeaning") or codes[0].get("CodeValue") or "")
    return str(ds.get("PerformedProcedureStepDescription") or "")
