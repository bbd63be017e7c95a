"""HL7 messages out: results (ORU^R01) when a report is released, preliminary, final or
amended (RPT-11), and order status (ORM^O01 with ORC-1 SC) as an exam moves. Messages are
queued in the database in the transaction that made them, then delivered by the task queue:
retried with growing pauses, a patient's messages in order, every attempt in the log."""

from __future__ import annotations

import datetime as dt
import logging
import uuid

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from huey.contrib.djhuey import db_task

from yiji.core.rulebook import carries_out
from yiji.interop.hl7 import mllp
from yiji.interop.hl7.codec import CHARSETS, escape, timestamp
from yiji.interop.models import Delivery, Endpoint, OutboundMessage
from yiji.orders.models import EventKind, Exam, Modality

log = logging.getLogger(__name__)

RESULT_STATUS = {"preliminary": "P", "final": "F", "amended": "C"}
# Exam events the HIS hears about, as HL7 order status (table 0038).
ORDER_STATUS = {
    EventKind.BOOKED: "SC",
    EventKind.ARRIVED: "SC",
    EventKind.STARTED: "IP",
    EventKind.COMPLETED: "CM",
    EventKind.CANCELLED: "CA",
    EventKind.DISCONTINUED: "DC",
    EventKind.NO_SHOW: "CA",
}
FIRST_RETRY = dt.timedelta(seconds=30)
LONGEST_PAUSE = dt.timedelta(hours=1)
LEASE = dt.timedelta(minutes=2)  # how long one worker holds a message it is sending


def _control_id() -> str:
    return f"Y{uuid.uuid4().hex[:19].upper()}"  # MSH-10: 20 characters, unique


def _header(endpoint: Endpoint, message_type: str, control_id: str) -> str:
    return "|".join(
        [
            "MSH",
            "^~\\&",
            "YIJI",
            "RAD",
            escape(endpoint.receiving_application),
            escape(endpoint.receiving_facility),
            timestamp(),
            "",
            message_type,
            control_id,
            "P",
            "2.5.1",
            "",
            "",
            "",
            "",
            "CHN",
            endpoint.encoding,
        ]
    )


# OBR-24, HL7 table 0074 (diagnostic service section) for each of Yiji's modalities.
SERVICE_SECTIONS = {
    Modality.CT: "CT", Modality.MR: "NMR", Modality.US: "RUS", Modality.DR: "RX",
    Modality.CR: "RX", Modality.MG: "RX", Modality.RF: "XRC", Modality.DSA: "XRC",
    Modality.ECG: "EC", Modality.LAB: "LAB",
}  # fmt: skip


def _patient_segments(exam: Exam) -> list[str]:
    """PID with the patient ID assigned by the hospital (PID-3.4, its code) and PV1."""
    patient = exam.patient
    birth = patient.birth_date.strftime("%Y%m%d") if patient.birth_date else ""
    patient_class = {"inpatient": "I", "emergency": "E"}.get(patient.source, "O")
    authority = escape(exam.department.hospital.code)
    identifier = f"{escape(patient.patient_id)}^^^{authority}^PI"
    return [
        f"PID|1||{identifier}||{escape(patient.name)}||{birth}|{patient.sex}",
        f"PV1|1|{patient_class}",
    ]


def _person(staff, name: str = "", separator: str = "^") -> str:
    """A person as XCN (ID number^family name) or, with separator "&", as the CNN inside
    OBR-32. A Chinese name goes whole in the family-name component: it is not split."""
    if staff is not None:
        return f"{escape(staff.employee_no)}{separator}{escape(staff.name)}"
    return f"{separator}{escape(name)}" if name else ""


def _ordering_provider(exam: Exam) -> str:
    requisition = exam.requisition
    return _person(requisition.ordering_physician, requisition.ordering_physician_name)


def _item(exam: Exam) -> str:
    return f"{escape(exam.item.code)}^{escape(exam.item.name)}^99YIJI"


def oru_text(report, status: str, control_id: str, endpoint: Endpoint) -> str:
    """ORU^R01 for one report: findings and impression as text observations, addenda after."""
    exam = report.exam
    code = RESULT_STATUS[status]
    interpreter = report.reviewer or report.author
    observed = timestamp(exam.started_at or exam.arrived_at or exam.created_at)
    reported = timestamp(report.final_at or report.preliminary_at or timezone.now())
    obr = [
        "OBR", "1", escape(exam.placer_number), escape(exam.accession or ""), _item(exam),
        "", "", observed, "", "", "", "", "", "", "", "",
        _ordering_provider(exam), "", "", "", "", "",
        reported, "", SERVICE_SECTIONS.get(exam.modality, "RAD"), code, "", "", "", "", "", "",
        _person(interpreter, separator="&"),
    ]  # fmt: skip
    observations = [
        ("FINDINGS", "检查所见", report.findings),
        ("IMPRESSION", "诊断意见", report.impression),
    ] + [("ADDENDUM", "补充报告", a.text) for a in report.addenda.all()]
    segments = [
        _header(endpoint, "ORU^R01^ORU_R01", control_id),
        *_patient_segments(exam),
        f"ORC|RE|{escape(exam.placer_number)}|{escape(exam.accession or '')}||CM",
        "|".join(obr),
    ]
    for number, (key, label, text) in enumerate(observations, start=1):
        segments.append(f"OBX|{number}|TX|{key}^{label}^99YIJI||{escape(text)}||||||{code}")
    for number, (kind, key, label, value, unit) in enumerate(
        _structured(report), start=len(observations) + 1
    ):
        segments.append(
            f"OBX|{number}|{kind}|{key}^{label}^99YIJI||{escape(value)}|{unit}|||||{code}"
        )
    return "\r".join(segments) + "\r"


