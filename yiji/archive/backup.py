"""Backup and restore (ARC-6). A backup is a folder: the database as one consistent snapshot
taken while Yiji runs (SQLite's online backup API; `pg_dump` inside an exported snapshot on
PostgreSQL), the uploaded files, and `manifest.json` with every file's size and SHA-256, each
table's row count in that snapshot and the audit chain's head. `verify` re-checks all of it;
`restore` puts a verified backup into an empty database and proves the counts and the audit
chain on what it restored."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path

from django.conf import settings
from django.db import connections
from django.utils import timezone

from yiji.core import audit
from yiji.core.models import AuditEntry

MANIFEST = "manifest.json"
FORMAT = 1
SQLITE_FILE, PG_FILE = "db.sqlite3", "db.dump"


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why."""


def engine(database: dict) -> str:
    return "postgresql" if "postgresql" in database["ENGINE"] else "sqlite"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _files(folder: Path) -> list[dict]:
    rows = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and p.name != MANIFEST):
        rows.append(
            {"path": path.relative_to(folder).as_posix(), "size": path.stat().st_size,
             "sha256": _sha256(path)}
        )  # fmt: skip
    return rows


# ------------------------------------------------------------------------------ SQLite


def _sqlite_tables(db: sqlite3.Connection) -> list[str]:
    rows = db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "ORDER BY name"
    )
    return [name for (name,) in rows]


def _sqlite_counts(path: Path) -> tuple[dict[str, int], dict]:
    with closing(sqlite3.connect(path)) as db:
        counts = {
            t: db.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in _sqlite_tables(db)
        }
        head = db.execute("SELECT last_seq, last_hash FROM core_audithead WHERE id = 1").fetchone()
    return counts, {"last_seq": head[0], "last_hash": head[1]} if head else {}


def _sqlite_snapshot(source: str, target: Path) -> tuple[dict[str, int], dict]:
    with (
        closing(sqlite3.connect(source, timeout=30)) as src,
        closing(sqlite3.connect(target)) as dst,
    ):
        # One step copies the whole database under one read transaction: a consistent
        # snapshot, while writers go on in the WAL.
        src.backup(dst, pages=-1)
    return _sqlite_counts(target)


# -------------------------------------------------------------------------- PostgreSQL


def _pg_args(database: dict) -> tuple[list[str], dict]:
    args = []
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if database.get(key):
            args += [flag, str(database[key])]
    env = {**os.environ}
    if database.get("PASSWORD"):
        env["PGPASSWORD"] = str(database["PASSWORD"])
    return args, env


def _pg_connect(database: dict, name: str | None = None):
    import psycopg

    return psycopg.connect(
        dbname=name or database["NAME"], host=database.get("HOST") or None,
        port=database.get("PORT") or None, user=database.get("USER") or None,
        password=database.get("PASSWORD") or None,
    )  # fmt: skip


def _pg_tables(cursor) -> list[str]:
    cursor.execute(
        "SELECT table_name FROM information_schema.tables "
        "WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name"
    )
    return [name for (name,) in cursor.fetchall()]


def _pg_counts(cursor) -> tuple[dict[str, int], dict]:
    from psycopg import sql

    counts = {}
    for table in _pg_tables(cursor):
        cursor.execute(sql.SQL("SELECT COUNT(*) FROM {}").format(sql.Identifier(table)))
        counts[table] = cursor.fetchone()[0]
    head = {}
    if "core_audithead" in counts:
        cursor.execute("SELECT last_seq, last_hash FROM core_audithead WHERE id = 1")
        row = cursor.fetchone()
        head = {"last_seq": row[0], "last_hash": row[1]} if row else {}
    return counts, head


def _pg_snapshot(database: dict, target: Path) -> tuple[dict[str, int], dict]:
    """Count the rows and dump the database in the same exported snapshot, so the manifest
    describes exactly what was dumped."""
    import psycopg

    with closing(_pg_connect(database)) as conn:
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        conn.read_only = True
        with conn.cursor() as cursor:
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            counts, head = _pg_counts(cursor)
            args, env = _pg_args(database)
            done = subprocess.run(
                ["pg_dump", "--format=custom", "--no-owner", f"--snapshot={snapshot}",
                 f"--file={target}", *args, database["NAME"]],
                env=env, capture_output=True, text=True,
            )  # fmt: skip
        conn.rollback()
    if done.returncode != 0:
        raise BackupError(f"pg_dump failed: {done.stderr.strip()[:500]}")
    return counts, head


