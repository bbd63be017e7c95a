"""Windows open on time and never close early (SCH-8): each desk or exam-room window's opening
and closing is recorded, a late opening (after the policy minutes before clinic opening) or
an early closing (before the afternoon session ends) is flagged and counted."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone

from yiji.core import audit, notices, policy
from yiji.core.accounts import staff_of
from yiji.core.models import AuditAction, Department, Role
from yiji.core.permissions import Action, require
from yiji.core.rulebook import RuleViolation, carries_out
from yiji.orders.models import WindowSession

REGISTRATION_DESK = "登记窗口"


def _at(day: dt.date, time: dt.time) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, time))


def opening_due(department: Department, day: dt.date) -> dt.datetime:
    """When the windows must be open: the policy minutes before the morning session."""
    minutes = policy.value("sch.window_open_minutes_before", department=department)
    start = policy.value("sch.morning_start", department=department)
    return _at(day, start) - dt.timedelta(minutes=minutes)


def closing_due(department: Department, day: dt.date) -> dt.datetime:
    return _at(day, policy.value("sch.afternoon_end", department=department))


def windows_of(department: Department) -> list[str]:
    """The department's windows: the registration desk and each of its rooms."""
    return [REGISTRATION_DESK, *department.rooms.order_by("code").values_list("name", flat=True)]


@carries_out("SCH-8")
def open_window(actor, department: Department, window: str) -> WindowSession:
    require(actor, Action.BOOK_EXAM)
    staff = staff_of(actor, "SCH-8")
    if window not in windows_of(department):
        raise RuleViolation("SCH-8", "请选择本科室的窗口。", "Choose a window of the department.",
                            field="window")  # fmt: skip
    now = timezone.now()
    day = timezone.localdate(now)
    try:
        with transaction.atomic():
            session = WindowSession.objects.create(
                department=department, window=window, day=day, opened_at=now, opened_by=staff,
                opened_late=now > opening_due(department, day),
            )  # fmt: skip
    except IntegrityError as exc:
        raise RuleViolation("SCH-8", f"{window}今天已开窗。", f"{window} is already open today.",
                            field="window") from exc  # fmt: skip
    audit.record(actor, AuditAction.CREATE, session)
    return session


@carries_out("SCH-8")
def close_window(actor, session: WindowSession, reason: str = "") -> WindowSession:
    """Close a window; before the working day ends it is an early closing, kept with its
    reason and told to the department's leaders."""
    require(actor, Action.BOOK_EXAM)
    staff = staff_of(actor, "SCH-8")
    now = timezone.now()
    early = now < closing_due(session.department, session.day)
    if early and len(reason.strip()) < 2:
        raise RuleViolation(
            "SCH-8", "不得提前关窗；确需提前关窗须写明原因。",
            "Windows do not close early; give the reason if you must.", field="reason",
        )  # fmt: skip
    with transaction.atomic():
        session = WindowSession.objects.select_for_update().get(pk=session.pk)
        if session.closed_at:
            return session
        session.closed_at, session.closed_by = now, staff
        session.closed_early, session.close_reason = early, reason.strip()[:200]
        session.save()
        audit.record(actor, AuditAction.UPDATE, session, after={"closed_early": early})
    if early:
        notices.notify(
            notices.holders(Role.GROUP_LEADER, session.department)
            + notices.holders(Role.DIRECTOR, session.department),
            "SCH-8", f"window-early:{session.pk}",
            f"{session.window}{timezone.localtime(now):%H:%M}提前关窗：{session.close_reason}",
            "/windows/",
        )  # fmt: skip
    return session


@dataclass(frozen=True)
class WindowFigures:
    sessions: int
    opened_late: int
    closed_early: int


@carries_out("SCH-8")
def figures(department: Department, first: dt.date, last: dt.date) -> WindowFigures:
    found = WindowSession.objects.filter(department=department, day__gte=first, day__lte=last)
    counts = found.aggregate(
        sessions=Count("pk"),
        late=Count("pk", filter=Q(opened_late=True)),
        early=Count("pk", filter=Q(closed_early=True)),
    )
    return WindowFigures(counts["sessions"], counts["late"], counts["early"])
