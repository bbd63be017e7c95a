"""Modality Worklist C-FIND: Yiji's DICOM service beside DCMTK's wlmscpfs (and Orthanc's
worklist plugin when installed) serving the same scheduled items, driven by the same
pynetdicom client, one association per query as modalities do.

    .venv/bin/python bench/mwl.py --sizes 1000,10000,50000
    .venv/bin/python bench/mwl.py --sizes 50000 --history 1000000   # among 1M ended exams

Peers come from Debian (apt-get install dcmtk orthanc). The floor is a minimal pynetdicom SCP
answering with the datasets Yiji builds, made before it listens: pynetdicom's own per-response
cost, which no pynetdicom server goes under. Yiji's items are checked-in exams in
its database (SQLite file in var/bench/, or DATABASE_URL); the peers read the same items as
.wl files. Query mix as in ../shared/bench/mwl: (a) station AE + today, (b) modality + a
one-day range, (c) patient ID. Every query carries SpecificCharacterSet ISO_IR 192.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from hl7_orm import cpu_seconds  # noqa: E402

PYTHON = str(ROOT / ".venv" / "bin" / "python")

STATIONS = {"CT": ["CT1", "CT2"], "MR": ["MR1", "MR2"], "DR": ["DX1", "DX2"], "US": ["US1", "US2"]}
DICOM_MODALITY = {"CT": "CT", "MR": "MR", "DR": "DX", "US": "US"}
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英"
BASE = dt.date(2025, 6, 16)
DAYS = 30


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def items(total: int, seed: int = 7) -> list[dict]:
    """The same deterministic scheduled items for every server."""
    rng = random.Random(seed)
    rows = []
    for n in range(total):
        modality = rng.choice(list(STATIONS))
        day = BASE + dt.timedelta(days=rng.randrange(DAYS) - DAYS // 2)
        rows.append(
            {
                "accession": f"B{n:08d}",
                "patient_id": f"PB{n // 3:07d}",
                "name": rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
                "modality": modality,
                "station": rng.choice(STATIONS[modality]),
                "at": dt.datetime.combine(day, dt.time(7 + rng.randrange(11), rng.randrange(60))),
            }
        )
    return rows


# --- Yiji ----------------------------------------------------------------------------------


def setup_django(fresh: bool) -> None:
    if "DATABASE_URL" not in os.environ:
        bench_dir = ROOT / "var" / "bench"
        bench_dir.mkdir(parents=True, exist_ok=True)
        db = bench_dir / "mwl.sqlite3"
        if fresh:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{db}{suffix}").unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{db}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yiji.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def load_yiji(rows: list[dict]) -> None:
    """Checked-in exams for the rows not yet loaded (sizes grow run by run). A database kept
    from a larger run (--keep) holds more: those beyond `rows` are set aside as ended."""
    from django.utils import timezone

    from yiji.core.models import Department, Patient, Room
    from yiji.orders.catalogue import load_demo_catalogue
    from yiji.orders.models import Exam, ExamItem, Requisition
    from yiji.site.demo import hospital as demo

    demo.load()
    load_demo_catalogue()
    department = Department.objects.get(code="RAD")
    rooms = {}
    for modality, stations in STATIONS.items():
        for station in stations:
            rooms[station], _ = Room.objects.get_or_create(
                department=department,
                code=f"B-{station}",
                defaults={"name": station, "modalities": [modality], "ae_title": station},
            )
    item = {m: ExamItem.objects.filter(modality=m).first() for m in STATIONS}
    ours = Exam.objects.filter(accession__startswith="B")
    have = ours.count()
    beyond = f"B{len(rows):08d}"  # accessions are numbered in row order
    ours.filter(accession__gte=beyond).update(status="completed")
    ours.filter(accession__lt=beyond).update(status="arrived")
    zone = timezone.get_current_timezone()
    batch = 5000
    for start in range(have, len(rows), batch):
        chunk = rows[start : start + batch]
        Patient.objects.bulk_create(
            [
                Patient(patient_id=r["patient_id"], name=r["name"], sex="U", source="outpatient")
                for r in chunk
            ],
            ignore_conflicts=True,
        )
        patients = dict(
            Patient.objects.filter(patient_id__in={r["patient_id"] for r in chunk}).values_list(
                "patient_id", "pk"
            )
        )
        requisitions = Requisition.objects.bulk_create(
            [
                Requisition(
                    number=f"RB{start + i:09d}",
                    patient_id=patients[r["patient_id"]],
                    ordering_physician_name="医生",
                    clinical_history="-",
                    source="api",
                )
                for i, r in enumerate(chunk)
            ]
        )
        if requisitions[0].pk is None:  # SQLite before 3.35 returns no keys
            numbers = [q.number for q in requisitions]
            requisitions = list(Requisition.objects.filter(number__in=numbers).order_by("pk"))
        Exam.objects.bulk_create(
            [
                Exam(
                    requisition=q,
                    item=item[r["modality"]],
                    patient_id=q.patient_id,
                    department=department,
                    modality=r["modality"],
                    priority="routine",
                    status="arrived",
                    accession=r["accession"],
                    room=rooms[r["station"]],
                    scheduled_start=r["at"].replace(tzinfo=zone),
                    scheduled_end=r["at"].replace(tzinfo=zone) + dt.timedelta(minutes=10),
                    arrived_at=r["at"].replace(tzinfo=zone),
                    queued_at=r["at"].replace(tzinfo=zone),
                )
                for q, r in zip(requisitions, chunk, strict=True)
            ]
        )


def load_history(total: int) -> None:
    """Ended exams around the worklist, as a hospital's years of work."""
    from yiji.core.models import Department, Patient
    from yiji.orders.models import Exam, ExamItem, Requisition

    have = Exam.objects.exclude(status="arrived").count()
    department = Department.objects.get(code="RAD")
    item = ExamItem.objects.filter(modality="CT").first()
    patient = Patient.objects.first()
    batch = 10000
    for start in range(have, total, batch):
        size = min(batch, total - start)
        requisitions = Requisition.objects.bulk_create(
            [
                Requisition(
                    number=f"RH{start + i:09d}",
                    patient=patient,
                    ordering_physician_name="医生",
                    source="api",
                )
                for i in range(size)
            ]
        )
        Exam.objects.bulk_create(
            [
                Exam(
                    requisition=q,
                    item=item,
                    patient=patient,
                    department=department,
                    modality="CT",
                    priority="routine",
                    status="completed",
                    accession=f"H{start + i:09d}",
                )
                for i, q in enumerate(requisitions)
            ]
        )


