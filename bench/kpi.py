"""Quality-indicator (KPI) benchmark: a year of a large department on PostgreSQL, the yearly
indicator set and the heaviest grouped indicators through Yiji's own code (`yiji.quality.kpi`)
beside hand-written SQL computing the same numerators and denominators.

    .venv/bin/python bench/kpi.py --exams 2000000            # database yiji_kpi_bench
    .venv/bin/python bench/kpi.py --exams 200000 --fresh --explain
    .venv/bin/python bench/kpi.py --only summary --first 2025-06-01 --last 2025-06-30

Data: N exams of the synthetic hospital of `yiji gen` (seeded), ending today; the period is the
365 days before yesterday unless --first/--last say otherwise. A database that already holds
the same N is reused; `--fresh` drops and recreates it (only a database whose name contains
"bench").

Each figure is the median of `--runs` runs after one warm-up, beside the reference measured in
the same run; the numbers (numerator, denominator per group) are checked to agree.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/yiji_kpi_bench"
FIRST, LAST = dt.date(2025, 1, 1), dt.date(2025, 12, 31)  # until use_last_year()
SIGNED = ("preliminary", "final", "amended")


def setup(fresh: bool) -> None:
    os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
    url = urlsplit(os.environ["DATABASE_URL"])
    if not url.scheme.startswith("postgres"):
        sys.exit("bench/kpi.py measures PostgreSQL: DATABASE_URL must be postgres://")
    from benchdb import database  # create (or with fresh, recreate) a *bench* database

    database(os.environ["DATABASE_URL"], fresh)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yiji.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


# ----------------------------------------------------------------------- data


def generate(total: int, seed: int) -> None:
    """The synthetic hospital of `yiji gen`, made once."""
    from django.core.management import call_command

    from yiji.orders.models import Exam

    have = Exam.objects.filter(requisition__number__startswith="GR").count()
    if have == total:
        print(f"{have:,} exams already present")
        return
    if have:
        sys.exit(f"the database holds {have:,} generated exams, not {total:,}: rerun with --fresh")
    call_command("gen", exams=str(total), per_day=5000, seed=seed, rebuild_indexes=True, jobs=2)


def use_last_year() -> None:
    """The indicators over the 365 days before yesterday (every deadline in them has passed)."""
    global FIRST, LAST
    from django.utils import timezone

    LAST = timezone.localdate() - dt.timedelta(days=2)
    FIRST = LAST - dt.timedelta(days=364)


def profile() -> list[str]:
    """What the data hold, in the ratios that matter to the indicators."""
    from django.db import connection

    from yiji.core.calendar import day_bounds

    start, end = day_bounds(FIRST, LAST)
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT count(*), count(*) FILTER (WHERE e.completed_at >= %s
                    AND e.completed_at < %s AND e.status = 'completed'),
                avg((e.status = 'completed')::int),
                avg(coalesce(r.status IN ('preliminary', 'final', 'amended'), false)::int)
                    FILTER (WHERE e.status = 'completed'),
                avg(r.positive::int) FILTER (WHERE r.status IN ('preliminary', 'final', 'amended')),
                avg((e.modality IN ('CT', 'MR'))::int), avg((e.priority = 'urgent')::int),
                pg_size_pretty(pg_total_relation_size('orders_exam'))
            FROM orders_exam e LEFT JOIN reports_report r ON r.exam_id = e.id""",
            [start, end],
        )
        exams, year, done, reported, positive, ctmr, urgent, size = cursor.fetchone()
        counts = {}
        for table in (
            "reports_criticalresult",
            "quality_rejectedimage",
            "quality_followup",
            "quality_filmgrade",
            "orders_examevent",
        ):
            cursor.execute(f"SELECT count(*) FROM {table}")
            counts[table] = cursor.fetchone()[0]
        cursor.execute("SELECT version()")
        version = cursor.fetchone()[0].split(" on ")[0]
        cursor.execute(
            "SELECT current_setting('shared_buffers'), current_setting('work_mem'),"
            " current_setting('max_parallel_workers_per_gather')"
        )
        buffers, work_mem, workers = cursor.fetchone()
    return [
        f"{version}; shared_buffers {buffers}, work_mem {work_mem}, "
        f"parallel workers per gather {workers}; {os.cpu_count()} CPUs",
        f"{exams:,} exams ({size} with indexes), {year:,} completed {FIRST} to {LAST}; completed "
        f"{done:.1%}, signed report {reported:.1%} of completed, positive {positive:.1%}, "
        f"CT+MR {ctmr:.1%}, urgent {urgent:.1%}",
        ", ".join(f"{t.split('_', 1)[1]} {n:,} ({n / exams:.2%})" for t, n in counts.items()),
    ]


