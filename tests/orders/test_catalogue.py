"""The exam catalogue: the demo list, director-only edits, Excel export and import."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from yiji.core.models import AuditAction, AuditEntry, Department, Role
from yiji.orders.catalogue import COLUMNS, load_demo_catalogue
from yiji.orders.catalogue_data import ITEMS
from yiji.orders.models import ExamItem


def test_the_demo_catalogue_has_real_items_across_departments(hospital):
    for code, kind in (("RAD", "imaging"), ("US", "ultrasound"), ("ECG", "ecg")):
        Department.objects.create(hospital=hospital, code=code, name=code, kind=kind)
    assert load_demo_catalogue() == len(ITEMS) >= 120
    assert load_demo_catalogue() == 0  # idempotent
    names = set(ExamItem.objects.values_list("name", flat=True))
    assert {"胸部正位DR摄影", "头颅CT平扫", "运动平板试验（平板运动心电图）"} <= names
    assert ExamItem.objects.filter(needs_appointment=True, modality="CT").exists()
    assert set(ExamItem.objects.values_list("modality", flat=True)) >= {
        "DR",
        "CT",
        "MR",
        "DSA",
        "MG",
        "RF",
        "US",
        "ECG",
    }


def _sheet(rows) -> SimpleUploadedFile:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("items.xlsx", buffer.getvalue())


def test_export_then_import_round_trip(director, client_for, items):
    client = client_for(director)
    exported = client.get("/catalogue/export.xlsx")
    assert exported.status_code == 200
    rows = list(load_workbook(io.BytesIO(exported.content)).active.iter_rows(values_only=True))
    assert list(rows[0]) == COLUMNS and len(rows) == ExamItem.objects.count() + 1
    changed = [list(r) for r in rows]
    price = COLUMNS.index("price")
    changed[1][price] = 999
    new = list(changed[1])
    new[0], new[1] = "DR-NEW", "新项目"
    response = client.post("/catalogue/import/", {"file": _sheet(changed + [new])}, follow=True)
    assert "新增 1" in response.text or "1 new" in response.text
    assert ExamItem.objects.get(code=changed[1][0]).price == 999
    assert ExamItem.objects.filter(code="DR-NEW").exists()
    assert AuditEntry.objects.filter(
        action=AuditAction.UPDATE, object_type="orders.examitem"
    ).exists()


def test_a_bad_row_imports_nothing_and_names_the_row(director, client_for, items):
    client = client_for(director)
    rows = [
        COLUMNS,
        ["X1", "项目", "", "RAD", "DR"] + [""] * 14,
        ["X2", "项目", "", "NOWHERE", "ZZ"] + [""] * 14,
    ]
    response = client.post("/catalogue/import/", {"file": _sheet(rows)}, follow=True)
    assert "第3行" in response.text and not ExamItem.objects.filter(code__startswith="X").exists()
    garbage = client.post(
        "/catalogue/import/", {"file": SimpleUploadedFile("x.xlsx", b"not a workbook")}, follow=True
    )
    assert "Excel" in garbage.text


def test_only_the_director_edits(make_staff, client_for, items, director):
    clerk = client_for(make_staff(Role.CLERK))
    assert clerk.get("/catalogue/").status_code == 200
    assert clerk.get(f"/catalogue/{items['chest'].pk}/").status_code == 403
    boss = client_for(director)
    form = boss.get(f"/catalogue/{items['chest'].pk}/").context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(name="胸部正位DR（新）", department=items["chest"].department_id)
    assert boss.post(f"/catalogue/{items['chest'].pk}/", data).status_code == 302
    items["chest"].refresh_from_db()
    assert items["chest"].name == "胸部正位DR（新）"
