"""`{% load durations %}`: a number of seconds as people read a waiting time."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def seconds(value) -> str:
    """Seconds (or a timedelta) as "55 s", "12.5 min" or "2.1 h", never 0:00:55.928143."""
    if value is None or value == "":
        return "—"
    value = value.total_seconds() if hasattr(value, "total_seconds") else float(value)
    if value < 120:
        return _("%(n)d s") % {"n": round(value)}
    if value < 7200:
        return _("%(n).1f min") % {"n": value / 60}
    return _("%(n).1f h") % {"n": value / 3600}