# --- files for the peers -------------------------------------------------------------------


def write_worklist_files(rows: list[dict], folder: Path) -> None:
    from pydicom.dataset import Dataset, FileMetaDataset
    from pydicom.uid import ExplicitVRLittleEndian

    folder.mkdir(parents=True, exist_ok=True)
    (folder / "lockfile").touch()
    for r in rows:
        ds = Dataset()
        ds.SpecificCharacterSet = "ISO_IR 192"
        ds.AccessionNumber = r["accession"]
        ds.PatientName = r["name"]
        ds.PatientID = r["patient_id"]
        ds.PatientBirthDate = ""
        ds.PatientSex = "O"
        ds.RequestedProcedureID = r["accession"]
        ds.RequestedProcedureDescription = "检查"
        ds.StudyInstanceUID = f"2.25.{int(r['accession'][1:]) + 10**20}"
        step = Dataset()
        step.ScheduledStationAETitle = r["station"]
        step.ScheduledProcedureStepStartDate = r["at"].strftime("%Y%m%d")
        step.ScheduledProcedureStepStartTime = r["at"].strftime("%H%M%S")
        step.Modality = DICOM_MODALITY[r["modality"]]
        step.ScheduledProcedureStepDescription = "检查"
        step.ScheduledProcedureStepID = r["accession"]
        ds.ScheduledProcedureStepSequence = [step]
        ds.file_meta = FileMetaDataset()
        ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
        ds.file_meta.MediaStorageSOPClassUID = "1.2.276.0.7230010.3.1.0.1"
        ds.file_meta.MediaStorageSOPInstanceUID = ds.StudyInstanceUID
        ds.save_as(folder / f"{r['accession']}.wl", enforce_file_format=True)


