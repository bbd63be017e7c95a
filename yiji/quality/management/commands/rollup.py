"""`yiji rollup`: roll up the quality indicators of settled days now (the nightly task does it
each night), or count a stretch of days again with --from/--to."""

from __future__ import annotations

import datetime as dt
import time

from django.core.management.base import BaseCommand, CommandError

from yiji.quality import rollup


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"not a date (YYYY-MM-DD): {text!r}") from None


class Command(BaseCommand):
    help = "Roll up the quality indicators (QLT-4) of every settled day not rolled up yet."

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="first", type=str, help="count again from this day")
        parser.add_argument("--to", dest="last", type=str, help="count again up to this day")

    def handle(self, *args, first=None, last=None, **options):
        started = time.perf_counter()
        if first or last:
            if not (first and last):
                raise CommandError("--from and --to go together")
            first_day, last_day = _date(first), _date(last)
            if first_day > last_day:
                raise CommandError("--from is after --to")
            stored = rollup.roll_up(first_day, last_day)
        else:
            stored = rollup.roll_up_settled(progress=self._progress)
        seconds = time.perf_counter() - started
        self.stdout.write(f"{stored:,} indicator-day rows stored in {seconds:.1f} s")

    def _progress(self, first: dt.date, last: dt.date, written: int) -> None:
        self.stdout.write(f"  {first} – {last}: {written:,} rows")
