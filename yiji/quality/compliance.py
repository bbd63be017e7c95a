"""The compliance page's figures: for a period, per rule, how often it refused an action,
how often it was overridden with a reason, done against on a modality's say-so (recorded
exceptions), and reminded, and the rate the rule names where Yiji measures one. The
department's answer to an inspection."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count
from django.utils.translation import gettext as _

from yiji.core.calendar import day_bounds
from yiji.core.models import Notice, Refusal
from yiji.orders.models import EventKind, ExamEvent
from yiji.quality import kpi
from yiji.quality.models import (
    Attendance,
    Consultation,
    FollowUp,
    Presence,
    QcInspection,
    ReadingSession,
    Rectification,
    SessionStatus,
)
from yiji.reports import critical

COUNTED_EVENTS = {EventKind.OVERRIDE: "overrides", EventKind.RULE_EXCEPTION: "exceptions"}


@dataclass
class RuleFigures:
    refusals: int = 0
    overrides: int = 0
    exceptions: int = 0
    reminders: int = 0
    measure: str = ""


def _percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}% ({part}/{whole})" if whole else "—"


def period_figures(first: dt.date, last: dt.date) -> dict[str, RuleFigures]:
    start, end = day_bounds(first, last)
    figures: dict[str, RuleFigures] = defaultdict(RuleFigures)
    events = ExamEvent.objects.filter(kind__in=list(COUNTED_EVENTS), at__gte=start, at__lt=end)
    for kind, rule, n in events.values_list("kind", "data__rule").annotate(n=Count("pk")):
        if rule:
            setattr(figures[rule], COUNTED_EVENTS[kind], n)
    notices = Notice.objects.filter(created_at__gte=start, created_at__lt=end)
    for rule, n in notices.values_list("rule").annotate(n=Count("pk")):
        figures[rule].reminders = n
    refusals = Refusal.objects.filter(at__gte=start, at__lt=end)
    for rule, n in refusals.values_list("rule").annotate(n=Count("pk")).order_by():
        figures[rule].refusals = n
    for rule, text in measures(first, last).items():
        figures[rule].measure = text
    return dict(figures)


def measures(first: dt.date, last: dt.date) -> dict[str, str]:
    """The figure each measured rule names, for the period, in a line of text."""
    start, end = day_bounds(first, last)
    out: dict[str, str] = {}
    crit = critical.rates(first, last)
    out["RPT-12"] = _("notified in time %(rate)s") % {
        "rate": _percent(crit.within_limit, crit.total)
    }
    closed = ReadingSession.objects.filter(
        day__gte=first, day__lte=last, status=SessionStatus.CLOSED
    ).count()
    out["CNF-1"] = _("%(n)d sessions closed") % {"n": closed}
    absent = Attendance.objects.filter(
        session__day__gte=first, session__day__lte=last, presence=Presence.ABSENT
    ).count()
    out["CNF-5"] = _("%(n)d absences without reason") % {"n": absent}
    asked = Consultation.objects.filter(requested_at__gte=start, requested_at__lt=end).count()
    out["CNF-4"] = _("%(n)d consultations") % {"n": asked}
    inspections = QcInspection.objects.filter(day__gte=first, day__lte=last).count()
    still_open = Rectification.objects.filter(
        inspection__day__gte=first, inspection__day__lte=last, verified_at__isnull=True
    ).count()
    out["QLT-5"] = _("%(n)d QC inspections, %(open)d rectifications open") % {
        "n": inspections,
        "open": still_open,
    }

    def rate(code: str) -> str:
        figure = kpi.total(kpi.BY_CODE[code], first, last)
        return _percent(figure.numerator, figure.denominator)

    out["QLT-1"] = _("follow-up rate %(followed)s; concordance rate %(concordant)s") % {
        "followed": rate("FOLLOW-UP"),
        "concordant": rate("CONCORDANCE"),
    }
    errors = FollowUp.objects.filter(created_at__gte=start, created_at__lt=end).exclude(error="")
    out["QLT-2"] = _("%(n)d missed diagnoses or misdiagnoses") % {"n": errors.count()}
    out["CNF-6"] = _("grade-A rate %(rate)s") % {"rate": rate("GRADE-A")}
    out["QLT-3"] = _("reject rate %(rate)s") % {"rate": rate("REJECT")}
    return out


def drill_down(rule: str, first: dt.date, last: dt.date) -> dict:
    """The records behind a rule's counts: refusals, events and reminders."""
    start, end = day_bounds(first, last)
    events = (
        ExamEvent.objects.filter(
            kind__in=list(COUNTED_EVENTS), at__gte=start, at__lt=end, data__rule=rule
        )
        .select_related("exam__patient", "exam__item", "actor__staff")
        .order_by("-at")
    )
    notices = (
        Notice.objects.filter(rule=rule, created_at__gte=start, created_at__lt=end)
        .select_related("recipient")
        .order_by("-created_at")
    )
    refusals = Refusal.objects.filter(rule=rule, at__gte=start, at__lt=end).select_related(
        "actor__staff"
    )
    return {"events": events, "notices": notices, "refusals": refusals}


def totals(figures: dict[str, RuleFigures]) -> dict[str, int]:
    return {
        "refusals": sum(f.refusals for f in figures.values()),
        "overrides": sum(f.overrides for f in figures.values()),
        "exceptions": sum(f.exceptions for f in figures.values()),
        "reminders": sum(f.reminders for f in figures.values()),
    }
