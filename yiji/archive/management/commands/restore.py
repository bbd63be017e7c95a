"""`yiji restore DIR` restores a verified backup into the configured (empty) database;
`yiji restore --test DIR` restores it into a scratch database and drops it again."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from yiji.archive import backup, services


class Command(BaseCommand):
    help = "Restore a backup into an empty database and prove counts and the audit chain."

    def add_arguments(self, parser):
        parser.add_argument("folder")
        parser.add_argument(
            "--test", action="store_true", help="restore into a scratch database (a drill)"
        )

    def handle(self, *args, folder, test, **options):
        if test:
            if "archive_backup" not in connection.introspection.table_names():
                raise CommandError("the database is not up to date: run `yiji migrate` first")
            result = services.restore_test(folder)
            if not result.ok:
                raise CommandError(f"restore test failed: {result.report}")
            self.stdout.write(f"restore test passed: {result.report}")
            return
        connection.close()  # the restored file or database is opened afresh afterwards
        try:
            result = backup.restore(folder)
        except backup.BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"restored: {result['tables']} tables, {result['rows']} rows as in the manifest; "
            f"audit chain verified over {result['audit_entries']} entries"
        )
