"""The lab's open work at a shift change (STF-4, the people.handover hook)."""

from __future__ import annotations

from django.utils import timezone

from yiji.core.models import Department
from yiji.lab.models import Specimen, SpecimenStatus
from yiji.orders.models import Exam, ExamStatus, Modality
from yiji.people.handover import LIMIT, exam_label, item


def open_work(department: Department) -> list[dict]:
    """Specimens collected and on their way, then tests received and not released."""
    transit = (
        Specimen.objects.filter(exam__department=department, status=SpecimenStatus.COLLECTED)
        .select_related("exam__patient", "exam__item")
        .order_by("collected_at")
    )
    items = [
        item("lab_transit", f"{specimen.barcode} {exam_label(specimen.exam)}",
             f"/lab/specimens/{specimen.pk}/")
        for specimen in transit[:LIMIT]
    ]  # fmt: skip
    pending = (
        Exam.objects.filter(
            department=department, modality=Modality.LAB,
            status__in=[ExamStatus.ARRIVED, ExamStatus.IN_PROGRESS],
        )
        .select_related("patient", "item")
        .order_by("report_due_at", "arrived_at")
    )  # fmt: skip
    for exam in pending[:LIMIT]:
        due = timezone.localtime(exam.report_due_at).strftime("%H:%M") if exam.report_due_at else ""
        items.append(item("lab_pending", f"{exam_label(exam)} {due}".strip(),
                          f"/lab/exams/{exam.pk}/"))  # fmt: skip
    return items
