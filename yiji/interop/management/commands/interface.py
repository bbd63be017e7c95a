"""`yiji interface account NAME [--token] [--client] [--scope id_card]`: make (or find) the
account a hospital system acts as — `hl7`, `dicom`, `fhir` or any other name — and optionally
print a new API token for it, or an OAuth2 client ID and secret (client credentials at
/fhir/r4/auth/token), so a FHIR client need not wait for a listener's first message; grant it
a scope from the reference data (`id_card`: whole ID-card numbers)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from yiji.core import accounts
from yiji.interop.accounts import grant, interface_user
from yiji.interop.fhir import oauth
from yiji.interop.models import Scope


class Command(BaseCommand):
    help = "Make or find an interface account (Role: interface); --token prints a new token."

    def add_arguments(self, parser):
        parser.add_argument("verb", choices=["account"])
        parser.add_argument("name", help="the account's user name, e.g. fhir or his")
        parser.add_argument("--token", action="store_true", help="print a new API token")
        parser.add_argument(
            "--client", action="store_true", help="print a new OAuth2 client ID and secret"
        )
        parser.add_argument(
            "--scope", action="append", default=[], choices=Scope.values,
            help="grant a scope, e.g. id_card (whole ID-card numbers); repeatable",
        )  # fmt: skip

    def handle(self, *args, name: str, token: bool, client: bool, scope: list, **options):
        if not name.strip() or not name.isascii() or not name.replace("-", "").isalnum():
            raise CommandError("the name is letters, digits and hyphens, e.g. fhir or his-1")
        try:
            user = interface_user(name)
        except RuntimeError as exc:  # no hospital set up yet
            raise CommandError(str(exc)) from exc
        self.stderr.write(f"interface account {user.get_username()}: {user.staff.name}")
        for wanted in scope:
            grant(user, wanted)
            self.stderr.write(f"scope granted: {wanted}")
        if token:
            _token, key = accounts.create_token(user, f"{name} interface")
            self.stdout.write(key)
        if client:
            client_id, secret = oauth.register_client(user, f"{name} interface")
            self.stdout.write(f"client_id={client_id}\nclient_secret={secret}")
