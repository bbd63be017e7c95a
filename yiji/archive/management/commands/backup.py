"""`yiji backup DIR` writes a backup while Yiji runs; `yiji backup --verify DIR` checks one."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from yiji.archive import backup, services


class Command(BaseCommand):
    help = "Back up the database and uploaded files into DIR (ARC-6), or --verify a backup."

    def add_arguments(self, parser):
        parser.add_argument("folder", help="a new or empty folder")
        parser.add_argument("--verify", action="store_true", help="check an existing backup")

    def handle(self, *args, folder, verify, **options):
        if verify:
            problems = backup.verify(folder)
            if problems:
                raise CommandError("backup does not verify:\n  " + "\n  ".join(problems))
            manifest = backup.manifest_of(folder)
            self.stdout.write(
                f"backup verified: {len(manifest['files'])} files, "
                f"{sum(manifest['counts'].values())} rows, audit head "
                f"{manifest['audit'].get('last_seq', 0)}"
            )
            return
        if "archive_backup" not in connection.introspection.table_names():
            raise CommandError("the database is not up to date: run `yiji migrate` first")
        record = services.run_backup(folder)
        if not record.ok:
            raise CommandError(f"backup failed: {record.problem}")
        self.stdout.write(f"backup written and verified: {record.path} ({record.size_bytes} bytes)")
