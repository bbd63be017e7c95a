"""The annual work summary (QLT-7): exams per modality for outpatients, inpatients,
emergencies and health check-ups, the change on last year, revenue, the month-by-month
curve, the year's key indicators, and the director's text; printable as PDF and Word."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Sum
from django.db.models.functions import ExtractMonth
from django.utils import timezone

from yiji.core import audit
from yiji.core.accounts import staff_of
from yiji.core.calendar import day_bounds
from yiji.core.models import AuditAction, PatientSource
from yiji.core.permissions import Action, require
from yiji.core.rulebook import carries_out
from yiji.orders.models import Exam, ExamCharge, ExamStatus, Modality
from yiji.quality import kpi
from yiji.quality.models import AnnualSummary

SOURCES = (
    PatientSource.OUTPATIENT,
    PatientSource.INPATIENT,
    PatientSource.EMERGENCY,
    PatientSource.CHECKUP,
)
KEY_INDICATORS = ("POSITIVE", "R3", "R4", "GRADE-A", "REJECT", "FOLLOW-UP", "CONCORDANCE")


def change(now: float | int | Decimal, before: float | int | Decimal) -> float | None:
    """Percent change on last year, or None where last year had none."""
    return round(100 * (float(now) - float(before)) / float(before), 1) if before else None


@dataclass
class Line:
    """One modality's (or the total's) counts by patient class, against last year."""

    label: str
    counts: dict[str, int] = field(default_factory=dict)
    last_year: int = 0

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def change(self) -> float | None:
        return change(self.total, self.last_year)


@dataclass
class YearFigures:
    year: int
    lines: list[Line]
    total: Line
    revenue: Decimal
    revenue_last_year: Decimal
    months: list[int]
    months_last_year: list[int]
    indicators: list[tuple]

    @property
    def revenue_change(self) -> float | None:
        return change(self.revenue, self.revenue_last_year)


def _completed(department, year: int):
    start, end = day_bounds(dt.date(year, 1, 1), dt.date(year, 12, 31))
    return Exam.objects.filter(
        department=department,
        status=ExamStatus.COMPLETED,
        completed_at__gte=start,
        completed_at__lt=end,
    )


def _revenue(department, year: int) -> Decimal:
    """The listed price of every completed exam plus the extra charges on them."""
    exams = _completed(department, year)
    prices = exams.aggregate(total=Sum("item__price"))["total"] or Decimal(0)
    extra = ExamCharge.objects.filter(exam__in=exams).aggregate(total=Sum("amount"))["total"]
    return prices + (extra or Decimal(0))


def _months(department, year: int) -> list[int]:
    tz = timezone.get_current_timezone()
    counts = dict(
        _completed(department, year)
        .annotate(month=ExtractMonth("completed_at", tzinfo=tz))
        .values("month")
        .annotate(n=Count("pk"))
        .values_list("month", "n")
    )
    return [counts.get(month, 0) for month in range(1, 13)]


@carries_out("QLT-7")
def year_figures(department, year: int) -> YearFigures:
    """Counted in the database: two grouped queries for the counts, two sums for revenue."""
    this_year = (
        _completed(department, year)
        .values_list("modality", "patient__source")
        .annotate(n=Count("pk"))
        .order_by()
    )
    last_year = dict(
        _completed(department, year - 1)
        .values_list("modality")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("modality", "n")
    )
    by_modality: dict[str, Line] = {}
    for modality, source, n in this_year:
        line = by_modality.setdefault(modality, Line(_modality_label(modality)))
        line.counts[source] = line.counts.get(source, 0) + n
    for modality, n in last_year.items():
        by_modality.setdefault(modality, Line(_modality_label(modality))).last_year = n
    lines = [by_modality[m] for m in sorted(by_modality)]
    total = Line("合计", last_year=sum(last_year.values()))
    for line in lines:
        for source, n in line.counts.items():
            total.counts[source] = total.counts.get(source, 0) + n
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    indicators = []
    for code in KEY_INDICATORS:
        indicator = kpi.BY_CODE[code]
        indicators.append((indicator, kpi.total(indicator, first, last, department)))
    return YearFigures(
        year=year,
        lines=lines,
        total=total,
        revenue=_revenue(department, year),
        revenue_last_year=_revenue(department, year - 1),
        months=_months(department, year),
        months_last_year=_months(department, year - 1),
        indicators=indicators,
    )


def _modality_label(value: str) -> str:
    return str(Modality(value).label) if value in Modality.values else value


def summary_for(department, year: int) -> AnnualSummary | None:
    return AnnualSummary.objects.filter(department=department, year=year).first()


@carries_out("QLT-7")
def save_text(actor, department, year: int, *, work: str, problems: str, plans: str):
    """The director's text of the summary; the last edit and its author are kept."""
    require(actor, Action.ASSESS_QUALITY)
    summary, _made = AnnualSummary.objects.update_or_create(
        department=department,
        year=year,
        defaults={
            "work": work.strip(),
            "problems": problems.strip(),
            "plans": plans.strip(),
            "updated_by": staff_of(actor, "QLT-7"),
            "updated_at": timezone.now(),
        },
    )
    audit.record(actor, AuditAction.UPDATE, summary)
    return summary