# ------------------------------------------------------------------------------ backup


def create(target: Path | str, *, database: dict | None = None, media_root=None) -> dict:
    """Write a backup into `target` (a new or empty folder) and return its manifest."""
    database = database or connections["default"].settings_dict
    media_root = Path(media_root or settings.MEDIA_ROOT)
    target = Path(target)
    if target.exists() and any(target.iterdir()):
        raise BackupError(f"{target} is not empty")
    target.mkdir(parents=True, exist_ok=True)
    started = timezone.now()
    kind = engine(database)
    if kind == "sqlite":
        counts, head = _sqlite_snapshot(database["NAME"], target / SQLITE_FILE)
    else:
        counts, head = _pg_snapshot(database, target / PG_FILE)
    if media_root.is_dir():
        shutil.copytree(media_root, target / "media")
    manifest = {
        "format": FORMAT,
        "engine": kind,
        "started_at": started.isoformat(),
        "finished_at": timezone.now().isoformat(),
        "counts": counts,
        "audit": head,
        "files": _files(target),
    }
    (target / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True))
    _owner_only(target)
    return manifest


def _owner_only(folder: Path) -> None:
    """A backup holds every patient's record: readable by its owner only (ARC-5)."""
    folder.chmod(0o700)
    for path in folder.rglob("*"):
        path.chmod(0o700 if path.is_dir() else 0o600)


def manifest_of(folder: Path | str) -> dict:
    path = Path(folder) / MANIFEST
    try:
        manifest = json.loads(path.read_text())
    except FileNotFoundError:
        raise BackupError(f"{path} is missing") from None
    except (ValueError, UnicodeDecodeError):
        raise BackupError(f"{path} is not a readable manifest") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{path} is not a Yiji backup manifest")
    return manifest


def verify(folder: Path | str) -> list[str]:
    """Every problem found in a backup; an empty list means it is whole."""
    folder = Path(folder)
    try:
        manifest = manifest_of(folder)
    except BackupError as error:
        return [str(error)]
    problems = []
    for entry in manifest.get("files", []):
        path = folder / entry["path"]
        if not path.is_file():
            problems.append(f"{entry['path']}: missing")
        elif path.stat().st_size != entry["size"] or _sha256(path) != entry["sha256"]:
            problems.append(f"{entry['path']}: changed since the backup (checksum differs)")
    listed = {entry["path"] for entry in manifest.get("files", [])}
    database = SQLITE_FILE if manifest["engine"] == "sqlite" else PG_FILE
    if database not in listed:
        problems.append(f"{database}: not in the manifest")
    if problems:
        return problems
    if manifest["engine"] == "sqlite":
        try:
            with closing(sqlite3.connect(f"file:{folder / SQLITE_FILE}?mode=ro", uri=True)) as db:
                result = db.execute("PRAGMA integrity_check").fetchone()[0]
            if result != "ok":
                problems.append(f"{SQLITE_FILE}: integrity check failed: {result}")
            elif _sqlite_counts(folder / SQLITE_FILE)[0] != manifest["counts"]:
                problems.append(f"{SQLITE_FILE}: row counts differ from the manifest")
        except sqlite3.DatabaseError as error:
            problems.append(f"{SQLITE_FILE}: not a readable database ({error})")
    else:
        listing = subprocess.run(
            ["pg_restore", "--list", str(folder / PG_FILE)], capture_output=True, text=True
        )
        if listing.returncode != 0:
            problems.append(f"{PG_FILE}: pg_restore cannot read it: {listing.stderr.strip()[:300]}")
    return problems


# ----------------------------------------------------------------------------- restore


