"""`yiji gen`: a seeded synthetic hospital written through the bulk path, which the clinical
pages, the clocks and the quality figures read like any other data."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Q
from django.test import Client
from django.utils import timezone

from yiji.core.models import ElectronicSignature, Patient
from yiji.lab.models import LabReport, LabResult, Specimen
from yiji.orders.models import OPEN_STATUSES, Exam, ExamEvent, ExamStatus
from yiji.quality import kpi
from yiji.reports.models import SIGNED_STATUSES, CriticalResult, Report
from yiji.site import gen

NOW = dt.datetime(2026, 6, 10, 15, 30, tzinfo=dt.UTC)  # a Wednesday, 23:30 in Shanghai


def _rows(seed: int) -> list[tuple[str, list]]:
    generator = gen.Generator(seed, 200, gen.Hospital(), NOW)
    generator.day(dt.date(2026, 6, 1), 200)
    return [(table.name, rows) for table, rows in generator.take_rows()]


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_rows_and_another_seed_others():
    gen.load_reference()
    first, again, other = _rows(7), _rows(7), _rows(8)
    assert first == again
    assert dict(first)["orders_exam"] != dict(other)["orders_exam"]
    assert len(dict(first)["orders_exam"]) == 200


def test_days_run_back_from_the_last_with_the_total_exact():
    days = list(gen.days_for(1000, 100, dt.date(2026, 6, 7)))  # a Sunday
    assert sum(n for _, n in days) == 1000
    assert days[-1] == (dt.date(2026, 6, 7), 70)  # weekends are quieter
    assert days[-2] == (dt.date(2026, 6, 6), 70)
    assert days[-3] == (dt.date(2026, 6, 5), 112)
    assert [d for d, _ in days] == sorted(d for d, _ in days)


@pytest.fixture
def generated(transactional_db, monkeypatch, capfd):
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    call_command("migrate", verbosity=0)  # the flushed tables' content types come back
    before = _indexes()
    call_command(
        "gen",
        "--exams",
        "1500",
        "--per-day",
        "150",
        "--batch-days",
        "3",
        "--rebuild-indexes",
        "--jobs",
        "2",
    )
    assert _indexes() == before  # the dropped indexes are all back
    # Progress: each generating process (two on PostgreSQL, forked: their output reaches the
    # file descriptor only) counts up to its own share.
    counts = re.findall(r"(job \d/\d)?\s+([\d,]+) / ([\d,]+) exams", capfd.readouterr().out)
    last = {part: (done, planned) for part, done, planned in counts}
    assert all(done == planned for done, planned in last.values())
    assert sum(int(planned.replace(",", "")) for _, planned in last.values()) == 1500
    assert len(last) == (2 if connection.vendor == "postgresql" else 1)
    return NOW


def test_the_generated_hospital_follows_the_clinical_flow_and_the_pages_read_it(generated):
    assert (
        Exam.objects.filter(accession__startswith="GA").count()
        + Exam.objects.filter(
            status=ExamStatus.REQUESTED, requisition__number__startswith="GR"
        ).count()
        == 1500
    )
    exams = Exam.objects.filter(requisition__number__startswith="GR")
    today = timezone.localdate(generated)
    # Open exams only where a department has open work: today and yesterday.
    open_days = {e.created_at.date() for e in exams.filter(status__in=OPEN_STATUSES)}
    assert open_days and all(d >= today - dt.timedelta(days=5) for d in open_days)
    ended = exams.exclude(status__in=OPEN_STATUSES)
    assert ended.filter(status=ExamStatus.COMPLETED).count() / ended.count() > 0.9
    assert set(exams.values_list("modality", flat=True)) >= {"DR", "CT", "MR", "US", "ECG", "LAB"}
    # Each completed exam's events are in order and its times come from them.
    for exam in exams.filter(status=ExamStatus.COMPLETED)[:200]:
        events = {e.kind: e.at for e in ExamEvent.objects.filter(exam=exam)}
        assert events["requested"] <= events["arrived"] <= events["started"]
        assert events["started"] == exam.started_at < events["completed"] == exam.completed_at
        assert exam.performed_by_id is not None
        if exam.modality in ("DR", "CT", "MR", "ECG"):  # the rules with a deadline for all
            assert exam.report_due_at is not None and exam.report_due_rule.startswith("RPT-")
    # Signed reports carry the author's signature (and a reviewer's for residents' reports).
    signed = Report.objects.filter(status__in=SIGNED_STATUSES, exam__in=exams)
    assert signed.count() > 500
    for report in signed.select_related("author")[:200]:
        signature = ElectronicSignature.objects.get(pk=report.author_signature_id)
        assert signature.signer_id == report.author_id and signature.object_id == str(report.pk)
        if report.author.physician_title == 1 and report.status == "final":
            assert report.reviewer_signature_id is not None
        assert report.released_at >= report.exam.completed_at
    # The reading list's flag: set exactly where a report (or a released lab report) exists.
    reported = Q(report__isnull=False) | Q(lab_report__isnull=False)
    assert not exams.filter(has_report=True).exclude(reported).exists()
    assert not exams.filter(reported, has_report=False).exists()
    assert CriticalResult.objects.filter(exam__in=exams).exists()
    for critical in CriticalResult.objects.filter(exam__in=exams):
        assert critical.found_at <= critical.notified_at <= critical.acknowledged_at
    # Lab panels: specimens received before results, a released report per completed panel.
    lab_done = exams.filter(modality="LAB", status=ExamStatus.COMPLETED)
    assert lab_done.exists()
    assert LabReport.objects.filter(exam__in=lab_done).count() == lab_done.count()
    assert LabResult.objects.filter(exam__in=lab_done).count() >= lab_done.count()
    for specimen in Specimen.objects.filter(exam__in=lab_done)[:100]:
        assert specimen.collected_at < specimen.received_at

    # After the COPY with explicit ids the sequences are past them: a normal save works.
    patient = Patient.objects.create(
        patient_id="NEW-1", name="新患者", sex="F", source="outpatient"
    )
    assert patient.pk > Patient.objects.exclude(pk=patient.pk).order_by("-pk").first().pk

    # The pages and figures read the generated data like any other.
    director = get_user_model().objects.get(username="director")
    client = Client()
    client.force_login(director)
    for url in ("/worklist/", "/reading/", "/tat/", "/critical/", "/quality/kpi/"):
        response = client.get(url)
        assert response.status_code == 200, url
    listed = re.findall(r'href="/exams/(\d+)/"', client.get("/worklist/").content.decode())
    assert listed  # the open generated exams are on the worklist
    assert exams.filter(pk__in=listed, status__in=OPEN_STATUSES).count() == len(set(listed))
    last_month = timezone.localdate(generated) - dt.timedelta(days=9)
    figures = {i.code: f for i, f, _, _ in kpi.summary(last_month, last_month + dt.timedelta(6))}
    assert figures["POSITIVE"].denominator > 200  # the week's signed reports
    assert 0.2 < figures["POSITIVE"].value / 100 < 0.5


def _indexes() -> set[str]:
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        return {
            name
            for table in tables
            for name in connection.introspection.get_constraints(cursor, table)
        }


@pytest.mark.django_db
@pytest.mark.parametrize(
    "args, message",
    [
        (["--exams", "many"], "not a number of exams"),
        (["--exams", "0"], "at least 1"),
        (["--per-day", "0"], "at least 1"),
    ],
)
def test_bad_arguments_get_a_clear_error(args, message):
    with pytest.raises(CommandError, match=message):
        call_command("gen", *args)
