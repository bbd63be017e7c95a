"""`yiji demo`: load the demo hospital (once) and print the demo accounts."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand

from yiji.core import demo


class Command(BaseCommand):
    help = "Load a believable demo hospital (idempotent) and print the demo accounts."

    def handle(self, *args, **options):
        from yiji.orders import demo as clinical_demo

        if demo.load():
            self.stdout.write("Demo hospital loaded.")
        else:
            self.stdout.write("Demo hospital already loaded; nothing added.")
        if clinical_demo.load():
            self.stdout.write("Demo catalogue, a week of bookings and a day in progress loaded.")
        from yiji.reports import demo as report_demo

        if report_demo.load():
            self.stdout.write("Demo reports and a critical result loaded.")
        from yiji.equipment import demo as equipment_demo

        if equipment_demo.load():
            self.stdout.write(
                "Demo devices with plans and licences, supplies and protection loaded."
            )
        from yiji.quality import demo as quality_demo

        if quality_demo.load():
            self.stdout.write("Demo surveys, a QC inspection and a summary draft loaded.")
        from yiji.people import demo as people_demo

        if people_demo.load():
            self.stdout.write("Demo roster, handovers, leave, doses and incidents loaded.")
        from yiji.lab import demo as lab_demo

        if lab_demo.load():
            self.stdout.write("Demo lab catalogue, QC, EQA and a day's specimens loaded.")
        self.stdout.write(f"\nYiji: http://127.0.0.1:{settings.YIJI_PORT}/")
        self.stdout.write(f"Demo accounts (password {demo.DEMO_PASSWORD}):")
        for person in demo.DEMO_ACCOUNTS:
            roles = ", ".join(str(role.label) for role in person.roles)
            self.stdout.write(f"  {person.username:12} {person.name}  {roles}")