# ----------------------------------------------------------------------- the reference


def _rows(sql: str, params: dict) -> list[tuple]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _params() -> dict:
    from django.utils import timezone

    from yiji.core.calendar import day_bounds

    start, end = day_bounds(FIRST, LAST)
    return {
        "start": start,
        "end": end,
        "tz": str(timezone.get_current_timezone()),
        "signed": list(SIGNED),
        "prostate": "%前列腺%",
    }


# Completed imaging, ultrasound and ECG exams: the lab's figures are not in this reference.
COMPLETED = (
    "e.status = 'completed' AND e.modality <> 'LAB'"
    " AND e.completed_at >= %(start)s AND e.completed_at < %(end)s"
)
REJECTS_PER_EXAM = """(SELECT exam_id, count(*) AS n,
    bool_or(reason IN ('artefact', 'motion')) AS artefact
    FROM quality_rejectedimage GROUP BY exam_id)"""


def _row(sql: str, params: dict) -> dict:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return dict(zip([c.name for c in cursor.description], cursor.fetchone(), strict=True))


def reference_summary() -> dict[str, tuple[int, int]]:
    """Every indicator of the summary by hand: one pass over the period's completed exams with
    their report, record, film grade and rejects, and one query each for the US orders by
    creation date, the critical results and the follow-ups."""
    from django.utils import timezone

    from yiji.core import policy

    p = _params()
    p["minutes"] = int(policy.value("crit.notify_minutes"))
    p["now"] = timezone.now()  # a deadline still ahead counts once reported or passed
    e = _row(
        f"""SELECT count(*) AS exams, count(*) FILTER (WHERE signed) AS signed,
            count(*) FILTER (WHERE signed AND positive) AS positive,
            count(*) FILTER (WHERE signed AND quality_issues = '[]'::jsonb) AS r3,
            count(*) FILTER (WHERE emergency) AS r2d,
            count(*) FILTER (WHERE emergency AND final_at <= started_at + interval '2 hours')
                AS r2n,
            count(*) FILTER (WHERE modality IN ('CT', 'MR')) AS r1d,
            count(*) FILTER (WHERE modality IN ('CT', 'MR') AND artefact) AS r1n,
            count(*) FILTER (WHERE modality = 'CT' AND contrast_route = 'iv') AS r5d,
            count(*) FILTER (WHERE modality = 'CT' AND contrast_route = 'iv' AND extravasation)
                AS r5n,
            count(*) FILTER (WHERE signed AND prostate) AS r6d,
            count(*) FILTER (WHERE signed AND prostate AND category <> '') AS r6n,
            count(*) FILTER (WHERE signed AND modality = 'MG') AS r7d,
            count(*) FILTER (WHERE signed AND modality = 'MG' AND category <> '') AS r7n,
            count(*) FILTER (WHERE signed AND modality = 'US') AS us,
            count(DISTINCT author_id) FILTER (WHERE signed AND modality = 'US') AS heads,
            count(*) FILTER (WHERE signed AND modality = 'US' AND source = 'inpatient') AS uspd,
            count(*) FILTER (WHERE signed AND modality = 'US' AND source = 'inpatient'
                             AND positive) AS uspn,
            count(*) FILTER (WHERE due) AS otd,
            count(*) FILTER (WHERE due AND released <= report_due_at) AS otn,
            count(*) FILTER (WHERE grade <> '') AS gd, count(*) FILTER (WHERE grade = 'A') AS gn,
            coalesce(sum(rejects), 0) AS rejects
        FROM (
            SELECT e.modality, e.started_at, e.report_due_at, r.positive, r.quality_issues,
                r.final_at, r.category, r.author_id, p.source,
                r.status = ANY(%(signed)s) AS signed,
                coalesce(r.preliminary_at, r.final_at) AS released,
                e.report_due_at IS NOT NULL AND (coalesce(r.preliminary_at, r.final_at) IS NOT NULL
                    OR e.report_due_at < %(now)s) AS due,
                e.modality IN ('DR', 'CR', 'CT')
                    AND (e.priority = 'urgent' OR p.source = 'emergency') AS emergency,
                e.modality = 'MR'
                    AND (i.name LIKE %(prostate)s OR i.body_part LIKE %(prostate)s) AS prostate,
                coalesce(rj.artefact, false) AS artefact, rj.n AS rejects,
                x.contrast_route, x.extravasation,
                coalesce(fg.grade, r.image_grade, '') AS grade
            FROM orders_exam e
            JOIN core_patient p ON p.id = e.patient_id
            JOIN orders_examitem i ON i.id = e.item_id
            LEFT JOIN reports_report r ON r.exam_id = e.id
            LEFT JOIN exams_examrecord x ON x.exam_id = e.id
            LEFT JOIN quality_filmgrade fg ON fg.exam_id = e.id
            LEFT JOIN {REJECTS_PER_EXAM} rj ON rj.exam_id = e.id
            WHERE {COMPLETED}
        ) t""",
        p,
    )
    us = _row(
        """SELECT count(*) AS d, count(*) FILTER (WHERE coalesce(r.preliminary_at, r.final_at)
                <= e.created_at + interval '48 hours') AS n
        FROM orders_exam e JOIN core_patient p ON p.id = e.patient_id
        LEFT JOIN reports_report r ON r.exam_id = e.id
        WHERE e.modality = 'US' AND p.source = 'inpatient' AND e.created_at >= %(start)s
            AND e.created_at < %(end)s AND e.status NOT IN ('cancelled', 'no_show')""",
        p,
    )
    c = _row(
        """SELECT count(*) FILTER (WHERE e.modality NOT IN ('US', 'ECG', 'LAB')) AS r4d,
            count(*) FILTER (WHERE e.modality NOT IN ('US', 'ECG', 'LAB') AND on_time) AS r4n,
            count(*) FILTER (WHERE e.modality = 'US') AS usd,
            count(*) FILTER (WHERE e.modality = 'US' AND on_time) AS usn
        FROM (SELECT exam_id, notified_at <= found_at + %(minutes)s * interval '1 minute'
                AS on_time
              FROM reports_criticalresult WHERE found_at >= %(start)s AND found_at < %(end)s) c
        JOIN orders_exam e ON e.id = c.exam_id""",
        p,
    )
    f = _row(
        """SELECT count(*) AS all, count(*) FILTER (WHERE recorded) AS followed,
            count(*) FILTER (WHERE recorded AND concordant) AS concordant,
            count(*) FILTER (WHERE recorded AND error = 'missed') AS missed,
            count(*) FILTER (WHERE recorded AND e.modality = 'US') AS usd,
            count(*) FILTER (WHERE recorded AND e.modality = 'US' AND concordant) AS usn
        FROM (SELECT exam_id, error, recorded_at IS NOT NULL AS recorded,
                concordance IN ('full', 'partial') AS concordant
              FROM quality_followup WHERE created_at >= %(start)s AND created_at < %(end)s) f
        JOIN orders_exam e ON e.id = f.exam_id""",
        p,
    )
    months = max(1, round(((LAST - FIRST).days + 1) / 30.44))
    return {
        "R1": (e["r1n"], e["r1d"]),
        "R2": (e["r2n"], e["r2d"]),
        "R3": (e["r3"], e["signed"]),
        "R4": (c["r4n"], c["r4d"]),
        "R5": (e["r5n"], e["r5d"]),
        "R6": (e["r6n"], e["r6d"]),
        "R7": (e["r7n"], e["r7d"]),
        "US-HR-01": (e["us"], e["heads"] * months),
        "US-TL-01": (us["n"], us["d"]),
        "US-CV-01": (c["usn"], c["usd"]),
        "US-POS": (e["uspn"], e["uspd"]),
        "US-DC": (f["usn"], f["usd"]),
        "EXAMS": (0, e["exams"]),
        "POSITIVE": (e["positive"], e["signed"]),
        "ON-TIME": (e["otn"], e["otd"]),
        "GRADE-A": (e["gn"], e["gd"]),
        "REJECT": (e["rejects"], e["exams"] + e["rejects"]),
        "FOLLOW-UP": (f["followed"], f["all"]),
        "CONCORDANCE": (f["concordant"], f["followed"]),
        "MISSED": (f["missed"], f["followed"]),
    }


