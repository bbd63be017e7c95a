"""`yiji demo`: load the demo hospital (once) and print the demo accounts."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from yiji.core.models import Hospital
from yiji.site.demo import hospital, parts


class Command(BaseCommand):
    help = "Load a believable demo hospital (idempotent) and print the demo accounts."

    def handle(self, *args, **options):
        if Hospital._meta.db_table not in connection.introspection.table_names():
            raise CommandError("数据库尚未建立，请先运行 yiji migrate。(Run `yiji migrate` first.)")
        loaded = [said for load, said in parts() if load()]
        for said in loaded:
            self.stdout.write(said)
        if not loaded:
            self.stdout.write("Demo hospital already loaded; nothing added.")
        self.stdout.write(f"\nYiji: http://127.0.0.1:{settings.YIJI_PORT}/")
        self.stdout.write(f"Demo accounts (password {hospital.DEMO_PASSWORD}):")
        for person in hospital.DEMO_ACCOUNTS:
            roles = ", ".join(str(role.label) for role in person.roles)
            self.stdout.write(f"  {person.username:12} {person.name}  {roles}")
