"""Fault drills (issue 11), shortened for CI: the HL7 listener, the web server, the DICOM
service and the task worker run as real processes and are killed with SIGKILL while a sender
keeps working; the sender does what a HIS or a modality does (resend what was not
acknowledged), a new process starts, and in the end every acknowledged message is stored,
nothing is applied twice, and work resumes.

`python -m tests.drills.test_kill_under_load` is not needed: pytest runs these like any test,
on SQLite and on PostgreSQL; `DRILL_MESSAGES` makes the load longer for a manual drill."""

from __future__ import annotations

import datetime as dt
import time

import pytest
import time_machine
from django.utils import timezone

from tests.drills.processes import (
    MESSAGES,
    Sender,
    fhir_orders,
    free_port,
    kill,
    spawn,
    start,
    stop,
    wait_for,
)
from tests.interop.hl7_messages import order
from yiji.core.models import Patient, Room
from yiji.interop.accounts import interface_user
from yiji.interop.hl7 import mllp
from yiji.interop.models import InboundMessage
from yiji.orders.models import Exam, Requisition

pytestmark = pytest.mark.django_db(transaction=True)


def _drill(start, sender: Sender) -> int:
    """Start the server, kill it once a third of the load is acknowledged, start it again."""
    process = start()
    sender.start()
    try:
        while len(sender.acknowledged) < len(sender.messages) // 3 and sender.is_alive():
            time.sleep(0.01)
        kill(process)
        time.sleep(0.5)  # the sender meets a dead port meanwhile
        process = start()
        sender.join(120)
    finally:
        stop(process)
    assert not sender.is_alive(), "the sender did not finish"
    assert sender.wrong_answer is None, sender.wrong_answer
    return sender.failures


def test_killing_the_hl7_listener_under_load_loses_nothing_and_applies_nothing_twice(items, ward):
    interface_user("hl7")
    port = free_port()
    messages = [
        (f"KL{n}", order(f"KL{n}", items=[("CT-HEAD", "头颅CT平扫", f"P{n}")]).encode())
        for n in range(MESSAGES)
    ]

    def send(payload: bytes) -> bool:
        return b"MSA|AA|" in mllp.send("127.0.0.1", port, payload, timeout=10)

    sender = Sender(send, messages)
    failures = _drill(lambda: start(["hl7", "serve", "--port", str(port)], port), sender)

    assert failures > 0  # the kill was felt
    assert sorted(sender.acknowledged) == sorted(k for k, _ in messages)
    placers = list(Exam.objects.values_list("placer_number", flat=True))
    assert sorted(placers) == sorted(f"P{n}" for n in range(MESSAGES))  # each exactly once
    stored = list(InboundMessage.objects.values_list("control_id", flat=True))
    assert sorted(stored) == sorted(k for k, _ in messages)


def test_killing_the_web_server_under_load_loses_no_acknowledged_order(items, ward):
    port = free_port()
    sender = fhir_orders(port, ward)
    serve = ["serve", "--port", str(port), "--workers", "2"]
    failures = _drill(lambda: start(serve, port), sender)

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
    port = free_port()

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
    failures = _drill(lambda: start(serve, port), sender)

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

    worker = spawn(["run_huey"], **queue)
    try:
        wait_for(lambda: len(his.received) >= len(made) // 3, "a third delivered")
        kill(worker)
        received_at_kill = len(his.received)
        worker = spawn(["run_huey"], **queue)
        wait_for(only_the_lease_holds_back, "the restarted worker to send the rest")
    finally:
        stop(worker)
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
