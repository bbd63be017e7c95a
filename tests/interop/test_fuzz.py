"""Bad input at scale (property-based, hypothesis): whatever bytes reach the HL7 listener get
an ACK and never an exception, a valid message with any field replaced is applied or
refused whole, and any C-FIND identifier gets answers or a DICOM error status, never a
crash."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydicom.dataset import Dataset

from tests.interop.hl7_messages import adt, order
from yiji.interop.accounts import interface_user
from yiji.interop.dicom import worklist
from yiji.interop.hl7 import inbound
from yiji.interop.models import InboundMessage

pytestmark = [pytest.mark.django_db, pytest.mark.filterwarnings("ignore::UserWarning")]
FUZZ = settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# Field text that stresses parsers: separators, escapes, CJK, control and odd characters.
TEXT = st.text(
    alphabet=st.sampled_from(
        list("|^~\\&\r\n \t0123456789AZaz李小红-+.:/") + ["\x00", "\x1c", "é"]
    ),
    max_size=40,
)


def _ack_code(ack: bytes) -> str:
    assert ack.startswith(b"MSH"), ack[:40]
    msa = next(line for line in ack.split(b"\r") if line.startswith(b"MSA"))
    return msa.split(b"|")[1].decode()


@FUZZ
@given(raw=st.binary(max_size=300))
def test_any_bytes_get_an_ack(hospital, raw):
    actor = interface_user("hl7")
    assert _ack_code(inbound.receive(actor, raw)) in {"AA", "AE", "AR"}


@FUZZ
@given(
    kind=st.sampled_from(["adt", "order"]),
    segment=st.integers(min_value=0, max_value=6),
    field=st.integers(min_value=1, max_value=20),
    value=TEXT,
    n=st.integers(min_value=0, max_value=10**9),
)
def test_a_message_with_any_field_replaced_is_applied_or_refused_whole(
    hospital, rooms, items, ward, kind, segment, field, value, n
):
    actor = interface_user("hl7")
    control = f"F{n}"
    text = adt(control) if kind == "adt" else order(control, patient_id=f"H{n % 97}")
    segments = text.rstrip("\r").split("\r")
    at = segment % len(segments)
    if at == 0:
        field = max(field, 3)  # MSH-1 and MSH-2 are the separators themselves
    parts = segments[at].split("|")
    parts += [""] * (field + 1 - len(parts))
    parts[field] = value
    segments[at] = "|".join(parts)
    raw = ("\r".join(segments) + "\r").encode("utf-8", errors="replace")
    before = InboundMessage.objects.count()
    code = _ack_code(inbound.receive(actor, raw))
    assert code in {"AA", "AE", "AR"}
    assert InboundMessage.objects.count() in (before, before + 1)  # kept once, or a resend


DICOM_TEXT = st.text(alphabet=st.sampled_from(list("*?\\-^=0123456789AZaz李 ") + ["\x00"]),
                     max_size=24)  # fmt: skip


@FUZZ
@given(
    name=DICOM_TEXT, pid=DICOM_TEXT, accession=DICOM_TEXT, modality=DICOM_TEXT,
    date=DICOM_TEXT, time=DICOM_TEXT, station=DICOM_TEXT, with_step=st.booleans(),
)  # fmt: skip
def test_any_worklist_identifier_gets_answers_or_a_query_error(
    hospital, rooms, name, pid, accession, modality, date, time, station, with_step
):
    identifier = Dataset()
    identifier.PatientName = name
    identifier.PatientID = pid
    identifier.AccessionNumber = accession
    if with_step:
        step = Dataset()
        step.Modality = modality
        step.ScheduledProcedureStepStartDate = date
        step.ScheduledProcedureStepStartTime = time
        step.ScheduledStationAETitle = station
        identifier.ScheduledProcedureStepSequence = [step]
    try:
        answers = list(worklist.find(identifier))
    except worklist.QueryError:
        return
    assert all(isinstance(a, Dataset) for a in answers)
