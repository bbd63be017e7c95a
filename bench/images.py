"""Image availability: one polling pass over the open exams (bench: 1,000), its time and
queries, beside the same QIDO-RS calls made alone (the floor), against a private Orthanc
started for the run.

    .venv/bin/python bench/images.py                     # the demo database (yiji demo)
    DATABASE_URL=postgres://.../yiji_bench_20m .venv/bin/python bench/images.py --open 1000

It opens `--open` exams (in progress, with accession numbers BENCHIMG…, made once: a second run
finds them), stores one small image for every fifth in the archive, then times `--runs` passes
(`availability.poll`) after the first (which records the arrivals), and the floor: one
`pacs.find_studies` per open exam plus the arrivals scan, no database work. A pass asks only
about open exams, so its cost follows their number, not the size of the exams table."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import socket
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _open_exams(count: int) -> list:
    """`count` exams in progress (BENCHIMG…), cloned from a completed imaging exam."""
    from django.utils import timezone

    from yiji.orders.models import Exam, ExamStatus

    have = list(Exam.objects.filter(accession__startswith="BENCHIMG").order_by("pk"))
    model = Exam.objects.filter(modality="CT", status=ExamStatus.COMPLETED).first()
    now = timezone.now()
    Exam.objects.bulk_create(
        Exam(
            requisition_id=model.requisition_id,
            item_id=model.item_id,
            patient_id=model.patient_id,
            department_id=model.department_id,
            modality="CT",
            priority=model.priority,
            status=ExamStatus.IN_PROGRESS,
            created_at=now,
            started_at=now,
            accession=f"BENCHIMG{n:06d}",
        )  # fmt: skip
        for n in range(len(have), count)
    )
    return list(
        Exam.objects.filter(accession__startswith="BENCHIMG")
        .select_related("patient", "item", "department")
        .order_by("pk")[:count]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--open", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    from yiji.images import orthanc

    if orthanc.program() is None:
        raise SystemExit("Orthanc is not installed (apt install orthanc orthanc-dicomweb)")
    http_port, dicom_port = _free_port(), _free_port()
    folder = Path(tempfile.mkdtemp(prefix="yiji-bench-pacs-"))
    process = orthanc.start(folder, http_port, dicom_port, "BENCHPACS")
    if not orthanc.wait_ready(http_port, process):
        raise SystemExit(f"Orthanc did not start; see {folder}")
    os.environ["YIJI_DICOMWEB_URL"] = f"http://127.0.0.1:{http_port}/dicom-web"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yiji.settings")
    try:
        _run(args)
    finally:
        process.terminate()
        process.wait(30)


def _run(args) -> None:
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from yiji.images import availability, pacs, synthetic
    from yiji.interop.dicom.worklist import study_uid
    from yiji.orders.models import Exam

    exams = _open_exams(args.open)
    for exam in exams[::5]:
        pacs.store(synthetic.study(exam, study_uid(exam), series=1, per_series=1))
    total = Exam.objects.count()
    first = availability.poll(force=True)
    print(
        f"{total:,} exams in the database; {len(exams):,} open; first pass: "
        f"{first.asked} asked, {first.arrived} arrived, {first.milliseconds} ms"
    )
    passes, queries = [], []
    for _ in range(args.runs):
        with CaptureQueriesContext(connection) as captured:
            began = time.perf_counter()
            result = availability.poll(force=True)
            passes.append((time.perf_counter() - began) * 1000)
        if result.error:
            raise SystemExit(f"archive error: {result.error}")
        queries.append(len(captured))
    floor = []
    since = timezone.localdate() - dt.timedelta(days=1)
    for _ in range(args.runs):
        began = time.perf_counter()
        for exam in exams:
            pacs.find_studies(accession=exam.accession)
        pacs.find_studies(since=since, limit=availability.ARRIVAL_LIMIT)
        floor.append((time.perf_counter() - began) * 1000)
    ours, alone = statistics.median(passes), statistics.median(floor)
    print(f"{'':34} {'p50 ms':>9} {'per exam':>9} {'queries':>8}")
    print(
        f"{'polling pass (Yiji)':34} {ours:9.0f} {ours / len(exams):9.2f} "
        f"{statistics.median(queries):8.0f}"
    )
    print(f"{'same QIDO-RS calls alone (floor)':34} {alone:9.0f} {alone / len(exams):9.2f} {0:8d}")
    print(f"ratio {ours / alone:.2f}x")


if __name__ == "__main__":
    main()
