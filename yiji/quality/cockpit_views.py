"""The cockpit (驾驶舱): the home of the director, the deputies and the group leaders, and a
page of its own for a wall screen, refreshed every minute."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from yiji.core.hooks import HomePanel
from yiji.core.models import Department, Role
from yiji.core.permissions import Action, role_assignments
from yiji.core.views import requires
from yiji.quality import cockpit

LEADERS = (Role.DIRECTOR, Role.DEPUTY_DIRECTOR, Role.GROUP_LEADER)


def leader_scope(user) -> tuple[bool, Department | None]:
    """Whether the user leads, and the department they lead (None: the whole hospital)."""
    held = [a for a in role_assignments(user) if a.role in LEADERS]
    if not held:
        return False, None
    if any(a.department_id is None and a.group_id is None for a in held):
        return True, None
    first = held[0]
    if first.department_id:
        return True, Department.objects.get(pk=first.department_id)
    return True, Department.objects.get(groups__pk=first.group_id)


def cockpit_context(department) -> dict:
    now = timezone.now()
    today = timezone.localdate(now)
    exams = cockpit.exams_today(department, today)
    rooms = cockpit.waiting_by_room(department, now)
    indicators = cockpit.month_indicators(department, today)
    return {
        "department": department,
        "now": now,
        "today": today,
        "exams": exams,
        "rooms": rooms,
        "waiting_total": sum(r.waiting for r in rooms),
        "reports": cockpit.reports_due(department, now),
        "critical": cockpit.critical_unacknowledged(department),
        "devices": cockpit.devices(department),
        "on_duty": cockpit.on_duty(department, now),
        "indicators": indicators,
        "chart": {
            "modalities": [str(label) for _, label in exams["modalities"]],
            "series": [
                {"name": str(label), "data": [counts[i][1] for _, _, counts, _ in exams["rows"]]}
                for i, (_, label) in enumerate(exams["statuses"])
            ],
            "rooms": [r.room.name for r in rooms],
            "waiting": [r.waiting for r in rooms],
            "longest": [r.longest_minutes or 0 for r in rooms],
            "indicators": [
                {"name": row.code, "value": row.value, "target": row.target} for row in indicators
            ],
        },
    }


def home_panels(request: HttpRequest) -> list[HomePanel]:
    leads, department = leader_scope(request.user)
    if not leads:
        return []
    return [HomePanel(0, "quality/cockpit_panel.html", cockpit_context(department))]


@requires(Action.VIEW_QUALITY)
def cockpit_page(request: HttpRequest) -> HttpResponse:
    _, department = leader_scope(request.user)
    context = {"p": cockpit_context(department), "standalone": True}
    if request.headers.get("HX-Request"):
        return render(request, "quality/cockpit_body.html", context)
    return render(request, "quality/cockpit.html", context)
