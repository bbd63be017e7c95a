"""Request helpers the people pages share: the user's staff record, department, month, language."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import get_language

from yiji.core.models import Department, Staff
from yiji.core.views import form_month, form_pk
from yiji.people import roster


def _me(request: HttpRequest) -> Staff | None:
    return getattr(request.user, "staff", None)


def _departments(request: HttpRequest):
    """The medical-technology departments, the user's own first."""
    me = _me(request)
    own = list(me.departments.values_list("pk", flat=True)) if me else []
    return sorted(Department.objects.medtech(), key=lambda d: (d.pk not in own, d.code))


def _department(request: HttpRequest) -> Department | None:
    departments = _departments(request)
    chosen = form_pk(request.GET.get("department") or request.POST.get("department"))
    return next((d for d in departments if d.pk == chosen), departments[0] if departments else None)


def _month(request: HttpRequest) -> dt.date:
    value = request.GET.get("month") or request.POST.get("month")
    return form_month(value) or roster.month_start(timezone.localdate())


def _lang_zh() -> bool:
    return not (get_language() or "zh-hans").startswith("en")


def _decimal(value) -> Decimal | None:
    try:
        return Decimal(str(value).strip()) if str(value or "").strip() else None
    except InvalidOperation:
        return None
