"""Modality Worklist C-FIND (DICOM PS3.4 annex K): the exams checked in and waiting, as
scheduled procedure steps, matched in the database (indexed, not by scanning files).

Only checked-in exams are offered (ORD-5: identity is verified at check-in, before any
modality sees the patient). Return keys follow IHE Scheduled Workflow; an answer carries the
keys the query asked for, with the values Yiji knows."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Iterator

from django.db.models import Q, QuerySet
from django.utils import timezone
from pydicom import config
from pydicom.datadict import dictionary_VR
from pydicom.dataelem import DataElement
from pydicom.dataset import Dataset
from pydicom.sequence import Sequence

from yiji.core.rulebook import carries_out
from yiji.exams.models import Disinfection
from yiji.orders.models import Exam, ExamStatus, Modality, Priority

# Catalogue modality → DICOM modality (PS3.3 C.7.3.1.1.1) and back.
DICOM_MODALITY = {"DR": "DX", "DSA": "XA", "ECG": "ECG"}
CATALOGUE_MODALITIES: dict[str, list[str]] = {}
for _code in ("DR", "CR", "CT", "MR", "DSA", "MG", "RF", "US", "ECG"):
    CATALOGUE_MODALITIES.setdefault(DICOM_MODALITY.get(_code, _code), []).append(_code)
SCHEME = "99YIJI"
# Answers are built from Yiji's own columns, cut to each VR's length where it has one; checking
# every value again as pydicom does by default was a tenth of an answer's cost.
TRUSTED = config.IGNORE


class QueryError(ValueError):
    """A query Yiji cannot answer: it becomes a DICOM failure status, never a crash."""


def study_uid(exam: Exam) -> str:
    """The same Study Instance UID for an exam every time it is asked for: a UUID-derived UID
    (ISO/IEC 9834-8, root 2.25) named by the accession number. (pydicom's generate_uid ignores
    its entropy sources under the 2.25 root and returns a new random UID each time.)"""
    name = f"yiji-study:{exam.accession or exam.pk}"
    return f"2.25.{uuid.uuid5(uuid.NAMESPACE_OID, name).int}"


def _text(value) -> str:
    # NUL pads some values on the wire; it is never part of what a query matches.
    return str(value).replace("\x00", "").strip() if value not in (None, "") else ""


def _wildcard(field: str, value: str) -> Q:
    """DICOM wildcard matching: * any run, ? one character; a universal * matches all."""
    if value in ("", "*"):
        return Q()
    if not any(c in value for c in "*?"):
        return Q(**{field: value})
    if value.endswith("*") and not any(c in value[:-1] for c in "*?"):
        return Q(**{f"{field}__startswith": value[:-1]})
    pattern = (
        "^" + "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in value) + "$"
    )
    return Q(**{f"{field}__regex": pattern})


def _date(value: str) -> dt.date:
    try:
        return dt.datetime.strptime(value.strip(), "%Y%m%d").date()
    except ValueError as exc:
        raise QueryError(f"bad date {value!r}") from exc


def _time(value: str, end: bool) -> dt.time:
    digits = value.strip().split(".")[0]
    if not digits.isdigit() or len(digits) not in (2, 4, 6):
        raise QueryError(f"bad time {value!r}")
    parts = [int(digits[i : i + 2]) for i in range(0, len(digits), 2)]
    if end:
        parts += [59] * (3 - len(parts))
    try:
        return dt.time(*parts, microsecond=999999 if end else 0)
    except ValueError as exc:
        raise QueryError(f"bad time {value!r}") from exc


def _range(value: str, parse):
    if "-" not in value:
        return parse(value, False), parse(value, True)
    low, high = value.split("-", 1)
    return (parse(low, False) if low else None), (parse(high, True) if high else None)


def _datetime_window(date_value: str, time_value: str, field: str) -> Q:
    if not date_value:
        return Q()
    start_day, end_day = _range(date_value, lambda v, _e: _date(v))
    start_time, end_time = (None, None)
    if time_value:
        start_time, end_time = _range(time_value, _time)
    zone = timezone.get_current_timezone()
    bounds = Q()
    if start_day:
        low = dt.datetime.combine(start_day, start_time or dt.time.min, zone)
        bounds &= Q(**{f"{field}__gte": low})
    if end_day:
        high = dt.datetime.combine(end_day, end_time or dt.time.max, zone)
        bounds &= Q(**{f"{field}__lte": high})
    return bounds


@carries_out("EXM-5")
def matching(identifier: Dataset) -> QuerySet:
    """The exams the query's matching keys select."""
    try:
        step = (
            identifier.ScheduledProcedureStepSequence[0]
            if identifier.get("ScheduledProcedureStepSequence")
            else Dataset()
        )
        patient_name = _text(identifier.get("PatientName"))
        patient_id = _text(identifier.get("PatientID"))
        accession = _text(identifier.get("AccessionNumber"))
        requested_id = _text(identifier.get("RequestedProcedureID"))
        station = _text(step.get("ScheduledStationAETitle"))
        modality = _text(step.get("Modality")).upper()
        date_value = _text(step.get("ScheduledProcedureStepStartDate"))
        time_value = _text(step.get("ScheduledProcedureStepStartTime"))
    except (AttributeError, TypeError, ValueError, IndexError, KeyError) as exc:
        raise QueryError(str(exc)) from exc
    exams = (
        Exam.objects.filter(status=ExamStatus.ARRIVED, accession__isnull=False)
        .exclude(modality=Modality.LAB)  # specimens are not scheduled on a modality
        # EXM-5: a room waiting for disinfection after an infectious patient takes nobody.
        .exclude(room__in=Disinfection.objects.filter(done_at__isnull=True).values("room"))
    )
    exams = exams.filter(
        _wildcard("patient__patient_id", patient_id)
        & _wildcard("patient__name", patient_name.replace("^", "").replace("=", ""))
        & _wildcard("accession", accession)
        & _wildcard("accession", requested_id)
        & _wildcard("room__ae_title", station)
    )
    if modality and modality != "*":
        exams = exams.filter(modality__in=CATALOGUE_MODALITIES.get(modality, [modality]))
    if date_value:
        # Booked exams are scheduled at their appointment; emergencies at their check-in.
        exams = exams.filter(
            Q(scheduled_start__isnull=False)
            & _datetime_window(date_value, time_value, "scheduled_start")
            | Q(scheduled_start__isnull=True)
            & _datetime_window(date_value, time_value, "arrived_at")
        )
    return (
        exams.select_related("patient", "item", "room", "requisition")
        .only(*ANSWERED_FIELDS)
        .order_by("arrived_at", "pk")
    )


