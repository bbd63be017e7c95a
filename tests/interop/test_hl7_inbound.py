"""HL7 v2 orders and ADT over a real MLLP socket: ACK codes, what is stored, resends, character
sets, escapes, malformed input, and a listener killed between messages."""

from __future__ import annotations

import socket

import pytest

from tests.interop.hl7_messages import adt, order
from yiji.core.models import Patient
from yiji.interop.hl7 import mllp
from yiji.interop.models import CodeMapping, InboundMessage, MappingKind, Outcome
from yiji.orders.models import Exam, ExamStatus, OrderSource, Priority, Requisition

pytestmark = [pytest.mark.django_db(transaction=True)]


def send(listener, text: str, charset: str = "utf-8") -> dict:
    ack = mllp.send("127.0.0.1", listener.port, text.encode(charset))
    segments = {}
    for line in ack.decode(charset).split("\r"):
        if line:
            segments[line[:3]] = line.split("|")
    return segments


def test_adt_registers_then_updates_a_patient(listener):
    ack = send(listener, adt("M1", "A04"))
    assert ack["MSA"][1:3] == ["AA", "M1"]
    assert ack["MSH"][2] == "YIJI" and ack["MSH"][4] == "HIS"
    patient = Patient.objects.get(patient_id="H0001")
    assert (patient.name, patient.sex, str(patient.birth_date)) == ("李小红", "F", "1980-02-15")
    assert patient.id_card == "11010519491231002X" and patient.source == "outpatient"

    ack = send(listener, adt("M2", "A08", name="李^晓红"))
    assert ack["MSA"][1] == "AA"
    patient.refresh_from_db()
    assert patient.name == "李晓红"
    assert list(InboundMessage.objects.values_list("outcome", flat=True)) == ["accepted"] * 2


@pytest.mark.parametrize(
    "xtn",
    [
        "13900000002",  # XTN-1, the formatted number
        "^PRN^CP^^^^^^^^^13900000002",  # XTN-12, unformatted
        "^PRN^PH^^86^139^00000002",  # XTN-6 area code and XTN-7 local number
        "~^PRN^CP^^^^13900000002",  # the first repetition is empty
    ],
)
def test_the_telephone_is_taken_from_whichever_xtn_component_holds_it(listener, xtn):
    assert send(listener, adt("X1", extra_pid={13: xtn}))["MSA"][1] == "AA"
    assert Patient.objects.get().phone == "13900000002"


@pytest.mark.rules("ORD-1")
def test_order_becomes_a_requisition_through_ord1(listener, items, ward):
    ack = send(
        listener,
        order(
            "O1", items=[("CT-HEAD", "头颅CT平扫", "ORD001"), ("DR-CHEST", "胸部正位", "ORD002")]
        ),
    )
    assert ack["MSA"][1] == "AA", ack
    requisition = Requisition.objects.get()
    assert requisition.source == OrderSource.HL7
    assert requisition.ordering_department == ward
    assert requisition.ordering_physician_name == "王医生"
    # \T\ is the escaped & of the HIS's text, \F\ an escaped |.
    assert requisition.clinical_history == "头痛三天&呕吐"
    assert (requisition.clinical_diagnosis, requisition.purpose) == ("头痛待查", "排除脑出血")
    exams = list(requisition.exams.order_by("pk"))
    assert [(e.item.code, e.placer_number) for e in exams] == [
        ("CT-HEAD", "ORD001"),
        ("DR-CHEST", "ORD002"),
    ]
    assert requisition.patient.patient_id == "H0001"


@pytest.mark.rules("ORD-1")
def test_order_missing_a_required_field_is_refused_naming_it(listener, items, ward):
    ack = send(listener, order("O2", purpose=""))
    assert ack["MSA"][1] == "AE"
    assert ack["ERR"][2] == "OBR^1^31"
    assert ack["ERR"][3].startswith("101^")
    assert "检查目的" in ack["ERR"][8] and "ORD-1" in ack["ERR"][8]
    assert not Requisition.objects.exists()
    stored = InboundMessage.objects.get(control_id="O2")
    assert (stored.outcome, stored.rule, stored.error_location) == ("error", "ORD-1", "OBR^1^31")


def test_a_resent_message_is_acknowledged_again_and_applied_once(listener, items, ward):
    first = send(listener, order("O3"))
    again = send(listener, order("O3"))
    assert first["MSA"] == again["MSA"] and first["MSA"][1] == "AA"
    assert Requisition.objects.count() == 1
    assert InboundMessage.objects.get(control_id="O3").attempts == 2


def test_gb18030_message_is_read_and_answered_in_gb18030(listener, items, ward):
    text = order("O4", charset="GB18030", diagnosis="脑梗死？")
    ack = send(listener, text, charset="gb18030")
    assert ack["MSA"][1] == "AA"
    assert ack["MSH"][17] == "GB18030"
    assert Requisition.objects.get().clinical_diagnosis == "脑梗死？"


def test_declared_separators_are_honoured(listener, items, ward):
    text = order("O6").replace("|", "#")
    ack = mllp.send("127.0.0.1", listener.port, text.encode())
    assert ack.split(b"\r")[1].startswith(b"MSA|AA|O6")
    assert Requisition.objects.get().clinical_history == "头痛三天&呕吐"


def test_urgent_order_and_omi(listener, items, ward):
    ack = send(listener, order("O7", msg_type="OMI^O23^OMI_O23", priority="S"))
    assert ack["MSA"][1] == "AA", ack
    assert Requisition.objects.get().priority == Priority.URGENT


