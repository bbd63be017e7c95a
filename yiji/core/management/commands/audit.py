"""`yiji audit verify`: check the audit log's hash chain."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from yiji.core import audit


class Command(BaseCommand):
    help = "Audit log tools. `verify` checks every entry's hash and link to the one before."

    def add_arguments(self, parser):
        parser.add_argument("verb", choices=["verify"])

    def handle(self, *args, **options):
        checked = 0
        for result in audit.verify():
            if isinstance(result, audit.ChainProblem):
                # The walk is in order and stops at the first problem: every entry before
                # it was checked and is intact.
                raise CommandError(
                    f"audit log broken at entry {result.seq}: {result.problem} "
                    f"({result.seq - 1} entries before it are intact)"
                )
            checked = result
        self.stdout.write(f"audit log intact: {checked} entries")
