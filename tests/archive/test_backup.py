"""Backup and restore (ARC-6): a backup taken while writes go on restores into an empty
database — on the engine the suite runs on, SQLite or PostgreSQL — with every table's row
count as the manifest says and the audit chain verifying; a corrupted or tampered backup is
caught by verify, and restore refuses it and refuses a database that is not empty."""

from __future__ import annotations

import threading
import uuid
from contextlib import closing

import pytest
from django.db import connection, connections

from yiji.archive import backup
from yiji.core import audit
from yiji.core.models import AuditAction, Hospital, HospitalLevel

pytestmark = pytest.mark.django_db(transaction=True)


def _writes(stop: threading.Event, written: list[int]) -> None:
    """Another connection keeps writing audited records during the backup."""
    try:
        while not stop.is_set():
            n = len(written)
            hospital = Hospital.objects.create(
                code=f"W{n}", name=f"写入医院{n}", level=HospitalLevel.PRIMARY
            )
            audit.record(None, AuditAction.CREATE, hospital)
            written.append(hospital.pk)
    finally:
        connections.close_all()


@pytest.fixture
def empty_target(tmp_path):
    """An empty database of the suite's engine to restore into; dropped afterwards."""
    database = dict(connection.settings_dict)
    if backup.engine(database) == "sqlite":
        database["NAME"] = str(tmp_path / "restored.sqlite3")
        yield database
        return
    name = f"yiji_restore_{uuid.uuid4().hex[:8]}"
    with closing(backup._pg_connect(database, "postgres")) as admin:
        admin.autocommit = True
        admin.execute(f'CREATE DATABASE "{name}"')
    database["NAME"] = name
    yield database
    with closing(backup._pg_connect(database, "postgres")) as admin:
        admin.autocommit = True
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.rules("ARC-6")
def test_a_backup_taken_during_writes_restores_consistently(tmp_path, settings, empty_target):
    media = tmp_path / "media"
    (media / "devices").mkdir(parents=True)
    (media / "devices" / "manual.pdf").write_bytes(b"%PDF-1.4 manual")
    settings.MEDIA_ROOT = media
    for n in range(20):
        audit.record(None, AuditAction.CREATE, Hospital.objects.create(
            code=f"H{n}", name=f"医院{n}", level=HospitalLevel.PRIMARY))  # fmt: skip
    stop, written = threading.Event(), []
    writer = threading.Thread(target=_writes, args=(stop, written))
    writer.start()
    try:
        while len(written) < 5:  # the writer is going
            stop.wait(0.01)
        manifest = backup.create(tmp_path / "backup")
        during = len(written)
    finally:
        stop.set()
        writer.join()
    assert during > 5 and len(written) >= during  # writes went on while the backup ran
    assert backup.verify(tmp_path / "backup") == []
    snapshot = manifest["counts"]["core_hospital"]
    assert 25 <= snapshot <= 20 + len(written)  # a moment inside the writes
    assert manifest["counts"]["core_auditentry"] == manifest["audit"]["last_seq"]
    result = backup.restore(tmp_path / "backup", database=empty_target,
                            media_root=tmp_path / "restored-media")  # fmt: skip
    assert result["audit_entries"] == manifest["audit"]["last_seq"]
    assert (
        tmp_path / "restored-media" / "devices" / "manual.pdf"
    ).read_bytes() == b"%PDF-1.4 manual"
    with pytest.raises(backup.BackupError, match="not empty"):
        backup.restore(tmp_path / "backup", database=empty_target, media_root=tmp_path / "other")


@pytest.mark.rules("ARC-6")
def test_a_corrupted_backup_is_caught(tmp_path, settings, empty_target):
    settings.MEDIA_ROOT = tmp_path / "no-media"
    audit.record(None, AuditAction.CREATE, Hospital.objects.create(
        code="H1", name="医院", level=HospitalLevel.PRIMARY))  # fmt: skip
    folder = tmp_path / "backup"
    manifest = backup.create(folder)
    assert backup.verify(folder) == []
    database = next(f["path"] for f in manifest["files"] if f["path"].startswith("db."))
    data = bytearray((folder / database).read_bytes())
    data[len(data) // 2] ^= 0xFF  # one flipped byte in the middle of the database
    (folder / database).write_bytes(bytes(data))
    problems = backup.verify(folder)
    assert problems and "checksum" in problems[0]
    with pytest.raises(backup.BackupError, match="does not verify"):
        backup.restore(folder, database=empty_target, media_root=tmp_path / "m")
    (folder / "manifest.json").write_text("{not json")
    assert "not a readable manifest" in backup.verify(folder)[0]
    (folder / "manifest.json").unlink()
    assert "missing" in backup.verify(folder)[0]
    with pytest.raises(backup.BackupError, match="not empty"):
        backup.create(folder)