def test_cancel_one_of_two_orders_then_the_other(listener, items, ward):
    two = [("CT-HEAD", "头颅CT平扫", "A1"), ("DR-CHEST", "胸部正位", "A2")]
    assert send(listener, order("C1", items=two))["MSA"][1] == "AA"
    ack = send(listener, order("C2", items=[two[0]], control="CA"))
    assert ack["MSA"][1] == "AA", ack
    requisition = Requisition.objects.get()
    assert requisition.cancelled_at is None
    assert Exam.objects.get(placer_number="A1").status == ExamStatus.CANCELLED
    assert send(listener, order("C3", items=[two[1]], control="CA"))["MSA"][1] == "AA"
    requisition.refresh_from_db()
    assert requisition.cancelled_at is not None


def test_change_order_updates_clinical_information(listener, items, ward):
    send(listener, order("X1"))
    ack = send(listener, order("X2", control="XO", diagnosis="蛛网膜下腔出血？", priority="S"))
    assert ack["MSA"][1] == "AA", ack
    requisition = Requisition.objects.get()
    assert requisition.clinical_diagnosis == "蛛网膜下腔出血？"
    assert requisition.priority == Priority.URGENT


def test_cancel_of_an_unknown_order_names_orc2(listener, items):
    ack = send(listener, order("C9", control="CA", items=[("CT-HEAD", "x", "NOPE")]))
    assert ack["MSA"][1] == "AE" and ack["ERR"][2] == "ORC^1^2"


def test_unknown_item_code_fails_until_mapped_then_reprocesses(listener, items, ward, hl7_actor):
    from yiji.interop.hl7.inbound import reprocess

    ack = send(listener, order("U1", items=[("250301001", "颅脑CT", "P9")]))
    assert ack["MSA"][1] == "AE" and ack["ERR"][2] == "OBR^1^4"
    assert ack["ERR"][3].startswith("103^")
    message = InboundMessage.objects.get(control_id="U1")
    CodeMapping.objects.create(
        kind=MappingKind.ITEM, external_code="250301001", internal_code="CT-HEAD"
    )
    message = reprocess(hl7_actor, message)
    assert message.outcome == Outcome.ACCEPTED and message.resolved_at
    assert Exam.objects.get().item.code == "CT-HEAD"


def test_adt_merge_moves_exams_to_the_surviving_record(listener, items, ward):
    send(listener, order("G1", patient_id="DUP1"))
    send(listener, adt("G2", "A04", patient_id="KEEP1"))
    text = adt("G3", "A40", patient_id="KEEP1").replace(
        "PV1|1|O|ED^^^H1||||D001^王^医生", "MRG|DUP1^^^H1^PI"
    )
    ack = send(listener, text)
    assert ack["MSA"][1] == "AA", ack
    survivor = Patient.objects.get(patient_id="KEEP1")
    assert Exam.objects.get().patient == survivor
    assert Patient.objects.get(patient_id="DUP1").merged_into == survivor


@pytest.mark.parametrize(
    ("raw", "location"),
    [
        (b"garbage that is not hl7", "MSH"),
        (b"MSH|^~\\&|HIS|H1|YIJI|RAD|20261123||ZZZ^Z01|B1|P|2.5.1\r", "MSH^1^9"),
        (b"MSH|^~\\&|HIS|H1|YIJI|RAD|20261123||ORM^O01|B2|P|2.5.1|||||CHN|KLINGON\r", "MSH^1^18"),
        (b"MSH|^~\\&|HIS|H1|YIJI|RAD|20261123||ADT^A04|B3|P|2.5.1\rPV1|1|O\r", "PID"),
        (
            b"MSH|^~\\&|HIS|H1|YIJI|RAD|20261123||ADT^A04|B4|P|2.5.1\rPID|1||X9||N||1990|M\r",
            "PID^1^7",
        ),
    ],
)
def test_malformed_messages_get_an_error_ack_not_a_crash(listener, raw, location):
    ack = mllp.send("127.0.0.1", listener.port, raw)
    lines = ack.decode().split("\r")
    assert lines[1].split("|")[1] in ("AE", "AR")
    err = next(line for line in lines if line.startswith("ERR"))
    assert err.split("|")[2] == location
    assert InboundMessage.objects.filter(raw=raw).exists()
    # The connection and the listener are still good for the next message.
    assert b"MSA|AA" in mllp.send("127.0.0.1", listener.port, adt("OK1").encode())


def test_many_messages_on_one_connection_in_order(listener, items, ward):
    with socket.create_connection(("127.0.0.1", listener.port), timeout=10) as sock:
        for n in range(5):
            sock.sendall(mllp.frame(adt(f"S{n}", "A08", name=f"李^{n}号").encode()))
        data = b""
        while data.count(mllp.END) < 5:
            data += sock.recv(65536)
    assert [f"MSA|AA|S{n}".encode() in data for n in range(5)] == [True] * 5
    assert Patient.objects.get().name == "李4号"


def test_killing_the_listener_between_messages_loses_nothing(hl7_actor, items, ward):
    from tests.interop.conftest import Listener

    first = Listener(hl7_actor)
    assert send(first, order("K1", items=[("CT-HEAD", "x", "K1")]))["MSA"][1] == "AA"
    first.stop()
    with pytest.raises(OSError):
        mllp.send("127.0.0.1", first.port, order("K2", items=[("DR-CHEST", "x", "K2")]).encode())
    second = Listener(hl7_actor)
    try:
        # The sender had no ACK for K2, so it resends it, and K1 by mistake as well.
        assert send(second, order("K2", items=[("DR-CHEST", "x", "K2")]))["MSA"][1] == "AA"
        assert send(second, order("K1", items=[("CT-HEAD", "x", "K1")]))["MSA"][1] == "AA"
    finally:
        second.stop()
    assert sorted(Exam.objects.values_list("placer_number", flat=True)) == ["K1", "K2"]
