"""`yiji interface account NAME [--token]`: make (or find) the account a hospital system acts
as — `hl7`, `dicom`, `fhir` or any other name — and optionally print a new API token for it,
so a FHIR client gets its token without waiting for a listener's first message."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from yiji.core import accounts
from yiji.interop.accounts import interface_user


class Command(BaseCommand):
    help = "Make or find an interface account (Role: interface); --token prints a new token."

    def add_arguments(self, parser):
        parser.add_argument("verb", choices=["account"])
        parser.add_argument("name", help="the account's user name, e.g. fhir or his")
        parser.add_argument("--token", action="store_true", help="print a new API token")

    def handle(self, *args, name: str, token: bool, **options):
        if not name.strip() or not name.isascii() or not name.replace("-", "").isalnum():
            raise CommandError("the name is letters, digits and hyphens, e.g. fhir or his-1")
        try:
            user = interface_user(name)
        except RuntimeError as exc:  # no hospital set up yet
            raise CommandError(str(exc)) from exc
        self.stderr.write(f"interface account {user.get_username()}: {user.staff.name}")
        if token:
            _token, key = accounts.create_token(user, f"{name} interface")
            self.stdout.write(key)
