"""`yiji hl7 serve`: the HL7 v2 MLLP listener. `yiji hl7 send FILE`: send a message file
to an MLLP receiver and print its ACK (for trying an interface by hand)."""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from yiji.interop.accounts import Acting
from yiji.interop.hl7 import inbound, mllp


class Command(BaseCommand):
    help = "HL7 v2 over MLLP: `serve` listens for orders and ADT; `send` sends a message file."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        serve = sub.add_parser("serve", help="listen for HL7 messages")
        serve.add_argument("--host", default="127.0.0.1")
        serve.add_argument("--port", type=int, default=settings.YIJI_HL7_PORT)
        serve.add_argument("--account", default="hl7", help="the interface account to act as")
        send = sub.add_parser("send", help="send one message file and print the ACK")
        send.add_argument("file", type=Path)
        send.add_argument("--host", default="127.0.0.1")
        send.add_argument("--port", type=int, default=2575)

    def handle(self, *args, action: str, **options):
        if action == "send":
            return self._send(options["file"], options["host"], options["port"])
        asyncio.run(self._serve(Acting(options["account"]), options["host"], options["port"]))

    async def _serve(self, actor: Acting, host: str, port: int) -> None:
        server = await mllp.start_server(
            lambda payload, peer: inbound.receive(actor(), payload, peer), host, port
        )
        self.stdout.write(f"Yiji HL7 listening on {host}:{port} (MLLP) as {actor.username}")
        self.stdout.flush()
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        async with server:
            await stop.wait()
        self.stdout.write("HL7 listener stopped.")

    def _send(self, file: Path, host: str, port: int) -> None:
        try:
            payload = file.read_bytes().replace(b"\r\n", b"\r").replace(b"\n", b"\r")
        except OSError as exc:
            raise CommandError(str(exc)) from exc
        ack = mllp.send(host, port, payload)
        self.stdout.write(ack.replace(b"\r", b"\n").decode("utf-8", errors="replace"))
