"""The `generate` entry behind `yiji gen`: the period spread over days (`days_for`), cut into
consecutive stretches for parallel jobs (forked processes on PostgreSQL, each in id ranges of
its own), each stretch made by a `Generator` and written by a `Writer` in batches of days;
around the load, the optional drop and rebuild of the non-unique indexes, and afterwards the
sequences moved past the written ids and fresh planner statistics."""

from __future__ import annotations

import datetime as dt
import queue
import time
from collections.abc import Callable, Iterator

from django.db import connection
from django.utils import timezone

from yiji.site.gen.generator import Generator
from yiji.site.gen.hospital import Hospital, load_reference
from yiji.site.gen.tables import Ids, written_models
from yiji.site.gen.writer import Totals, Writer


def days_for(total: int, per_day: int, last: dt.date) -> Iterator[tuple[dt.date, int]]:
    """The days back from `last`, oldest first, and how many exams each gets: weekdays busier
    than weekends (1.12 against 0.7 of the daily volume), the total exact."""
    counts = []
    day, left = last, total
    while left > 0:
        share = 0.7 if day.weekday() >= 5 else 1.12
        n = min(left, max(1, round(per_day * share)))
        counts.append((day, n))
        left -= n
        day -= dt.timedelta(days=1)
    return reversed(counts)


def generate(
    exams: int,
    per_day: int = 1000,
    seed: int = 1,
    now: dt.datetime | None = None,
    batch_days: int = 7,
    progress: Callable[[Totals], None] | None = None,
    rebuild_indexes: bool = False,
    jobs: int = 1,
) -> Totals:
    """Add `exams` exams (and all that goes with them) ending today, `per_day` a day.

    The rows of each batch of days are written by a second thread while the next batch is
    made. On PostgreSQL `jobs` processes make consecutive stretches of the period at once, each
    in id ranges of its own (patients come back within a stretch). `rebuild_indexes` drops the
    non-unique indexes of the filled tables for the load and builds them again after it (one
    sort instead of millions of inserts): for a large load into a database nobody uses."""
    now = now or timezone.now()
    load_reference()
    hospital = Hospital()
    days = list(days_for(exams, per_day, timezone.localdate(now)))
    stretches = _split(days, jobs if connection.vendor == "postgresql" else 1)
    ids = Ids(written_models())
    starts, before = [], 0
    for stretch in stretches:
        starts.append(ids.after(before, hospital.rows_per_exam()))
        before += sum(n for _, n in stretch)
    started = time.perf_counter()
    dropped = _drop_indexes() if rebuild_indexes else []
    try:
        if len(stretches) == 1:
            totals = _make(seed, per_day, now, hospital, stretches[0], ids, batch_days, progress)
        else:
            totals = _in_processes(
                seed, per_day, now, hospital, stretches, starts, batch_days, progress
            )
    finally:
        _create_indexes(dropped)
    _after_load()
    totals.seconds = time.perf_counter() - started
    return totals


def _split(days: list[tuple[dt.date, int]], jobs: int) -> list[list[tuple[dt.date, int]]]:
    """Consecutive stretches of days with about the same number of exams each."""
    share = sum(n for _, n in days) / max(1, jobs)
    stretches: list[list] = [[]]
    done = 0
    for day, n in days:
        if done >= share * len(stretches) and len(stretches) < jobs:
            stretches.append([])
        stretches[-1].append((day, n))
        done += n
    return [s for s in stretches if s]


def _make(seed, per_day, now, hospital, days, ids, batch_days, progress, part="") -> Totals:
    from yiji.core import policy

    generator = Generator(seed, per_day, hospital, now, ids)
    totals = Totals(planned=sum(n for _, n in days), part=part)
    with policy.batch(), Writer(totals, time.perf_counter(), progress) as writer:
        pending = 0
        for day, count in days:
            generator.day(day, count)
            totals.days += 1
            pending += 1
            if pending == batch_days:
                writer.put(generator.take_rows())
                pending = 0
        if pending:
            writer.put(generator.take_rows())
    return totals


def _in_processes(seed, per_day, now, hospital, stretches, starts, batch_days, progress) -> Totals:
    """One forked process per stretch, each with its own connections; their totals summed."""
    import multiprocessing

    from django.db import connections

    context = multiprocessing.get_context("fork")
    results = context.Queue()

    def job(days, start, part):
        connections.close_all()  # the parent's, inherited: never used here
        try:
            ids = Ids(written_models(), start)
            totals = _make(seed, per_day, now, hospital, days, ids, batch_days, progress, part)
            results.put(("done", totals.days, totals.rows))
        except BaseException as error:  # reported by the parent
            results.put(("failed", repr(error), {}))
        finally:
            connections.close_all()

    connections.close_all()  # a forked child must not share the parent's sockets
    processes = [
        context.Process(target=job, args=(days, start, f"{n}/{len(stretches)}"), daemon=True)
        for n, (days, start) in enumerate(zip(stretches, starts, strict=True), start=1)
    ]
    for process in processes:
        process.start()
    totals, failures, waiting = Totals(), [], len(processes)
    while waiting:
        try:
            outcome, days, rows = results.get(timeout=5)
        except queue.Empty:
            if not any(process.is_alive() for process in processes):
                failures.append("a job ended without reporting (killed?)")
                break
            continue
        waiting -= 1
        if outcome == "failed":
            failures.append(days)
            continue
        totals.days += days
        for table, n in rows.items():
            totals.rows[table] = totals.rows.get(table, 0) + n
    for process in processes:
        process.join()
    if failures:
        raise RuntimeError("a generating job failed: " + "; ".join(failures))
    return totals


def _drop_indexes() -> list[str]:
    """Drop the filled tables' non-unique indexes; return the statements that rebuild them."""
    tables = [model._meta.db_table for model in written_models()]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema()"
                " AND tablename = ANY(%s) AND indexdef NOT LIKE 'CREATE UNIQUE%%'",
                [tables],
            )
        else:
            marks = ", ".join("%s" for _ in tables)
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
                f" AND sql NOT LIKE 'CREATE UNIQUE%%' AND tbl_name IN ({marks})",
                tables,
            )
        found = cursor.fetchall()
        for name, _ in found:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    return [definition for _, definition in found]


def _create_indexes(statements: list[str]) -> None:
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def _after_load() -> None:
    """Sequences past the written ids, and fresh planner statistics."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for model in written_models():
                table = model._meta.db_table
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                    f" coalesce((SELECT max(id) FROM {table}), 1))"
                )
            if not connection.in_atomic_block:
                # As autovacuum would leave a hospital's database that has run a while: the
                # statistics, and the visibility map that lets counts read indexes alone.
                cursor.execute("VACUUM (ANALYZE)")
        else:
            cursor.execute("PRAGMA optimize")