MONTH = "date_trunc('month', e.completed_at AT TIME ZONE %(tz)s)"
GROUPED_SQL = {
    ("POSITIVE", "month"): f"""SELECT {MONTH}, count(*) FILTER (WHERE r.positive), count(*)
        FROM orders_exam e JOIN reports_report r ON r.exam_id = e.id
        WHERE {COMPLETED} AND r.status = ANY(%(signed)s) GROUP BY 1""",
    ("POSITIVE", "person"): f"""SELECT r.author_id, count(*) FILTER (WHERE r.positive), count(*)
        FROM orders_exam e JOIN reports_report r ON r.exam_id = e.id
        WHERE {COMPLETED} AND r.status = ANY(%(signed)s) GROUP BY 1""",
    ("R3", "device"): f"""SELECT e.room_id,
            count(*) FILTER (WHERE r.quality_issues = '[]'::jsonb), count(*)
        FROM orders_exam e JOIN reports_report r ON r.exam_id = e.id
        WHERE {COMPLETED} AND r.status = ANY(%(signed)s) GROUP BY 1""",
    ("REJECT", "month"): f"""SELECT {MONTH}, coalesce(sum(rj.n), 0),
            count(*) + coalesce(sum(rj.n), 0)
        FROM orders_exam e LEFT JOIN {REJECTS_PER_EXAM} rj ON rj.exam_id = e.id
        WHERE {COMPLETED} GROUP BY 1""",
    ("GRADE-A", "person"): f"""SELECT e.performed_by_id,
            count(*) FILTER (WHERE coalesce(fg.grade, r.image_grade, '') = 'A'), count(*)
        FROM orders_exam e LEFT JOIN reports_report r ON r.exam_id = e.id
        LEFT JOIN quality_filmgrade fg ON fg.exam_id = e.id
        WHERE {COMPLETED} AND coalesce(fg.grade, r.image_grade, '') <> '' GROUP BY 1""",
}


