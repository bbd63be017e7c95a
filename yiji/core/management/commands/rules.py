"""`yiji rules [--json]`: every rule ID of RULES.md with its status."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand

from yiji.core import rulebook


class Command(BaseCommand):
    help = "List every rule of RULES.md: implemented (with function and tests) or planned."

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="print JSON")

    def handle(self, *args, **options):
        rows = rulebook.statuses()
        if options["json"]:
            self.stdout.write(
                json.dumps([row.as_json() for row in rows], ensure_ascii=False, indent=2)
            )
            return
        for row in rows:
            self.stdout.write(f"{row.rule.id:7} {row.status:12} {row.rule.en}")
        done = sum(r.implemented for r in rows)
        self.stdout.write(f"{done} of {len(rows)} rules implemented")