def restore(folder: Path | str, *, database: dict | None = None, media_root=None) -> dict:
    """Restore a verified backup into an empty database (and an empty media folder), then
    prove it: every table's row count equals the manifest's and the audit chain verifies up
    to the head the backup recorded."""
    folder = Path(folder)
    problems = verify(folder)
    if problems:
        raise BackupError("the backup does not verify: " + "; ".join(problems))
    manifest = manifest_of(folder)
    database = dict(database or connections["default"].settings_dict)
    media_root = Path(media_root or settings.MEDIA_ROOT)
    if engine(database) != manifest["engine"]:
        raise BackupError(f"a {manifest['engine']} backup cannot go into {engine(database)}")
    if media_root.exists() and any(media_root.iterdir()):
        raise BackupError(f"{media_root} is not empty")
    if manifest["engine"] == "sqlite":
        _restore_sqlite(folder, database)
    else:
        _restore_pg(folder, database)
    if (folder / "media").is_dir():
        media_root.parent.mkdir(parents=True, exist_ok=True)
        if media_root.exists():
            media_root.rmdir()
        shutil.copytree(folder / "media", media_root)
    return _prove(manifest, database)


def _restore_sqlite(folder: Path, database: dict) -> None:
    target = Path(database["NAME"])
    if target.exists() and target.stat().st_size:
        with closing(sqlite3.connect(target)) as db:
            if _sqlite_tables(db):
                raise BackupError(f"{target} is not empty: a restore goes into an empty database")
    target.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(folder / SQLITE_FILE, target)


def _restore_pg(folder: Path, database: dict) -> None:
    with closing(_pg_connect(database)) as conn, conn.cursor() as cursor:
        if _pg_tables(cursor):
            raise BackupError(
                f"database {database['NAME']} is not empty: a restore goes into an empty one"
            )
    args, env = _pg_args(database)
    done = subprocess.run(
        ["pg_restore", "--no-owner", "--exit-on-error", f"--dbname={database['NAME']}", *args,
         str(folder / PG_FILE)],
        env=env, capture_output=True, text=True,
    )  # fmt: skip
    if done.returncode != 0:
        raise BackupError(f"pg_restore failed: {done.stderr.strip()[:500]}")


def _prove(manifest: dict, database: dict) -> dict:
    if manifest["engine"] == "sqlite":
        counts, head = _sqlite_counts(Path(database["NAME"]))
    else:
        with closing(_pg_connect(database)) as conn, conn.cursor() as cursor:
            counts, head = _pg_counts(cursor)
    differ = sorted(t for t in manifest["counts"] if counts.get(t) != manifest["counts"][t])
    if differ:
        raise BackupError(f"row counts differ after the restore: {', '.join(differ[:10])}")
    if head != manifest["audit"]:
        raise BackupError("the audit chain's head differs from the backup's")
    checked = 0
    for result in audit.check_chain(
        _audit_entries(manifest["engine"], database), lambda: _head(head)
    ):
        if isinstance(result, audit.ChainProblem):
            raise BackupError(f"audit chain broken at entry {result.seq}: {result.problem}")
        checked = result
    return {"tables": len(counts), "rows": sum(counts.values()), "audit_entries": checked}


AUDIT_COLUMNS = (
    "seq", "at", "actor_id", "actor_name", "action", "object_type", "object_id", "object_repr",
    "patient_id", "before", "after", "reason", "ip", "prev_hash", "hash",
)  # fmt: skip


def _head(head: dict) -> tuple[int, str] | None:
    return (head["last_seq"], head["last_hash"]) if head else None


def _entry(row) -> AuditEntry:
    """An audit entry as the ORM would load it, from a raw row of the restored database."""
    values = dict(zip(AUDIT_COLUMNS, row, strict=True))
    if isinstance(values["at"], str):  # SQLite keeps UTC text
        values["at"] = dt.datetime.fromisoformat(values["at"]).replace(tzinfo=dt.UTC)
    for key in ("before", "after"):
        if isinstance(values[key], str):
            values[key] = json.loads(values[key])
    return AuditEntry(**values)


def _audit_entries(kind: str, database: dict):
    """Read the restored audit log in order without Django's connection, so the check runs on
    the copy, not on the live database."""
    query = f"SELECT {', '.join(AUDIT_COLUMNS)} FROM core_auditentry ORDER BY seq"
    if kind == "sqlite":
        with closing(sqlite3.connect(database["NAME"])) as db:
            for row in db.execute(query):
                yield _entry(row)
        return
    with closing(_pg_connect(database)) as conn, conn.cursor(name="audit") as cursor:
        cursor.execute(query)
        for row in cursor:
            yield _entry(row)
