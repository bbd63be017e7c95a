"""Worklist benchmark: load N exams, then time the main worklist queries through Yiji's own
code (ORM, keyset pagination) beside hand-written SQL returning the same rows.

    .venv/bin/python bench/worklist.py --exams 1000000            # SQLite file in var/bench/
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/yiji_bench \\
        .venv/bin/python bench/worklist.py --exams 1000000

The figure is the ratio: how much Yiji's query path costs over the raw SQL for the same page.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def setup(fresh: bool) -> None:
    if "DATABASE_URL" not in os.environ:
        bench_dir = ROOT / "var" / "bench"
        bench_dir.mkdir(parents=True, exist_ok=True)
        db = bench_dir / "worklist.sqlite3"
        if fresh and db.exists():
            db.unlink()
        os.environ["DATABASE_URL"] = f"sqlite:///{db}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yiji.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def generate(total: int, seed: int = 1) -> None:
    from django.db import transaction
    from django.utils import timezone

    from yiji.core import demo
    from yiji.core.models import Department, Patient, Room
    from yiji.orders.catalogue import load_demo_catalogue
    from yiji.orders.models import Exam, ExamItem, Requisition

    demo.load()
    load_demo_catalogue()
    have = Exam.objects.count()
    if have >= total:
        print(f"{have:,} exams already present")
        return
    rng = random.Random(seed)
    items = list(ExamItem.objects.all())
    rooms = {}
    for room in Room.objects.all():
        for modality in room.modalities:
            rooms.setdefault(modality, []).append(room.pk)
    wards = list(Department.objects.filter(kind="clinical").values_list("pk", flat=True))
    patients_needed = max(1000, total // 10)
    existing = Patient.objects.count()
    batch = 10_000
    started = time.perf_counter()
    for start in range(existing, patients_needed, batch):
        Patient.objects.bulk_create(
            Patient(patient_id=f"B{n:09d}", name=f"患者{n}", sex="MF"[n % 2], source="outpatient")
            for n in range(start, min(start + batch, patients_needed))
        )
    patient_ids = list(Patient.objects.values_list("pk", flat=True))
    now = timezone.now()
    # Exams older than two days have ended; only the last two days are open, as in a real
    # department, where a few thousand exams are open among millions.
    ended = ["completed"] * 95 + ["cancelled"] * 3 + ["no_show"] * 2
    recent = ["booked", "arrived", "in_progress", "requested", "completed"]
    for start in range(have, total, batch):
        size = min(batch, total - start)
        with transaction.atomic():
            reqs = Requisition.objects.bulk_create(
                Requisition(
                    number=f"RB{start + n:010d}",
                    patient_id=rng.choice(patient_ids),
                    ordering_physician_name="医生",
                    ordering_department_id=rng.choice(wards),
                    clinical_history="史",
                    clinical_diagnosis="诊断",
                    purpose="目的",
                    priority="urgent" if rng.random() < 0.08 else "routine",
                    created_at=now - dt.timedelta(minutes=(total - start - n) * 5),
                )
                for n in range(size)
            )
            exams = []
            for n, req in enumerate(reqs):
                item = rng.choice(items)
                old = req.created_at < now - dt.timedelta(days=2)
                status = rng.choice(ended if old else recent)
                room = (
                    rng.choice(rooms.get(item.modality, [None])) if status != "requested" else None
                )
                exams.append(
                    Exam(
                        requisition=req,
                        item=item,
                        patient_id=req.patient_id,
                        department_id=item.department_id,
                        modality=item.modality,
                        priority=req.priority,
                        status=status,
                        room_id=room,
                        accession=f"AB{start + n:010d}" if status != "requested" else None,
                        created_at=req.created_at,
                        scheduled_start=req.created_at if room else None,
                        scheduled_end=req.created_at + dt.timedelta(minutes=10) if room else None,
                    )
                )
            Exam.objects.bulk_create(exams)
        done = start + size
        rate = (done - have) / (time.perf_counter() - started)
        print(f"\r{done:,} / {total:,} exams ({rate:,.0f}/s)", end="", flush=True)
    print()


def timed(func, runs: int) -> tuple[float, float]:
    func()  # warm the caches the way a busy department's would be
    samples = []
    for _ in range(runs):
        t0 = time.perf_counter()
        func()
        samples.append((time.perf_counter() - t0) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1]


def queries():
    """(name, Yiji's path, the same SQL run raw) for the main worklist views.

    The reference is the very SQL Yiji's query sends, executed through a bare cursor, so the
    ratio is what Yiji's code costs over the database's own work for the same rows.
    """
    from django.db import connection

    from yiji.core.models import Room
    from yiji.orders.checkin import queue
    from yiji.orders.models import Exam
    from yiji.orders.worklists import cursor_of, worklist_rows

    room = Room.objects.get(code="CT1")
    first_page = list(worklist_rows({}, "")[:51])
    cursor = cursor_of(first_page[-1]) if first_page else ""
    patient = first_page[0].patient_id if first_page else 0

    def page(filters, after=""):
        return lambda: worklist_rows(filters, after)[:51]

    cases = [
        ("open worklist, first page", page({})),
        ("open worklist, CT only", page({"modality": "CT"})),
        ("open worklist, next page (keyset)", page({}, cursor)),
        ("CT1 waiting queue", lambda: queue(room)[:50]),
        (
            "patient history (20 newest)",
            lambda: (
                Exam.objects.filter(patient_id=patient)
                .select_related("item")
                .order_by("-created_at")[:20]
            ),
        ),
    ]

    def ours(make):
        def run():
            rows = list(make())
            for row in rows:  # what the page touches
                _ = (row.patient_id, row.item.name)
            return rows

        return run

    def raw(make):
        sql, params = make().query.sql_with_params()

        def run():
            with connection.cursor() as cur:
                cur.execute(sql, params)
                return cur.fetchall()

        return run

    return [(name, ours(make), raw(make)) for name, make in cases]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--exams", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--fresh", action="store_true", help="start from an empty SQLite file")
    args = parser.parse_args()
    setup(args.fresh)
    from django.db import connection

    generate(args.exams)
    with connection.cursor() as cursor:  # fresh planner statistics, as autovacuum would keep
        cursor.execute("ANALYZE")
    from yiji.orders.models import Exam

    print(f"\n{connection.vendor}, {Exam.objects.count():,} exams, {args.runs} runs each\n")
    print(f"{'query':36} {'Yiji p50':>9} {'p95':>8} {'raw SQL p50':>12} {'p95':>8} {'ratio':>6}")
    for name, ours, reference in queries():
        p50, p95 = timed(ours, args.runs)
        r50, r95 = timed(reference, args.runs)
        print(f"{name:36} {p50:8.2f}ms {p95:7.2f}ms {r50:11.2f}ms {r95:7.2f}ms {p50 / r50:6.2f}")


if __name__ == "__main__":
    main()
