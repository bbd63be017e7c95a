"""Yiji's records as FHIR R4 resources (plain dicts, validated by fhir.resources in tests),
and a ServiceRequest read back into a requisition."""

from __future__ import annotations

import base64
import datetime as dt

from django.utils import timezone

from yiji.core.models import Room
from yiji.interop.dicom.worklist import DICOM_MODALITY
from yiji.interop.models import StepStatus
from yiji.orders.models import Exam, ExamStatus, Priority
from yiji.reports.models import Report, ReportStatus

PATIENT_ID_SYSTEM = "urn:yiji:patient-id"
ID_CARD_SYSTEM = "urn:oid:2.16.156.10011.1.3"  # the resident ID card (居民身份证)
PLACER_SYSTEM = "urn:yiji:placer-order-number"
ACCESSION_SYSTEM = "urn:yiji:accession"
ITEM_SYSTEM = "urn:yiji:exam-item"
ALLERGEN_SYSTEM = "urn:yiji:allergen"  # the HIS's allergen codes (HL7 AL1-3)
DEPARTMENT_EXTENSION = "urn:yiji:fhir:ordering-department"

GENDER = {"M": "male", "F": "female"}
REQUEST_STATUS = {
    ExamStatus.REQUESTED: "active",
    ExamStatus.BOOKED: "active",
    ExamStatus.ARRIVED: "active",
    ExamStatus.IN_PROGRESS: "active",
    ExamStatus.COMPLETED: "completed",
    ExamStatus.CANCELLED: "revoked",
    ExamStatus.NO_SHOW: "revoked",
    ExamStatus.DISCONTINUED: "revoked",
}
REPORT_STATUS = {
    ReportStatus.PRELIMINARY: "preliminary",
    ReportStatus.FINAL: "final",
    ReportStatus.AMENDED: "amended",
}


def instant(moment: dt.datetime | None) -> str | None:
    return timezone.localtime(moment).isoformat(timespec="seconds") if moment else None


def human_name(p) -> dict:
    name = {"use": "official", "text": p.name}
    if p.family_name:
        name["family"] = p.family_name
    if p.given_name:
        name["given"] = [p.given_name]
    return name


ALLERGY_CATEGORY = {"contrast": "medication", "drug": "medication", "food": "food",
                    "environment": "environment"}  # fmt: skip
CRITICALITY = {"severe": "high", "moderate": "low", "mild": "low", "unknown": "unable-to-assess"}


def allergy_intolerance(a) -> dict:
    resource = {
        "resourceType": "AllergyIntolerance",
        "id": str(a.pk),
        "clinicalStatus": {"coding": [{
            "system": "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical",
            "code": "active",
        }]},
        "type": "allergy",
        "criticality": CRITICALITY[a.severity],
        "code": {"text": a.substance},
        "patient": {"reference": f"Patient/{a.patient_id}"},
        "recordedDate": instant(a.recorded_at),
    }  # fmt: skip
    if a.category in ALLERGY_CATEGORY:
        resource["category"] = [ALLERGY_CATEGORY[a.category]]
    if a.code:
        resource["code"]["coding"] = [{"system": ALLERGEN_SYSTEM, "code": a.code,
                                        "display": a.substance}]  # fmt: skip
    if a.noted_on:
        resource["onsetDateTime"] = a.noted_on.isoformat()
    if a.reaction:
        reaction = {"manifestation": [{"text": a.reaction}]}
        if a.severity != "unknown":
            reaction["severity"] = a.severity
        resource["reaction"] = [reaction]
    return resource


def patient(p, whole_id_card: bool = False) -> dict:
    """A Patient; the ID-card number whole only for an account granted it, masked otherwise."""
    identifiers = [{"use": "usual", "system": PATIENT_ID_SYSTEM, "value": p.patient_id}]
    if p.id_card:
        card = p.id_card if whole_id_card else p.id_card_masked
        identifiers.append({"use": "official", "system": ID_CARD_SYSTEM, "value": card})
    resource = {
        "resourceType": "Patient",
        "id": str(p.pk),
        "identifier": identifiers,
        "active": p.merged_into_id is None,
        "name": [human_name(p)],
        "gender": GENDER.get(p.sex, "unknown"),
    }
    if p.address:
        resource["address"] = [{"use": "home", "text": p.address}]
    if p.birth_date:
        resource["birthDate"] = p.birth_date.isoformat()
    if p.phone:
        resource["telecom"] = [{"system": "phone", "value": p.phone}]
    if p.merged_into_id:
        resource["link"] = [
            {"other": {"reference": f"Patient/{p.merged_into_id}"}, "type": "replaced-by"}
        ]
    return resource