# The columns `entry` reads: an answer loads these and not the rest of five wide rows.
ANSWERED_FIELDS = (
    "accession", "modality", "priority", "scheduled_start", "arrived_at",
    "patient__name", "patient__patient_id", "patient__birth_date", "patient__sex",
    "patient__allergy_history",
    "item__code", "item__name",
    "room__ae_title", "room__code", "room__location", "room__name", "room__dicom_charset",
    "requisition__number", "requisition__infectious_disease",
    "requisition__ordering_physician_name",
)  # fmt: skip


def _code(item) -> list[dict]:
    return [
        {
            "CodeValue": item.code[:16],
            "CodingSchemeDesignator": SCHEME,
            "CodeMeaning": item.name[:64],
        }
    ]


def entry(exam: Exam) -> dict:
    """Every attribute Yiji can answer for one scheduled procedure step, by keyword (a
    sequence is a list of such dicts). Plain values, not a Dataset: only the keys a query
    asks for become DICOM elements, which is most of the cost of an answer."""
    patient, item, room = exam.patient, exam.item, exam.room
    scheduled = timezone.localtime(exam.scheduled_start or exam.arrived_at)
    step = {
        "ScheduledStationAETitle": room.ae_title if room else "",
        "ScheduledStationName": (room.code if room else "")[:16],
        "ScheduledProcedureStepLocation": (room.location or room.name)[:16] if room else "",
        "ScheduledProcedureStepStartDate": scheduled.strftime("%Y%m%d"),
        "ScheduledProcedureStepStartTime": scheduled.strftime("%H%M%S"),
        "Modality": DICOM_MODALITY.get(exam.modality, exam.modality),
        "ScheduledPerformingPhysicianName": "",
        "ScheduledProcedureStepDescription": item.name[:64],
        "ScheduledProcedureStepID": exam.accession,
        "ScheduledProcedureStepStatus": "ARRIVED",
        "ScheduledProtocolCodeSequence": _code(item),
    }
    return {
        "SpecificCharacterSet": room.dicom_charset if room else "ISO_IR 192",
        "AccessionNumber": exam.accession,
        "PatientName": patient.name,
        "PatientID": patient.patient_id,
        "PatientBirthDate": patient.birth_date.strftime("%Y%m%d") if patient.birth_date else "",
        "PatientSex": {"M": "M", "F": "F"}.get(patient.sex, "O"),
        "MedicalAlerts": exam.requisition.infectious_disease[:64],
        "Allergies": patient.allergy_history[:64],
        "ReferringPhysicianName": exam.requisition.ordering_physician_name,
        "RequestingPhysician": exam.requisition.ordering_physician_name,
        "StudyInstanceUID": study_uid(exam),
        "RequestedProcedureID": exam.accession,
        "RequestedProcedureDescription": item.name[:64],
        "RequestedProcedureCodeSequence": _code(item),
        "RequestedProcedurePriority": "STAT" if exam.priority == Priority.URGENT else "ROUTINE",
        "AdmissionID": exam.requisition.number,
        "ScheduledProcedureStepSequence": [step],
    }


