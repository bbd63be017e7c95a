"""The exam catalogue as data: save (audited), Excel export and import, the demo catalogue."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from openpyxl import Workbook, load_workbook

from yiji.core import audit
from yiji.core.models import AuditAction, Department
from yiji.core.permissions import Action, require
from yiji.core.spreadsheet import append_row
from yiji.orders.models import ContrastRoute, ExamItem, Modality

COLUMNS = [
    "code",
    "name",
    "name_en",
    "department",
    "modality",
    "body_part",
    "body_part_en",
    "duration_minutes",
    "price",
    "preparation",
    "preparation_en",
    "needs_appointment",
    "fasting",
    "non_fasting_us",
    "contrast_route",
    "important",
    "radiation",
    "exercise",
    "active",
]
FLAGS = {
    "needs_appointment",
    "fasting",
    "non_fasting_us",
    "important",
    "radiation",
    "exercise",
    "active",
}


def save_item(actor, item: ExamItem) -> ExamItem:
    require(actor, Action.MANAGE_CATALOGUE)
    with transaction.atomic():
        before = audit.snapshot(ExamItem.objects.get(pk=item.pk)) if item.pk else {}
        item.full_clean()
        item.save()
        old, new = audit.changes(before, audit.snapshot(item))
        action = AuditAction.UPDATE if before else AuditAction.CREATE
        audit.record(actor, action, item, before=old or None, after=new)
    return item


def export_xlsx() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "catalogue"
    append_row(sheet, COLUMNS)
    for item in ExamItem.objects.select_related("department").order_by("modality", "code"):
        row = []
        for column in COLUMNS:
            value = getattr(item, column)
            if column == "department":
                value = item.department.code
            elif isinstance(value, Decimal):
                value = float(value)
            row.append(value)
        append_row(sheet, row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    errors: list[str] = field(default_factory=list)


def import_xlsx(actor, upload) -> ImportResult:
    """Create or update items from a sheet laid out like the export. Every row is checked
    first; one bad row imports nothing, and the errors name the row and the column."""
    require(actor, Action.MANAGE_CATALOGUE)
    result = ImportResult()
    try:
        rows = list(
            load_workbook(upload, read_only=True, data_only=True).active.iter_rows(values_only=True)
        )
    except Exception:  # noqa: BLE001 - any unreadable file gets the same answer
        result.errors.append("文件不是有效的Excel(.xlsx)文件 / not a valid .xlsx file")
        return result
    if not rows or [str(c or "").strip() for c in rows[0][: len(COLUMNS)]] != COLUMNS:
        result.errors.append("第1行须为导出文件的列名 / row 1 must hold the exported column names")
        return result
    departments = {d.code: d for d in Department.objects.all()}
    items = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(row):
            continue
        item, problems = _row_to_item(dict(zip(COLUMNS, row, strict=False)), departments)
        result.errors += [f"第{number}行 / row {number}: {p}" for p in problems]
        items.append(item)
    if result.errors:
        return result
    with transaction.atomic():
        for item in items:
            existed = item.pk is not None
            save_item(actor, item)
            result.updated += existed
            result.created += not existed
    return result


def _row_to_item(values: dict, departments: dict[str, Department]) -> tuple[ExamItem, list[str]]:
    problems = []
    code = str(values.get("code") or "").strip()
    item = ExamItem.objects.filter(code=code).first() or ExamItem(code=code)
    for column in COLUMNS[1:]:
        raw = values.get(column)
        if column == "department":
            department = departments.get(str(raw or "").strip())
            if department is None:
                problems.append(f"department {raw!r}")
            else:
                item.department = department
        elif column in FLAGS:
            setattr(item, column, str(raw).strip().lower() in {"1", "true", "yes", "是", "y"})
        elif column == "price":
            try:
                item.price = Decimal(str(raw or 0))
            except InvalidOperation:
                problems.append(f"price {raw!r}")
        elif column == "duration_minutes":
            try:
                item.duration_minutes = int(raw or 0)
            except (TypeError, ValueError):
                problems.append(f"duration_minutes {raw!r}")
        else:
            setattr(item, column, str(raw or "").strip())
    if item.modality not in Modality.values:
        problems.append(f"modality {item.modality!r}")
    if item.contrast_route not in ContrastRoute.values:
        problems.append(f"contrast_route {item.contrast_route!r}")
    if not problems:
        try:
            item.full_clean(validate_unique=False)
        except ValidationError as exc:
            problems += [f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items()]
    return item, problems


def load_demo_catalogue() -> int:
    """Put the demo catalogue in place (idempotent); returns how many items were added."""
    from yiji.orders.catalogue_data import ITEMS

    departments = {d.code: d for d in Department.objects.all()}
    existing = set(ExamItem.objects.values_list("code", flat=True))
    new = [
        ExamItem(
            code=i.code,
            name=i.name,
            name_en=i.name_en,
            department=departments[i.department],
            modality=i.modality,
            body_part=i.body_part,
            body_part_en=i.body_part_en,
            duration_minutes=i.duration,
            price=i.price,
            preparation=i.preparation,
            preparation_en=i.preparation_en,
            needs_appointment=i.needs_appointment,
            fasting=i.fasting,
            non_fasting_us=i.non_fasting_us,
            contrast_route=i.contrast,
            important=i.important,
            radiation=i.radiation,
            exercise=i.exercise,
        )
        for i in ITEMS
        if i.code not in existing
    ]
    ExamItem.objects.bulk_create(new)
    return len(new)
