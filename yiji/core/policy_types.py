"""The typed description of one policy setting (a per-hospital, per-department default)."""

from __future__ import annotations

import datetime as dt
import decimal
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


class SettingKind(models.TextChoices):
    INTEGER = "int", _("Whole number")
    DECIMAL = "decimal", _("Decimal number")
    BOOLEAN = "bool", _("Yes / no")
    TEXT = "text", _("Text")
    TIME = "time", _("Time of day")
    CHOICE = "choice", _("One of a list")
    LIST = "list", _("List of values")


class SettingError(ValueError):
    """A value that does not fit the setting's type or range."""


@dataclass(frozen=True)
class PolicySetting:
    key: str
    kind: SettingKind
    default: Any
    zh: str
    en: str
    rules: tuple[str, ...] = ()
    unit: str = ""
    per_department: bool = True
    choices: tuple[tuple[str, str, str], ...] = ()  # (value, zh label, en label)
    minimum: Any = None
    maximum: Any = None
    group: str = field(default="")

    def parse(self, raw: Any) -> Any:
        """The value as the setting's Python type; SettingError if it is not one."""
        try:
            value = _PARSERS[self.kind](self, raw)
        except SettingError:
            raise
        except (TypeError, ValueError, decimal.InvalidOperation) as exc:
            raise SettingError(f"{self.key}: {raw!r} is not a valid {self.kind.label}") from exc
        if self.minimum is not None and value < self.minimum:
            raise SettingError(f"{self.key}: {value} is below the minimum {self.minimum}")
        if self.maximum is not None and value > self.maximum:
            raise SettingError(f"{self.key}: {value} is above the maximum {self.maximum}")
        return value

    def to_storage(self, value: Any) -> Any:
        """The JSON-safe form kept in the database."""
        value = self.parse(value)
        if self.kind == SettingKind.DECIMAL:
            return str(value)
        if self.kind == SettingKind.TIME:
            return value.strftime("%H:%M")
        return value


def _parse_int(setting: PolicySetting, raw: Any) -> int:
    if isinstance(raw, bool):
        raise SettingError(f"{setting.key}: a yes/no is not a number")
    if isinstance(raw, str):
        raw = raw.strip()
    return int(raw)


def _parse_decimal(setting: PolicySetting, raw: Any) -> decimal.Decimal:
    value = decimal.Decimal(str(raw).strip())
    if not value.is_finite():
        raise SettingError(f"{setting.key}: {raw!r} is not a finite number")
    return value


def _parse_bool(setting: PolicySetting, raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in {"true", "1", "yes", "on"}:
        return True
    if text in {"false", "0", "no", "off", ""}:
        return False
    raise SettingError(f"{setting.key}: {raw!r} is not yes or no")


def _parse_text(setting: PolicySetting, raw: Any) -> str:
    return str(raw).strip()


def _parse_time(setting: PolicySetting, raw: Any) -> dt.time:
    if isinstance(raw, dt.time):
        return raw.replace(second=0, microsecond=0)
    return dt.datetime.strptime(str(raw).strip(), "%H:%M").time()


def _parse_choice(setting: PolicySetting, raw: Any) -> str:
    value = str(raw).strip()
    if value not in {c[0] for c in setting.choices}:
        raise SettingError(f"{setting.key}: {raw!r} is not one of the allowed values")
    return value


def _parse_list(setting: PolicySetting, raw: Any) -> list[str]:
    items = raw if isinstance(raw, list | tuple) else str(raw).replace("，", ",").split(",")
    values = [str(item).strip() for item in items if str(item).strip()]
    if setting.choices:
        allowed = {c[0] for c in setting.choices}
        wrong = [v for v in values if v not in allowed]
        if wrong:
            raise SettingError(f"{setting.key}: {', '.join(wrong)} not allowed")
    return values


_PARSERS = {
    SettingKind.INTEGER: _parse_int,
    SettingKind.DECIMAL: _parse_decimal,
    SettingKind.BOOLEAN: _parse_bool,
    SettingKind.TEXT: _parse_text,
    SettingKind.TIME: _parse_time,
    SettingKind.CHOICE: _parse_choice,
    SettingKind.LIST: _parse_list,
}


GROUP_LABELS = {
    "orders": _("Requisitions"),
    "scheduling": _("Appointments"),
    "exams": _("Exams"),
    "reports": _("Reports"),
    "critical": _("Critical results"),
    "conferences": _("Reading sessions"),
    "quality": _("Quality"),
    "equipment": _("Equipment"),
    "radiation": _("Radiation safety"),
    "archive": _("Archive"),
    "staff": _("Staff"),
    "incidents": _("Errors and accidents"),
    "lab": _("Laboratory"),
    "security": _("Security"),
}


UNIT_LABELS = {
    "min": _("min"),
    "h": _("hours"),
    "day": _("days"),
    "month": _("months"),
    "year": _("years"),
}


def display_value(setting: PolicySetting, value: Any) -> str:
    """A value as staff read it: yes/no, choice labels in the current language, HH:MM."""
    from django.utils.translation import get_language

    english = (get_language() or "").startswith("en")
    labels = {c[0]: (c[2] if english else c[1]) for c in setting.choices}
    if value is None:
        return "—"
    if setting.kind == SettingKind.BOOLEAN:
        return str(_("Yes") if value else _("No"))
    if setting.kind == SettingKind.TIME:
        return value.strftime("%H:%M") if isinstance(value, dt.time) else str(value)
    if setting.kind == SettingKind.LIST:
        return "、".join(labels.get(v, v) for v in value) or "—"
    if setting.kind == SettingKind.CHOICE:
        return labels.get(value, value)
    unit = UNIT_LABELS.get(setting.unit, setting.unit)
    return f"{value} {unit}".strip()