def _whole(values: dict) -> Dataset:
    whole = Dataset()
    for keyword, value in values.items():
        setattr(whole, keyword, [_whole(v) for v in value] if isinstance(value, list) else value)
    return whole


def _plan(query: Dataset) -> list[tuple]:
    """The query's return keys, read once for all its answers: (tag, keyword, VR, the keys
    of a sequence item, or None when the whole sequence is asked for)."""
    plan = []
    for element in query:
        keyword = element.keyword
        if not keyword or keyword == "SpecificCharacterSet":
            continue
        vr = element.VR if element.VR != "UN" else dictionary_VR(element.tag)
        inner = None
        if vr == "SQ" and element.value:
            # An empty sequence key asks for the whole sequence (universal matching).
            inner = _plan(element.value[0])
        plan.append((element.tag, keyword, vr, inner))
    return plan


def _answer(plan: list[tuple], values: dict) -> Dataset:
    """The query's return keys filled from `values` (PS3.4 C.2.2.1.2: only what was asked;
    a key Yiji does not know is returned empty)."""
    answer = Dataset()
    if "SpecificCharacterSet" in values:
        answer.SpecificCharacterSet = values["SpecificCharacterSet"]
    for tag, keyword, vr, inner in plan:
        value = values.get(keyword)
        if vr == "SQ":
            items = [_answer(inner, v) if inner is not None else _whole(v) for v in value or []]
            answer.add(DataElement(tag, vr, Sequence(items), validation_mode=TRUSTED))
        else:
            text = value if isinstance(value, str) else None
            answer.add(DataElement(tag, vr, text, validation_mode=TRUSTED))
    return answer


@carries_out("ORD-5")
def find(identifier: Dataset) -> Iterator[Dataset]:
    """Answers to one Modality Worklist query, in check-in order."""
    plan = _plan(identifier)
    for exam in matching(identifier).iterator(chunk_size=500):
        yield _answer(plan, entry(exam))
