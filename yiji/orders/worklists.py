"""Worklist queries shared by the pages and the API: indexed filters, emergencies first,
keyset pagination (no OFFSET, so page 1,000 costs what page 1 does)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from yiji.core import access
from yiji.core.models import Patient, Sex
from yiji.orders.models import OPEN_STATUSES, Exam, ExamStatus, Priority, in_page_language

ORDER = ("-priority", "created_at", "pk")


@dataclass(slots=True)
class Coded:
    """A catalogue item or a room as a worklist line shows it."""

    pk: int
    code: str
    name: str
    name_en: str = ""  # rooms have none

    @property
    def display_name(self) -> str:
        return in_page_language(self.name, self.name_en)


@dataclass(slots=True)
class PatientCell:
    pk: int
    patient_id: str
    name: str
    sex: str
    birth_date: dt.date | None

    age_on = Patient.age_on  # reads birth_date only

    def get_sex_display(self) -> str:
        return _label(Sex, self.sex)


@dataclass(slots=True)
class WorklistRow:
    """One worklist line, built from the page's own columns rather than five model instances
    (the exam, its patient, item, room and requisition: 101 columns). Building those was most
    of Yiji's cost over the raw SQL at 20M exams (docs/performance.md). The page, the API
    (ExamOut) and the cursor read these attributes; the view adds age and waited_seconds."""

    pk: int
    priority: str
    status: str
    modality: str
    accession: str | None
    scheduled_start: dt.datetime | None
    queue_number: int | None
    queued_at: dt.datetime | None
    created_at: dt.datetime
    infectious: bool
    patient: PatientCell
    item: Coded
    room: Coded | None
    age: int | None = None
    waited_seconds: float | None = None

    @property
    def id(self) -> int:
        return self.pk

    def get_priority_display(self) -> str:
        return _label(Priority, self.priority)

    def get_status_display(self) -> str:
        return _label(ExamStatus, self.status)


def _label(choices, value: str) -> str:
    """The choice's label, or the stored value itself as Django's get_FOO_display gives it."""
    try:
        return choices(value).label
    except ValueError:
        return value


# The query's columns, in the order of the fields they fill.
_EXAM = (
    "pk", "priority", "status", "modality", "accession", "scheduled_start", "queue_number",
    "queued_at", "created_at", "requisition__infectious",
)  # fmt: skip
_PATIENT = ("patient_id", "patient__patient_id", "patient__name", "patient__sex",
            "patient__birth_date")  # fmt: skip
_ITEM = ("item_id", "item__code", "item__name", "item__name_en")
_ROOM = ("room_id", "room__code", "room__name")
_COLUMNS = _EXAM + _PATIENT + _ITEM + _ROOM
_P, _I, _R = len(_EXAM), len(_EXAM) + len(_PATIENT), len(_COLUMNS) - len(_ROOM)


def _row(values: tuple) -> WorklistRow:
    room = Coded(*values[_R:]) if values[_R] is not None else None
    return WorklistRow(*values[:_P], PatientCell(*values[_P:_I]), Coded(*values[_I:_R]), room)


def worklist_page(filters: dict, after: str, size: int, user=None) -> list[WorklistRow]:
    return [_row(values) for values in worklist_query(filters, after, size, user)]


def worklist_query(filters: dict, after: str, size: int, user=None) -> QuerySet:
    """One page of the worklist: the page's keys chosen on orders_exam alone, then only those
    rows joined to their patient, item and room. With the joins in the same query PostgreSQL
    joined every open exam to the whole patient table before the LIMIT (88 ms at 1M exams,
    growing with the patient table; docs/performance.md)."""
    keys = worklist_rows(filters, after, user).values("pk")[:size]
    return _PAGE.filter(pk__in=keys)


# Resolving the 21 columns' joins is a third of building the query; it is done once, and each
# page filters a copy (a QuerySet is never evaluated in place here, so nothing is cached).
_PAGE = Exam.objects.order_by(*ORDER).values_list(*_COLUMNS)


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


def cursor_of(exam: Exam | WorklistRow) -> str:
    return f"{exam.priority}~{exam.created_at.isoformat()}~{exam.pk}"
