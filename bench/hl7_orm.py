"""HL7 ORM^O01 throughput: messages a second acknowledged after commit by `yiji hl7 serve`
(each one parsed, checked against ORD-1, made into a requisition and committed before its
ACK), beside the `hl7` library's parse-only rate on the same messages. The ratio is the
figure: what applying and committing costs over reading.

    .venv/bin/python bench/hl7_orm.py --messages 2000 --connections 1,4
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/yiji_bench_hl7 .venv/bin/python bench/hl7_orm.py

It starts from an empty database (SQLite under var/bench/, or the PostgreSQL database named,
which must have "bench" in its name), prints the SQL statements one order costs, and the CPU
each message takes in the listener and in the database server: what bounds the rate on the
machine it runs on.
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
sys.path.insert(0, str(ROOT / "bench"))

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
    elif os.environ["DATABASE_URL"].startswith("postgres"):
        from benchdb import database

        database(os.environ["DATABASE_URL"], fresh=True)  # only a *bench* database is dropped
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
        item.pk, item.code, item.name = None, "CT-HEAD", "头颅CT平扫"
        item.contrast_route = "none"  # 平扫, as the messages order it
        item.save()


def statements_per_message(text: str) -> int:
    """The SQL statements one new order costs, applied in this process (BEGIN, COMMIT and
    savepoints not counted)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from yiji.interop.accounts import interface_user
    from yiji.interop.hl7 import inbound

    actor = interface_user("hl7")
    inbound.receive(actor, message(10**8 - 1).encode(), "bench")  # reference data read once
    with CaptureQueriesContext(connection) as captured:
        ack = inbound.receive(actor, text.encode(), "bench")
    assert b"MSA|AA|" in ack, ack
    control = ("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE")
    return sum(not q["sql"].startswith(control) for q in captured.captured_queries)


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of a process so far, with its ended children's (a server
    that forks per connection, as wlmscpfs does); Linux /proc; 0 once it has ended."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return sum(int(f) for f in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def database_cpu() -> dict[int, float]:
    """CPU seconds so far of each local PostgreSQL server process (none for SQLite, which
    runs inside the listener)."""
    if "postgres" not in os.environ.get("DATABASE_URL", ""):
        return {}
    found = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() == "postgres":
                    found[int(entry.name)] = cpu_seconds(int(entry.name))
            except OSError:
                continue
    return found


def database_cpu_since(before: dict[int, float]) -> float:
    """The database server's CPU since `before`, backends started meanwhile included."""
    return sum(now - before.get(pid, 0.0) for pid, now in database_cpu().items())


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
    saved["statements"] = statements = statements_per_message(message(10**8 - 2))
    print(f"SQL statements per new order (BEGIN/COMMIT aside): {statements}")
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
            cpu_before = cpu_seconds(server.pid), database_cpu()
            started = time.perf_counter()
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            rate = len(acks) / (time.perf_counter() - started)
            listener_ms = (cpu_seconds(server.pid) - cpu_before[0]) * 1000 / len(acks)
            database_ms = database_cpu_since(cpu_before[1]) * 1000 / len(acks)
            accepted = sum(b"MSA|AA|" in ack for ack in acks)
            saved["applied"][connections], saved["accepted"][connections] = rate, accepted
            saved.setdefault("cpu", {})[connections] = [listener_ms, database_ms]
            print(
                f"yiji hl7 serve, {connections} connection(s): {rate:,.0f} ORM/s acknowledged "
                f"after commit ({accepted}/{len(batch)} AA); parse-only / applied = "
                f"{parsed / rate:,.1f}x; CPU per message: listener {listener_ms:.2f} ms "
                f"(one process: at most {1000 / listener_ms:,.0f}/s), database server "
                f"{database_ms:.2f} ms (listener and database on {os.cpu_count()} cores: at "
                f"most {os.cpu_count() * 1000 / (listener_ms + database_ms):,.0f}/s)"
            )
    finally:
        server.terminate()
        server.wait(10)
    if args.json:
        Path(args.json).write_text(json.dumps(saved))


if __name__ == "__main__":
    main()
