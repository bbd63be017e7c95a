"""What the MSH segment alone decides, through the MLLP socket: a training or debugging message
(MSH-11) or one without a control ID (MSH-10) is never applied, bytes that are not the
declared character set (MSH-18) never become mojibake, unsupported events and types get their
own error codes, the ACK's control ID fits MSH-10, and a listener always answers — also when
four connections send the first messages of a fresh database at once."""

from __future__ import annotations

import socket
import threading

import pytest
from django.contrib.auth import get_user_model

from tests.interop.conftest import Listener
from tests.interop.hl7_messages import adt
from yiji.core.models import Patient
from yiji.interop.accounts import Acting
from yiji.interop.hl7 import inbound, mllp
from yiji.interop.models import InboundMessage, Outcome

pytestmark = [pytest.mark.django_db(transaction=True)]


def fields(ack: bytes, charset: str = "utf-8") -> dict[str, list[str]]:
    return {line[:3]: line.split("|") for line in ack.decode(charset).split("\r") if line}


def send(listener, text: str, charset: str = "utf-8") -> dict[str, list[str]]:
    return fields(mllp.send("127.0.0.1", listener.port, text.encode(charset)), charset)


@pytest.mark.parametrize("processing_id", ["T", "D"])
def test_a_training_or_debugging_message_is_refused_and_applies_nothing(listener, processing_id):
    text = adt("T1").replace("|P|2.5.1|", f"|{processing_id}|2.5.1|", 1)
    ack = send(listener, text)
    assert ack["MSA"][1:3] == ["AR", "T1"]
    assert ack["MSH"][10] == processing_id  # echoed, so the sender sees it was read as such
    assert ack["ERR"][2:4] == ["MSH^1^11", "202^Unsupported processing id^HL70357"]
    assert not Patient.objects.exists()
    assert InboundMessage.objects.get(control_id="T1").outcome == Outcome.REJECTED


def test_a_production_message_is_answered_as_one(listener):
    ack = send(listener, adt("P1"))
    assert ack["MSA"][1] == "AA" and ack["MSH"][10] == "P"
    assert len(ack["MSH"][9]) <= 20  # the ACK's own MSH-10 fits the field's 20 characters


def test_a_message_without_a_control_id_is_refused(listener):
    ack = send(listener, adt(""))
    assert ack["MSA"][1] == "AR"
    assert ack["ERR"][2:4] == ["MSH^1^10", "101^Required field missing^HL70357"]
    assert not Patient.objects.exists()
    again = send(listener, adt(""))  # stored without a key, so a second one is answered too
    assert again["MSA"][1] == "AR"


def test_utf8_bytes_declared_gb18030_do_not_overwrite_a_name(listener):
    assert send(listener, adt("N1", name="王^晓明"))["MSA"][1] == "AA"
    wrong = adt("N2", "A08", name="王^晓明明", charset="GB18030").encode("utf-8")
    ack = fields(mllp.send("127.0.0.1", listener.port, wrong), "gb18030")  # answered as declared
    assert ack["MSA"][1:3] == ["AE", "N2"]
    assert ack["ERR"][2] == "MSH^1^18" and "UTF-8" in ack["ERR"][8]
    assert Patient.objects.get().name == "王晓明"


def test_gb18030_bytes_declared_utf8_are_refused_with_an_application_error(listener):
    wrong = adt("N3", name="李^小红", charset="UNICODE UTF-8").encode("gb18030")
    ack = mllp.send("127.0.0.1", listener.port, wrong)
    assert b"MSA|AE|N3" in ack and b"MSH^1^18" in ack
    assert not Patient.objects.exists()
    assert bytes(InboundMessage.objects.get(control_id="N3").raw) == wrong  # kept as received


def test_text_that_reads_the_same_in_both_is_accepted(listener):
    ack = send(listener, adt("N4", name="LI^XIAOHONG", charset="GB18030"), "gb18030")
    assert ack["MSA"][1] == "AA"
    assert Patient.objects.get().name == "LI XIAOHONG"


def test_an_unsupported_event_and_an_unsupported_type_have_their_codes(listener):
    event = send(listener, adt("E1", "A99"))
    assert event["MSA"][1] == "AR"
    assert event["ERR"][2:4] == ["MSH^1^9^2", "201^Unsupported event code^HL70357"]
    kind = send(listener, adt("E2").replace("ADT^A04^ADT_A04", "ZZZ^Z01", 1))
    assert kind["ERR"][3] == "200^Unsupported message type^HL70357"


def test_an_unexpected_failure_is_answered_and_the_connection_stays_open(transactional_db):
    calls = []

    def handle(payload: bytes, peer: str) -> bytes:
        calls.append(payload)
        if len(calls) == 1:
            raise RuntimeError("the database went away")
        return b"MSH|^~\\&|YIJI||HIS||20261123||ACK|X1|P|2.5.1\rMSA|AA|M2\r"

    running = Listener(None, handle=handle)
    try:
        with socket.create_connection(("127.0.0.1", running.port), timeout=10) as sock:
            answers = []
            for control_id in ("M1", "M2"):
                sock.sendall(mllp.frame(adt(control_id).encode()))
                answers.append(_read_frame(sock))
    finally:
        running.stop()
    assert b"MSA|AE|M1" in answers[0] and b"ERR|" in answers[0]
    assert b"MSA|AA|M2" in answers[1]


def _read_frame(sock: socket.socket) -> bytes:
    buffer = b""
    while mllp.END not in buffer:
        chunk = sock.recv(65536)
        assert chunk, "the listener closed the connection without an ACK"
        buffer += chunk
    return buffer


def test_four_connections_sending_the_first_messages_at_once_all_get_aa(hospital):
    acting = Acting("hl7")  # as `yiji hl7 serve` does: the account is made on first use
    running = Listener(None, handle=lambda payload, peer: inbound.receive(acting(), payload, peer))
    start = threading.Barrier(4)
    acks: dict[int, dict] = {}

    def sender(n: int) -> None:
        start.wait()
        acks[n] = send(running, adt(f"F{n}", patient_id=f"H10{n}"))

    threads = [threading.Thread(target=sender, args=(n,)) for n in range(4)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
    finally:
        running.stop()
    assert sorted(ack["MSA"][1] for ack in acks.values()) == ["AA"] * 4
    assert get_user_model().objects.filter(username="hl7").count() == 1
    assert Patient.objects.count() == 4