# ----------------------------------------------------------------------- measuring


def _key(key):
    from django.utils import timezone

    if isinstance(key, dt.datetime) and timezone.is_aware(key):
        return timezone.localtime(key).replace(tzinfo=None)
    if isinstance(key, dt.date) and not isinstance(key, dt.datetime):
        return dt.datetime.combine(key, dt.time())  # a period the roll-up answered
    return key


def cases():
    """(name, Yiji's call giving {group: (numerator, denominator)}, the reference's)."""
    from yiji.quality import kpi

    def ours_summary():
        return {i.code: (f.numerator, f.denominator) for i, f, _, _ in kpi.summary(FIRST, LAST)}

    def ours_from_records():
        figures = {i.code: kpi.counted(i, FIRST, LAST)[0] for i in kpi.INDICATORS}
        return {code: (f.numerator, f.denominator) for code, f in figures.items()}

    out = [
        ("summary (all indicators), settled days rolled up", ours_summary, reference_summary),
        ("summary, every day from the records", ours_from_records, reference_summary),
    ]
    for code, by in GROUPED_SQL:

        def ours(code=code, by=by):
            figures = kpi.compute(kpi.BY_CODE[code], FIRST, LAST, by)
            return {_key(f.key): (f.numerator, f.denominator) for f in figures}

        def reference(code=code, by=by):
            return {k: (n, d) for k, n, d in _rows(GROUPED_SQL[code, by], _params())}

        out.append((f"{code} by {by}", ours, reference))
    return out


def build_rollup(whole_history: bool = True) -> tuple[float, int]:
    """Roll up the settled days not rolled up yet, as the nightly task does (the first time:
    the whole history), or only the measured year's (what the yearly set reads: at 20M the
    first whole run takes 13 minutes); the seconds it took and the rows it stored."""
    from yiji.quality import rollup

    started = time.perf_counter()
    if whole_history:
        stored = rollup.roll_up_settled()
    else:
        stored = rollup.roll_up(FIRST, min(LAST, rollup.last_settled_day()))
    return time.perf_counter() - started, stored


def measure(func, runs: int):
    result = func()  # one warm-up: the caches of a department that uses its database
    samples = []
    for _ in range(runs):
        t0 = time.perf_counter()
        result = func()
        samples.append(time.perf_counter() - t0)
    return statistics.median(samples), result


