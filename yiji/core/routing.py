"""Read routing for a PostgreSQL streaming replica (DATABASE_REPLICA_URL).

Dashboards and reports over months of data — the quality indicators, turnaround clocks, the
compliance page, exports — read from the replica, so a director's year does not compete with
the reading room's writes on the primary. Everything else, and every write, stays on the
primary: a page that writes and then reads what it wrote must not meet replication lag. A
view opts in with `reads_from_replica`; without a configured replica nothing changes.
"""

from __future__ import annotations

import contextvars
import functools
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings

REPLICA = "replica"
_on_replica: contextvars.ContextVar[bool] = contextvars.ContextVar("yiji_replica", default=False)


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


@contextmanager
def replica_reads() -> Iterator[None]:
    token = _on_replica.set(True)
    try:
        yield
    finally:
        _on_replica.reset(token)


def reads_from_replica(view):
    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        with replica_reads():
            return view(request, *args, **kwargs)

    return wrapped


class ReplicaRouter:
    def db_for_read(self, model, **hints) -> str | None:
        if _on_replica.get() and replica_configured():
            return REPLICA
        return None  # the default database

    def db_for_write(self, model, **hints) -> str:
        return "default"

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        return True  # the same data on both

    def allow_migrate(self, db, app_label, model_name=None, **hints) -> bool:
        return db == "default"  # the replica follows the primary's schema
