"""The rows in memory before the bulk write: `written_models`, the tables the generator fills
in writing order (parents before children); `Table`, one table's rows in column order with
the model's defaults filled in; and `Ids`, the next free primary key of each table, so rows
carry their ids and children point at parents before anything reaches the database."""

from __future__ import annotations

import json

from django.db import connection, models


def written_models() -> list[type[models.Model]]:
    """The tables the generator fills, parents before children."""
    from yiji.core.models import ElectronicSignature, Patient
    from yiji.equipment.models import Fault
    from yiji.exams.models import ExamRecord
    from yiji.lab.models import LabReport, LabResult, Specimen, SpecimenEvent
    from yiji.orders.models import Exam, ExamEvent, Requisition
    from yiji.quality.models import FilmGrade, FollowUp, RejectedImage
    from yiji.reports.models import CriticalResult, Report

    return [
        Patient, Requisition, Exam, ExamEvent, ElectronicSignature, Report, CriticalResult,
        FollowUp, ExamRecord, RejectedImage, FilmGrade, Specimen, SpecimenEvent, LabResult,
        LabReport, Fault,
    ]  # fmt: skip


class Table:
    """One table's rows in column order; the columns a row does not name take the model's
    default, turned into its database value once."""

    def __init__(self, model: type[models.Model]):
        self.name = model._meta.db_table
        fields = model._meta.concrete_fields
        self.columns = [f.column for f in fields]
        self.index = {f.attname: i for i, f in enumerate(fields)}
        self.template = [self._default(f) for f in fields]
        self.rows: list[list] = []

    @staticmethod
    def _default(f: models.Field):
        if isinstance(f, models.JSONField):  # {} or [] for a JSON field without a value
            return json.dumps(f.get_default())
        if f.has_default() and callable(f.default):
            return None  # the generator names these (times, keys) where they matter
        return f.get_db_prep_save(f.get_default(), connection)  # "" for a blank text field

    def add(self, **values) -> None:
        row = self.template.copy()
        for name, value in values.items():
            row[self.index[name]] = value
        self.rows.append(row)


class Ids:
    """The next free primary key of each table: rows are written with their ids, so children
    can point at parents before anything reaches the database."""

    def __init__(self, model_list, start: dict[str, int] | None = None):
        self.next = dict(start or {})
        for model in model_list:
            if model._meta.db_table not in self.next:
                top = model.objects.aggregate(m=models.Max("pk"))["m"] or 0
                self.next[model._meta.db_table] = top + 1

    def after(self, exams: int, bounds: dict[str, int]) -> dict[str, int]:
        """Where a job that follows `exams` exams starts each table: past every id those exams
        could have taken (`bounds`: the most rows one exam brings to the table)."""
        return {table: n + exams * bounds[table] for table, n in self.next.items()}

    def take(self, table: Table) -> int:
        value = self.next[table.name]
        self.next[table.name] = value + 1
        return value
