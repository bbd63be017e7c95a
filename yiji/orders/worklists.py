"""Worklist queries shared by the pages and the API: indexed filters, emergencies first,
keyset pagination (no OFFSET, so page 1,000 costs what page 1 does)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.utils import timezone

from yiji.core import access
from yiji.orders.models import OPEN_STATUSES, Exam

ORDER = ("-priority", "created_at", "pk")


def worklist_page(filters: dict, after: str, size: int, user=None) -> QuerySet:
    """One page of the worklist: the page's keys chosen on orders_exam alone, then only those
    rows joined to their patient, item and room. With the joins in the same query PostgreSQL
    joined every open exam to the whole patient table before the LIMIT (88 ms at 1M exams,
    growing with the patient table; docs/performance.md)."""
    keys = worklist_rows(filters, after, user).values("pk")[:size]
    return (
        Exam.objects.filter(pk__in=keys)
        .select_related("patient", "item", "room", "requisition")
        .order_by(*ORDER)
    )


def worklist_rows(filters: dict, after: str, user=None):
    """The open (or filtered) exams in worklist order, without their related rows; for a
    user, only the exams they are related to (ARC-5)."""
    rows = Exam.objects.order_by(*ORDER)
    if user is not None:
        rows = access.visible_exams(user, rows)
    status = filters.get("status")
    rows = rows.filter(status=status) if status else rows.filter(status__in=OPEN_STATUSES)
    for field in ("department", "room", "modality", "priority"):
        if filters.get(field):
            rows = rows.filter(**{field: filters[field]})
    if filters.get("day"):
        start = dt.datetime.combine(
            filters["day"], dt.time.min, tzinfo=timezone.get_current_timezone()
        )
        end = start + dt.timedelta(days=1)
        rows = rows.filter(
            Q(scheduled_start__gte=start, scheduled_start__lt=end)
            | Q(scheduled_start__isnull=True, created_at__gte=start, created_at__lt=end)
        )
    if after:
        rows = rows.filter(_after(after))
    return rows


def _after(cursor: str) -> Q:
    """Keyset pagination on (priority desc, created_at, pk): no OFFSET, fast at any depth."""
    try:
        priority, created, pk = cursor.split("~")
        created_at = dt.datetime.fromisoformat(created)
        pk_value = int(pk)
    except ValueError:
        return Q()
    return (
        Q(priority__lt=priority)
        | Q(priority=priority, created_at__gt=created_at)
        | Q(priority=priority, created_at=created_at, pk__gt=pk_value)
    )


def cursor_of(exam: Exam) -> str:
    return f"{exam.priority}~{exam.created_at.isoformat()}~{exam.pk}"
