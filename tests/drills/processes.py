"""Real Yiji processes for the fault drills: started on a free port against the test
database, killed with SIGKILL, stopped; and a sender that resends until acknowledged."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
MESSAGES = int(os.environ.get("DRILL_MESSAGES", "60"))


def database_url(port: int | None = None) -> str:
    """The test database, for processes outside this one (through `port`, a proxy's)."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    port = port or db["PORT"] or 5432
    return f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:{port}/{db['NAME']}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def spawn(args: list[str], **env: str) -> subprocess.Popen:
    env = {"DATABASE_URL": database_url(), "YIJI_TASKS_IMMEDIATE": "True", **env}
    # A file, not a pipe: a server logging errors through a whole outage must never block on
    # a full pipe nobody reads.
    log = tempfile.TemporaryFile()
    process = subprocess.Popen(
        [sys.executable, "-m", "yiji", *args],
        cwd=ROOT,
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=log,
        start_new_session=True,  # its own process group: the kill reaches every worker
    )
    process.log = log
    return process


def last_words(process: subprocess.Popen) -> str:
    process.log.seek(0)
    return process.log.read().decode(errors="replace")[-2000:]


def start(args: list[str], port: int, **env: str) -> subprocess.Popen:
    process = spawn(args, **env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"{args} exited: {last_words(process)}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return process
        time.sleep(0.1)
    raise AssertionError(f"{args} did not listen on {port}")


def wait_for(done, what: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not done():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting: {what}")
        time.sleep(0.05)


def kill(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(10)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            kill(process)


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


def fhir_orders(port: int, ward, count: int = MESSAGES) -> Sender:
    """A HIS placing `count` CT orders (placer WEB-n) through FHIR with `yiji serve` on
    `port`, resending each until it is acknowledged. Only a 502 or 503 may refuse one."""
    from yiji.core import accounts
    from yiji.core.models import Patient
    from yiji.interop.accounts import interface_user
    from yiji.interop.fhir import resources as fhir

    patient = Patient.objects.create(patient_id="W1", name="张三", sex="M", source="outpatient")
    _token, key = accounts.create_token(interface_user("fhir"), "drill")

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
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status in (200, 201)
        except urllib.error.HTTPError as error:
            if error.code not in (502, 503):  # never a 500 or a refusal of a good order
                raise ValueError(f"{error.code}: {error.read()[:300]!r}") from error
            return False
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            return False

    return Sender(send, [(f"WEB-{n}", body(n)) for n in range(count)])
