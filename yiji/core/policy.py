"""Policy settings: each default of RULES.md / INDICATORS.md a hospital may change.

`value(key, department)` answers with the department's value, else the hospital's, else the
default; `change()` is the only way to store one, and every change is audited.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from functools import cache
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from yiji.core import audit
from yiji.core.models import AuditAction, Department, Hospital, PolicyValue
from yiji.core.policy_types import PolicySetting, SettingError


@cache
def catalogue() -> dict[str, PolicySetting]:
    from yiji.core.policy_catalogue import SETTINGS

    return {setting.key: setting for setting in SETTINGS}


def setting(key: str) -> PolicySetting:
    try:
        return catalogue()[key]
    except KeyError:
        raise SettingError(f"{key} is not a policy setting") from None


def choice_label(key: str, code: str) -> str:
    """The label of one of a list setting's choices, in the user's language."""
    from django.utils.translation import get_language

    english = (get_language() or "").startswith("en")
    for value, zh, en in setting(key).choices:
        if value == code:
            return en if english else zh
    return code


def current_hospital() -> Hospital | None:
    return Hospital.objects.order_by("pk").first()


_batch = threading.local()


@contextmanager
def batch(rows: dict[tuple[str, int | None], Any] | None = None):
    """Within this block every value comes from one read of the stored values: for pages and
    tasks that ask about many exams (deadlines), instead of one query per question. Within
    a batch already open (a page that calls a service that batches) the outer read serves.
    `rows`, keyed by (key, department id), are values the caller has just read."""
    if hasattr(_batch, "rows"):
        yield
        return
    _batch.rows = rows
    try:
        yield
    finally:
        del _batch.rows


def _batched(key: str, scopes: list[int | None]) -> dict[int | None, Any] | None:
    """The stored values of `key` for these scopes from the open batch; None without one."""
    rows = getattr(_batch, "rows", False)
    if rows is False:
        return None
    if rows is None:
        rows = _batch.rows = {
            (row.key, row.department_id): row.value for row in PolicyValue.objects.all()
        }
    return {scope: rows[key, scope] for scope in scopes if (key, scope) in rows}


def _read(key: str, scopes: list[int | None], hospital_id: int | None) -> dict[int | None, Any]:
    """The stored values of `key` for these scopes, in one query."""
    if hospital_id is None:
        return {}
    rows = PolicyValue.objects.filter(hospital_id=hospital_id, key=key)
    rows = rows.filter(Q(department_id__in=[s for s in scopes if s]) | Q(department_id=None))
    return dict(rows.values_list("department_id", "value"))


def value(key: str, department: Department | None = None, hospital: Hospital | None = None) -> Any:
    """The value in force: the department's, else the hospital's, else the default."""
    spec = setting(key)
    department_id = department.pk if department is not None and spec.per_department else None
    scopes = ([department_id] if department_id else []) + [None]
    stored = _batched(key, scopes)
    if stored is None:
        if hospital is not None:
            hospital_id = hospital.pk
        elif department is not None:
            hospital_id = department.hospital_id
        else:
            hospital_id = Hospital.objects.order_by("pk").values_list("pk", flat=True).first()
        stored = _read(key, scopes, hospital_id)
    for scope in scopes:  # the department's value first, then the hospital's
        if scope in stored:
            return spec.parse(stored[scope])
    return spec.parse(spec.default)


def stored_values(hospital: Hospital) -> dict[tuple[str, int | None], Any]:
    """Every stored value of a hospital, keyed by (key, department id), for listing pages."""
    return {
        (row.key, row.department_id): row.value
        for row in PolicyValue.objects.filter(hospital=hospital)
    }


def change(
    actor,
    key: str,
    new_value: Any,
    *,
    hospital: Hospital,
    department: Department | None = None,
    reason: str = "",
) -> PolicyValue | None:
    """Store a new value (or None to return to the default), audited with before and after."""
    from yiji.core.permissions import Action, require

    spec = setting(key)
    if department is not None and not spec.per_department:
        raise SettingError(f"{key} is set for the whole hospital only")
    require(actor, Action.EDIT_POLICY, department)
    stored = None if new_value is None else spec.to_storage(new_value)
    with transaction.atomic():
        row = (
            PolicyValue.objects.select_for_update()
            .filter(hospital=hospital, department=department, key=key)
            .first()
        )
        before = row.value if row else None
        if stored is None:
            if row:
                row.delete()
            row = None
        elif row:
            row.value, row.updated_at, row.updated_by = stored, timezone.now(), actor
            row.save()
        else:
            row = PolicyValue.objects.create(
                hospital=hospital, department=department, key=key, value=stored, updated_by=actor
            )
        audit.record(
            actor,
            AuditAction.SETTING,
            object_type="policy",
            object_id=key if department is None else f"{key}@{department.code}",
            before={"value": before, "department": department and department.code},
            after={"value": stored, "default": spec.to_storage(spec.default)},
            reason=reason,
        )
    return row
