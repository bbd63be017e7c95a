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
    out.update(_people_measures(first, last, start, end))
    out.update(_lab_measures(first, last))
    return out


def _lab_measures(first: dt.date, last: dt.date) -> dict[str, str]:
    """The figures the laboratory rules name (LAB-1..5)."""
    from yiji.lab import qc, specimens, tat
    from yiji.orders.models import Modality

    def rate(code: str) -> str:
        figure = kpi.total(kpi.BY_CODE[code], first, last)
        return _percent(figure.numerator, figure.denominator)

    turnaround = tat.figures(first, last)
    lab_crit = critical.rates(first, last, modality=Modality.LAB)
    iqc = qc.iqc_figures(first, last)
    eqa = qc.eqa_figures(last.year)
    return {
        "LAB-1": _("non-conforming specimens %(rate)s") % {"rate": rate("CL-REJ")},
        "LAB-2": _("released late %(late)s; urgent total TAT P90 %(p90)s min")
        % {
            "late": _percent(turnaround.late, turnaround.count),
            "p90": tat.figures(first, last, urgent=True).total_p90 or "—",
        },
        "LAB-3": _("critical values notified in time %(rate)s")
        % {"rate": _percent(lab_crit.within_limit, lab_crit.total)},
        "LAB-4": _("%(n)d specimens past their keeping time")
        % {"n": specimens.due_for_disposal().count()},
        "LAB-5": _("IQC coverage %(iqc)s; EQA passed %(eqa)s")
        % {
            "iqc": _percent(iqc.tests_with_qc, iqc.tests_reported),
            "eqa": _percent(eqa.passed, eqa.rounds),
        },
    }


def _people_measures(first: dt.date, last: dt.date, start, end) -> dict[str, str]:
    """The figures the people and incident rules name (STF, RAD-2/3, INC)."""
    from yiji.incidents import services as incidents
    from yiji.people.models import (
        DayRecord,
        DayStatus,
        DoseInvestigation,
        DoseRecord,
        Duty,
        HealthCheck,
        LeaveRequest,
        LeaveStatus,
        StudySession,
    )

    ended = Duty.objects.filter(shift__handover=True, ends_at__gte=start, ends_at__lt=end)
    written = ended.filter(handover__isnull=False).count()
    days = DayRecord.objects.filter(day__gte=first, day__lte=last)
    _rows, register = incidents.register(first, last)
    return {
        "STF-4": _("handovers written %(rate)s") % {"rate": _percent(written, ended.count())},
        "STF-2": _("%(late)d late arrivals, %(absent)d absent at the roll")
        % {
            "late": days.filter(late_minutes__gt=0).count(),
            "absent": days.filter(status=DayStatus.ABSENT).count(),
        },
        "STF-3": _("%(n)d leave requests approved")
        % {
            "n": LeaveRequest.objects.filter(
                status=LeaveStatus.APPROVED, first_day__gte=first, first_day__lte=last
            ).count()
        },
        "STF-7": _("%(n)d study sessions")
        % {"n": StudySession.objects.filter(held_on__gte=first, held_on__lte=last).count()},
        "RAD-2": _("%(n)d dose readings, %(inv)d investigations opened")
        % {
            "n": DoseRecord.objects.filter(period_end__gte=first, period_end__lte=last).count(),
            "inv": DoseInvestigation.objects.filter(
                opened_at__gte=start, opened_at__lt=end
            ).count(),
        },
        "RAD-3": _("%(n)d health checks")
        % {"n": HealthCheck.objects.filter(checked_on__gte=first, checked_on__lte=last).count()},
        "INC-1": _("%(n)d reported, %(late)d reported late, %(steps)d steps late")
        % {"n": register.total, "late": register.reported_late, "steps": register.steps_late},
        "INC-3": _("%(n)d still open") % {"n": register.open},
    }


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
