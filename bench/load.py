"""The web load test: `yiji serve` (gunicorn, several workers) on the benchmark database and
locust on loopback with N concurrent users in a department's mix (bench/locustfile.py); per
action p50/p95/p99, errors and throughput.

    .venv/bin/python bench/load.py --users 300 --seconds 180      # on yiji_bench_1m
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/yiji_bench_20m .venv/bin/python bench/load.py

Needs `pip install -e .[bench]` (make bench does it) and a database filled by `yiji gen`.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
BIN = ROOT / ".venv" / "bin"


def sessions(user, count: int) -> list[str]:
    """Signed-in sessions made directly, as Django's test client does: a shift's people have
    logged in before the load begins (login itself is timed apart, by design slow PBKDF2)."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    keys = []
    for _ in range(count):
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        keys.append(session.session_key)
    return keys


def load_data(users_per_role: int) -> dict:
    """Ids the simulated users pick from (real rows of the generated hospital), with the
    sessions and the API token they use."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yiji.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model

    from yiji.core import accounts
    from yiji.site.demo import hospital as demo

    users = get_user_model().objects.in_bulk(
        ["clerk", "tech", "physician", "clinician"], field_name="username"
    )
    _token, key = accounts.create_token(users["clerk"], "load test")
    return {
        "password": demo.DEMO_PASSWORD,
        "sessions": {name: sessions(user, users_per_role) for name, user in users.items()},
        "token": key,
        "ward": "ED",
        **rows_to_use(),
    }


def rows_to_use() -> dict[str, list]:
    """The rows the load's requests open (bench/pages.py --stress-mix opens the first of
    each): patients, items and rooms, open exams, drafts to report, released results."""
    from yiji.core.models import Patient, Room
    from yiji.orders.models import OPEN_STATUSES, Exam, ExamItem
    from yiji.reports.models import Report

    recent = Exam.objects.filter(department__code="RAD").exclude(modality="LAB")
    return {
        "patients": list(
            Patient.objects.order_by("-pk").values_list("patient_id", flat=True)[:500]
        ),
        "items": list(
            ExamItem.objects.filter(modality__in=["DR", "CT"], department__code="RAD")
            .values_list("code", flat=True)[:20]
        ),
        "rooms": list(Room.objects.exclude(modalities=[]).values_list("pk", flat=True)),
        "open_exams": list(
            recent.filter(status__in=OPEN_STATUSES)
            .order_by("-pk").values_list("pk", flat=True)[:500]
        ),
        "drafts": list(
            recent.filter(status="completed", report__status="draft")
            .order_by("-pk").values_list("pk", flat=True)[:300]
        ),
        "results": list(
            Report.objects.filter(status__in=["final", "amended"],
                                  exam__requisition__ordering_department__code="ED")
            .order_by("-pk").values_list("pk", flat=True)[:500]
        ),
    }  # fmt: skip


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve(port: int, workers: int) -> subprocess.Popen:
    process = subprocess.Popen(
        [str(BIN / "yiji"), "serve", "--port", str(port), "--workers", str(workers)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    for _ in range(300):
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return process
        time.sleep(0.1)
    process.kill()
    sys.exit("yiji serve did not start")


def spawn_rate(users: int) -> int:
    """Users started a second: all of them within the first 30 s."""
    return max(1, users // 30)


def stress_asked(users: int, seconds: int) -> float:
    """Requests a second the stress pace asks on average over the run: users start at
    spawn_rate during the ramp-up, each opens the home page and does its first task at once,
    then one every 5 s (2-8 s)."""
    started = min(users, spawn_rate(users) * seconds)
    ramp = started / spawn_rate(users)
    user_seconds = started * (seconds - ramp) + started * ramp / 2
    return (user_seconds / 5 + 2 * started) / seconds


def run(users: int, seconds: int, workers: int) -> list[dict]:
    data = load_data(users)
    port = free_port()
    server = serve(port, workers)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            prefix = str(Path(tmp) / "load")
            subprocess.run(
                [str(BIN / "locust"), "-f", str(ROOT / "bench" / "locustfile.py"), "--headless",
                 "-u", str(users), "-r", str(spawn_rate(users)), "-t", f"{seconds}s",
                 "--host", f"http://127.0.0.1:{port}", "--csv", prefix, "--only-summary",
                 "--loglevel", "WARNING"],
                env={**os.environ, "YIJI_LOAD_DATA": json.dumps(data)},
                check=False,
            )  # fmt: skip
            with open(f"{prefix}_stats.csv", newline="") as stats:
                return list(csv.DictReader(stats))
    finally:
        server.terminate()
        server.wait(20)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=300)
    parser.add_argument("--seconds", type=int, default=180)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (4 threads each)")
    parser.add_argument(
        "--pace", choices=["workflow", "stress"], default="workflow",
        help="pauses between requests (bench/locustfile.py): each role's own, or 2-8 s for all",
    )  # fmt: skip
    parser.add_argument("--json", help="also write the rows to this file")
    args = parser.parse_args()
    os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/yiji_bench_1m")
    os.environ["YIJI_LOAD_PACE"] = args.pace
    rows = run(args.users, args.seconds, args.workers)
    print(
        f"\n{args.users} users at the {args.pace} pace, {args.seconds} s, "
        f"{args.workers} workers × 4 threads, "
        f"{os.cpu_count()} CPUs shared with locust; load average {os.getloadavg()[0]:.2f}\n"
    )
    print("| action | requests | errors | p50 ms | p95 ms | p99 ms | req/s |")
    print("|---|---|---|---|---|---|---|")
    for row in rows:
        print(
            f"| {row['Name']} | {row['Request Count']} | {row['Failure Count']} | "
            f"{row['50%']} | {row['95%']} | {row['99%']} | {float(row['Requests/s']):.1f} |"
        )
    asked = stress_asked(args.users, args.seconds) if args.pace == "stress" else None
    if asked:
        print(f"\nasked: about {asked:.1f} requests a second on average, ramp-up included")
    if args.json:
        Path(args.json).write_text(json.dumps({"rows": rows, "asked": asked}, ensure_ascii=False))


if __name__ == "__main__":
    main()
