"""The order flow's open work at a shift change (STF-4, the people.handover hook)."""

from __future__ import annotations

from yiji.core.models import Department
from yiji.orders.models import Exam, ExamStatus, Modality
from yiji.people.handover import LIMIT, exam_label, item


def open_work(department: Department) -> list[dict]:
    """Patients checked in and waiting, or being examined, longest waiting first."""
    waiting = (
        Exam.objects.filter(
            department=department, status__in=[ExamStatus.ARRIVED, ExamStatus.IN_PROGRESS]
        )
        .exclude(modality=Modality.LAB)
        .select_related("patient", "item", "room")
        .order_by("arrived_at")
    )
    return [
        item(
            "waiting",
            f"{exam_label(exam)} {exam.room.name if exam.room else ''} {exam.get_status_display()}",
            f"/exams/{exam.pk}/",
        )
        for exam in waiting[:LIMIT]
    ]
