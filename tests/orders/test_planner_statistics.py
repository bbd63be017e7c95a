"""The reading list's "unreported" count stays an index read however large the exam table
grows. PostgreSQL took status and has_report as independent and, at 20M exams, expected
900,000 completed exams without a report where there were a thousand: a scan of the whole
table (2 s a page). Migration orders 0013 gives it statistics on the pair."""

from __future__ import annotations

import json

from django.db import connection

from yiji.orders.models import Exam, ExamStatus
from yiji.reports.views import reading_rows


def _department_of_exams(order, items, completed: int, booked: int, waiting: int) -> None:
    """A department's history: most exams completed and reported, some booked, a few
    completed and waiting for their report."""
    model = order(items["chest"])[0]  # requested: neither completed nor reported
    shapes = (
        [(ExamStatus.COMPLETED, True)] * completed
        + [(ExamStatus.BOOKED, False)] * booked
        + [(ExamStatus.COMPLETED, False)] * waiting
    )
    Exam.objects.bulk_create(
        Exam(requisition_id=model.requisition_id, item_id=model.item_id,
             patient_id=model.patient_id, department_id=model.department_id,
             modality=model.modality, priority=model.priority, status=status,
             has_report=reported)
        for status, reported in shapes
    )  # fmt: skip


def _scan_of(table: str, plan: dict) -> dict:
    if plan.get("Relation Name") == table:
        return plan
    found = [_scan_of(table, child) for child in plan.get("Plans", [])]
    return next((node for node in found if node), {})


def test_the_unreported_count_is_estimated_from_the_pair_not_each_column(order, items, doctor):
    _department_of_exams(order, items, completed=2700, booked=285, waiting=15)
    unreported = reading_rows(doctor("attending").user, "unreported")
    assert unreported.count() == 15
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE orders_exam")
        scan = _scan_of("orders_exam", json.loads(unreported.explain(format="json"))[0]["Plan"])
        # Independent columns: 0.905 completed x 0.1 unreported x 3000 = 271 expected.
        assert scan["Plan Rows"] < 60, scan
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        # SQLite reads the partial index whenever the query implies its condition.
        assert "exam_to_report" in unreported.explain()
