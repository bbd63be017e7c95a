"""HL7 ORM^O01 throughput: messages a second acknowledged after commit by `yiji hl7 serve`
(each one parsed, checked against ORD-1, made into a requisition and committed before its
ACK), beside the `hl7` library's parse-only rate on the same messages. The ratio is the
figure: what applying and committing costs over reading.

    .venv/bin/python bench/hl7_orm.py --messages 2000 --connections 1,4
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

START, END = b"\x0b", b"\x1c\r"


def _obr(n: int) -> str:
    fields = {1: "1", 2: f"BO{n:08d}", 4: "CT-HEAD^头颅CT平扫^L", 13: "头痛三天",
              16: "D001^李^医生", 31: "^排除脑出血"}  # fmt: skip
    return "|".join(["OBR"] + [fields.get(i, "") for i in range(1, 32)])


def message(n: int) -> str:
    return (
        "\r".join(
            [
                f"MSH|^~\\&|HIS|H1|YIJI|RAD|20261123080000||ORM^O01^ORM_O01|B{n:08d}|P|2.5.1"
                "|||||CHN|UNICODE UTF-8",
                f"PID|1||BH{n % 5000:06d}^^^H1^PI||王^{n % 97}号||19800101|M",
                "PV1|1|O|ED",
                f"ORC|NW|BO{n:08d}|||||^^^^^R|||||D001^李^医生|||||ED^急诊科",
                _obr(n),
                "DG1|1||R51^头痛^ICD10",
            ]
        )
        + "\r"
    )


def setup() -> None:
    if "DATABASE_URL" not in os.environ:
        bench_dir = ROOT / "var" / "bench"
        bench_dir.mkdir(parents=True, exist_ok=True)
        db = bench_dir / "hl7.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{db}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yiji.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from yiji.core.models import Department, DepartmentKind, Hospital
    from yiji.orders.catalogue import load_demo_catalogue
    from yiji.orders.models import ExamItem
    from yiji.site.demo import hospital as demo

    call_command("migrate", verbosity=0)
    demo.load()
    load_demo_catalogue()
    hospital = Hospital.objects.first()
    Department.objects.get_or_create(
        code="ED",
        defaults={"hospital": hospital, "name": "急诊科", "kind": DepartmentKind.CLINICAL},
    )
    if not ExamItem.objects.filter(code="CT-HEAD").exists():
        item = ExamItem.objects.filter(modality="CT").first()
        item.pk, item.code = None, "CT-HEAD"
        item.save()


def parse_rate(texts: list[str]) -> float:
    import hl7

    started = time.perf_counter()
    for text in texts:
        hl7.parse(text)
    return len(texts) / (time.perf_counter() - started)


def send_all(port: int, payloads: list[bytes], acks: list[bytes]) -> None:
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        buffer = b""
        for payload in payloads:
            sock.sendall(START + payload + END)
            while END not in buffer:
                chunk = sock.recv(65536)
                if not chunk:  # the listener closed the connection: stop, never spin
                    raise ConnectionError(f"closed without an ACK after {len(acks)} messages")
                buffer += chunk
            ack, buffer = buffer.split(END, 1)
            acks.append(ack)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--connections", default="1,4")
    parser.add_argument("--json", help="also write the figures to this file (bench/run.py)")
    args = parser.parse_args()
    saved: dict = {"applied": {}, "accepted": {}}
    setup()
    texts = [message(n) for n in range(args.messages * 2)]
    parsed = parse_rate(texts)
    port = free_port()
    server = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "yiji"), "hl7", "serve", "--port", str(port)],
        env=os.environ.copy(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.1)
        print(f"hl7 library parse only: {parsed:,.0f} messages/s")
        saved["parse"] = parsed
        offset = 0
        for connections in [int(c) for c in args.connections.split(",")]:
            batch = [t.encode() for t in texts[offset : offset + args.messages]]
            offset += args.messages
            acks: list[bytes] = []
            threads = [
                threading.Thread(target=send_all, args=(port, batch[i::connections], acks))
                for i in range(connections)
            ]
            started = time.perf_counter()
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            rate = len(acks) / (time.perf_counter() - started)
            accepted = sum(b"MSA|AA|" in ack for ack in acks)
            saved["applied"][connections], saved["accepted"][connections] = rate, accepted
            print(
                f"yiji hl7 serve, {connections} connection(s): {rate:,.0f} ORM/s acknowledged "
                f"after commit ({accepted}/{len(batch)} AA); parse-only / applied = "
                f"{parsed / rate:,.0f}x"
            )
    finally:
        server.terminate()
        server.wait(10)
    if args.json:
        Path(args.json).write_text(json.dumps(saved))


if __name__ == "__main__":
    main()
