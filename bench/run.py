"""The benchmark table: every figure of the scale issue beside a reference measured in the
same run, on a synthetic hospital made by `yiji gen`.

    .venv/bin/python bench/run.py                  # quick: 1M exams on PostgreSQL
    .venv/bin/python bench/run.py --exams 20M      # full
    .venv/bin/python bench/run.py --chart          # Mermaid chart of the saved runs

The database is `yiji_bench_<N>` on the local PostgreSQL (or DATABASE_URL); it is generated
once (seed 1) and reused. MWL and HL7 run in their own scratch databases (they add and change
rows). Each run's figures are saved in var/bench/run-<N>.json; `--chart` draws how each grows.

Areas, each Yiji's path against its reference:
- worklists, queue, history, patient search: the page's own query path (p50/p95) against the
  same SQL through a bare cursor;
- yearly quality indicators: `yiji.quality.kpi` against hand-written SQL (bench/kpi.py), the
  numbers checked to agree;
- MWL C-FIND: `yiji dicom serve` against DCMTK `wlmscpfs` (and Orthanc when installed);
- HL7 ORM in: acknowledged after commit against parse only;
- report PDF: `reports.document.report_pdf` against the same text as a bare ReportLab document;
- web load: 300 users at the stress pace (bench/load.py), the requests a second served against
  those asked, p50/p95 and errors beside them.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
from benchdb import database  # noqa: E402 (bench/ is on the path only from here)

OUT = ROOT / "var" / "bench"
PYTHON = str(ROOT / ".venv" / "bin" / "python")


@dataclass
class Row:
    area: str
    case: str
    ours: float
    reference: float
    unit: str  # "ms" (lower is better) or "/s" (higher is better)
    ours_p95: float | None = None
    reference_p95: float | None = None
    note: str = ""

    @property
    def ratio(self) -> float:
        if self.unit == "/s":
            return self.reference / self.ours if self.ours else float("inf")
        return self.ours / self.reference if self.reference else float("inf")


def count(text: str) -> int:
    text = text.lower().replace("_", "")
    scale = {"k": 1_000, "m": 1_000_000}.get(text[-1:], 1)
    return int(float(text[:-1] if scale > 1 else text) * scale)


def label(n: int) -> str:
    return f"{n // 1_000_000}m" if n % 1_000_000 == 0 else f"{n // 1000}k"


def prepare(exams: int) -> float:
    """Migrate and fill the database up to `exams` generated exams; the seconds it took."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yiji.settings")
    django.setup()
    from django.core.management import call_command

    from yiji.orders.models import Exam

    call_command("migrate", verbosity=0)
    have = Exam.objects.filter(requisition__number__startswith="GR").count()
    if have >= exams:
        print(f"{have:,} generated exams already there")
        return 0.0
    if have:
        sys.exit(f"the database holds {have:,} generated exams, not {exams:,}: use --fresh")
    started = time.perf_counter()
    call_command("gen", exams=str(exams), per_day=5000, rebuild_indexes=True, jobs=2)
    return time.perf_counter() - started


def worklist_rows(runs: int) -> list[Row]:
    import worklist

    rows = []
    for name, ours, raw in worklist.queries():
        p50, p95 = worklist.timed(ours, runs)
        r50, r95 = worklist.timed(raw, runs)
        rows.append(Row("worklists", name, p50, r50, "ms", p95, r95))
    return rows


def kpi_rows(runs: int, whole_history: bool) -> list[Row]:
    import kpi

    kpi.use_last_year()
    seconds, stored = kpi.build_rollup(whole_history)
    what = "first run: all history" if whole_history else "the measured year only"
    rows = [
        Row("yearly KPI", f"roll-up of settled days (nightly task; {what})",
            seconds * 1000, float("nan"), "ms",
            note=f"{stored:,} rows stored (0: rolled up before, nothing new)")
    ]  # fmt: skip
    for name, ours, reference in kpi.cases():
        t_ours, r_ours = kpi.measure(ours, runs)
        t_ref, r_ref = kpi.measure(reference, runs)
        rows.append(
            Row("yearly KPI", name, t_ours * 1000, t_ref * 1000, "ms",
                note=kpi.agreement(r_ours, r_ref))
        )  # fmt: skip
    return rows