# --- the client ----------------------------------------------------------------------------


def _nodelay_client() -> None:
    """pynetdicom leaves Nagle on; small DIMSE exchanges then wait ~40 ms for delayed ACKs."""
    from pynetdicom import transport

    original = transport.AssociationSocket._create_socket

    def create(self, address):
        sock = original(self, address)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return sock

    transport.AssociationSocket._create_socket = create


def query(kind: str, params: dict):
    from pydicom.dataset import Dataset

    ds = Dataset()
    ds.SpecificCharacterSet = "ISO_IR 192"
    for key in (
        "PatientName",
        "PatientID",
        "PatientBirthDate",
        "PatientSex",
        "AccessionNumber",
        "RequestedProcedureID",
        "RequestedProcedureDescription",
        "StudyInstanceUID",
    ):
        setattr(ds, key, "")
    ds.PatientID = params.get("pid", "")
    step = Dataset()
    step.ScheduledStationAETitle = params.get("ae", "")
    step.ScheduledProcedureStepStartDate = params.get("date", "")
    step.ScheduledProcedureStepStartTime = ""
    step.Modality = params.get("modality", "")
    step.ScheduledProcedureStepDescription = ""
    step.ScheduledProcedureStepID = ""
    ds.ScheduledProcedureStepSequence = [step]
    return ds


