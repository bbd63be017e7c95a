"""Backups kept on record (ARC-6): each run, scheduled or by hand, is a Backup row with its
verification; scheduled ones run when the last good backup is older than the policy interval
and keep the policy number; a restore test puts a backup into a scratch database and proves
it; the director and the administrators are told when the last good backup is too old or a
restore test is due."""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
import tempfile
import uuid
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone

from yiji.archive import backup
from yiji.archive.models import Backup, RestoreTest
from yiji.core import notices, policy
from yiji.core.calendar import add_months
from yiji.core.models import Role
from yiji.core.rulebook import carries_out


def _size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


@carries_out("ARC-6")
def run_backup(folder: Path | str | None = None, *, scheduled: bool = False) -> Backup:
    """Take a backup into `folder` (by default a new timestamped folder under BACKUP_DIR),
    verify it, and keep the result."""
    folder = Path(folder or settings.BACKUP_DIR / timezone.localtime().strftime("%Y%m%d-%H%M%S"))
    record = Backup.objects.create(
        path=str(folder), engine=backup.engine(connection.settings_dict), scheduled=scheduled
    )
    try:
        backup.create(folder)
        problems = backup.verify(folder)
    except (backup.BackupError, OSError) as error:
        problems = [str(error)]
    record.finished_at = timezone.now()
    record.ok = not problems
    record.problem = "\n".join(problems)
    if folder.is_dir():
        record.size_bytes = _size(folder)
        manifest = folder / backup.MANIFEST
        if manifest.is_file():
            record.manifest_sha256 = hashlib.sha256(manifest.read_bytes()).hexdigest()
    record.save()
    return record


def last_good() -> Backup | None:
    return Backup.objects.filter(ok=True, removed_at__isnull=True).order_by("-finished_at").first()


@dataclass(frozen=True)
class Status:
    last: Backup | None
    too_old: bool
    interval_hours: int
    last_restore: RestoreTest | None
    restore_due: dt.date | None


@carries_out("ARC-6")
def status() -> Status:
    hours = policy.value("arc.backup_interval_hours")
    last = last_good()
    too_old = last is None or timezone.now() - last.finished_at > dt.timedelta(hours=hours)
    restore = RestoreTest.objects.filter(ok=True).first()
    months = policy.value("arc.restore_test_interval_months")
    start = restore.at.date() if restore else (last.finished_at.date() if last else None)
    return Status(last, too_old, hours, restore, add_months(start, months) if start else None)


@carries_out("ARC-6")
def prune() -> int:
    """Keep the policy number of good scheduled backups; remove the folders of older ones."""
    keep = policy.value("arc.backup_keep")
    old = Backup.objects.filter(scheduled=True, ok=True, removed_at__isnull=True).order_by(
        "-finished_at"
    )[keep:]
    removed = 0
    for record in old:
        shutil.rmtree(record.path, ignore_errors=True)
        record.removed_at = timezone.now()
        record.save(update_fields=["removed_at"])
        removed += 1
    return removed


@carries_out("ARC-6")
def scheduled() -> Backup | None:
    """The task queue's hourly call: a backup when the last good one is older than the
    interval (none running), then the retention."""
    running = Backup.objects.filter(
        finished_at__isnull=True, started_at__gte=timezone.now() - dt.timedelta(hours=6)
    )
    if not status().too_old or running.exists():
        return None
    record = run_backup(scheduled=True)
    if record.ok:
        prune()
    return record


def _scratch(database: dict):
    """An empty database of the same engine to restore into, and how to drop it."""
    if backup.engine(database) == "sqlite":
        folder = Path(tempfile.mkdtemp(prefix="yiji-restore-"))
        return (
            {**database, "NAME": str(folder / "restored.sqlite3")},
            folder,
            (lambda: shutil.rmtree(folder, ignore_errors=True)),
        )
    name = f"yiji_restore_{uuid.uuid4().hex[:12]}"
    with closing(backup._pg_connect(database, "postgres")) as admin:
        admin.autocommit = True
        admin.execute(f'CREATE DATABASE "{name}"')
    folder = Path(tempfile.mkdtemp(prefix="yiji-restore-"))

    def drop():
        with closing(backup._pg_connect(database, "postgres")) as admin:
            admin.autocommit = True
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        shutil.rmtree(folder, ignore_errors=True)

    return {**database, "NAME": name}, folder, drop


@carries_out("ARC-6")
def restore_test(folder: Path | str | None = None) -> RestoreTest:
    """Restore a backup (the last good one by default) into a scratch database, prove it,
    drop the scratch copy, and keep what it found."""
    if folder is None:
        last = last_good()
        if last is None:
            return RestoreTest.objects.create(path="", ok=False, report="没有可用的备份。")
        folder = last.path
    database, scratch, drop = _scratch(connection.settings_dict)
    try:
        result = backup.restore(folder, database=database, media_root=scratch / "media")
    except (backup.BackupError, OSError) as error:
        return RestoreTest.objects.create(path=str(folder), ok=False, report=str(error))
    finally:
        drop()
    report = (
        f"{result['tables']}张表、{result['rows']}行与备份清单一致；"
        f"审计链{result['audit_entries']}条核验通过"
    )
    return RestoreTest.objects.create(path=str(folder), ok=True, report=report)


@carries_out("ARC-6")
def remind() -> int:
    """The director and the administrators, once a day, when the last good backup is too old
    or a restore test is due."""
    now = status()
    people = notices.holders(Role.DIRECTOR) + notices.holders(Role.ADMIN)
    today = timezone.localdate()
    sent = 0
    if now.too_old:
        when = (
            f"最近一次成功备份在{timezone.localtime(now.last.finished_at):%Y-%m-%d %H:%M}"
            if now.last
            else "尚无成功的备份"
        )
        sent += notices.notify(
            people, "ARC-6", f"backup-old:{today:%Y%m%d}",
            f"{when}，超过{now.interval_hours}小时的备份间隔。", "/archive/backups/",
        )  # fmt: skip
    if now.restore_due and now.restore_due <= today:
        sent += notices.notify(
            people, "ARC-6", f"restore-due:{now.restore_due:%Y%m%d}",
            f"备份恢复演练应于{now.restore_due}前进行。", "/archive/backups/",
        )  # fmt: skip
    return sent
