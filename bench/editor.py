"""The report editor's page time and query count for a patient with many priors, beside the
reading list's, through Django's whole request path.

    .venv/bin/python bench/editor.py                  # the demo database (yiji demo)
    DATABASE_URL=postgres://.../yiji_bench_20m .venv/bin/python bench/editor.py --priors 200

It gives one completed exam's patient `--priors` released reports (written straight into the
tables, once: a second run finds them) and times the report page of that exam and the reading
list, each over --runs requests after a warm-up, with the queries each request made."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _priors(exam, count: int) -> int:
    """Released reports of the exam's patient, to `count`; returns how many there are."""
    from django.utils import timezone

    from yiji.orders.models import Exam, ExamStatus
    from yiji.reports.models import Report, ReportStatus

    have = Report.objects.filter(exam__patient=exam.patient, status=ReportStatus.FINAL).count()
    now = timezone.now()
    for n in range(have, count):
        when = now - dt.timedelta(days=7 * (n + 1))
        prior = Exam.objects.create(
            requisition=exam.requisition, item=exam.item, patient=exam.patient,
            department=exam.department, modality=exam.modality, priority=exam.priority,
            status=ExamStatus.COMPLETED, created_at=when, completed_at=when, has_report=True,
            accession=f"BENCHP{exam.pk:06d}{n:04d}",
        )  # fmt: skip
        Report.objects.create(
            exam=prior, status=ReportStatus.FINAL, author=exam.requisition.ordering_physician
            or _any_staff(), findings=f"第{n + 1}次检查所见。", impression="未见明显异常。",
            final_at=when, released_at=when,
        )  # fmt: skip
    return max(have, count)


def _any_staff():
    from yiji.core.models import Staff

    return Staff.objects.order_by("pk").first()


def timed(client, url: str, runs: int) -> tuple[float, float, float]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)
    samples, queries = [], []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = client.get(url)
            samples.append((time.perf_counter() - start) * 1000)
        queries.append(len(captured))
        if response.status_code != 200:
            raise SystemExit(f"{url}: status {response.status_code}")
    samples.sort()
    return statistics.median(samples), samples[max(0, int(len(samples) * 0.95) - 1)], max(queries)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--priors", type=int, default=200)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--user", default="physician")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yiji.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.test.utils import setup_test_environment

    from yiji.orders.models import Exam, ExamStatus

    setup_test_environment()
    user = get_user_model().objects.get(username=args.user)
    exam = (
        Exam.objects.filter(status=ExamStatus.COMPLETED, department__code="RAD")
        .exclude(modality="LAB")
        .exclude(accession__startswith="BENCHP")
        .order_by("has_report", "pk")
        .first()
    )
    priors = _priors(exam, args.priors)
    client = Client()
    client.force_login(user)
    print(f"patient with {priors} released priors; exam {exam.pk} ({exam.item.name})")
    print(f"{'page':28} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8}")
    for label, url in (
        ("reading list (reference)", "/reading/"),
        ("report editor", f"/exams/{exam.pk}/report/"),
    ):
        p50, p95, queries = timed(client, url, args.runs)
        print(f"{label:28} {p50:8.1f} {p95:8.1f} {queries:8d}")


if __name__ == "__main__":
    main()
