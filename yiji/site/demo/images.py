"""The demo's images: a small synthetic study for every performed imaging exam, stored in the
archive (the private Orthanc, started for the while when `yiji up` is not running), then one
availability pass so the pages show them at once."""

from __future__ import annotations

import contextlib
import sys

from django.conf import settings

from yiji.images import availability, orthanc, pacs, synthetic
from yiji.images.models import Study
from yiji.interop.dicom.worklist import study_uid
from yiji.orders.models import Exam, ExamStatus

LIMIT = 300  # a few hundred exams of a few images: about 30 MB


def load() -> bool:
    if not pacs.configured():
        return False
    exams = list(
        Exam.objects.filter(
            modality__in=availability.IMAGING_MODALITIES,
            status__in=[ExamStatus.IN_PROGRESS, ExamStatus.COMPLETED],
            accession__isnull=False,
        )
        .exclude(studies__seen_at__isnull=False)
        .select_related("patient", "item", "department")
        .order_by("-pk")[:LIMIT]
    )
    if not exams:
        return False
    with _archive_running() as running:
        if not running:
            return False
        for exam in exams:
            shape = (1, 2) if exam.modality in ("DR", "CR", "MG") else (2, 4)
            pacs.store(synthetic.study(exam, study_uid(exam), *shape))
        availability.poll(force=True)
    return Study.objects.filter(seen_at__isnull=False).exists()


@contextlib.contextmanager
def _archive_running():
    """Yield whether the archive answers; the private one is started for the while."""
    try:
        pacs.find_studies(accession="-")
        yield True
        return
    except pacs.ArchiveUnavailable:
        pass
    if settings.YIJI_DICOMWEB_URL != "private" or orthanc.program() is None:
        print("The image archive does not answer: no demo images.", file=sys.stderr)
        yield False
        return
    process = orthanc.start(
        settings.YIJI_PACS_DIR, settings.YIJI_PACS_PORT, settings.YIJI_PACS_DICOM_PORT,
        settings.YIJI_PACS_AE_TITLE,
    )  # fmt: skip
    try:
        yield orthanc.wait_ready(settings.YIJI_PACS_PORT, process)
    finally:
        process.terminate()
        process.wait(30)
