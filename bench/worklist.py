"""Worklist benchmark: on the synthetic hospital of `yiji gen`, time the main worklist queries
through Yiji's own code (ORM, keyset pagination) beside the same SQL through a bare cursor.

    .venv/bin/python bench/worklist.py --exams 1000000            # SQLite file in var/bench/
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/yiji_bench \\
        .venv/bin/python bench/worklist.py --exams 1000000

The figure is the ratio: how much Yiji's query path costs over the raw SQL for the same page.
"""

from __future__ import annotations

import argparse
import os
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
        if fresh:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{db}{suffix}").unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{db}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yiji.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def generate(total: int) -> None:
    """The synthetic hospital of `yiji gen` (seed 1), made once."""
    from django.core.management import call_command

    from yiji.orders.models import Exam

    have = Exam.objects.filter(requisition__number__startswith="GR").count()
    if have < total:
        call_command("gen", exams=str(total - have), per_day=5000, rebuild_indexes=not have, jobs=2)


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
    from django.contrib.auth import get_user_model
    from django.db import connection

    from yiji.core.models import Room
    from yiji.core.services import search_patients
    from yiji.orders.checkin import queue
    from yiji.orders.models import Exam
    from yiji.orders.worklists import cursor_of, worklist_page, worklist_query

    room = Room.objects.get(code="CT1")
    first_page = worklist_page({}, "", 51)
    cursor = cursor_of(first_page[-1]) if first_page else ""
    patient = first_page[0].patient.pk if first_page else 0
    clerk = get_user_model().objects.get(username="clerk")

    def page(filters, after=""):
        # Yiji's page is built from this query's rows; the reference runs the query alone.
        return (
            lambda: worklist_page(filters, after, 51),
            lambda: worklist_query(filters, after, 51),
        )

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
        # ORD-7's search: a surname prefix matches thousands; the page shows the newest 50.
        ("patient search (surname, 50 newest)", lambda: search_patients(clerk, "王")[:50]),
    ]

    def ours(make):
        make = make[0] if isinstance(make, tuple) else make

        def run():
            rows = list(make())
            for row in rows:  # what the page touches
                _ = (row.pk, row.item.name) if hasattr(row, "item") else row.name
            return rows

        return run

    def raw(make):
        make = make[1] if isinstance(make, tuple) else make
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
    from yiji.orders.models import Exam

    print(f"\n{connection.vendor}, {Exam.objects.count():,} exams, {args.runs} runs each\n")
    print(f"{'query':36} {'Yiji p50':>9} {'p95':>8} {'raw SQL p50':>12} {'p95':>8} {'ratio':>6}")
    for name, ours, reference in queries():
        p50, p95 = timed(ours, args.runs)
        r50, r95 = timed(reference, args.runs)
        print(f"{name:36} {p50:8.2f}ms {p95:7.2f}ms {r50:11.2f}ms {r95:7.2f}ms {p50 / r50:6.2f}")


if __name__ == "__main__":
    main()
