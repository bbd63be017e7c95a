"""The QA/QC group's inspections and the rectifications they open (QLT-5): the QC archive.

The group is the department's QC officers with its director and deputies. An inspection
records what was checked (equipment performance, image quality, report quality, the work
process, radiation protection, infection control) and what was found; every problem becomes
a rectification with an owner and a due date, which the owner reports done and the group
verifies or sends back. Overdue rectifications are reminded to the owner and the group.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from yiji.core import audit, notices
from yiji.core.accounts import staff_of
from yiji.core.models import AuditAction, Role, Staff
from yiji.core.permissions import Action, may, require
from yiji.core.rulebook import RuleViolation, carries_out
from yiji.quality.models import QcArea, QcInspection, Rectification

GROUP_ROLES = (Role.QC_OFFICER, Role.DIRECTOR, Role.DEPUTY_DIRECTOR)


@dataclass(frozen=True)
class Problem:
    problem: str
    measure: str
    owner: Staff | None
    due: dt.date | None


def qc_group(department) -> list[Staff]:
    group: list[Staff] = []
    for role in GROUP_ROLES:
        group += [s for s in notices.holders(role, department) if s not in group]
    return group


def _refuse(zh: str, en: str, field: str = "") -> RuleViolation:
    return RuleViolation("QLT-5", zh, en, field=field)


@carries_out("QLT-5")
def record_inspection(
    actor,
    department,
    day: dt.date,
    area: str,
    findings: str,
    inspectors: list[Staff],
    problems: list[Problem],
) -> QcInspection:
    require(actor, Action.ASSESS_QUALITY)
    today = timezone.localdate()
    if area not in QcArea.values:
        raise _refuse("请选择质控检查的内容。", "Choose what was inspected.", "area")
    if day > today:
        raise _refuse("检查日期不能晚于今天。", "The date cannot be in the future.", "day")
    if not findings.strip():
        raise _refuse("请记录检查所见。", "Record what the inspection found.", "findings")
    if not inspectors:
        raise _refuse("请选择参加检查的质控小组成员。", "Choose who inspected.", "inspectors")
    for problem in problems:
        if not (problem.problem.strip() and problem.measure.strip() and problem.owner):
            raise _refuse(
                "每个问题须写明整改措施和责任人。",
                "Each problem needs a measure and a responsible person.",
                "problems",
            )
        if problem.due is None or problem.due < today:
            raise _refuse("整改期限须为今天或以后。", "The due date is today or later.", "problems")
    with transaction.atomic():
        inspection = QcInspection.objects.create(
            department=department,
            day=day,
            area=area,
            findings=findings.strip(),
            recorded_by=staff_of(actor, "QLT-5"),
        )
        inspection.inspectors.set(inspectors)
        for problem in problems:
            Rectification.objects.create(
                inspection=inspection,
                problem=problem.problem.strip()[:300],
                measure=problem.measure.strip()[:300],
                owner=problem.owner,
                due=problem.due,
            )
        audit.record(actor, AuditAction.CREATE, inspection)
    return inspection


@carries_out("QLT-5")
def report_done(actor, rectification: Rectification, note: str) -> Rectification:
    """The owner (or the QC group) reports the rectification done."""
    staff = staff_of(actor, "QLT-5")
    if staff != rectification.owner and not may(actor, Action.ASSESS_QUALITY):
        raise _refuse("只有责任人或质控小组可以登记整改完成。", "Only the owner reports it done.")
    if not note.strip():
        raise _refuse("请写明整改情况。", "Describe what was done.", "note")
    with transaction.atomic():
        rectification = Rectification.objects.select_for_update().get(pk=rectification.pk)
        if rectification.verified_at:
            raise _refuse("该整改已验收。", "This rectification is already verified.")
        rectification.done_at, rectification.done_note = timezone.now(), note.strip()[:300]
        rectification.save(update_fields=["done_at", "done_note"])
        audit.record(actor, AuditAction.UPDATE, rectification, after={"done": note.strip()})
    return rectification


@carries_out("QLT-5")
def verify(actor, rectification: Rectification, accepted: bool, note: str = "") -> Rectification:
    """The QC group accepts the rectification, or sends it back to its owner."""
    require(actor, Action.ASSESS_QUALITY)
    with transaction.atomic():
        rectification = Rectification.objects.select_for_update().get(pk=rectification.pk)
        if rectification.verified_at:
            raise _refuse("该整改已验收。", "This rectification is already verified.")
        if rectification.done_at is None:
            raise _refuse("责任人尚未登记整改完成。", "The owner has not reported it done.")
        if accepted:
            rectification.verified_by = staff_of(actor, "QLT-5")
            rectification.verified_at = timezone.now()
        elif not note.strip():
            raise _refuse("退回整改须写明原因。", "Say why it is sent back.", "note")
        else:
            rectification.done_at = None
        rectification.verify_note = note.strip()[:300]
        rectification.save()
        audit.record(actor, AuditAction.UPDATE, rectification, after={"accepted": accepted})
    return rectification


def open_rectifications(department=None) -> QuerySet:
    rows = Rectification.objects.filter(verified_at__isnull=True)
    return rows.filter(inspection__department=department) if department else rows


@carries_out("QLT-5")
def remind_overdue(today: dt.date | None = None) -> int:
    """Each overdue, unfinished rectification is reminded once to its owner and the group."""
    today = today or timezone.localdate()
    sent = 0
    overdue = (
        open_rectifications()
        .filter(due__lt=today, done_at__isnull=True)
        .select_related("inspection__department", "owner")
    )
    for rectification in overdue:
        department = rectification.inspection.department
        recipients = [rectification.owner, *qc_group(department)]
        sent += notices.notify(
            recipients,
            "QLT-5",
            f"qlt5:{rectification.pk}",
            f"{department.name}：质控整改“{rectification.problem[:40]}”已过期限"
            f"（{rectification.due}，责任人{rectification.owner.name}）。",
            url=f"/quality/qc/{rectification.inspection_id}/",
        )
    return sent
