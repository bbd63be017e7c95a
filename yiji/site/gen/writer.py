"""The bulk path: `write` puts a batch's rows into their tables (COPY on PostgreSQL, one
executemany per table on SQLite); `Writer` is the thread with its own connection that writes
each batch in one transaction behind the generator, in a `_bulk_session` that skips what a
consistent load does not need, and counts what it wrote in `Totals`."""

from __future__ import annotations

import queue
import threading
import time
from dataclasses import dataclass, field

from django.db import connection, transaction

from yiji.site.gen.tables import Table


@dataclass
class Totals:
    days: int = 0
    rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    planned: int = 0  # the exams this process makes (its stretch of days)
    part: str = ""  # which of several generating processes, as "2/2"; "" when alone

    @property
    def exams(self) -> int:
        return self.rows.get("orders_exam", 0)


def write(batch: list[tuple[Table, list]]) -> dict[str, int]:
    """Write each table's rows, in the order given (parents before children)."""
    written = {}
    with connection.cursor() as cursor:
        for table, rows in batch:
            columns = ", ".join(connection.ops.quote_name(c) for c in table.columns)
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {table.name} ({columns}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                marks = ", ".join("%s" for _ in table.columns)
                cursor.executemany(f"INSERT INTO {table.name} ({columns}) VALUES ({marks})", rows)
            written[table.name] = len(rows)
    return written


class Writer:
    """A thread with its own connection that writes each batch in one transaction, at most
    two batches behind the generator (to bound memory)."""

    def __init__(self, totals: Totals, started: float, progress):
        self.totals, self.started, self.progress = totals, started, progress
        self.queue: queue.Queue = queue.Queue(maxsize=2)
        self.failure: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="yiji-gen-writer", daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def put(self, batch: list[tuple[Table, list]]) -> None:
        while self.thread.is_alive():
            try:
                self.queue.put(batch, timeout=0.5)
                return
            except queue.Full:
                continue
        self._raise()

    def __exit__(self, exc_type, *exc):
        self.queue.put(None) if self.thread.is_alive() else None
        self.thread.join()
        if exc_type is None:
            self._raise()

    def _raise(self) -> None:
        if self.failure is not None:
            raise self.failure

    def _run(self) -> None:
        try:
            with _bulk_session():
                while (batch := self.queue.get()) is not None:
                    with transaction.atomic():
                        written = write(batch)
                    for name, n in written.items():
                        self.totals.rows[name] = self.totals.rows.get(name, 0) + n
                    self.totals.seconds = time.perf_counter() - self.started
                    if self.progress:
                        self.progress(self.totals)
        except BaseException as error:  # handed to the generating thread
            self.failure = error
        finally:
            connection.close()


class _bulk_session:
    """For the load only: SQLite skips the fsync per batch (a crash mid-load loses the
    batches, never the database); PostgreSQL skips the per-row foreign-key triggers, the
    rows being consistent by construction."""

    def __enter__(self):
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute("PRAGMA synchronous = OFF")
                cursor.execute("PRAGMA cache_size = -262144")  # 256 MiB for the index pages
            elif _is_superuser(cursor):
                cursor.execute("SET session_replication_role = replica")
        return self

    def __exit__(self, *exc):
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute("PRAGMA synchronous = NORMAL")
            elif _is_superuser(cursor):
                cursor.execute("SET session_replication_role = DEFAULT")


def _is_superuser(cursor) -> bool:
    cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
    return bool(cursor.fetchone()[0])
