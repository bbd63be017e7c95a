"""Fault drills (issue 11), shortened for CI: the HL7 listener, the web server, the DICOM
service and the task worker run as real processes and are killed with SIGKILL while a sender
keeps working; the sender does what a HIS or a modality does (resend what was not
acknowledged), a new process starts, and in the end every acknowledged message is stored,
nothing is applied twice, and work resumes.

`python -m tests.drills.test_kill_under_load` is not needed: pytest runs these like any test,
on SQLite and on PostgreSQL; `DRILL_MESSAGES` makes the load longer for a manual drill."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from tests.interop.hl7_messages import order
from yiji.core import accounts
from yiji.core.models import Patient, Room
from yiji.interop.accounts import interface_user
from yiji.interop.fhir import resources as fhir
from yiji.interop.hl7 import mllp
from yiji.interop.models import InboundMessage
from yiji.orders.models import Exam, Requisition

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parents[2]
MESSAGES = int(os.environ.get("DRILL_MESSAGES", "60"))


def _database_url() -> str:
    """The test database, for processes outside this one."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER'] or 'postgres'}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _spawn(args: list[str], **env: str) -> subprocess.Popen:
    env = {"DATABASE_URL": _database_url(), "YIJI_TASKS_IMMEDIATE": "True", **env}
    return subprocess.Popen(
        [sys.executable, "-m", "yiji", *args],
        cwd=ROOT,
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its own process group: the kill reaches every worker
    )


def _start(args: list[str], port: int) -> subprocess.Popen:
    process = _spawn(args)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"{args} exited: {process.stderr.read().decode()[-2000:]}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return process
        time.sleep(0.1)
    raise AssertionError(f"{args} did not listen on {port}")


