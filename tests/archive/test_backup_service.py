"""Backups on record (ARC-6): `yiji backup` and `--verify`, scheduled backups only when the last
good one is older than the interval, retention, a restore test into a scratch database, the
reminder when the last good backup is too old, and the status page."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from yiji.archive import services
from yiji.archive.models import Backup, RestoreTest
from yiji.core.models import Notice, Role

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _folders(settings, tmp_path):
    settings.BACKUP_DIR = tmp_path / "backups"
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.mark.rules("ARC-6")
def test_the_backup_command_and_verify(tmp_path):
    out = StringIO()
    call_command("backup", str(tmp_path / "b1"), stdout=out)
    assert "verified" in out.getvalue()
    assert Backup.objects.get().ok
    # Patient data: the folder and every file in it are its owner's only.
    made = [tmp_path / "b1", *(tmp_path / "b1").rglob("*")]
    assert all(path.stat().st_mode & 0o077 == 0 for path in made)
    call_command("backup", str(tmp_path / "b1"), "--verify", stdout=out)
    (tmp_path / "b1" / "manifest.json").write_text("[]")
    with pytest.raises(CommandError, match="does not verify"):
        call_command("backup", str(tmp_path / "b1"), "--verify")
    with pytest.raises(CommandError, match="not empty"):
        call_command("backup", str(tmp_path / "b1"))


@pytest.mark.rules("ARC-6")
def test_scheduled_backups_follow_the_interval_and_keep_the_policy_number(time_machine, make_staff):
    director = make_staff(Role.DIRECTOR, whole_hospital=True)
    time_machine.move_to(dt.datetime(2026, 11, 23, 1, 0, tzinfo=dt.UTC), tick=False)
    assert services.status().too_old
    assert services.remind() == 1 and Notice.objects.filter(recipient=director, rule="ARC-6")
    first = services.scheduled()
    assert first.ok and services.scheduled() is None  # within the 24-hour interval
    from yiji.core import policy

    policy.change(director.user, "arc.backup_keep", 2, hospital=director.hospital)
    for hour in (26, 51, 76):
        time_machine.move_to(
            dt.datetime(2026, 11, 23, 1, 0, tzinfo=dt.UTC) + dt.timedelta(hours=hour), tick=False
        )
        assert services.scheduled().ok
    kept = Backup.objects.filter(removed_at__isnull=True)
    assert kept.count() == 2
    first.refresh_from_db()
    assert first.removed_at is not None and not Path(first.path).exists()
    assert not services.status().too_old


@pytest.mark.rules("ARC-6")
def test_a_restore_test_proves_the_last_backup(make_staff):
    make_staff(Role.DIRECTOR, whole_hospital=True)
    assert not services.restore_test().ok  # nothing to restore yet
    services.run_backup()
    result = services.restore_test()
    assert result.ok and "审计链" in result.report
    assert services.status().last_restore == result
    assert RestoreTest.objects.count() == 2


@pytest.mark.rules("ARC-6")
def test_the_status_page(client_for, make_staff):
    admin = make_staff(Role.ADMIN)
    page = client_for(admin).get("/archive/backups/").content.decode()
    assert "尚无成功的备份" in page
    client_for(admin).post(
        "/archive/backups/", {"action": "backup"}
    )  # the task runs at once in tests
    assert Backup.objects.get().ok
    assert "已核验" in client_for(admin).get("/archive/backups/").content.decode()
    assert client_for(make_staff(Role.TECHNOLOGIST)).get("/archive/backups/").status_code == 403