def _structured(report) -> list[tuple[str, str, str, str, str]]:
    """A structured report's values as coded observations (Lung-RADS or TI-RADS: the
    category, the nodule and the follow-up interval), so the HIS can act on them."""
    values = report.structured or {}
    scheme = values.get("scheme", "")
    if not scheme:
        return []
    nodule = values.get("nodule", {})
    key = scheme.upper().replace("-", "_")
    label = "TI-RADS分级" if scheme == "TI-RADS" else f"{scheme}分类"
    rows = [("ST", key, label, values.get("category", ""), "")]
    if values.get("points") is not None:
        rows.append(("NM", f"{key}_POINTS", f"{scheme}评分", str(values["points"]), ""))
    if nodule.get("size_mm"):
        rows.append(("NM", "NODULE_SIZE", "结节平均直径", nodule["size_mm"], "mm"))
    if nodule.get("solid_mm"):
        rows.append(("NM", "NODULE_SOLID", "实性成分", nodule["solid_mm"], "mm"))
    rows.append(("ST", "NODULE_DENSITY", "结节密度", nodule.get("density", ""), ""))
    if nodule.get("lobe"):
        rows.append(("ST", "NODULE_LOBE", "结节部位", nodule["lobe"], ""))
    if values.get("follow_up_months") is not None:
        rows.append(("NM", "FOLLOW_UP", "建议复查间隔", str(values["follow_up_months"]), "mo"))
    return rows


def lab_oru_text(report, control_id: str, endpoint: Endpoint) -> str:
    """ORU^R01 for a released lab exam: one numeric or coded OBX per analyte, with its unit,
    reference range and abnormal flag (HL7 table 0078)."""
    exam = report.exam
    collected = exam.specimens.filter(collected_at__isnull=False).order_by("-pk").first()
    observed = timestamp(collected.collected_at if collected else exam.created_at)
    obr = [
        "OBR", "1", escape(exam.placer_number), escape(exam.accession or ""), _item(exam),
        "", "", observed, "", "", "", "", "", "", "", "",
        _ordering_provider(exam), "", "", "", "", "",
        timestamp(report.released_at), "", "LAB", "F", "", "", "", "", "", "",
        _person(report.verified_by, separator="&"),
    ]  # fmt: skip
    segments = [
        _header(endpoint, "ORU^R01^ORU_R01", control_id),
        *_patient_segments(exam),
        f"ORC|RE|{escape(exam.placer_number)}|{escape(exam.accession or '')}||CM",
        "|".join(obr),
    ]
    results = exam.lab_results.select_related("test").order_by("pk")
    for number, r in enumerate(results, start=1):
        kind = "ST" if r.numeric is None else "NM"
        code = f"{escape(r.test.code)}^{escape(r.test.name)}^99YIJI"
        if r.test.loinc:
            code += f"^{escape(r.test.loinc)}^^LN"
        flag = {"POS": "A"}.get(r.flag, r.flag)
        segments.append(
            f"OBX|{number}|{kind}|{code}||{escape(r.value)}|{escape(r.unit)}|"
            f"{escape(r.reference)}|{flag}|||F"
        )
    if report.comment:
        segments.append(f"NTE|1|L|{escape(report.comment)}")
    return "\r".join(segments) + "\r"


def order_status_text(exam: Exam, status: str, control_id: str, endpoint: Endpoint) -> str:
    segments = [
        _header(endpoint, "ORM^O01^ORM_O01", control_id),
        *_patient_segments(exam),
        f"ORC|SC|{escape(exam.placer_number)}|{escape(exam.accession or '')}||{status}",
        f"OBR|1|{escape(exam.placer_number)}|{escape(exam.accession or '')}|{_item(exam)}",
    ]
    return "\r".join(segments) + "\r"


def _queue(exam: Exam, message_type: str, endpoints, text, *, due_at=None, result_status="") -> int:
    """One message per endpoint; `text(endpoint, control_id)` writes it."""
    due_at = due_at or timezone.now()
    endpoints = list(endpoints)
    for endpoint in endpoints:
        control_id = _control_id()
        OutboundMessage.objects.create(
            endpoint=endpoint,
            patient_id=exam.patient_id,
            exam=exam,
            message_type=message_type,
            result_status=result_status,
            control_id=control_id,
            payload=text(endpoint, control_id),
            due_at=due_at,
            next_attempt_at=due_at,
        )
    if endpoints:
        transaction.on_commit(_deliver_soon)
    return len(endpoints)