def _wait_for(done, what: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not done():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting: {what}")
        time.sleep(0.05)


def _kill(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(10)


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            _kill(process)


class Sender(threading.Thread):
    """Sends each message until it is acknowledged, reconnecting after failures."""

    def __init__(self, send, messages: list):
        super().__init__(daemon=True)
        self.send, self.messages = send, messages
        self.acknowledged: list[str] = []
        self.failures = 0
        self.wrong_answer: str | None = None

    def run(self):
        for key, message in self.messages:
            give_up = time.monotonic() + 90
            while time.monotonic() < give_up:
                try:
                    if self.send(message):
                        self.acknowledged.append(key)
                        break
                except OSError:
                    pass
                except ValueError as error:
                    self.wrong_answer = str(error)
                    return
                self.failures += 1
                time.sleep(0.05)


def _drill(start, sender: Sender) -> int:
    """Start the server, kill it once a third of the load is acknowledged, start it again."""
    process = start()
    sender.start()
    try:
        while len(sender.acknowledged) < len(sender.messages) // 3 and sender.is_alive():
            time.sleep(0.01)
        _kill(process)
        time.sleep(0.5)  # the sender meets a dead port meanwhile
        process = start()
        sender.join(120)
    finally:
        _stop(process)
    assert not sender.is_alive(), "the sender did not finish"
    assert sender.wrong_answer is None, sender.wrong_answer
    return sender.failures


def test_killing_the_hl7_listener_under_load_loses_nothing_and_applies_nothing_twice(items, ward):
    interface_user("hl7")
    port = _free_port()
    messages = [
        (f"KL{n}", order(f"KL{n}", items=[("CT-HEAD", "头颅CT平扫", f"P{n}")]).encode())
        for n in range(MESSAGES)
    ]

    def send(payload: bytes) -> bool:
        return b"MSA|AA|" in mllp.send("127.0.0.1", port, payload, timeout=10)

    sender = Sender(send, messages)
    failures = _drill(lambda: _start(["hl7", "serve", "--port", str(port)], port), sender)

    assert failures > 0  # the kill was felt
    assert sorted(sender.acknowledged) == sorted(k for k, _ in messages)
    placers = list(Exam.objects.values_list("placer_number", flat=True))
    assert sorted(placers) == sorted(f"P{n}" for n in range(MESSAGES))  # each exactly once
    stored = list(InboundMessage.objects.values_list("control_id", flat=True))
    assert sorted(stored) == sorted(k for k, _ in messages)


def test_killing_the_web_server_under_load_loses_no_acknowledged_order(items, ward):
    patient = Patient.objects.create(patient_id="W1", name="张三", sex="M", source="outpatient")
    _token, key = accounts.create_token(interface_user("fhir"), "drill")
    port = _free_port()

    def body(n: int) -> bytes:
        return json.dumps({
            "resourceType": "ServiceRequest", "status": "active", "intent": "order",
            "priority": "routine",
            "identifier": [{"system": fhir.PLACER_SYSTEM, "value": f"WEB-{n}"}],
            "code": {"coding": [{"system": fhir.ITEM_SYSTEM, "code": "CT-HEAD"}]},
            "subject": {"reference": f"Patient/{patient.pk}"},
            "requester": {"display": "王医生"},
            "extension": [{"url": fhir.DEPARTMENT_EXTENSION, "valueString": ward.code}],
            "note": [{"text": "头痛三天"}], "reasonCode": [{"text": "头痛待查"}],
            "orderDetail": [{"text": "排除颅内出血"}],
        }).encode()  # fmt: skip

    def send(payload: bytes) -> bool:
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/fhir/r4/ServiceRequest",
            data=payload,
            headers={"Content-Type": "application/fhir+json", "Authorization": f"Bearer {key}"},
        )
        try:
            with urllib.request.urlopen(request, timeout=15) as response:
                return response.status in (200, 201)
        except urllib.error.HTTPError as error:
            if error.code not in (502, 503):  # never a 500 or a refusal of a good order
                raise ValueError(f"{error.code}: {error.read()[:300]!r}") from error
            return False
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            return False

    sender = Sender(send, [(f"WEB-{n}", body(n)) for n in range(MESSAGES)])
    serve = ["serve", "--port", str(port), "--workers", "2"]
    failures = _drill(lambda: _start(serve, port), sender)

    assert failures > 0
    assert len(sender.acknowledged) == MESSAGES
    # The placer number is the key a resend is recognised by: one requisition per order.
    keys = list(Requisition.objects.values_list("submission_key", flat=True))
    assert sorted(keys) == sorted(f"fhir:WEB-{n}" for n in range(MESSAGES))
    assert Exam.objects.count() == MESSAGES


def test_killing_the_dicom_scp_under_load_starts_each_exam_once(order, clerk, items):
    """MPPS N-CREATE from a CT while `yiji dicom serve` is killed: the modality resends what
    had no answer; a resend of a step the dead process had already stored is answered
    'duplicate instance' (0x0111), so each exam starts exactly once."""
    from pydicom.dataset import Dataset
    from pydicom.uid import generate_uid
    from pynetdicom import AE
    from pynetdicom.sop_class import ModalityPerformedProcedureStep

    from yiji.interop.dicom.mpps import DUPLICATE_INSTANCE
    from yiji.interop.models import PerformedStep
    from yiji.orders.checkin import Identifiers, check_in
    from yiji.orders.models import EventKind, ExamEvent

    interface_user("dicom")
    Room.objects.filter(code="CT1").update(ae_title="CT1_GE")
    exams = []
    for _ in range(max(MESSAGES // 2, 20)):
        exam = order(items["ct_head"])[0]
        who = Identifiers(name=exam.patient.name, patient_id=exam.patient.patient_id)
        exams.append(check_in(clerk.user, exam, who))
    port = _free_port()

    def step(exam) -> tuple[str, Dataset]:
        ds = Dataset()
        ds.PerformedProcedureStepStatus = "IN PROGRESS"
        now = timezone.localtime()
        ds.PerformedProcedureStepStartDate = now.strftime("%Y%m%d")
        ds.PerformedProcedureStepStartTime = now.strftime("%H%M%S")
        scheduled = Dataset()
        scheduled.AccessionNumber = exam.accession
        ds.ScheduledStepAttributesSequence = [scheduled]
        return generate_uid(), ds

    def send(message) -> bool:
        uid, ds = message
        ae = AE(ae_title="CT1_GE")
        ae.add_requested_context(ModalityPerformedProcedureStep)
        assoc = ae.associate("127.0.0.1", port, ae_title="YIJI")
        if not assoc.is_established:
            return False
        try:
            status, _ = assoc.send_n_create(ds, ModalityPerformedProcedureStep, uid)
        finally:
            if assoc.is_established:
                assoc.release()
        if not status or "Status" not in status:
            return False  # no answer: the process died mid-association
        if status.Status not in (0, DUPLICATE_INSTANCE):
            raise ValueError(f"N-CREATE answered 0x{status.Status:04X}")
        return True

    messages = [(exam.accession, step(exam)) for exam in exams]
    sender = Sender(send, messages)
    serve = ["dicom", "serve", "--port", str(port)]
    failures = _drill(lambda: _start(serve, port), sender)

    assert failures > 0
    assert sorted(sender.acknowledged) == sorted(e.accession for e in exams)
    steps = list(PerformedStep.objects.values_list("exam_id", flat=True))
    assert sorted(steps) == sorted(e.pk for e in exams)  # one step per exam
    started = ExamEvent.objects.filter(kind=EventKind.STARTED, exam__in=exams)
    assert sorted(started.values_list("exam_id", flat=True)) == sorted(e.pk for e in exams)


def test_killing_the_task_worker_mid_delivery_loses_no_message_and_keeps_each_patients_order(
    order, items, tmp_path, monkeypatch
):
    """`yiji run_huey` killed while it sends order status to a slow HIS, then started again.
    Every message reaches the HIS; one the dead worker may already have sent goes again with
    the same MSH-10 and text (the HIS keeps the first); each patient's messages arrive in the
    order they were made. The message in flight at the kill is held by its lease and goes
    once the lease is over."""
    from tests.interop.conftest import HisReceiver
    from yiji.interop.hl7 import outbound
    from yiji.interop.models import Delivery, Endpoint, OutboundMessage
    from yiji.orders.models import EventKind

    his = HisReceiver(delay=0.02)
    Endpoint.objects.create(
        name="HIS", host="127.0.0.1", port=his.port, receiving_application="HIS",
        receiving_facility="H1", send_order_status=True,
    )  # fmt: skip
    monkeypatch.setattr(outbound, "_deliver_soon", lambda: None)  # the worker sends, not we
    exams = []
    for n in range(6):
        patient = Patient.objects.create(
            patient_id=f"TW{n}", name=f"病人{n}", sex="F", source="outpatient"
        )
        exam = order(items["ct_head"], patient=patient)[0]
        Exam.objects.filter(pk=exam.pk).update(placer_number=f"TW-P{n}")
        exam.refresh_from_db()
        exams.append(exam)
    kinds = [EventKind.BOOKED, EventKind.ARRIVED, EventKind.STARTED, EventKind.COMPLETED]
    for round_ in range(max(MESSAGES // len(exams), 4)):
        for exam in exams:  # the patients' messages interleave, as a day's work does
            outbound.queue_order_status(exam, kinds[round_ % len(kinds)])
    made = list(OutboundMessage.objects.order_by("due_at", "pk"))
    queue = {"YIJI_TASKS_IMMEDIATE": "False", "YIJI_VAR_DIR": str(tmp_path)}

    def unsent():
        return list(OutboundMessage.objects.exclude(state=Delivery.SENT).order_by("due_at", "pk"))

    def only_the_lease_holds_back():
        left = unsent()
        first_held = left and left[0].next_attempt_at > timezone.now() + outbound.LEASE / 2
        return not left or (first_held and len({m.patient_id for m in left}) == 1)

    worker = _spawn(["run_huey"], **queue)
    try:
        _wait_for(lambda: len(his.received) >= len(made) // 3, "a third delivered")
        _kill(worker)
        received_at_kill = len(his.received)
        worker = _spawn(["run_huey"], **queue)
        _wait_for(only_the_lease_holds_back, "the restarted worker to send the rest")
    finally:
        _stop(worker)
    assert received_at_kill < len(made)  # the kill came mid-delivery

    with time_machine.travel(timezone.now() + outbound.LEASE + dt.timedelta(seconds=5)):
        outbound.deliver_due()
    his.listener.stop()

    assert not unsent()
    first_copy: dict[str, str] = {}
    for text in his.received:
        control_id = text.split("\r")[0].split("|")[9]
        assert first_copy.setdefault(control_id, text) == text  # a copy is the same message
    assert set(first_copy) == {m.control_id for m in made}
    arrival = list(first_copy)
    for exam in exams:
        mine = [m.control_id for m in made if m.patient_id == exam.patient_id]
        assert sorted(mine, key=arrival.index) == mine
