"""Reminders and escalations (the 'remind' kind of rule): one notice per person and subject."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import IntegrityError, transaction

from yiji.core.models import Notice, Role, RoleAssignment, Staff


def notify(
    recipients: Iterable[Staff],
    rule: str,
    key: str,
    message: str,
    url: str = "",
    message_en: str = "",
) -> int:
    """Send a notice to each recipient once per key; returns how many were new. The message
    is in Chinese; an English one is shown to English readers (else the rule's text)."""
    sent = 0
    for staff in {s.pk: s for s in recipients}.values():
        try:
            with transaction.atomic():
                Notice.objects.create(
                    recipient=staff,
                    rule=rule,
                    key=key,
                    message=message[:300],
                    url=url,
                    message_en=message_en[:300],
                )
            sent += 1
        except IntegrityError:
            pass  # already told
    return sent


def holders(role: str, department=None, group=None) -> list[Staff]:
    """Active staff holding a role, for that department or group (or hospital-wide)."""
    assignments = RoleAssignment.objects.filter(role=role, staff__active=True).select_related(
        "staff"
    )
    if group is not None:
        scoped = assignments.filter(group=group)
        if scoped.exists():
            return [a.staff for a in scoped]
    if department is not None:
        scoped = assignments.filter(department=department)
        if scoped.exists():
            return [a.staff for a in scoped]
    return [a.staff for a in assignments.filter(department__isnull=True, group__isnull=True)]


def escalation_chain(department, group=None) -> tuple[list[Staff], list[Staff]]:
    """(group leaders, directors) responsible for a department or group."""
    leaders = holders(Role.GROUP_LEADER, department, group)
    return leaders or holders(Role.DEPUTY_DIRECTOR, department), holders(Role.DIRECTOR, department)


def unread(staff: Staff):
    return Notice.objects.filter(recipient=staff, read_at__isnull=True)