@carries_out("RPT-11")
def queue_result(report, status: str) -> int:
    """Queue the report for every endpoint that takes results; it goes when it is released
    (RPT-4 may hold a routine CT report until the next morning's reading session)."""
    return _queue(
        report.exam,
        "ORU^R01",
        Endpoint.objects.filter(active=True, send_results=True),
        lambda endpoint, cid: oru_text(report, status, cid, endpoint),
        due_at=max(report.released_at or timezone.now(), timezone.now()),
        result_status=RESULT_STATUS[status],
    )


@carries_out("RPT-11", "LAB-3")
def queue_lab_result(report) -> int:
    return _queue(
        report.exam,
        "ORU^R01",
        Endpoint.objects.filter(active=True, send_results=True),
        lambda endpoint, cid: lab_oru_text(report, cid, endpoint),
        result_status="F",
    )


def queue_order_status(exam: Exam, kind: str) -> int:
    status = ORDER_STATUS.get(kind)
    if status is None or not exam.placer_number:
        return 0  # only orders the HIS placed are reported back to it
    return _queue(
        exam,
        "ORM^O01",
        Endpoint.objects.filter(active=True, send_order_status=True),
        lambda endpoint, cid: order_status_text(exam, status, cid, endpoint),
    )


def _deliver_soon() -> None:
    deliver_outbound()


# No Huey lock here: a consumer killed while holding one would leave it set for good (the
# SQLite storage cannot expire keys) and delivery would stop. Two workers sending at once are
# kept apart by the message's own lease in the database (deliver), and a patient's order by
# _blocked. The task lives beside what it runs, so queueing it needs no import of tasks.py.
@db_task()
def deliver_outbound() -> int:
    """Deliver the due HL7 messages now (queued when a message is made)."""
    return deliver_due()


def _blocked(message: OutboundMessage) -> bool:
    """An earlier message of the same patient to the same endpoint is still undelivered."""
    return (
        OutboundMessage.objects.filter(
            endpoint_id=message.endpoint_id, patient_id=message.patient_id
        )
        .exclude(state=Delivery.SENT)
        .filter(Q(due_at__lt=message.due_at) | Q(due_at=message.due_at, pk__lt=message.pk))
        .exists()
    )


def pause_after(attempts: int) -> dt.timedelta:
    return min(FIRST_RETRY * (2 ** max(attempts - 1, 0)), LONGEST_PAUSE)


def deliver_due(limit: int = 200) -> int:
    """Send what is due, oldest first; returns how many were delivered."""
    now = timezone.now()
    due = (
        OutboundMessage.objects.filter(
            state__in=[Delivery.PENDING, Delivery.FAILED],
            next_attempt_at__lte=now,
            endpoint__active=True,
        )
        .select_related("endpoint")
        .order_by("due_at", "pk")[:limit]
    )
    delivered = 0
    held_patients: set[tuple[int, int]] = set()
    for message in list(due):
        key = (message.endpoint_id, message.patient_id)
        if key in held_patients or _blocked(message):
            held_patients.add(key)
            continue
        if deliver(message):
            delivered += 1
        else:
            held_patients.add(key)
    return delivered


def deliver(message: OutboundMessage) -> bool:
    """One attempt. A worker claims the message for a lease first, so two workers never send
    it at once; the network wait happens outside any database transaction."""
    now = timezone.now()
    claimed = OutboundMessage.objects.filter(
        pk=message.pk, attempts=message.attempts, state=message.state
    ).update(attempts=F("attempts") + 1, next_attempt_at=now + LEASE)
    if not claimed:
        return False
    endpoint = message.endpoint
    codec = CHARSETS.get(endpoint.encoding, "utf-8")
    error, ack_code = "", ""
    try:
        ack = mllp.send(endpoint.host, endpoint.port, message.payload.encode(codec))
        ack_code = _ack_code(ack)
        if ack_code not in ("AA", "CA"):
            error = f"ACK {ack_code or '?'}: {ack.decode(codec, errors='replace')[:300]}"
    except OSError as exc:
        error = f"{type(exc).__name__}: {exc}"
    attempts = message.attempts + 1
    if error:
        log.warning("HL7 %s to %s failed: %s", message.control_id, endpoint.name, error)
        OutboundMessage.objects.filter(pk=message.pk).update(
            state=Delivery.FAILED,
            ack_code=ack_code,
            last_error=error[:500],
            next_attempt_at=timezone.now() + pause_after(attempts),
        )
        return False
    OutboundMessage.objects.filter(pk=message.pk).update(
        state=Delivery.SENT, ack_code=ack_code, sent_at=timezone.now(), last_error=""
    )
    return True


def _ack_code(ack: bytes) -> str:
    for segment in ack.split(b"\r"):
        if segment.startswith(b"MSA"):
            return segment[4:6].decode("ascii", errors="replace")
    return ""


def resend(message: OutboundMessage) -> OutboundMessage:
    """Send again (same MSH-10, so a receiver that has it ignores the copy)."""
    OutboundMessage.objects.filter(pk=message.pk).update(
        state=Delivery.PENDING, next_attempt_at=timezone.now()
    )
    transaction.on_commit(_deliver_soon)
    message.refresh_from_db()
    return message