def agreement(ours: dict, reference: dict) -> str:
    """Whether the numbers agree where the reference computes them (the summary's reference
    has no lab indicators: those are named, not compared)."""
    computed = {k for k, v in reference.items() if v is not None}
    wrong = [k for k in set(ours) & computed | computed if ours.get(k) != reference.get(k)]
    left = sorted(set(ours) - computed)
    aside = f"; not in the reference: {', '.join(map(str, left))}" if left else ""
    if not wrong:
        return "numbers agree" + aside
    shown = ", ".join(f"{k}: Yiji {ours.get(k)} SQL {reference.get(k)}" for k in wrong[:3])
    return f"MISMATCH in {len(wrong)} groups ({shown})"


def _seconds(value: float) -> str:
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"


def breakdown() -> list[tuple[str, float, int]]:
    """Each indicator of the summary alone, once (after the summary's warm-up)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from yiji.quality import kpi

    out = []
    for indicator in kpi.INDICATORS:
        with CaptureQueriesContext(connection) as captured:
            t0 = time.perf_counter()
            kpi.total(indicator, FIRST, LAST)
            out.append((indicator.code, time.perf_counter() - t0, len(captured)))
    return sorted(out, key=lambda row: -row[1])


def explain_slowest(funcs) -> None:
    """EXPLAIN (ANALYZE, BUFFERS) of the slowest SQL statement Yiji sent in one run of each."""
    from django.db import connection

    sent, current = [], [""]

    def record(execute, sql, params, many, context):
        t0 = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            sent.append((time.perf_counter() - t0, current[0], sql, params))

    for case, func in funcs:
        current[0] = case
        with connection.execute_wrapper(record):
            func()
    seconds, name, sql, params = max(sent, key=lambda row: row[0])
    shown = connection.ops.compose_sql(sql, params)
    print(f"\nslowest Yiji statement: {_seconds(seconds)}, in {name}:\n{shown}\n")
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        for (line,) in cursor.fetchall()[:60]:
            print("  " + line)


def main() -> None:
    global FIRST, LAST
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--exams", type=int, default=2_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=3, help="timed runs after one warm-up")
    parser.add_argument("--fresh", action="store_true", help="drop and recreate the database")
    parser.add_argument("--explain", action="store_true", help="EXPLAIN the slowest query")
    parser.add_argument(
        "--only", default="", help="comma-separated case names to run (e.g. summary,GRADE-A)"
    )
    parser.add_argument("--first", type=dt.date.fromisoformat)
    parser.add_argument("--last", type=dt.date.fromisoformat)
    args = parser.parse_args()
    setup(args.fresh)
    generate(args.exams, args.seed)
    use_last_year()
    FIRST, LAST = args.first or FIRST, args.last or LAST
    seconds, stored = build_rollup()
    print(f"roll-up of settled days: {stored:,} rows stored in {seconds:.1f} s (0: already there)")
    print()
    for line in profile():
        print(line)
    load = os.getloadavg()
    print(f"\n{FIRST} to {LAST}, median of {args.runs} runs after 1 warm-up", end="")
    print(f"; load average {load[0]:.2f}")
    print(f"{'case':26} {'Yiji':>9} {'SQL':>9} {'ratio':>6} {'groups':>6}  check")
    only = [word.strip().lower() for word in args.only.split(",") if word.strip()]
    chosen = [c for c in cases() if not only or any(c[0].lower().startswith(w) for w in only)]
    if not chosen:
        sys.exit(f"no case matches --only {args.only!r}")
    for name, ours, reference in chosen:
        t_ours, r_ours = measure(ours, args.runs)
        t_ref, r_ref = measure(reference, args.runs)
        print(
            f"{name:26} {_seconds(t_ours):>9} {_seconds(t_ref):>9} {t_ours / t_ref:6.1f} "
            f"{len(r_ours):6}  {agreement(r_ours, r_ref)}",
            flush=True,
        )
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    if chosen[0][0].startswith("summary"):
        print("\nsummary, indicator by indicator (one run each):")
        print("  " + ", ".join(f"{code} {_seconds(s)} ({n} q)" for code, s, n in breakdown()))
    if args.explain:
        explain_slowest([(name, ours) for name, ours, _ in chosen])


if __name__ == "__main__":
    main()