def service_request(exam: Exam) -> dict:
    requisition = exam.requisition
    identifiers = [{"system": ACCESSION_SYSTEM, "value": exam.accession}] if exam.accession else []
    if exam.placer_number:
        identifiers.append({"system": PLACER_SYSTEM, "value": exam.placer_number})
    resource = {
        "resourceType": "ServiceRequest",
        "id": str(exam.pk),
        "identifier": identifiers,
        "requisition": {"value": requisition.number},
        "status": REQUEST_STATUS[exam.status],
        "intent": "order",
        "priority": "stat" if exam.priority == Priority.URGENT else "routine",
        "code": {
            "coding": [{"system": ITEM_SYSTEM, "code": exam.item.code, "display": exam.item.name}],
            "text": exam.item.name,
        },
        "subject": {"reference": f"Patient/{exam.patient_id}"},
        "authoredOn": instant(requisition.created_at),
        "requester": {"display": requisition.ordering_physician_name},
        "reasonCode": [{"text": requisition.clinical_diagnosis}]
        if requisition.clinical_diagnosis
        else [],
        "orderDetail": [{"text": requisition.purpose}] if requisition.purpose else [],
        "note": [{"text": requisition.clinical_history}] if requisition.clinical_history else [],
    }
    if exam.scheduled_start:
        resource["occurrencePeriod"] = {
            "start": instant(exam.scheduled_start),
            "end": instant(exam.scheduled_end),
        }
    if requisition.ordering_department:
        resource["extension"] = [
            {"url": DEPARTMENT_EXTENSION, "valueString": requisition.ordering_department.code}
        ]
    return {k: v for k, v in resource.items() if v not in ([], None)}


def diagnostic_report(report: Report, pdf: bytes | None = None, pdf_url: str = "") -> dict:
    exam = report.exam
    interpreter = [s for s in (report.author, report.reviewer) if s]
    form = {"contentType": "application/pdf", "language": "zh-CN", "title": exam.item.name}
    if pdf is not None:
        form["data"] = base64.b64encode(pdf).decode("ascii")
    else:
        form["url"] = pdf_url
    resource = {
        "resourceType": "DiagnosticReport",
        "id": str(report.pk),
        "identifier": [{"system": ACCESSION_SYSTEM, "value": exam.accession}]
        if exam.accession
        else [],
        "basedOn": [{"reference": f"ServiceRequest/{exam.pk}"}],
        "status": REPORT_STATUS[report.status],
        "category": [
            {
                "coding": [
                    {
                        "system": "http://terminology.hl7.org/CodeSystem/v2-0074",
                        "code": "RAD",
                        "display": "Radiology",
                    }
                ]
            }
        ],
        "code": {
            "coding": [{"system": ITEM_SYSTEM, "code": exam.item.code, "display": exam.item.name}]
        },
        "subject": {"reference": f"Patient/{exam.patient_id}"},
        "effectiveDateTime": instant(exam.started_at or exam.arrived_at or exam.created_at),
        "issued": instant(report.final_at or report.preliminary_at),
        "resultsInterpreter": [{"display": s.name} for s in interpreter],
        "conclusion": report.impression,
        "presentedForm": [form],
    }
    if structured := structured_observation(report):
        resource["contained"] = [structured]
        resource["result"] = [{"reference": f"#{structured['id']}"}]
    return {k: v for k, v in resource.items() if v not in ([], None)}


STRUCTURED_SYSTEM = "urn:yiji:structured-report"


def structured_observation(report: Report) -> dict | None:
    """A structured report's values as one Observation with components (Lung-RADS or
    TI-RADS: the category, the nodule's size and features, the points, the interval)."""
    values = report.structured or {}
    scheme = values.get("scheme")
    if not scheme:
        return None

    def code(key: str, display: str) -> dict:
        return {"coding": [{"system": STRUCTURED_SYSTEM, "code": key, "display": display}]}

    nodule = values.get("nodule", {})
    components = []
    for key, display in (("size_mm", "Nodule mean diameter"), ("solid_mm", "Solid component")):
        if nodule.get(key):
            components.append({
                "code": code(key, display),
                "valueQuantity": {"value": float(nodule[key]), "unit": "mm",
                                  "system": "http://unitsofmeasure.org", "code": "mm"},
            })  # fmt: skip
    for key, display in (("density", "Nodule density"), ("lobe", "Nodule location")):
        if nodule.get(key):
            components.append({"code": code(key, display), "valueString": nodule[key]})
    if values.get("follow_up_months") is not None:
        components.append({
            "code": code("follow_up", "Follow-up interval"),
            "valueQuantity": {"value": values["follow_up_months"], "unit": "mo",
                              "system": "http://unitsofmeasure.org", "code": "mo"},
        })  # fmt: skip
    if values.get("points") is not None:
        components.append(
            {"code": code("points", "TI-RADS points"), "valueInteger": values["points"]}
        )
    return {
        "resourceType": "Observation",
        "id": scheme.lower(),
        "status": "final" if report.signed else "preliminary",
        "code": code(scheme, f"{scheme} assessment"),
        "subject": {"reference": f"Patient/{report.exam.patient_id}"},
        "valueString": values.get("category", ""),
        "component": components,
    }


