"""`yiji gen`: fill the database with a synthetic hospital's years of work (seeded)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from yiji.site import gen


def _count(text: str) -> int:
    """20M, 1.5m, 500k or a plain number."""
    text = text.strip().lower().replace("_", "").replace(",", "")
    scale = {"k": 1_000, "m": 1_000_000}.get(text[-1:], 1)
    try:
        value = float(text[:-1] if scale > 1 else text) * scale
    except ValueError:
        raise CommandError(f"not a number of exams: {text!r}") from None
    if value < 1:
        raise CommandError("the number of exams must be at least 1")
    return int(value)


class Command(BaseCommand):
    help = (
        "Add a synthetic hospital's exams ending today: requisitions, events, signed reports, "
        "critical results, follow-ups, dose records, lab results and device faults."
    )

    def add_arguments(self, parser):
        parser.add_argument("--exams", default="100k", help="how many exams (e.g. 1M, 20M)")
        parser.add_argument("--per-day", type=int, default=5000, help="exams on a weekday-ish day")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--batch-days", type=int, default=7, help="days per transaction")
        parser.add_argument(
            "--jobs", type=int, default=1, help="processes making the data at once (PostgreSQL)"
        )
        parser.add_argument(
            "--rebuild-indexes",
            action="store_true",
            help="drop the non-unique indexes for the load and build them after (large loads "
            "into a database nobody is using)",
        )

    def handle(self, *args, exams, per_day, seed, batch_days, rebuild_indexes, jobs, **options):
        if "orders_exam" not in connection.introspection.table_names():
            raise CommandError("the database is not up to date: run `yiji migrate` first")
        if per_day < 1 or batch_days < 1 or jobs < 1:
            raise CommandError("--per-day, --batch-days and --jobs must be at least 1")
        total = _count(exams)
        self.stdout.write(f"generating {total:,} exams, {per_day:,} a day, seed {seed}")

        def progress(totals: gen.Totals) -> None:
            # With --jobs each process reports its own stretch: "job 1/2".
            rate = totals.exams / totals.seconds if totals.seconds else 0
            job = f"  job {totals.part}" if totals.part else ""
            self.stdout.write(
                f"{job}  {totals.exams:>12,} / {totals.planned:,} exams  {totals.days:>5} days  "
                f"{totals.seconds:7.0f} s  {rate:8,.0f} exams/s",
            )
            self.stdout.flush()

        totals = gen.generate(
            total, per_day, seed, batch_days=batch_days, progress=progress,
            rebuild_indexes=rebuild_indexes, jobs=jobs,
        )  # fmt: skip
        self.stdout.write(f"done in {totals.seconds:.0f} s over {totals.days} days:")
        for table, rows in totals.rows.items():
            self.stdout.write(f"  {table:28} {rows:>14,}")
