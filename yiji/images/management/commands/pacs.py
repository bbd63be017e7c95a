"""`yiji pacs`: the image archive from the command line. `poll` runs one availability pass
now; `status` says which archive Yiji uses and how it last answered; `serve` runs the private
Orthanc alone (as `yiji up` does)."""

from __future__ import annotations

import signal

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from yiji.images import availability, orthanc, pacs


class Command(BaseCommand):
    help = "The image archive: poll (one availability pass), status, serve (private Orthanc)."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["poll", "status", "serve"])

    def handle(self, *args, action: str, **options):
        getattr(self, f"_{action}")()

    def _poll(self) -> None:
        result = availability.poll(force=True)
        if result.skipped:
            raise CommandError(off_message())
        if result.error:
            raise CommandError(f"archive unavailable: {result.error}")
        self.stdout.write(
            f"asked about {result.asked} open exams, {result.arrived} with new images, "
            f"{result.new_studies} new studies, {result.milliseconds} ms"
        )

    def _status(self) -> None:
        if not pacs.configured():
            self.stdout.write(off_message())
            return
        self.stdout.write(f"archive: {pacs.dicomweb_url() or settings.YIJI_PACS_DIMSE}")
        state = availability.archive_state()
        if state is None or state.checked_at is None:
            self.stdout.write("not asked yet")
        elif state.ok:
            self.stdout.write(
                f"answered at {timezone.localtime(state.last_ok_at):%Y-%m-%d %H:%M:%S}"
            )
        else:
            since = timezone.localtime(state.last_error_at)
            self.stdout.write(f"failing since {since:%Y-%m-%d %H:%M:%S}: {state.last_error}")

    def _serve(self) -> None:
        if orthanc.program() is None:
            raise CommandError(off_message())
        process = orthanc.start(
            settings.YIJI_PACS_DIR, settings.YIJI_PACS_PORT, settings.YIJI_PACS_DICOM_PORT,
            settings.YIJI_PACS_AE_TITLE,
        )  # fmt: skip
        self.stdout.write(describe_private())
        signal.signal(signal.SIGTERM, lambda *a: process.terminate())
        try:
            process.wait()
        except KeyboardInterrupt:
            process.terminate()
            process.wait(15)


def off_message() -> str:
    return (
        "No image archive: Orthanc is not installed (Debian: apt install orthanc "
        "orthanc-dicomweb orthanc-webviewer) and YIJI_DICOMWEB_URL names no PACS. "
        "Image availability, viewing, key images and the EXM-2 archive check are off."
    )


def describe_private() -> str:
    return (
        f"Image archive (Orthanc) on http://127.0.0.1:{settings.YIJI_PACS_PORT}/ ; "
        f"modalities store to AE {settings.YIJI_PACS_AE_TITLE} port "
        f"{settings.YIJI_PACS_DICOM_PORT}"
    )