LAB_TEST_SYSTEM = "urn:yiji:lab-test"
INTERPRETATION = {"H": "H", "L": "L", "HH": "HH", "LL": "LL", "POS": "POS"}
QUALITATIVE_CODES = {  # SNOMED CT
    "positive": ("10828004", "Positive"),
    "negative": ("260385009", "Negative"),
}


def lab_observation(result, reference=None) -> dict:
    """One analyte of a released lab exam; `reference` is its ReferenceRange, if any."""
    exam, test = result.exam, result.test
    coding = [{"system": LAB_TEST_SYSTEM, "code": test.code, "display": test.name}]
    if test.loinc:
        coding.insert(
            0, {"system": "http://loinc.org", "code": test.loinc, "display": test.name_en}
        )
    resource = {
        "resourceType": "Observation",
        "id": str(result.pk),
        "basedOn": [{"reference": f"ServiceRequest/{exam.pk}"}],
        "status": "final",
        "category": [{"coding": [{
            "system": "http://terminology.hl7.org/CodeSystem/observation-category",
            "code": "laboratory",
        }]}],
        "code": {"coding": coding, "text": test.name},
        "subject": {"reference": f"Patient/{exam.patient_id}"},
        "effectiveDateTime": instant(result.specimen.collected_at or result.entered_at),
        "issued": instant(exam.lab_report.released_at),
    }  # fmt: skip
    if result.numeric is not None:
        resource["valueQuantity"] = {"value": float(result.numeric), "unit": result.unit or "1"}
    elif result.value in QUALITATIVE_CODES:
        code, display = QUALITATIVE_CODES[result.value]
        resource["valueCodeableConcept"] = {
            "coding": [{"system": "http://snomed.info/sct", "code": code, "display": display}]
        }
    else:
        resource["valueString"] = result.value
    if result.flag in INTERPRETATION:
        resource["interpretation"] = [{"coding": [{
            "system": "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation",
            "code": INTERPRETATION[result.flag],
        }]}]  # fmt: skip
    if reference is not None and (reference.low is not None or reference.high is not None):
        bounds = {}
        for side in ("low", "high"):
            value = getattr(reference, side)
            if value is not None:
                bounds[side] = {"value": float(value), "unit": result.unit or "1"}
        resource["referenceRange"] = [{**bounds, "text": result.reference}]
    return resource


def lab_diagnostic_report(report, observations: list, pdf: bytes | None = None,
                          pdf_url: str = "") -> dict:  # fmt: skip
    """A released lab exam: its observations by reference, the signed PDF as presentedForm."""
    exam = report.exam
    form = {"contentType": "application/pdf", "language": "zh-CN", "title": exam.item.name}
    if pdf is not None:
        form["data"] = base64.b64encode(pdf).decode("ascii")
    else:
        form["url"] = pdf_url
    item = {"system": ITEM_SYSTEM, "code": exam.item.code, "display": exam.item.name}
    resource = {
        "resourceType": "DiagnosticReport",
        "id": f"lab-{report.pk}",
        "identifier": [{"system": ACCESSION_SYSTEM, "value": exam.accession}]
        if exam.accession else [],
        "basedOn": [{"reference": f"ServiceRequest/{exam.pk}"}],
        "status": "final",
        "category": [{"coding": [{
            "system": "http://terminology.hl7.org/CodeSystem/v2-0074", "code": "LAB",
            "display": "Laboratory",
        }]}],
        "code": {"coding": [item]},
        "subject": {"reference": f"Patient/{exam.patient_id}"},
        "effectiveDateTime": instant(exam.arrived_at or exam.created_at),
        "issued": instant(report.released_at),
        "resultsInterpreter": [{"display": report.verified_by.name}],
        "result": [{"reference": f"Observation/{o.pk}"} for o in observations],
        "conclusion": report.comment,
        "presentedForm": [form],
    }  # fmt: skip
    return {k: v for k, v in resource.items() if v not in ([], None, "")}


