"""The turnaround dashboard: per modality, priority, patient class, reader or day, how many
reports went out, how many on time, and the median and 90th percentile in minutes.

On time means the first released report (preliminary or final) came by the deadline fixed
when the exam was completed. Counts come from one aggregate query; the percentiles are taken
over the period's turnaround times (one column of numbers).
"""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass

from django.db.models import Count, DateTimeField, F, Q
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from yiji.core import policy
from yiji.core.calendar import day_bounds
from yiji.core.rulebook import carries_out
from yiji.orders.models import Exam
from yiji.reports.models import Report, ReportStatus

GROUPINGS = {
    "modality": "modality",
    "priority": "priority",
    "source": "patient__source",
    "reader": "report__author__name",
    "day": "day",
}


@dataclass(frozen=True)
class Row:
    key: str
    reports: int
    on_time: int
    p50: float | None
    p90: float | None

    @property
    def on_time_rate(self) -> float | None:
        return round(100 * self.on_time / self.reports, 1) if self.reports else None


def _released():
    return Coalesce("report__preliminary_at", "report__final_at", output_field=DateTimeField())


def reported_exams(first: dt.date, last: dt.date, department=None):
    tz = timezone.get_current_timezone()
    start, end = day_bounds(first, last)
    rows = (
        Exam.objects.filter(completed_at__gte=start, completed_at__lt=end)
        .annotate(released=_released(), day=TruncDate("completed_at", tzinfo=tz))
        .filter(released__isnull=False)
    )
    return rows.filter(department=department) if department else rows


def percentile(values: list[float], share: float) -> float | None:
    if not values:
        return None
    if len(values) == 1:
        return round(values[0], 1)
    return round(statistics.quantiles(values, n=100, method="inclusive")[int(share * 100) - 1], 1)


@carries_out("RPT-5", "RPT-6", "RPT-8")
def dashboard(first: dt.date, last: dt.date, by: str = "modality", department=None) -> list[Row]:
    field = GROUPINGS[by]
    exams = reported_exams(first, last, department)
    counts = (
        exams.values(field)
        .annotate(
            reports=Count("pk"),
            on_time=Count(
                "pk", filter=Q(report_due_at__isnull=False, released__lte=F("report_due_at"))
            ),
        )
        .order_by(field)
    )
    minutes: dict[str, list[float]] = {}
    for key, released, completed in exams.values_list(field, "released", "completed_at"):
        minutes.setdefault(str(key), []).append((released - completed).total_seconds() / 60)
    return [
        Row(
            str(row[field]),
            row["reports"],
            row["on_time"],
            percentile(minutes.get(str(row[field]), []), 0.5),
            percentile(minutes.get(str(row[field]), []), 0.9),
        )
        for row in counts
    ]


def late_exams(first: dt.date, last: dt.date, by: str, key: str, department=None):
    """The drill-down: reports in a group that went out after their deadline."""
    exams = reported_exams(first, last, department).filter(released__gt=F("report_due_at"))
    if key:
        exams = exams.filter(**{GROUPINGS[by]: key}) if by != "day" else exams.filter(day=key)
    return exams.select_related("patient", "item", "report__author").order_by("-completed_at")[:200]


@dataclass(frozen=True)
class Preliminary:
    """Preliminary emergency reports of a period and how their finalisation went (RPT-7)."""

    hours: int
    issued: int
    finalised_in_time: int
    overdue_open: int

    @property
    def in_time_rate(self) -> float | None:
        return round(100 * self.finalised_in_time / self.issued, 1) if self.issued else None


@carries_out("RPT-7")
def preliminary_figures(first: dt.date, last: dt.date, department=None) -> Preliminary:
    """How many preliminary reports went out, how many were final within
    rpt.preliminary_finalise_hours, and how many are past it and still not final."""
    hours = policy.value("rpt.preliminary_finalise_hours", department=department)
    allowed = dt.timedelta(hours=hours)
    start, end = day_bounds(first, last)
    rows = Report.objects.filter(preliminary_at__gte=start, preliminary_at__lt=end)
    if department:
        rows = rows.filter(exam__department=department)
    counts = rows.aggregate(
        issued=Count("pk"),
        in_time=Count("pk", filter=Q(final_at__lte=F("preliminary_at") + allowed)),
        overdue=Count(
            "pk",
            filter=Q(status=ReportStatus.PRELIMINARY, preliminary_at__lt=timezone.now() - allowed),
        ),
    )
    return Preliminary(hours, counts["issued"], counts["in_time"], counts["overdue"])
