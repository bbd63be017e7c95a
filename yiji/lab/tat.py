"""Lab turnaround (LAB-2): routine results before the day's cut-off, urgent ones within the
policy minutes from reception; reminders before and after; and the national lab TAT
indicators (pre-analytical and intra-lab medians, total TAT 90th percentile, CL-12), all from
the recorded collection, reception and release times."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import connection
from django.db.models import Aggregate, Count, DurationField, ExpressionWrapper, F, QuerySet
from django.urls import reverse
from django.utils import timezone

from yiji.core import notices, policy
from yiji.core.calendar import day_bounds, local_datetime
from yiji.core.models import Role
from yiji.core.rulebook import carries_out
from yiji.lab.models import Section, Specimen
from yiji.orders.models import Exam, ExamStatus, Modality, Priority
from yiji.reports.tat import percentile

URGENT_KEY = {
    Section.CLINICAL: "lab.urgent_tat_minutes",
    Section.BIOCHEMISTRY: "lab.stat_biochemistry_tat_minutes",
}
WARN = {Priority.URGENT: dt.timedelta(minutes=10), Priority.ROUTINE: dt.timedelta(minutes=60)}


@carries_out("LAB-2")
def deadline(exam: Exam, received_at: dt.datetime) -> tuple[dt.datetime | None, str]:
    """When the result is due. Urgent: the section's minutes from reception. Routine: the
    day's cut-off, or the next day's for a specimen received after it. Cultures take days
    and are not on the same-day clock."""
    section, dept = exam.item.lab.section, exam.department
    if section == Section.MICROBIOLOGY:
        return None, ""
    if exam.priority == Priority.URGENT:
        minutes = policy.value(URGENT_KEY[section], department=dept)
        return received_at + dt.timedelta(minutes=minutes), "LAB-2"
    day, by = (
        timezone.localdate(received_at),
        policy.value("lab.routine_results_by", department=dept),
    )
    if received_at >= local_datetime(day, by):
        day += dt.timedelta(days=1)
    return local_datetime(day, by), "LAB-2"


def awaiting_release(now: dt.datetime | None = None) -> QuerySet:
    """Lab exams received and not yet released, with a deadline."""
    return Exam.objects.filter(
        modality=Modality.LAB,
        status__in=[ExamStatus.ARRIVED, ExamStatus.IN_PROGRESS],
        report_due_at__isnull=False,
        lab_report__isnull=True,
    ).select_related("patient", "item", "department")


@carries_out("LAB-2")
def remind(now: dt.datetime | None = None) -> int:
    """Run every minute: before the deadline the technologists, after it the reviewers and
    then (an hour late) the director."""
    now = now or timezone.now()
    sent = 0
    for exam in awaiting_release(now).filter(report_due_at__lte=now + WARN[Priority.ROUTINE]):
        due, dept = exam.report_due_at, exam.department
        what = f"{exam.patient.name} {exam.item.name}"
        due_text = timezone.localtime(due).strftime("%m-%d %H:%M")
        url = reverse("lab_exam", args=[exam.pk])
        if now >= due - WARN.get(exam.priority, WARN[Priority.ROUTINE]):
            sent += notices.notify(
                notices.holders(Role.LAB_TECHNOLOGIST, dept), "LAB-2", f"lab-warn-{exam.pk}",
                f"【LAB-2】检验结果即将到期（{due_text}）：{what}", url,
            )  # fmt: skip
        if now >= due:
            sent += notices.notify(
                notices.holders(Role.LAB_REVIEWER, dept), "LAB-2", f"lab-late-{exam.pk}",
                f"【LAB-2】检验结果已超时（应于{due_text}前发出）：{what}", url,
            )  # fmt: skip
        if now >= due + dt.timedelta(hours=1):
            sent += notices.notify(
                notices.holders(Role.DIRECTOR, dept), "LAB-2", f"lab-late-director-{exam.pk}",
                f"【LAB-2】检验结果超时一小时未发：{what}", url,
            )  # fmt: skip
    return sent


# ------------------------------------------------------------------ indicators


def _duration(start: str, end: str) -> ExpressionWrapper:
    return ExpressionWrapper(F(end) - F(start), output_field=DurationField())


PRE = _duration("collected_at", "received_at")
INTRA = _duration("received_at", "exam__lab_report__released_at")
TOTAL = _duration("collected_at", "exam__lab_report__released_at")


def specimens(first: dt.date, last: dt.date, department=None, urgent: bool | None = None):
    """Specimens collected in the period that were tested and reported, with their three
    intervals annotated."""
    start, end = day_bounds(first, last)
    rows = Specimen.objects.filter(
        collected_at__gte=start,
        collected_at__lt=end,
        received_at__isnull=False,
        exam__lab_report__isnull=False,
    )
    if department is not None:
        rows = rows.filter(exam__department=department)
    if urgent is not None:
        rows = (
            rows.filter(exam__priority=Priority.URGENT)
            if urgent
            else rows.exclude(exam__priority=Priority.URGENT)
        )
    return rows.annotate(pre=PRE, intra=INTRA, total=TOTAL)


def _minutes(values) -> list[float]:
    return sorted(v.total_seconds() / 60 for v in values if v is not None)


@dataclass(frozen=True)
class TatFigures:
    count: int
    pre_median: float | None
    intra_median: float | None
    total_p90: float | None
    late: int  # released after their LAB-2 deadline
    target_p90: int

    @property
    def meets(self) -> bool | None:
        return None if self.total_p90 is None else self.total_p90 <= self.target_p90


class Percentile(Aggregate):
    """PostgreSQL's PERCENTILE_CONT (linear interpolation between ranks, the same as
    statistics.quantiles(method="inclusive")), so a year of specimens is one aggregate."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(%(share)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = DurationField()

    def __init__(self, expression, share: float):
        super().__init__(expression, share=share)

    def as_sql(self, compiler, connection, **extra):
        return super().as_sql(compiler, connection, share=float(self.extra["share"]), **extra)


