"""The director's and leaders' cockpit (驾驶舱): the department's day at a glance, each figure
read from the records it counts and each a link to the list behind it.

Everything here is a read of today's open work, which stays small whatever the archive
holds (indexed by status and day); the month's indicators come from the roll-up and are kept
five minutes, because they change by the day and not by the second."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import get_language

from yiji.core.models import Room
from yiji.equipment import plans
from yiji.equipment.models import Device, DeviceStatus
from yiji.orders.checkin import with_waiting
from yiji.orders.models import OPEN_STATUSES, Exam, ExamStatus, Modality
from yiji.people.models import Duty
from yiji.quality.kpi import figures as kpi_figures
from yiji.reports.models import CriticalResult, Report, ReportStatus

INDICATOR_SECONDS = 300
DUE_SOON = dt.timedelta(hours=1)


def _scoped(rows, department, path: str = "department"):
    return rows.filter(**{path: department}) if department is not None else rows


def exams_today(department, today: dt.date) -> dict:
    """Today's exams (booked for today, checked in today or ordered today) by modality and
    state: the chart's stacks and the table beside it."""
    start = timezone.make_aware(dt.datetime.combine(today, dt.time.min))
    end = start + dt.timedelta(days=1)
    rows = _scoped(Exam.objects.all(), department).filter(
        Q(scheduled_start__gte=start, scheduled_start__lt=end)
        | Q(arrived_at__gte=start, arrived_at__lt=end)
        | Q(created_at__gte=start, created_at__lt=end)
    )
    counts = rows.order_by().values_list("modality", "status").annotate(n=Count("pk"))
    table: dict[str, dict[str, int]] = {}
    for modality, status, n in counts:
        table.setdefault(modality, {})[status] = n
    modalities = [m for m in Modality.values if m in table]
    statuses = [s for s in ExamStatus.values if any(s in table[m] for m in modalities)]
    return {
        "modalities": [(m, Modality(m).label) for m in modalities],
        "statuses": [(s, ExamStatus(s).label) for s in statuses],
        # (modality, label, [(status, count)], total) for the table beside the chart.
        "rows": [
            (
                m,
                Modality(m).label,
                [(s, table[m].get(s, 0)) for s in statuses],
                sum(table[m].values()),
            )
            for m in modalities
        ],  # fmt: skip
        "total": sum(sum(v.values()) for v in table.values()),
    }


@dataclass
class RoomWait:
    room: Room
    waiting: int
    longest_minutes: int | None


def waiting_by_room(department, now: dt.datetime) -> list[RoomWait]:
    rooms = with_waiting(
        _scoped(Room.objects.filter(active=True).exclude(modalities=[]), department)
    ).order_by("code")
    return [
        RoomWait(
            room,
            room.waiting,
            int((now - room.since).total_seconds() // 60) if room.since else None,
        )
        for room in rooms
    ]


def reports_due(department, now: dt.datetime) -> dict:
    """Exams waiting for a report against their clocks (RPT-7/8), and reports waiting for
    the second signature."""
    waiting = _scoped(
        Exam.objects.filter(status=ExamStatus.COMPLETED, has_report=False).exclude(
            modality=Modality.LAB
        ),
        department,
    )
    return {
        "waiting": waiting.count(),
        "overdue": waiting.filter(report_due_at__lt=now).count(),
        "due_soon": waiting.filter(
            report_due_at__gte=now, report_due_at__lt=now + DUE_SOON
        ).count(),
        "to_review": _scoped(
            Report.objects.filter(status=ReportStatus.SUBMITTED), department, "exam__department"
        ).count(),
    }


def critical_unacknowledged(department) -> list[CriticalResult]:
    return list(
        _scoped(
            CriticalResult.objects.filter(acknowledged_at__isnull=True),
            department,
            "exam__department",
        )
        .select_related("exam__patient", "exam__item")
        .order_by("found_at")[:20]
    )


def devices(department) -> dict:
    down = _scoped(
        Device.objects.filter(status__in=[DeviceStatus.FAULT, DeviceStatus.MAINTENANCE]),
        department,
    ).select_related("room")
    overdue = [
        due
        for due in plans.due_list()
        if due.overdue and (department is None or due.plan.device.department_id == department.pk)
    ]
    return {"down": list(down[:20]), "overdue": overdue[:20], "overdue_count": len(overdue)}


def on_duty(department, now: dt.datetime) -> list[Duty]:
    return list(
        _scoped(
            Duty.objects.filter(starts_at__lte=now, ends_at__gt=now, roster__status="published"),
            department,
            "roster__department",
        )
        .select_related("staff", "shift")
        .order_by("shift__post", "staff__name")
    )


@dataclass(frozen=True)
class IndicatorRow:
    code: str
    name_zh: str
    name_en: str
    value: float | None
    numerator: int
    denominator: int
    target: float | None
    met: bool | None
    unit: str

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "").startswith("en") else self.name_zh


UNITS = {"rate": "%", "permille": "‰"}


def month_indicators(department, today: dt.date) -> list[IndicatorRow]:
    """This month's national indicators that have anything counted, against their targets;
    kept five minutes."""
    key = f"cockpit-indicators-{getattr(department, 'pk', 'all')}-{today:%Y-%m-%d}"
    rows = cache.get(key)
    if rows is None:
        rows = [
            IndicatorRow(
                indicator.code, indicator.name_zh, indicator.name_en, figure.value,
                figure.numerator, figure.denominator,
                float(target) if target is not None else None, met,
                UNITS.get(indicator.kind, ""),
            )
            for indicator, figure, target, met in kpi_figures.summary(
                today.replace(day=1), today, department
            )
            if figure.denominator
        ]  # fmt: skip
        cache.set(key, rows, INDICATOR_SECONDS)
    return rows


def open_exams(department) -> int:
    return _scoped(Exam.objects.filter(status__in=OPEN_STATUSES), department).count()