APPOINTMENT_STATUS = {
    ExamStatus.BOOKED: "booked",
    ExamStatus.ARRIVED: "arrived",
    ExamStatus.IN_PROGRESS: "arrived",
    ExamStatus.COMPLETED: "fulfilled",
    ExamStatus.CANCELLED: "cancelled",
    ExamStatus.DISCONTINUED: "cancelled",
    ExamStatus.NO_SHOW: "noshow",
}
DICOM_SYSTEM = "http://dicom.nema.org/resources/ontology/DCM"


def slot_id(room: Room, start: dt.datetime) -> str:
    """A slot is computed, not stored: its id names the room and the local start minute."""
    return f"{room.pk}-{timezone.localtime(start):%Y%m%d%H%M}"


def schedule(room: Room) -> dict:
    return {
        "resourceType": "Schedule",
        "id": str(room.pk),
        "identifier": [{"system": "urn:yiji:room", "value": room.code}],
        "active": room.active,
        "actor": [{"display": room.name}],
        "serviceType": [{"coding": [{"system": ITEM_SYSTEM, "code": m}]} for m in room.modalities],
    }


def slot(room: Room, start: dt.datetime, end: dt.datetime, status: str = "free") -> dict:
    return {
        "resourceType": "Slot",
        "id": slot_id(room, start),
        "schedule": {"reference": f"Schedule/{room.pk}", "display": room.name},
        "status": status,
        "start": instant(start),
        "end": instant(end),
    }


def appointment(exam: Exam) -> dict:
    participants = [
        {"actor": {"reference": f"Patient/{exam.patient_id}"}, "status": "accepted"},
    ]
    if exam.room:
        participants.append({"actor": {"display": exam.room.name}, "status": "accepted"})
    resource = {
        "resourceType": "Appointment",
        "id": str(exam.pk),
        "identifier": [{"system": ACCESSION_SYSTEM, "value": exam.accession}]
        if exam.accession
        else [],
        "status": APPOINTMENT_STATUS[exam.status],
        "description": exam.item.name,
        "start": instant(exam.scheduled_start),
        "end": instant(exam.scheduled_end),
        "minutesDuration": exam.item.duration_minutes,
        "slot": [{"reference": f"Slot/{slot_id(exam.room, exam.scheduled_start)}"}]
        if exam.room
        else [],
        "basedOn": [{"reference": f"ServiceRequest/{exam.pk}"}],
        "participant": participants,
    }
    return {k: v for k, v in resource.items() if v not in ([], None)}


def imaging_study(
    exam: Exam, steps: list, study_uid: str, archived: list, archive_url: str = ""
) -> dict:
    """The study as the archive holds it (series and image counts found by QIDO-RS, with the
    DICOMweb endpoint to fetch it), else as the modality reported it through MPPS."""
    statuses = {step.status for step in steps}
    status = (
        "available"
        if archived or StepStatus.COMPLETED in statuses
        else "registered"
        if StepStatus.IN_PROGRESS in statuses
        else "cancelled"
    )
    modality = {"system": DICOM_SYSTEM, "code": DICOM_MODALITY.get(exam.modality, exam.modality)}
    if archived:
        series = [
            {
                "uid": made["uid"],
                "number": made.get("number"),
                "modality": {
                    "system": DICOM_SYSTEM,
                    "code": made.get("modality") or modality["code"],
                },
                "description": made.get("description") or None,
                "numberOfInstances": made.get("instances", 0),
            }
            for study in archived
            for made in study.series
        ]
        counts = (sum(s.series_count for s in archived), sum(s.instance_count for s in archived))
    else:
        series = [
            {
                "uid": made["uid"],
                "modality": modality,
                "description": made.get("description") or None,
                "numberOfInstances": made.get("instances", 0),
            }
            for step in steps
            for made in step.series
        ]
        counts = (len(series), sum(s["numberOfInstances"] for s in series))
    started = [step.started_at for step in steps if step.started_at] or [exam.started_at]
    endpoint = None
    if archived and archive_url:
        endpoint = {
            "resourceType": "Endpoint",
            "id": "archive",
            "status": "active",
            "connectionType": {
                "system": "http://terminology.hl7.org/CodeSystem/endpoint-connection-type",
                "code": "dicom-wado-rs",
            },
            "payloadType": [{"text": "DICOM"}],
            "payloadMimeType": ["application/dicom"],
            "address": archive_url,
        }
    resource = {
        "resourceType": "ImagingStudy",
        "id": str(exam.pk),
        "contained": [endpoint] if endpoint else None,
        "identifier": [{"system": "urn:dicom:uid", "value": f"urn:oid:{study_uid}"}],
        "status": status,
        "modality": [modality],
        "subject": {"reference": f"Patient/{exam.patient_id}"},
        "basedOn": [{"reference": f"ServiceRequest/{exam.pk}"}],
        "started": instant(min(started)) if started[0] else None,
        "endpoint": [{"reference": "#archive"}] if endpoint else None,
        "procedureCode": [
            {"coding": [{"system": ITEM_SYSTEM, "code": exam.item.code, "display": exam.item.name}]}
        ],
        "numberOfSeries": counts[0],
        "numberOfInstances": counts[1],
        "series": [{k: v for k, v in s.items() if v is not None} for s in series],
    }
    return {k: v for k, v in resource.items() if v not in ([], None)}


