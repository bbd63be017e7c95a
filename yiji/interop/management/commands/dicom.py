"""`yiji dicom serve`: Modality Worklist and MPPS for the rooms' modalities (pynetdicom)."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand

from yiji.interop.accounts import Acting
from yiji.interop.dicom.scp import Service, allowed_ae_titles


class Command(BaseCommand):
    help = "DICOM: `serve` answers C-ECHO, Modality Worklist C-FIND and MPPS."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        serve = sub.add_parser("serve", help="run the DICOM service")
        serve.add_argument("--host", default="127.0.0.1")
        serve.add_argument("--port", type=int, default=settings.YIJI_DICOM_PORT)
        serve.add_argument("--ae-title", default=settings.YIJI_DICOM_AE_TITLE)
        serve.add_argument("--account", default="dicom", help="the interface account to act as")

    def handle(
        self, *args, action: str, host: str, port: int, ae_title: str, account: str, **options
    ):
        service = Service(Acting(account), ae_title)
        peers = ", ".join(allowed_ae_titles())
        self.stdout.write(f"Yiji DICOM {ae_title} listening on {host}:{port}; modalities: {peers}")
        self.stdout.flush()
        try:
            service.start(host, port, block=True)
        except KeyboardInterrupt:
            self.stdout.write("DICOM service stopped.")
