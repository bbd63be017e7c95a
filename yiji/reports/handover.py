"""Reporting's open work at a shift change (STF-4, the people.handover hook)."""

from __future__ import annotations

from django.db.models import Q

from yiji.core.models import Department
from yiji.orders.models import Exam, ExamStatus, Priority
from yiji.people.handover import LIMIT, exam_label, item
from yiji.reports.models import CriticalResult, ReportStatus

NOT_FINAL = [ReportStatus.DRAFT, ReportStatus.SUBMITTED, ReportStatus.PRELIMINARY]


def open_work(department: Department) -> list[dict]:
    """Emergency exams without a final report, then critical results not acknowledged."""
    unreported = (
        Exam.objects.filter(
            department=department, priority=Priority.URGENT, status=ExamStatus.COMPLETED
        )
        .filter(Q(report__isnull=True) | Q(report__status__in=NOT_FINAL))
        .select_related("patient", "item")
        .order_by("completed_at")
    )
    items = [
        item("urgent_unreported", exam_label(exam), f"/exams/{exam.pk}/report/")
        for exam in unreported[:LIMIT]
    ]
    critical = (
        CriticalResult.objects.filter(exam__department=department, acknowledged_at__isnull=True)
        .select_related("exam__patient", "exam__item")
        .order_by("found_at")
    )
    for result in critical[:LIMIT]:
        state = "未通知" if result.notified_at is None else "未确认"
        label = f"{exam_label(result.exam)}：{result.finding}（{state}）"
        items.append(item("critical", label, "/critical/"))
    return items
