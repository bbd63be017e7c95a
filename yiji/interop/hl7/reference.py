"""The reference data an inbound message is read against — code mappings, exam items,
departments, ordering physicians and policy values — kept in memory by each listener process
and read again only when it changed.

Every message asks one small question first: the count, id sum and latest time of
`ReferenceChange`, the rows database triggers write on any insert, update or delete of those
tables, whoever makes it. While they stand still the snapshot answers every lookup; when they
move, the next message reads the tables again. Where the triggers are missing (a table
rebuilt without them) nothing is kept: every message reads the tables, as before; the log
and the interface monitor say so, and the monitor creates them again.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction

from yiji.core import audit
from yiji.core.models import AuditAction, Department, Hospital, PolicyValue, Staff
from yiji.interop.models import CodeMapping, ReferenceChange
from yiji.orders.models import ExamItem

log = logging.getLogger(__name__)

# The tables whose changes make a listener read its snapshot again.
WATCHED = (
    "interop_codemapping",
    "orders_examitem",
    "core_department",
    "core_hospital",
    "core_staff",
    "core_policyvalue",
)
_FUNCTION = "interop_reference_changed"


EVENTS = ("insert", "update", "delete")


def _trigger_names(table: str, vendor: str) -> list[str]:
    if vendor == "postgresql":  # one statement-level trigger for every event
        return [f"{_FUNCTION}_{table}"]
    return [f"{_FUNCTION}_{table}_{event}" for event in EVENTS]


def _install_statements(vendor: str) -> list[str]:
    log_table = ReferenceChange._meta.db_table
    if vendor == "postgresql":
        return [
            f"CREATE OR REPLACE FUNCTION {_FUNCTION}() RETURNS trigger AS $$ BEGIN "
            f'INSERT INTO {log_table} ("table") VALUES (TG_TABLE_NAME); RETURN NULL; '
            "END $$ LANGUAGE plpgsql"
        ] + [
            f"CREATE OR REPLACE TRIGGER {name} AFTER INSERT OR UPDATE OR DELETE OR "
            f"TRUNCATE ON {table} FOR EACH STATEMENT EXECUTE FUNCTION {_FUNCTION}()"
            for table in WATCHED
            for name in _trigger_names(table, vendor)
        ]
    return [
        f"CREATE TRIGGER IF NOT EXISTS {name} AFTER {event.upper()} ON {table} BEGIN "
        f"INSERT INTO {log_table} (\"table\") VALUES ('{table}'); END"
        for table in WATCHED
        for name, event in zip(_trigger_names(table, vendor), EVENTS, strict=True)
    ]


def install_triggers(schema_editor) -> None:
    """Create the triggers (a migration runs this; `restore_triggers` again after a
    migration rebuilt one of the watched tables on SQLite, which drops its triggers)."""
    for statement in _install_statements(schema_editor.connection.vendor):
        schema_editor.execute(statement)


def remove_triggers(schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    for table in WATCHED:
        for name in _trigger_names(table, vendor):
            on = f" ON {table}" if vendor == "postgresql" else ""
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}{on}")
    if vendor == "postgresql":
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {_FUNCTION}()")


def missing_triggers() -> list[str]:
    """The triggers that should exist and do not."""
    wanted = {name for table in WATCHED for name in _trigger_names(table, connection.vendor)}
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        present = {row[0] for row in cursor.fetchall()}
    return sorted(wanted - present)


@dataclass
class Snapshot:
    stamp: tuple | None
    mappings: dict[tuple[str, str], str] = field(default_factory=dict)
    items: dict[str, ExamItem] = field(default_factory=dict)
    departments: dict[str, Department] = field(default_factory=dict)
    physicians: dict[str, Staff] = field(default_factory=dict)
    policy_rows: dict[tuple[str, int | None], Any] = field(default_factory=dict)


def _read(stamp: tuple | None) -> Snapshot:
    hospitals = {h.pk: h for h in Hospital.objects.all()}
    departments = {d.pk: d for d in Department.objects.all()}
    for department in departments.values():
        department.hospital = hospitals[department.hospital_id]
    items = {}
    for item in ExamItem.objects.all():
        item.department = departments[item.department_id]
        items[item.code] = item
    by_code: dict[str, Department] = {}
    for department in departments.values():  # in the model's order: the first wins, as .first()
        by_code.setdefault(department.code, department)
    physicians = Staff.objects.filter(physician_title__isnull=False)
    return Snapshot(
        stamp=stamp,
        mappings={(m.kind, m.external_code): m.internal_code for m in CodeMapping.objects.all()},
        items=items,
        departments=by_code,
        physicians={staff.employee_no: staff for staff in physicians},
        policy_rows={(r.key, r.department_id): r.value for r in PolicyValue.objects.all()},
    )


_snapshot: Snapshot | None = None  # shared by the listener's threads; replaced, never changed
# Whether the triggers stand, and when that was last asked: once per process while they do;
# while they do not, again every RECHECK_SECONDS, so restoring them from the interface page
# turns a running listener's cache back on.
_triggers_present: bool | None = None
_checked_at = 0.0
RECHECK_SECONDS = 60.0


def _cache_on() -> bool:
    global _triggers_present, _checked_at
    now = time.monotonic()
    if _triggers_present or (_triggers_present is False and now - _checked_at < RECHECK_SECONDS):
        return bool(_triggers_present)
    missing = missing_triggers()
    if missing:
        log.warning("Reference triggers missing (%s): no reference cache", ", ".join(missing))
    _triggers_present, _checked_at = not missing, now
    return _triggers_present


@transaction.atomic
def restore_triggers(actor) -> list[str]:
    """Create the missing triggers again (after a table was rebuilt without them); returns
    the ones it created. For those who manage the interfaces; audited."""
    from yiji.core.permissions import Action, require

    require(actor, Action.MANAGE_INTERFACES)
    missing = missing_triggers()
    if missing:
        with connection.cursor() as cursor:
            for statement in _install_statements(connection.vendor):
                cursor.execute(statement)
        # What changed while they were missing went unrecorded: moving the stamp makes every
        # listener holding a snapshot from before read the tables again.
        ReferenceChange.objects.create(table="reference_triggers")
        audit.record(
            actor, AuditAction.UPDATE, object_type="reference_triggers",
            after={"restored": missing},
        )  # fmt: skip
    return missing


def _stamp() -> tuple | None:
    if not _cache_on():
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*), coalesce(sum(id), 0), max(at) FROM {ReferenceChange._meta.db_table}"
        )
        count, total, last = cursor.fetchone()
    # The latest time too: SQLite gives a rolled-back row's id to the next row, and a stamp
    # seen inside a transaction that then rolled back (tests do) must not come back.
    return int(count), int(total), str(last)


def current() -> Snapshot:
    """The reference data as it stands for the message being applied. Call it inside the
    message's transaction, so the stamp and what the message writes belong together."""
    global _snapshot
    stamp = _stamp()
    snapshot = _snapshot
    if stamp is not None and snapshot is not None and snapshot.stamp == stamp:
        return snapshot
    fresh = _read(stamp)
    if stamp is not None:
        _snapshot = fresh
    return fresh


def prune() -> int:
    """Keep only the last change row (the nightly clean-up): the stamp moves once, and the
    listeners read the tables once more."""
    last = ReferenceChange.objects.order_by("-pk").values_list("pk", flat=True).first()
    if last is None:
        return 0
    return ReferenceChange.objects.filter(pk__lt=last).delete()[0]
