"""Quality-indicator (KPI) benchmark: a year of a large department on PostgreSQL, the yearly
indicator set and the heaviest grouped indicators through Yiji's own code (`yiji.quality.kpi`)
beside hand-written SQL computing the same numerators and denominators.

    .venv/bin/python bench/kpi.py --exams 2000000            # database yiji_kpi_bench
    .venv/bin/python bench/kpi.py --exams 200000 --fresh --explain
    .venv/bin/python bench/kpi.py --only summary --first 2025-06-01 --last 2025-06-30

Data: N exams (seeded, deterministic) spread over 2025 and January 2026, loaded in a few SQL
statements (`INSERT ... SELECT ... FROM generate_series`, every random choice a hash of the
exam number and the seed), with their requisitions, patients, reports, critical results, exam
records, rejects, film grades, follow-ups and start/completion events. A database that already
holds the same N is reused; `--fresh` drops and recreates it (only a database whose name
contains "bench").

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
FIRST, LAST = dt.date(2025, 1, 1), dt.date(2025, 12, 31)
START = "2025-01-01 00:00:00+08"  # the data begin with the year...
DAYS = 394  # ...and run four weeks into 2026
SIGNED = ("preliminary", "final", "amended")
IMAGING = ("DR", "CR", "CT", "MR", "MG", "RF", "DSA")
# Share of the exams per modality (CT + MR 35 %), cumulative thresholds below.
MODALITIES = [
    ("DR", 0.30),
    ("CR", 0.02),
    ("CT", 0.25),
    ("MR", 0.10),
    ("US", 0.20),
    ("ECG", 0.06),
    ("MG", 0.03),
    ("RF", 0.03),
    ("DSA", 0.01),
]
REJECT_REASONS = [
    ("positioning", 0.30),
    ("exposure", 0.20),
    ("motion", 0.20),
    ("artefact", 0.10),
    ("marker", 0.05),
    ("wrong_part", 0.05),
    ("equipment", 0.05),
    ("other", 0.05),
]


def setup(fresh: bool) -> None:
    os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
    url = urlsplit(os.environ["DATABASE_URL"])
    if not url.scheme.startswith("postgres"):
        sys.exit("bench/kpi.py measures PostgreSQL: DATABASE_URL must be postgres://")
    name = url.path.lstrip("/")
    import psycopg

    admin = url._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and fresh:
            if "bench" not in name:
                sys.exit(f"refusing to drop {name!r}: --fresh only drops a *bench* database")
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = None
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yiji.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


# ----------------------------------------------------------------------- data


def _u(k: int, seed: int, column: str = "n") -> str:
    """A uniform number in [0, 1) that depends only on the row number, the seed and k."""
    return f"((hashint8extended({column}, {seed * 100 + k}) & 2147483647)::float8 / 2147483648.0)"


def _pick(values: list[int], u: str) -> str:
    return f"(ARRAY[{','.join(map(str, values))}]::bigint[])[1 + floor({u} * {len(values)})::int]"


def _case_pick(column: str, mapping: dict, u: str, default: str = "NULL") -> str:
    whens = " ".join(f"WHEN '{key}' THEN {_pick(v, u)}" for key, v in mapping.items() if v)
    return f"CASE {column} {whens} ELSE {default} END"


def _case_cumulative(u: str, shares: list[tuple[str, float]]) -> str:
    total, whens = 0.0, []
    for value, share in shares[:-1]:
        total += share
        whens.append(f"WHEN {u} < {total:.4f} THEN '{value}'")
    return f"CASE {' '.join(whens)} ELSE '{shares[-1][0]}' END"


def generate(total: int, seed: int) -> None:
    from django.db import connection, transaction

    from yiji.core import demo
    from yiji.core.models import Department, Membership, Room
    from yiji.orders.catalogue import load_demo_catalogue
    from yiji.orders.models import Exam, ExamItem

    demo.load()
    load_demo_catalogue()
    have = Exam.objects.count()
    if have == total:
        print(f"{have:,} exams already present")
        return
    if have:
        sys.exit(f"the database holds {have:,} exams, not {total:,}: rerun with --fresh")

    # The department's own catalogue, rooms and people, as arrays to pick from.
    items: dict[str, list[ExamItem]] = {}
    for item in ExamItem.objects.filter(active=True).order_by("pk"):
        items.setdefault(item.modality, []).append(item)
    rooms: dict[str, list[int]] = {}
    for room in Room.objects.order_by("pk"):
        for modality in room.modalities:
            rooms.setdefault(modality, []).append(room.pk)
    physicians: dict[str, list[int]] = {}
    technologists: dict[str, list[int]] = {}
    for m in Membership.objects.select_related("staff").order_by("staff_id"):
        dept = str(m.department_id)
        if m.staff.physician_title is not None:
            physicians.setdefault(dept, []).append(m.staff_id)
        if m.staff.technologist_title is not None:
            technologists.setdefault(dept, []).append(m.staff_id)
    for dept, people in physicians.items():  # sonographers and ECG physicians perform too
        technologists.setdefault(dept, people)
    everyone = sorted({s for people in physicians.values() for s in people})
    wards = list(Department.objects.filter(kind="clinical").values_list("pk", flat=True))
    emergency_ward = Department.objects.filter(code="ED").values_list("pk", flat=True).first()
    missing = [m for m, _ in MODALITIES if m not in items or m not in rooms]
    if missing:
        sys.exit(f"the demo catalogue has no item or room for {missing}")

    def by_modality(values: dict[str, list]) -> str:
        return _case_pick("modality", values, "u5")

    item_ids = {m: [i.pk for i in v] for m, v in items.items()}
    item_depts = {m: [i.department_id for i in v] for m, v in items.items()}
    prostate = {
        m: [int("前列腺" in i.name or "前列腺" in i.body_part) for i in v] for m, v in items.items()
    }
    patients = max(1000, total // 10)

    def u(k: int) -> str:
        return _u(k, seed)

    source = _case_cumulative(
        _u(99, seed, "pn"),
        [("outpatient", 0.55), ("inpatient", 0.30), ("emergency", 0.10), ("checkup", 0.05)],
    )
    signed = "rep_status IN ('preliminary', 'final', 'amended')"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT coalesce(max(id), 0) FROM core_patient),"
            " (SELECT coalesce(max(id), 0) FROM orders_requisition),"
            " (SELECT coalesce(max(id), 0) FROM orders_exam)"
        )
        pbase, rbase, ebase = cursor.fetchone()
    # One row per exam with every choice made; the tables are then filled from it.
    plan = f"""
    CREATE TEMP TABLE bench_exam AS
    WITH a AS MATERIALIZED (
        SELECT n, {ebase + 1} + n AS exam_id, floor({u(2)} * {patients})::bigint AS pn,
            {", ".join(f"{u(k)} AS u{k}" for k in range(1, 34))}
        FROM generate_series(0, {total - 1}) AS n
    ), b AS MATERIALIZED (
        SELECT a.*, {_case_cumulative("u1", MODALITIES)} AS modality,
            {pbase + 1} + pn AS patient_id, {source} AS source,
            timestamptz '{START}' + floor(n::float8 * {DAYS} / {total}) * interval '1 day'
                + CASE WHEN u3 < 0.85 THEN interval '8 hours' + u4 * interval '10 hours'
                       ELSE u4 * interval '24 hours' END AS created_at
        FROM a
    ), c AS MATERIALIZED (
        SELECT b.*, {by_modality(item_ids)} AS item_id,
            {by_modality(item_depts)} AS department_id,
            {by_modality(prostate)} = 1 AS prostate,
            CASE WHEN source = 'emergency' OR u8 < 0.03 THEN 'urgent' ELSE 'routine' END
                AS priority,
            CASE WHEN created_at < timestamptz '{START}' + interval '{DAYS - 2} days' THEN
                    CASE WHEN u7 < 0.95 THEN 'completed' WHEN u7 < 0.98 THEN 'cancelled'
                         ELSE 'no_show' END
                 ELSE CASE WHEN u7 < 0.3 THEN 'completed' WHEN u7 < 0.5 THEN 'booked'
                           WHEN u7 < 0.7 THEN 'arrived' WHEN u7 < 0.8 THEN 'in_progress'
                           ELSE 'requested' END
            END AS status
        FROM b
    ), d AS MATERIALIZED (
        SELECT c.*,
            CASE WHEN status <> 'requested' THEN {_case_pick("modality", rooms, "u6")} END
                AS room_id,
            CASE WHEN status IN ('completed', 'in_progress') THEN created_at
                + CASE WHEN priority = 'urgent' THEN (2 + u9 * 20) * interval '1 minute'
                       ELSE (5 + u9 * 90) * interval '1 minute' END END AS started_at,
            CASE WHEN status <> 'completed' THEN NULL
                 WHEN u11 < 0.93 THEN 'final' WHEN u11 < 0.945 THEN 'preliminary'
                 WHEN u11 < 0.95 THEN 'amended' WHEN u11 < 0.96 THEN 'draft' END AS rep_status,
            {_case_pick("department_id::text", physicians, "u17", _pick(everyone, "u17"))}
                AS author_id,
            {_case_pick("department_id::text", technologists, "u18", _pick(everyone, "u18"))}
                AS performer_id
        FROM c
    ), e AS MATERIALIZED (
        SELECT d.*,
            CASE WHEN status = 'completed' THEN started_at + (5 + u10 * 25) * interval '1 minute'
                END AS completed_at
        FROM d
    )
    SELECT e.*,
        CASE WHEN status = 'completed' AND modality <> 'ECG' THEN completed_at
            + CASE WHEN priority = 'urgent' THEN interval '2 hours' ELSE interval '24 hours' END
            END AS report_due_at,
        CASE WHEN rep_status IN ('final', 'amended') THEN
            CASE WHEN priority = 'urgent' THEN started_at + (20 + u13 * 120) * interval '1 minute'
                 ELSE completed_at + (30 + u13 * 1800) * interval '1 minute' END END AS final_at,
        CASE WHEN rep_status = 'preliminary'
                 THEN completed_at + (10 + u13 * 60) * interval '1 minute'
             WHEN rep_status IS NOT NULL AND priority = 'urgent' AND u32 < 0.3
                 THEN completed_at + interval '15 minutes' END AS preliminary_at,
        CASE WHEN {signed} THEN u12 < 0.35 END AS positive,
        CASE WHEN rep_status IS NULL OR modality NOT IN {IMAGING} THEN ''
             WHEN u14 < 0.80 THEN 'A' WHEN u14 < 0.97 THEN 'B' ELSE 'C' END AS image_grade,
        CASE WHEN {signed} AND (modality = 'MG' AND u15 < 0.92 OR prostate AND u15 < 0.85)
             THEN (1 + floor(u15 * 5))::text ELSE '' END AS category,
        CASE WHEN {signed} AND u19 < 0.011 THEN completed_at + (5 + u20 * 20) * interval '1 minute'
            END AS found_at,
        status = 'completed' AND modality IN ('CT', 'MR') AS record,
        (modality = 'CT' AND u21 < 0.45 OR modality = 'MR' AND u21 < 0.30) AS iv,
        status = 'completed' AND modality IN ('DR', 'CR', 'CT', 'MR', 'MG', 'RF')
            AND u23 < 0.02 AS reject,
        status = 'completed' AND modality IN {IMAGING} AND u25 < 0.05 AS film_graded,
        {signed} AND u12 < 0.35 AND u27 < 0.09 AS follow_up
    FROM e
    """
    steps = [
        (
            "patients",
            f"""INSERT INTO core_patient (id, patient_id, name, sex, birth_date, id_card, phone,
                allergy_history, source, created_at, updated_at)
            SELECT {pbase + 1} + pn, 'K' || lpad(pn::text, 9, '0'), '患者' || pn,
                CASE WHEN pn % 2 = 0 THEN 'M' ELSE 'F' END,
                date '1940-01-01' + floor({_u(98, seed, "pn")} * 30000)::int, '', '', '',
                {source}, timestamptz '{START}' - interval '1 year',
                timestamptz '{START}' - interval '1 year'
            FROM generate_series(0, {patients - 1}) AS pn""",
        ),
        ("plan", plan),
        (
            "requisitions",
            f"""INSERT INTO orders_requisition (id, number, ordering_physician_name,
                clinical_history, clinical_diagnosis, purpose, priority, bedside, critically_ill,
                infectious, infectious_disease, pregnancy, allergy_screen, allergy_note, source,
                external_id, created_at, cancel_reason, patient_id, ordering_department_id)
            SELECT {rbase + 1} + n, 'RK' || lpad(n::text, 10, '0'), '医生', '史', '诊断', '目的',
                priority, false, false, false, '', 'na', 'not_done', '', 'web', '', created_at,
                '', patient_id,
                CASE WHEN source = 'emergency' THEN {emergency_ward or wards[0]}
                     ELSE {_pick(wards, "u31")} END
            FROM bench_exam""",
        ),
        (
            "exams",
            f"""INSERT INTO orders_exam (id, modality, priority, status, accession, scheduled_start,
                scheduled_end, accompanying_physician, preparation_done, created_at, arrived_at,
                started_at, completed_at, report_due_at, report_due_rule, department_id,
                patient_id, room_id, item_id, requisition_id, placer_number, performed_by_id)
            SELECT exam_id, modality, priority, status,
                CASE WHEN status <> 'requested' THEN 'AK' || lpad(n::text, 10, '0') END,
                CASE WHEN room_id IS NOT NULL THEN created_at END,
                CASE WHEN room_id IS NOT NULL THEN created_at + interval '10 minutes' END,
                '', true, created_at, started_at - interval '3 minutes', started_at,
                completed_at, report_due_at, '', department_id, patient_id, room_id, item_id,
                {rbase + 1} + n, '', CASE WHEN started_at IS NOT NULL THEN performer_id END
            FROM bench_exam ORDER BY n""",
        ),
        (
            "events",
            """INSERT INTO orders_examevent (kind, at, note, data, actor_id, exam_id)
            SELECT ev.kind, ev.at, '', '{}'::jsonb, s.user_id, b.exam_id
            FROM bench_exam b JOIN core_staff s ON s.id = b.performer_id
            CROSS JOIN LATERAL (VALUES ('started', b.started_at), ('completed', b.completed_at))
                AS ev (kind, at)
            WHERE ev.at IS NOT NULL ORDER BY b.n""",
        ),
        (
            "reports",
            f"""INSERT INTO reports_report (status, findings, impression, positive, difficult,
                teaching, image_grade, category, verification_key, quality_issues, version,
                created_at, submitted_at, preliminary_at, final_at, released_at, author_id,
                exam_id)
            SELECT rep_status, '所见', '印象', positive, false, false, image_grade, category,
                md5('{seed}:' || n)::uuid,
                CASE WHEN {signed} AND u16 < 0.03 THEN '["impression missing"]'::jsonb
                     ELSE '[]'::jsonb END,
                1, completed_at, coalesce(preliminary_at, final_at), preliminary_at, final_at,
                coalesce(preliminary_at, final_at), author_id, exam_id
            FROM bench_exam WHERE rep_status IS NOT NULL ORDER BY n""",
        ),
        (
            "critical results",
            """INSERT INTO reports_criticalresult (item, finding, found_at, notified_at, channel,
                receiver, receiver_department, read_back, action_taken, exam_id, found_by_id,
                notified_by_id)
            SELECT 'critical', '危急值', found_at,
                found_at + (0.5 + u33 * 11) * interval '1 minute', 'phone', '护士', '病区',
                true, '', exam_id, author_id, author_id
            FROM bench_exam WHERE found_at IS NOT NULL ORDER BY n""",
        ),
        (
            "exam records",
            """INSERT INTO exams_examrecord (protocol, shielding, pregnancy_checked,
                contrast_agent, contrast_ml, contrast_route, reaction, extravasation,
                discontinue_reason, exam_id, technique_technologist_id)
            SELECT '', '', true, CASE WHEN iv THEN '碘海醇' ELSE '' END,
                CASE WHEN iv THEN 80 END, CASE WHEN iv THEN 'iv' ELSE 'none' END,
                CASE WHEN iv THEN 'none' ELSE '' END, iv AND u22 < 0.003, '', exam_id,
                performer_id
            FROM bench_exam WHERE record ORDER BY n""",
        ),
        (
            "rejects",
            f"""INSERT INTO quality_rejectedimage (modality, reason, retaken, note, recorded_at,
                exam_id, recorded_by_id, room_id, technologist_id)
            SELECT modality, {_case_cumulative("u24", REJECT_REASONS)}, true, '',
                started_at + interval '5 minutes', exam_id, performer_id, room_id, performer_id
            FROM bench_exam WHERE reject ORDER BY n""",
        ),
        (
            "film grades",
            """INSERT INTO quality_filmgrade (grade, graded_at, note, exam_id, graded_by_id)
            SELECT CASE WHEN u26 < 0.75 THEN 'A' WHEN u26 < 0.95 THEN 'B' ELSE 'C' END,
                completed_at + interval '7 days', '', exam_id, author_id
            FROM bench_exam WHERE film_graded ORDER BY n""",
        ),
        (
            "follow-ups",
            """INSERT INTO quality_followup (reason, created_at, due_at, final_diagnosis,
                source, concordance, error, cause, recorded_at, exam_id, reader_id,
                recorded_by_id)
            SELECT 'positive', opened, opened + interval '30 days', '',
                CASE WHEN rec THEN 'pathology' ELSE '' END,
                CASE WHEN NOT rec THEN '' WHEN u29 < 0.7 THEN 'full'
                     WHEN u29 < 0.9 THEN 'partial' ELSE 'none' END,
                CASE WHEN NOT rec OR u29 < 0.9 THEN '' WHEN u30 < 0.5 THEN 'missed'
                     ELSE 'misdiagnosis' END,
                '', CASE WHEN rec THEN opened + u28 * interval '50 days' END,
                exam_id, author_id, CASE WHEN rec THEN author_id END
            FROM (SELECT *, coalesce(preliminary_at, final_at) + interval '1 day' AS opened,
                         u28 < 0.7 AS rec FROM bench_exam WHERE follow_up) t
            ORDER BY n""",
        ),
        (
            "sequences",
            """SELECT setval(pg_get_serial_sequence(t, 'id'), m) FROM (VALUES
                ('core_patient', (SELECT max(id) FROM core_patient)),
                ('orders_requisition', (SELECT max(id) FROM orders_requisition)),
                ('orders_exam', (SELECT max(id) FROM orders_exam))) AS v (t, m);
            DROP TABLE bench_exam""",
        ),
    ]
    started = time.perf_counter()
    print(f"loading {total:,} exams, {patients:,} patients (seed {seed})")
    with transaction.atomic(), connection.cursor() as cursor:
        # Rows are consistent by construction: skip the per-row foreign-key triggers.
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute("SET LOCAL work_mem = '256MB'")
        for name, sql in steps:
            t0 = time.perf_counter()
            cursor.execute(sql)
            rows = f"{cursor.rowcount:,} rows" if cursor.rowcount >= 0 else ""
            print(f"  {name:18} {time.perf_counter() - t0:7.1f} s  {rows}", flush=True)
    t0 = time.perf_counter()
    with connection.cursor() as cursor:  # what autovacuum would leave after a while
        cursor.execute("VACUUM ANALYZE")
    print(f"  {'vacuum analyze':18} {time.perf_counter() - t0:7.1f} s")
    print(f"loaded in {time.perf_counter() - started:.0f} s")


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


COMPLETED = "e.status = 'completed' AND e.completed_at >= %(start)s AND e.completed_at < %(end)s"
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
        """SELECT count(*) FILTER (WHERE e.modality NOT IN ('US', 'ECG')) AS r4d,
            count(*) FILTER (WHERE e.modality NOT IN ('US', 'ECG') AND on_time) AS r4n,
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
    return key