def pdf_rows(count: int) -> list[Row]:
    import pdf

    ours, reference = pdf.rates(count)
    return [Row("documents", f"report PDF ({count} reports)", ours, reference, "/s")]


def scratch_run(script: str, args: list[str], name: str, url: str) -> dict:
    """Run another benchmark in its own fresh database; it writes its figures as JSON."""
    parts = urlsplit(url)
    scratch = parts._replace(path=f"/{name}").geturl()
    database(scratch, fresh=True)
    with tempfile.NamedTemporaryFile(suffix=".json") as result:
        env = {**os.environ, "DATABASE_URL": scratch}
        subprocess.run(
            [PYTHON, str(ROOT / "bench" / script), *args, "--json", result.name],
            env=env,
            check=True,
        )
        return json.loads(Path(result.name).read_text())


def mwl_rows(url: str, size: int, queries: int) -> list[Row]:
    figures = scratch_run(
        "mwl.py", ["--sizes", str(size), "--queries", str(queries)], "yiji_bench_mwl", url
    )[str(size)]
    rows = []
    names = {"a": "station + today", "b": "modality, one day", "c": "patient ID"}
    area = f"MWL C-FIND ({size:,} items)"
    for peer in [p for p in figures if p != "yiji"]:
        for kind, case in names.items():
            ours, theirs = figures["yiji"][kind], figures[peer][kind]
            per_match = ours["p50"] / max(ours["matches"], 1)
            rows.append(
                Row(area, f"{case} vs {peer}", ours["p50"], theirs["p50"], "ms", ours["p95"],
                    theirs["p95"], note=f"{ours['matches']:.0f} matches, {per_match:.2f} ms each")
            )  # fmt: skip
        clients = figures["yiji"]["clients"]
        rows.append(
            Row(area, f"{clients} clients at once vs {peer}", figures["yiji"]["qps"],
                figures[peer]["qps"], "/s", note="queries a second, the three kinds in turn")
        )  # fmt: skip
    if len(figures) == 1:  # no peer installed: Yiji alone, said so
        for kind, case in names.items():
            f = figures["yiji"][kind]
            rows.append(Row("MWL C-FIND", case, f["p50"], float("nan"), "ms", f["p95"],
                            note="no peer installed (apt-get install dcmtk)"))  # fmt: skip
    return rows


def hl7_rows(url: str, messages: int) -> list[Row]:
    figures = scratch_run(
        "hl7_orm.py", ["--messages", str(messages), "--connections", "1,4"], "yiji_bench_hl7", url
    )
    return [
        Row("HL7 ORM^O01 in", f"{n} connection(s), ACK after commit vs parse only", rate,
            figures["parse"], "/s", note=f"{figures['accepted'][n]} of {messages} AA")
        for n, rate in figures["applied"].items()
    ]  # fmt: skip


def load_rows(url: str, users: int, seconds: int) -> list[Row]:
    """The web load test at the stress pace (each user acts every 2-8 s, 5 s on average) on
    this database: the rate served against the rate asked (bench/load.py: stress_asked), the
    latencies in the note."""
    with tempfile.NamedTemporaryFile(suffix=".json") as result:
        subprocess.run(
            [PYTHON, str(ROOT / "bench" / "load.py"), "--users", str(users), "--seconds",
             str(seconds), "--pace", "stress", "--json", result.name],
            env={**os.environ, "DATABASE_URL": url}, check=True,
        )  # fmt: skip
        figures = json.loads(Path(result.name).read_text())
    total = next(r for r in figures["rows"] if r["Name"] == "Aggregated")
    served, asked = float(total["Requests/s"]), figures["asked"]
    return [
        Row("web load", f"{users} users at the stress pace: served vs asked /s", served, asked,
            "/s", note=f"p50 {total['50%']} ms, p95 {total['95%']} ms (goal < 1 s), "
            f"{total['Failure Count']} errors of {total['Request Count']}")
    ]  # fmt: skip


