"""`yiji lab_catalogue [--department CODE]`: put the starting lab catalogue (panels, tests,
reference ranges, critical limits) in place for the laboratory (idempotent)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from yiji.core.models import Department, DepartmentKind
from yiji.lab import catalogue


class Command(BaseCommand):
    help = "Load the starting lab catalogue for the laboratory department (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--department", help="the lab department's code (default: the one)")

    def handle(self, *args, department=None, **options):
        labs = Department.objects.filter(kind=DepartmentKind.LAB)
        if department:
            labs = labs.filter(code=department)
        if labs.count() != 1:
            raise CommandError(
                "Name the laboratory with --department CODE (no single lab department found)."
            )
        added = catalogue.load(labs.get())
        self.stdout.write(f"{added} lab panels added.")