def _in_minutes(value) -> float | None:
    return None if value is None else round(value.total_seconds() / 60, 1)


def _intervals(rows) -> tuple[int, float | None, float | None, float | None]:
    """(count, pre-analytical median, intra-lab median, total P90) in minutes."""
    if connection.vendor == "postgresql":
        found = rows.aggregate(
            n=Count("pk"), pre=Percentile(PRE, 0.5), intra=Percentile(INTRA, 0.5),
            total=Percentile(TOTAL, 0.9),
        )  # fmt: skip
        return found["n"], *(_in_minutes(found[k]) for k in ("pre", "intra", "total"))
    # SQLite has no percentile aggregate: the fallback reads the intervals (tested in the
    # SQLite run; the PostgreSQL run tests the aggregate on the same crafted data).
    pre, intra, total = [], [], []
    for a, b, c in rows.values_list("pre", "intra", "total").iterator():
        pre.append(a)
        intra.append(b)
        total.append(c)
    return (
        len(total),
        percentile(_minutes(pre), 0.5),
        percentile(_minutes(intra), 0.5),
        percentile(_minutes(total), 0.9),
    )


@carries_out("LAB-2")
def figures(first: dt.date, last: dt.date, department=None, urgent: bool | None = None):
    """The lab TAT indicators, in minutes."""
    rows = specimens(first, last, department, urgent)
    count, pre, intra, total = _intervals(rows)
    late = rows.filter(
        exam__report_due_at__isnull=False,
        exam__lab_report__released_at__gt=F("exam__report_due_at"),
    ).count()
    return TatFigures(
        count=count,
        pre_median=pre,
        intra_median=intra,
        total_p90=total,
        late=late,
        target_p90=policy.value("lab.total_tat_p90_minutes", department=department),
    )


def late_specimens(first: dt.date, last: dt.date, department=None):
    """The drill-down: specimens reported after their LAB-2 deadline."""
    return (
        specimens(first, last, department)
        .filter(
            exam__report_due_at__isnull=False,
            exam__lab_report__released_at__gt=F("exam__report_due_at"),
        )
        .select_related("exam__patient", "exam__item", "exam__lab_report")
        .order_by("-collected_at")
    )


def by_day(first: dt.date, last: dt.date, department=None) -> list[tuple[dt.date, TatFigures]]:
    """Day by day over at most a month, for the chart."""
    days = min((last - first).days, 31)
    return [
        (day, figures(day, day, department))
        for day in (last - dt.timedelta(days=n) for n in range(days, -1, -1))
    ]


def unreleased_after_deadline(now: dt.datetime | None = None) -> QuerySet:
    now = now or timezone.now()
    return awaiting_release(now).filter(report_due_at__lt=now)