def print_table(rows: list[Row], header: str) -> None:
    print(f"\n{header}\n")
    print("| area | case | Yiji | p95 | reference | p95 | ratio | note |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        show = _rate if r.unit == "/s" else _ms
        print(
            f"| {r.area} | {r.case} | {show(r.ours)} | {show(r.ours_p95)} | {show(r.reference)} "
            f"| {show(r.reference_p95)} | {r.ratio:.2f} | {r.note} |"
        )


def _ms(value: float | None) -> str:
    if value is None or value != value:
        return "—"
    return f"{value:.2f} ms" if value < 1000 else f"{value / 1000:.2f} s"


def _rate(value: float | None) -> str:
    return "—" if value is None or value != value else f"{value:,.1f} /s"


def chart() -> None:
    """A Mermaid line chart per area of the saved runs' Yiji p50 against the data size."""
    runs = sorted(
        (json.loads(p.read_text()) for p in OUT.glob("run-*.json")), key=lambda r: r["exams"]
    )
    if not runs:
        sys.exit("no saved runs in var/bench/ (run bench/run.py first)")
    sizes = [label(r["exams"]) for r in runs]
    cases = {(row["area"], row["case"]) for r in runs for row in r["rows"] if row["unit"] == "ms"}
    for area in sorted({a for a, _ in cases}):
        title = f"{area}: Yiji p50 (ms) by exams in the database"
        print(f'\n```mermaid\nxychart-beta\n    title "{title}"')
        print(f"    x-axis [{', '.join(sizes)}]")
        for _, case in sorted(c for c in cases if c[0] == area):
            values = []
            for r in runs:
                found = [x["ours"] for x in r["rows"] if (x["area"], x["case"]) == (area, case)]
                values.append(f"{found[0]:.1f}" if found else "0")
            print(f"    line [{', '.join(values)}]  %% {case}")
        print("```")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--exams", default="1M", help="exams in the benchmark database")
    parser.add_argument("--runs", type=int, default=30, help="timed runs per query")
    parser.add_argument("--kpi-runs", type=int, default=1)
    parser.add_argument(
        "--rollup-year", action="store_true", help="roll up only the measured year's days"
    )
    parser.add_argument("--fresh", action="store_true", help="drop and regenerate the database")
    parser.add_argument("--skip", default="", help="comma-separated areas to leave out")
    parser.add_argument("--chart", action="store_true", help="chart the saved runs and stop")
    args = parser.parse_args()
    if args.chart:
        return chart()
    exams = count(args.exams)
    url = os.environ.setdefault(
        "DATABASE_URL", f"postgres://postgres@127.0.0.1:5432/yiji_bench_{label(exams)}"
    )
    if not url.startswith("postgres"):
        sys.exit("bench/run.py measures PostgreSQL: DATABASE_URL must be postgres://")
    database(url, args.fresh)
    started = time.perf_counter()
    generated = prepare(exams)
    skip = {word.strip() for word in args.skip.split(",") if word.strip()}
    parts = [
        ("worklists", lambda: worklist_rows(args.runs)),
        ("kpi", lambda: kpi_rows(args.kpi_runs, not args.rollup_year)),
        ("pdf", lambda: pdf_rows(200)),
        ("mwl", lambda: mwl_rows(url, 10_000, 10)),
        ("hl7", lambda: hl7_rows(url, 500)),
        ("load", lambda: load_rows(url, 300, 90)),
    ]
    rows: list[Row] = []
    for name, part in parts:
        if name not in skip:
            print(f"== {name}", flush=True)
            rows.extend(part())
    load = os.getloadavg()[0]
    header = (
        f"{exams:,} exams, PostgreSQL, {os.cpu_count()} CPUs; generated in {generated:.0f} s "
        f"this run (0 = reused); whole run {time.perf_counter() - started:.0f} s; load average "
        f"{load:.2f} at the end"
    )
    print_table(rows, header)
    OUT.mkdir(parents=True, exist_ok=True)
    saved = {"exams": exams, "header": header, "rows": [asdict(r) for r in rows]}
    (OUT / f"run-{label(exams)}.json").write_text(json.dumps(saved, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
