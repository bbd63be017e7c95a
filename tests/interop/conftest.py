import asyncio
import gc
import json
import threading
import time

import pytest
from django.test import Client
from fhir.resources.R4B import get_fhir_model_class

from yiji.core import accounts
from yiji.core.models import Patient, Room
from yiji.interop.accounts import interface_user
from yiji.interop.dicom.scp import Service
from yiji.interop.hl7 import codec, inbound, mllp
from yiji.interop.models import Endpoint
from yiji.orders.checkin import Identifiers, check_in


@pytest.fixture(autouse=True)
def _on_a_monday_morning(frozen_clock):
    yield


@pytest.fixture
def hl7_actor(hospital):
    return interface_user("hl7")


class Listener:
    """`yiji hl7 serve`'s server in a background thread, on a free loopback port; with
    `handle`, any MLLP receiver (a HIS taking Yiji's results, say)."""

    def __init__(self, actor, handle=None):
        self.actor = actor
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        handle = handle or (lambda payload, peer: inbound.receive(actor, payload, peer))
        self.server = self._run(mllp.start_server(handle, "127.0.0.1", 0))
        self.port = self.server.sockets[0].getsockname()[1]

    def _run(self, coroutine):
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(10)

    def stop(self):
        async def close():
            self.server.close()
            await self.server.wait_closed()

        self._run(close())
        # The worker threads end, and with them their database connections (PostgreSQL would
        # otherwise refuse to drop the test database while they are open).
        self._run(self.loop.shutdown_default_executor())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)
        gc.collect()


@pytest.fixture
def listener(hl7_actor, transactional_db):
    running = Listener(hl7_actor)
    yield running
    running.stop()


class HisReceiver:
    """The HIS end of Yiji's outbound messages: keeps what arrives and answers AA (or what
    `answer` says), as a real receiver would."""

    def __init__(self, delay: float = 0.0):
        self.received: list[str] = []
        self.answer = "AA"
        self.delay = delay  # seconds a slow HIS takes before it answers
        self.listener = Listener(None, self.handle)
        self.port = self.listener.port

    def handle(self, payload: bytes, peer: str) -> bytes:
        header = codec.read_header(payload)
        text = codec.decode(payload, header)
        time.sleep(self.delay)
        if self.answer == "AA":
            self.received.append(text)
        return codec.encode(codec.ack_text(header, self.answer), header.charset)

    def segment(self, index: int, name: str) -> list[str]:
        return next(s for s in self.received[index].split("\r") if s.startswith(name)).split("|")


@pytest.fixture
def his(transactional_db):
    receiver = HisReceiver()
    yield receiver
    receiver.listener.stop()


@pytest.fixture
def endpoint(his):
    return Endpoint.objects.create(
        name="HIS",
        host="127.0.0.1",
        port=his.port,
        receiving_application="HIS",
        receiving_facility="H1",
    )


@pytest.fixture
def modality_rooms(rooms):
    Room.objects.filter(code="CT1").update(ae_title="CT1_GE")
    Room.objects.filter(code="DR1").update(ae_title="DR1", dicom_charset="GB18030")


@pytest.fixture
def dicom(hospital, modality_rooms, transactional_db):
    """`yiji dicom serve`'s service on a free loopback port; yields the port."""
    service = Service(interface_user("dicom"), "YIJI")
    server = service.start("127.0.0.1", 0)
    yield server.server_address[1]
    server.shutdown()


class Fhir:
    """A FHIR client with a bearer token; every resource it gets back must validate as R4
    (fhir.resources' R4B models, which R4 resources satisfy) or the test fails."""

    def __init__(self, user):
        _token, key = accounts.create_token(user, "fhir test")
        self.client = Client(HTTP_AUTHORIZATION=f"Bearer {key}")

    def _check(self, response):
        assert response["Content-Type"].startswith("application/fhir+json")
        body = response.json()
        get_fhir_model_class(body["resourceType"]).model_validate(body)
        for entry in body.get("entry", []):
            resource = entry["resource"]
            get_fhir_model_class(resource["resourceType"]).model_validate(resource)
        return response.status_code, body

    def get(self, path, **params):
        return self._check(self.client.get(f"/fhir/r4/{path}", params))

    def post(self, path, body):
        data = body if isinstance(body, str) else json.dumps(body)
        return self._check(
            self.client.post(f"/fhir/r4/{path}", data, content_type="application/fhir+json")
        )

    def put(self, path, body):
        return self._check(
            self.client.put(
                f"/fhir/r4/{path}", json.dumps(body), content_type="application/fhir+json"
            )
        )


@pytest.fixture
def his_api(hospital):
    return Fhir(interface_user("fhir"))


@pytest.fixture
def waiting(order, clerk, patient, items, modality_rooms):
    """Checked-in exams: a head CT and a chest DR for 张三明, and another patient's CT."""

    def arrive(item, **fields):
        exam = order(item, **fields)[0]
        who = exam.patient
        ids = Identifiers(name=who.name, patient_id=who.patient_id)
        return check_in(clerk.user, exam, ids, consent_by=clerk)

    other = Patient.objects.create(patient_id="P200", name="欧阳娜娜", sex="F", source="outpatient")
    return {
        "ct": arrive(items["ct_head"]),
        "dr": arrive(items["chest"]),
        "other_ct": arrive(items["ct_head"], patient=other),
    }