def bundle(
    resources: list[dict], total: int | None, self_url: str, next_url: str | None, base: str
) -> dict:
    """A searchset; `total` is left out where counting would mean computing every match.
    Each entry's fullUrl is absolute, under `base` (the server's /fhir/r4/ URL)."""
    links = [{"relation": "self", "url": self_url}]
    if next_url:
        links.append({"relation": "next", "url": next_url})
    found = {"total": total} if total is not None else {}
    return {
        "resourceType": "Bundle",
        "type": "searchset",
        **found,
        "link": links,
        "entry": [
            {
                "fullUrl": f"{base}{r['resourceType']}/{r['id']}",
                "resource": r,
                "search": {"mode": "match"},
            }
            for r in resources
        ],
    }


# What each resource type answers: its interactions and search parameters (type by name).
# The capability statement says it, and a search with Prefer: handling=strict refuses any
# other parameter. service-request (which order a slot is for) is Yiji's own: a slot is free
# for an exam only if booking it there breaks no scheduling rule (SCH-*).
RESOURCES: dict[str, tuple[list[str], list[str]]] = {
    "Patient": (["read", "search-type"], ["identifier", "name", "_count"]),
    "AllergyIntolerance": (["read", "search-type"], ["patient", "_count"]),
    "ServiceRequest": (
        ["read", "search-type", "create"],
        ["patient", "identifier", "status", "date", "_count"],
    ),
    "DiagnosticReport": (
        ["read", "search-type"],
        ["patient", "identifier", "status", "category", "date", "_count"],
    ),
    "Observation": (["read", "search-type"], ["patient", "code", "date", "_count"]),
    "Schedule": (["read"], []),
    "Slot": (["read", "search-type"], ["service-request", "schedule", "start", "status"]),
    "Appointment": (
        ["read", "search-type", "create", "update"],
        ["patient", "based-on", "status", "date", "_count"],
    ),
    "ImagingStudy": (["read", "search-type"], ["patient", "identifier", "_count"]),
}
PARAMETER_TYPES = {
    "date": "date", "start": "date", "patient": "reference", "based-on": "reference",
    "schedule": "reference", "service-request": "reference", "_count": "number",
}  # fmt: skip
# Parameters every search takes besides its own: paging and the response format.
COMMON_PARAMETERS = {"_count", "_offset", "_format"}


def capability_statement(base: str) -> dict:
    resources = [
        (kind, interactions, [{"name": n, "type": PARAMETER_TYPES.get(n, "token")} for n in names])
        for kind, (interactions, names) in RESOURCES.items()
    ]
    return {
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": timezone.localdate().isoformat(),
        "kind": "instance",
        "software": {"name": "Yiji 医技"},
        "implementation": {"description": "Yiji FHIR R4 server", "url": base},
        "fhirVersion": "4.0.1",
        "format": ["application/fhir+json"],
        "rest": [
            {
                "mode": "server",
                "security": {
                    "service": [
                        {
                            "coding": [
                                {
                                    "system": "http://terminology.hl7.org/CodeSystem/restful-security-service",
                                    "code": "SMART-on-FHIR",
                                }
                            ]
                        }
                    ],
                    "extension": [
                        {
                            "url": "http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris",
                            "extension": [{"url": "token", "valueUri": f"{base}auth/token"}],
                        }
                    ],
                    "description": (
                        "Bearer token: an API token (`yiji token create`, the account page) or "
                        "an OAuth2 access token from auth/token (client credentials, "
                        "`yiji interface account NAME --client`)."
                    ),
                },  # fmt: skip
                "resource": [
                    {
                        "type": kind,
                        "interaction": [{"code": code} for code in interactions],
                        "searchParam": params,
                    }
                    for kind, interactions, params in resources
                ],
            }
        ],
    }
