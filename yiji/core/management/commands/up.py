"""`yiji up`: start every process Yiji needs (web server, task consumer, HL7 listener, DICOM
service, and the private image archive when Orthanc is installed) and stop them all together
on Ctrl-C or when any one of them dies."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand

PROCESSES: list[tuple[str, list[str]]] = [
    ("web", ["serve"]),
    ("tasks", ["run_huey"]),
    ("hl7", ["hl7", "serve"]),
    ("dicom", ["dicom", "serve"]),
]


class Command(BaseCommand):
    help = "Start all of Yiji's processes on loopback; Ctrl-C stops them all."

    def handle(self, *args, **options):
        processes = list(PROCESSES)
        if settings.YIJI_DICOMWEB_URL == "private":
            # The private image archive, when Debian's Orthanc is installed; say plainly what
            # is off when it is not (a hospital's own PACS needs no process here).
            if shutil.which("Orthanc") or shutil.which("Orthanc", path="/usr/sbin"):
                processes.append(("pacs", ["pacs", "serve"]))
            else:
                self.stderr.write(
                    "Orthanc is not installed: no image archive (apt install orthanc "
                    "orthanc-dicomweb orthanc-webviewer, or set YIJI_DICOMWEB_URL to the "
                    "hospital's PACS). Image availability, viewing and key images are off."
                )
        children = {
            name: subprocess.Popen([sys.executable, "-m", "yiji", *argv])
            for name, argv in processes
        }
        stopping = False

        def stop(signum=None, frame=None):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        try:
            while not stopping:
                dead = [name for name, proc in children.items() if proc.poll() is not None]
                if dead:
                    self.stderr.write(f"{', '.join(dead)} stopped; stopping the rest.")
                    break
                time.sleep(0.5)
        except KeyboardInterrupt:
            # Ctrl-C reached every child too (one process group): let them finish first.
            _wait_all(children.values(), seconds=15)
        for proc in children.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in children.values():
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
        self.stdout.write("Yiji stopped.")


def _wait_all(processes, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    for proc in processes:
        try:
            proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            pass
