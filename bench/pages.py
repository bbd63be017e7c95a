"""Page times as a user sees them, through Django's own request path (middleware, view,
template), against the login page measured in the same run (the framework's floor).

    .venv/bin/python bench/pages.py                      # the demo database (yiji demo)
    DATABASE_URL=postgres://.../yiji_bench_20m .venv/bin/python bench/pages.py --user director
    .venv/bin/python bench/pages.py --user clerk /desk/ "/desk/?q=zh"

Prints p50 and p95 per page over --runs requests (after one warm-up request each), the
process CPU a request takes (Python only: the database's own CPU is not in it) and the ratio
of each page's p50 to the floor's.

    DATABASE_URL=.../yiji_bench_1m .venv/bin/python bench/pages.py --stress-mix

`--stress-mix` measures the pages of the web load test (bench/locustfile.py), each as the
role that opens it, and prints their CPU weighted by their share of its requests: what the
server's Python spends on an average request of the load (the API's new requisition and
the report's autosave, both posts, are left out)."""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PAGES = [
    "/rules/",
    "/quality/compliance/",
    "/",
    "/quality/cockpit/",
    "/worklist/",
    "/reading/",
    "/quality/kpi/",
]


def timed(client, url: str, runs: int) -> tuple[float, float, float]:
    client.get(url)  # warm-up: caches and first-use imports
    samples, cpu = [], 0.0
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        samples.append((time.perf_counter() - start) * 1000)
        cpu += time.process_time() - start_cpu
        if response.status_code != 200:
            raise SystemExit(f"{url}: status {response.status_code}")
    samples.sort()
    p95 = samples[max(0, int(len(samples) * 0.95) - 1)]
    return statistics.median(samples), p95, cpu / runs * 1000


def stress_mix() -> list[tuple[str, str, float]]:
    """(user, page, share of the load's requests) for the GET pages of bench/locustfile.py:
    the role's weight times the task's share of the role's tasks, on the first of the rows
    bench/load.py picks from."""
    from bench.load import rows_to_use

    rows = {key: ids[0] for key, ids in rows_to_use().items()}
    return [
        ("clerk", "/worklist/", 0.30 * 4 / 9),
        ("clerk", "/worklist/?modality=CT", 0.30 * 2 / 9),
        ("clerk", "/patients/?q=王", 0.30 * 2 / 9),
        ("tech", f"/rooms/{rows['rooms']}/queue/", 0.25 * 3 / 5),
        ("tech", f"/exams/{rows['open_exams']}/", 0.25 * 2 / 5),
        ("physician", "/reading/", 0.25 * 2 / 5),
        ("physician", f"/exams/{rows['drafts']}/report/", 0.25 * 3 / 5),
        ("clinician", "/results/", 0.20 * 2 / 5),
        ("clinician", f"/results/{rows['results']}/", 0.20 * 3 / 5),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--user", default="director")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("pages", nargs="*", default=PAGES)
    parser.add_argument("--stress-mix", action="store_true", help="the load test's pages")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yiji.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()  # the test client's host and the in-memory e-mail
    anonymous = Client()
    floor, floor_p95, floor_cpu = timed(anonymous, "/login/", args.runs)
    pages = stress_mix() if args.stress_mix else [(args.user, url, 0) for url in args.pages]
    print(f"{'page':32} {'user':10} {'p50 ms':>8} {'p95 ms':>8} {'CPU ms':>8} {'× floor':>8}")
    print(f"{'/login/ (floor)':32} {'':10} {floor:8.1f} {floor_p95:8.1f} {floor_cpu:8.1f} {1:8.1f}")
    clients: dict[str, Client] = {}
    weighted = 0.0
    for user, url, share in pages:
        if user not in clients:
            clients[user] = Client()
            clients[user].force_login(get_user_model().objects.get(username=user))
        p50, p95, cpu = timed(clients[user], url, args.runs)
        weighted += share * cpu
        print(f"{url:32} {user:10} {p50:8.1f} {p95:8.1f} {cpu:8.1f} {p50 / floor:8.1f}")
    if args.stress_mix:
        total = sum(share for _user, _url, share in pages)
        print(f"\nCPU per request of the mix (GET pages, weighted): {weighted / total:.1f} ms")


if __name__ == "__main__":
    main()
