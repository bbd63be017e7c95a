"""Read routing against a live streaming replica: a private PostgreSQL primary and a hot
standby made from it with pg_basebackup, on this machine, for a few minutes.

    .venv/bin/python bench/replica.py [--exams 20000]

Needs PostgreSQL's server programs (initdb, pg_ctl, pg_basebackup) on PATH; run as root it
runs them as the `postgres` user. It fills the primary with `yiji gen`, waits for the standby
to replay it, and then, through Django's test client and Yiji's settings (DATABASE_URL the
primary, DATABASE_REPLICA_URL the standby), checks and prints:

- the standby is in recovery and refuses writes; the primary is not;
- the quality indicator page (`@reads_from_replica`) reads the exams on the standby and
  nothing of them on the primary (which serves only the session, the user and the settings);
- a patient registered through the UI is written to the primary and then reaches the standby,
  and how long after the write's answer that took.
Everything it made is removed at the end.
"""

from __future__ import annotations

import argparse
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = ROOT / ".venv" / "bin"
PRIMARY_PORT, STANDBY_PORT = 5461, 5462


def as_postgres(*args: str, **kwargs) -> subprocess.CompletedProcess:
    command = list(args)
    if os.geteuid() == 0:  # PostgreSQL's server refuses to run as root
        command = ["runuser", "-u", "postgres", "--", *command]
    return subprocess.run(command, check=True, capture_output=True, text=True, **kwargs)


def make_cluster(home: Path) -> tuple[Path, Path]:
    primary, standby = home / "primary", home / "standby"
    as_postgres("initdb", "-D", str(primary), "-U", "postgres", "-A", "trust", "-E", "UTF8")
    with open(primary / "postgresql.conf", "a") as conf:
        conf.write(
            f"port = {PRIMARY_PORT}\nlisten_addresses = '127.0.0.1'\n"
            f"unix_socket_directories = '{home}'\nwal_level = replica\nmax_wal_senders = 4\n"
            "fsync = off\njit = off\n"  # a throw-away cluster: no need to survive a crash
        )
    with open(primary / "pg_hba.conf", "a") as hba:
        hba.write("host replication postgres 127.0.0.1/32 trust\n")
    as_postgres("pg_ctl", "-D", str(primary), "-l", str(home / "primary.log"), "-w", "start")
    as_postgres(
        "pg_basebackup", "-h", "127.0.0.1", "-p", str(PRIMARY_PORT), "-U", "postgres",
        "-D", str(standby), "-R", "-X", "stream",
    )  # fmt: skip
    with open(standby / "postgresql.conf", "a") as conf:
        conf.write(f"port = {STANDBY_PORT}\nhot_standby = on\n")
    as_postgres("pg_ctl", "-D", str(standby), "-l", str(home / "standby.log"), "-w", "start")
    return primary, standby


def stop(data: Path) -> None:
    if (data / "postmaster.pid").exists():
        as_postgres("pg_ctl", "-D", str(data), "-m", "fast", "-w", "stop")


def url(port: int) -> str:
    return f"postgres://postgres@127.0.0.1:{port}/yiji"


def yiji(*args: str) -> None:
    env = {**os.environ, "DATABASE_URL": url(PRIMARY_PORT)}
    subprocess.run([str(BIN / "yiji"), *args], check=True, env=env, cwd=ROOT)


def check(exams: int) -> None:
    os.environ["DATABASE_URL"] = url(PRIMARY_PORT)
    os.environ["DATABASE_REPLICA_URL"] = url(STANDBY_PORT)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yiji.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connections
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    primary, standby = connections["default"], connections["replica"]

    def one(connection, sql: str):
        with connection.cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchone()[0]

    def caught_up() -> bool:
        sent = one(primary, "SELECT pg_current_wal_lsn()")
        return one(standby, f"SELECT pg_last_wal_replay_lsn() >= '{sent}'::pg_lsn")

    started = time.monotonic()
    while not caught_up():
        time.sleep(0.1)
    print(f"standby replayed the generated hospital {time.monotonic() - started:.1f} s after")
    assert one(standby, "SELECT pg_is_in_recovery()") and not one(
        primary, "SELECT pg_is_in_recovery()"
    )
    try:
        one(standby, "CREATE TABLE refused (id int)")
        raise AssertionError("the standby took a write")
    except django.db.Error as error:
        print(f"standby refuses writes: {str(error).splitlines()[0]}")

    director = get_user_model().objects.get(username="director")
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(director)
    page = "/quality/kpi/?period=year"
    client.get(page)
    with CaptureQueriesContext(primary) as on_primary, CaptureQueriesContext(standby) as on_standby:
        started = time.perf_counter()
        answer = client.get(page)
        took = time.perf_counter() - started
    assert answer.status_code == 200, answer.status_code
    exam_reads = lambda queries: sum('"orders_exam"' in q["sql"] for q in queries)  # noqa: E731
    print(
        f"indicator page {took * 1000:.0f} ms: {len(on_standby)} queries on the standby "
        f"({exam_reads(on_standby)} over exams), {len(on_primary)} on the primary "
        f"({exam_reads(on_primary)} over exams: session, user, settings only)"
    )
    assert exam_reads(on_standby) > 0 and exam_reads(on_primary) == 0

    from yiji.core.models import Patient

    before = Patient.objects.count()
    form = {
        "patient_id": "REPLICA-1", "name": "复制测试", "sex": "F", "birth_date": "1990-01-01",
        "source": "outpatient",
    }  # fmt: skip
    clerk = Client(HTTP_HOST="127.0.0.1")
    clerk.force_login(get_user_model().objects.get(username="clerk"))
    answer = clerk.post("/patients/new/", form)
    written = time.monotonic()
    assert answer.status_code == 302, answer.content[:500]
    assert Patient.objects.using("default").count() == before + 1
    while not Patient.objects.using("replica").filter(patient_id="REPLICA-1").exists():
        time.sleep(0.005)
    print(f"a patient registered on the primary reached the standby in "
          f"{(time.monotonic() - written) * 1000:.0f} ms")  # fmt: skip
    print(f"read routing on a live streaming replica: passed ({exams:,} exams)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--exams", type=int, default=20000)
    args = parser.parse_args()
    for program in ("initdb", "pg_ctl", "pg_basebackup"):
        if shutil.which(program) is None:
            sys.exit(f"{program} is not on PATH (PostgreSQL's server programs are needed)")
    home = Path(tempfile.mkdtemp(prefix="yiji-replica-"))
    if os.geteuid() == 0:
        postgres = pwd.getpwnam("postgres")
        os.chown(home, postgres.pw_uid, postgres.pw_gid)
    primary = standby = home / "none"
    try:
        primary, standby = make_cluster(home)
        subprocess.run(
            ["createdb", "-h", "127.0.0.1", "-p", str(PRIMARY_PORT), "-U", "postgres", "yiji"],
            check=True,
        )
        yiji("migrate", "-v0")
        yiji("gen", "--exams", str(args.exams), "--per-day", "500")
        check(args.exams)
    except subprocess.CalledProcessError as error:
        sys.exit(f"{' '.join(error.cmd)} failed:\n{error.stderr or ''}")
    finally:
        stop(standby)
        stop(primary)
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