def cases():
    """(name, Yiji's call giving {group: (numerator, denominator)}, the reference's)."""
    from yiji.quality import kpi

    def ours_summary():
        return {i.code: (f.numerator, f.denominator) for i, f, _, _ in kpi.summary(FIRST, LAST)}

    out = [("summary (all indicators)", ours_summary, reference_summary)]
    for code, by in GROUPED_SQL:

        def ours(code=code, by=by):
            figures = kpi.compute(kpi.BY_CODE[code], FIRST, LAST, by)
            return {_key(f.key): (f.numerator, f.denominator) for f in figures}

        def reference(code=code, by=by):
            return {k: (n, d) for k, n, d in _rows(GROUPED_SQL[code, by], _params())}

        out.append((f"{code} by {by}", ours, reference))
    return out


def measure(func, runs: int):
    result = func()  # one warm-up: the caches of a department that uses its database
    samples = []
    for _ in range(runs):
        t0 = time.perf_counter()
        result = func()
        samples.append(time.perf_counter() - t0)
    return statistics.median(samples), result


def agreement(ours: dict, reference: dict) -> str:
    wrong = [k for k in set(ours) | set(reference) if ours.get(k) != reference.get(k)]
    if not wrong:
        return "numbers agree"
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
    parser.add_argument("--first", type=dt.date.fromisoformat, default=FIRST)
    parser.add_argument("--last", type=dt.date.fromisoformat, default=LAST)
    args = parser.parse_args()
    FIRST, LAST = args.first, args.last
    setup(args.fresh)
    generate(args.exams, args.seed)
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
