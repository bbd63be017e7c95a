"""Page times as a user sees them, through Django's own request path (middleware, view,
template), against the login page measured in the same run (the framework's floor).

    .venv/bin/python bench/pages.py                      # the demo database (yiji demo)
    DATABASE_URL=postgres://.../yiji_bench_20m .venv/bin/python bench/pages.py --user director
    .venv/bin/python bench/pages.py --user clerk /desk/ "/desk/?q=zh"

Prints p50 and p95 per page over --runs requests (after one warm-up request each) and the
ratio of each page's p50 to the floor's."""

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


def timed(client, url: str, runs: int) -> tuple[float, float]:
    client.get(url)  # warm-up: caches and first-use imports
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - start) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{url}: status {response.status_code}")
    samples.sort()
    return statistics.median(samples), samples[max(0, int(len(samples) * 0.95) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--user", default="director")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("pages", nargs="*", default=PAGES)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yiji.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()  # the test client's host and the in-memory e-mail
    anonymous = Client()
    floor, floor_p95 = timed(anonymous, "/login/", args.runs)
    client = Client()
    client.force_login(get_user_model().objects.get(username=args.user))
    print(f"{'page':32} {'p50 ms':>8} {'p95 ms':>8} {'× floor':>8}")
    print(f"{'/login/ (floor)':32} {floor:8.1f} {floor_p95:8.1f} {1:8.1f}")
    for url in args.pages:
        p50, p95 = timed(client, url, args.runs)
        print(f"{url:32} {p50:8.1f} {p95:8.1f} {p50 / floor:8.1f}")


if __name__ == "__main__":
    main()