def queries(rows: list[dict], count: int) -> dict[str, list[dict]]:
    rng = random.Random(42)
    stations = [s for group in STATIONS.values() for s in group]
    today = BASE.strftime("%Y%m%d")
    patients = sorted({r["patient_id"] for r in rows})
    out = {"a": [], "b": [], "c": []}
    for j in range(count):
        day = (BASE + dt.timedelta(days=(j * 7) % DAYS - DAYS // 2)).strftime("%Y%m%d")
        out["a"].append({"ae": stations[j % len(stations)], "date": today})
        out["b"].append({"modality": list(DICOM_MODALITY.values())[j % 4], "date": f"{day}-{day}"})
        out["c"].append({"pid": rng.choice(patients)})
    return out


def find_once(port: int, called: str, kind: str, params: dict) -> tuple[float, int]:
    from pynetdicom import AE
    from pynetdicom.sop_class import ModalityWorklistInformationFind

    ae = AE(ae_title=params.get("ae") or "CT1")
    ae.add_requested_context(ModalityWorklistInformationFind)
    started = time.perf_counter()
    assoc = ae.associate("127.0.0.1", port, ae_title=called)
    if not assoc.is_established:
        raise RuntimeError("association refused")
    matches = 0
    for status, _identifier in assoc.send_c_find(
        query(kind, params), ModalityWorklistInformationFind
    ):
        if status and status.Status in (0xFF00, 0xFF01):
            matches += 1
    assoc.release()
    return time.perf_counter() - started, matches


def _worker(args) -> int:
    _nodelay_client()
    port, called, batch = args
    for kind, params in batch:
        find_once(port, called, kind, params)
    return len(batch)


def measure(port: int, called: str, mix: dict, clients: int, server_pid: int) -> dict:
    """Latency per query type on one connection at a time, the CPU each answer costs the
    server and this client meanwhile, then the rate with `clients` processes at once."""
    _nodelay_client()
    result = {}
    for kind, params_list in mix.items():
        find_once(port, called, kind, params_list[0])  # warm-up
    server_cpu, client_cpu, answers = cpu_seconds(server_pid), time.process_time(), 0
    for kind, params_list in mix.items():
        times, found = [], []
        for params in params_list:
            seconds, matches = find_once(port, called, kind, params)
            times.append(seconds * 1000)
            found.append(matches)
        times.sort()
        result[kind] = {
            "p50": statistics.median(times),
            "p95": times[int(len(times) * 0.95) - 1],
            "matches": statistics.mean(found),
            "counts": found,
        }
        answers += sum(found) + len(found)  # the matches and each query's final response
    result["server_cpu"] = (cpu_seconds(server_pid) - server_cpu) * 1000 / answers
    result["client_cpu"] = (time.process_time() - client_cpu) * 1000 / answers
    work = [(k, p) for k in mix for p in mix[k]]
    per_client = [(port, called, work[i::clients]) for i in range(clients)]
    started = time.perf_counter()
    with ProcessPoolExecutor(clients) as pool:
        done = sum(pool.map(_worker, per_client))
    result["qps"] = done / (time.perf_counter() - started)
    return result


# --- servers -------------------------------------------------------------------------------


def wait_for(port: int, proc: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError("server did not start")


def start_yiji(port: int) -> subprocess.Popen:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "yiji"), "dicom", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _query_key(identifier) -> tuple:
    step = identifier.ScheduledProcedureStepSequence[0]
    return (
        str(identifier.get("PatientID") or ""),
        str(step.get("ScheduledStationAETitle") or ""),
        str(step.get("ScheduledProcedureStepStartDate") or ""),
        str(step.get("Modality") or ""),
    )


def serve_floor(port: int, mix_file: Path) -> None:
    """The floor of any pynetdicom worklist server: a minimal SCP answering each query of the
    mix with the very datasets Yiji builds, made before it starts listening. What its answers
    cost is pynetdicom's own per-response work (DIMSE, encoding, PDUs) on both ends."""
    setup_django(fresh=False)
    from pynetdicom import AE, evt
    from pynetdicom.sop_class import ModalityWorklistInformationFind

    from yiji.interop.dicom import worklist

    mix = json.loads(mix_file.read_text())
    answers = {}
    for kind, params_list in mix.items():
        for params in params_list:
            built = query(kind, params)
            answers[_query_key(built)] = list(worklist.find(built))

    def on_find(event):
        for answer in answers.get(_query_key(event.identifier), []):
            yield 0xFF00, answer
        yield 0x0000, None

    def on_open(event):
        sock = getattr(event.assoc.dul.socket, "socket", None)
        if sock is not None:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    ae = AE(ae_title="FLOOR")
    ae.add_supported_context(ModalityWorklistInformationFind)
    handlers = [(evt.EVT_C_FIND, on_find), (evt.EVT_CONN_OPEN, on_open)]
    ae.start_server(("127.0.0.1", port), block=True, evt_handlers=handlers)


def start_floor(port: int, mix: dict, folder: Path) -> subprocess.Popen:
    mix_file = folder / "mix.json"
    mix_file.write_text(json.dumps(mix))
    return subprocess.Popen(
        [PYTHON, __file__, "--floor-server", str(port), str(mix_file)],
        env={**os.environ}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip


def start_wlmscpfs(port: int, data: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [
            "wlmscpfs",
            "-dfp",
            str(data),
            "-csk",
            "-dhl",
            "--max-associations",
            "50",
            "-ll",
            "error",
            str(port),
        ],
        env={**os.environ, "TCP_NODELAY": "1"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def start_orthanc(port: int, data: Path, work: Path) -> subprocess.Popen:
    import json

    plugins = "/usr/share/orthanc/plugins"
    config = work / "orthanc.json"
    config.write_text(
        json.dumps(
            {
                "Name": "bench",
                "DicomAet": "MWLSCP",
                "DicomPort": port,
                "HttpPort": free_port(),
                "StorageDirectory": str(work / "storage"),
                "IndexDirectory": str(work / "storage"),
                "Plugins": [f"{plugins}/libModalityWorklists.so"],
                "DicomAlwaysAllowFindWorklist": True,
                "DicomThreadsCount": 4,
                "DefaultEncoding": "Utf8",
                "Worklists": {"Enable": True, "Database": str(data)},
                "DicomCheckCalledAet": False,
            }
        )
    )
    return subprocess.Popen(
        ["Orthanc", str(config)],
        env={**os.environ, "TCP_NODELAY": "1"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def main() -> None:
    if sys.argv[1:2] == ["--floor-server"]:
        serve_floor(int(sys.argv[2]), Path(sys.argv[3]))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,50000")
    parser.add_argument("--queries", type=int, default=20, help="latency queries per type")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--history", type=int, default=0, help="ended exams to add first")
    parser.add_argument("--keep", action="store_true", help="reuse var/bench/mwl.sqlite3")
    parser.add_argument("--json", help="also write the figures to this file (bench/run.py)")
    args = parser.parse_args()
    saved: dict[str, dict] = {}
    sizes = [int(s) for s in args.sizes.split(",")]
    setup_django(fresh=not args.keep)
    rows = items(max(sizes))
    if args.history:
        started = time.perf_counter()
        load_history(args.history)
        print(f"history: {args.history:,} ended exams in {time.perf_counter() - started:.0f} s")
    peers = [p for p in ("wlmscpfs", "Orthanc") if shutil.which(p)]
    print(f"peers found: {', '.join(peers) or 'none (apt-get install dcmtk orthanc)'}")
    header = f"{'N':>7} {'server':<9} {'type':<4} {'p50 ms':>8} {'p95 ms':>8} {'matches':>8}"
    for size in sizes:
        subset = rows[:size]
        load_yiji(subset)
        mix = queries(subset, args.queries)
        results = {}
        port = free_port()
        proc = start_yiji(port)
        try:
            wait_for(port, proc)
            results["yiji"] = measure(port, "YIJI", mix, args.clients, proc.pid)
        finally:
            proc.terminate()
            proc.wait(10)
        with tempfile.TemporaryDirectory() as tmp:
            port = free_port()
            proc = start_floor(port, mix, Path(tmp))
            try:
                wait_for(port, proc, seconds=120)
                results["floor"] = measure(port, "FLOOR", mix, args.clients, proc.pid)
            finally:
                proc.terminate()
                proc.wait(10)
            data = Path(tmp) / "worklists"
            write_worklist_files(subset, data / "MWLSCP")
            for peer in peers:
                port = free_port()
                if peer == "wlmscpfs":
                    proc = start_wlmscpfs(port, data)
                else:
                    proc = start_orthanc(port, data / "MWLSCP", Path(tmp))
                try:
                    wait_for(port, proc)
                    results[peer] = measure(port, "MWLSCP", mix, args.clients, proc.pid)
                finally:
                    proc.terminate()
                    proc.wait(10)
        print(
            f"\nN = {size:,} scheduled items"
            + (f" among {args.history:,} ended exams" if args.history else "")
        )
        print(header)
        for server, figures in results.items():
            for kind in ("a", "b", "c"):
                f = figures[kind]
                print(
                    f"{size:>7} {server:<9} {kind:<4} {f['p50']:>8.1f} {f['p95']:>8.1f} "
                    f"{f['matches']:>8.1f}"
                )
            print(
                f"{size:>7} {server:<9} q/s with {args.clients} clients: {figures['qps']:.1f}; "
                f"CPU per response: server {figures['server_cpu']:.2f} ms, "
                f"pynetdicom client {figures['client_cpu']:.2f} ms"
            )
        saved[str(size)] = {
            server: {k: {n: figures[k][n] for n in ("p50", "p95", "matches")} for k in "abc"}
            | {"qps": figures["qps"], "clients": args.clients}
            for server, figures in results.items()
        }
        for peer in peers:
            same = all(results[peer][k]["counts"] == results["yiji"][k]["counts"] for k in "abc")
            ratios = [results[peer][k]["p50"] / results["yiji"][k]["p50"] for k in "abc"]
            print(
                f"{size:>7} {peer} p50 / Yiji p50: "
                + ", ".join(f"{k} {r:.1f}x" for k, r in zip("abc", ratios, strict=True))
                + f"; same matches: {'yes' if same else 'NO'}"
            )

        ratios = [results["yiji"][k]["p50"] / results["floor"][k]["p50"] for k in "abc"]
        per_match = [
            results[server]["b"]["p50"] / max(results[server]["b"]["matches"], 1)
            for server in ("yiji", "floor")
        ]
        print(
            f"{size:>7} Yiji p50 / pynetdicom floor p50: "
            + ", ".join(f"{k} {r:.2f}x" for k, r in zip("abc", ratios, strict=True))
            + f"; per match (b): Yiji {per_match[0]:.2f} ms, floor {per_match[1]:.2f} ms"
        )

    if args.json:
        Path(args.json).write_text(json.dumps(saved))


if __name__ == "__main__":
    main()
