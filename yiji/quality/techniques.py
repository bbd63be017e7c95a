"""New techniques and new projects (新技术、新项目、新检验项目, QLT-9): a register in which a
proposal is approved by the director with their signature, the staff trained for it are
named before it starts, and the year's starts are listed in the annual summary."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from yiji.core import accounts, audit
from yiji.core.accounts import staff_of
from yiji.core.models import AuditAction, Department, Staff
from yiji.core.permissions import Action, require
from yiji.core.rulebook import RuleViolation, carries_out
from yiji.quality.models import NewTechnique, NoveltyKind


@carries_out("QLT-9")
def propose(actor, department: Department, kind: str, name: str, description: str):
    require(actor, Action.MANAGE_TRAINING)
    if kind not in NoveltyKind.values or not name.strip() or not description.strip():
        raise RuleViolation(
            "QLT-9", "请填写类别、名称及内容与预期效果。",
            "Give the kind, the name and what it is and brings.", field="name",
        )  # fmt: skip
    found = NewTechnique.objects.create(
        department=department, kind=kind, name=name.strip()[:100],
        description=description.strip(), proposed_by=staff_of(actor, "QLT-9"),
    )  # fmt: skip
    audit.record(actor, AuditAction.CREATE, found)
    return found


@carries_out("QLT-9")
def approve(actor, found: NewTechnique, secret: str) -> NewTechnique:
    """The director approves with their electronic signature."""
    require(actor, Action.SIGN_ASSESSMENT)
    try:
        signature = accounts.sign(actor, secret, "批准新技术新项目", found)
    except accounts.SignatureRefused as exc:
        raise RuleViolation("QLT-9", str(exc), str(exc), field="signature") from exc
    with transaction.atomic():
        found = NewTechnique.objects.select_for_update().get(pk=found.pk)
        if found.approved_at is None:
            found.approved_by, found.approved_at = staff_of(actor, "QLT-9"), timezone.now()
            found.approval_signature = signature
            found.save()
            audit.record(actor, AuditAction.UPDATE, found, after={"approved": True})
    return found


@carries_out("QLT-9")
def record_training(actor, found: NewTechnique, people: list[Staff]) -> NewTechnique:
    require(actor, Action.MANAGE_TRAINING)
    found.trained_staff.add(*people)
    audit.record(actor, AuditAction.UPDATE, found,
                 after={"trained": [p.name for p in found.trained_staff.all()]})  # fmt: skip
    return found


@carries_out("QLT-9")
def start(actor, found: NewTechnique, on: dt.date | None = None) -> NewTechnique:
    """A technique starts only approved, and with the staff trained for it named."""
    require(actor, Action.MANAGE_TRAINING)
    on = on or timezone.localdate()
    if found.approved_at is None:
        raise RuleViolation(
            "QLT-9", "须经科主任批准后方可开展。", "The director approves it first."
        )
    if not found.trained_staff.exists():
        raise RuleViolation(
            "QLT-9", "开展前须登记已培训的人员。", "Name the staff trained for it first.",
            field="trained",
        )  # fmt: skip
    if on > timezone.localdate():
        raise RuleViolation("QLT-9", "开展日期不能晚于今天。", "The start is not in the future.")
    found.started_on = on
    found.save(update_fields=["started_on"])
    audit.record(actor, AuditAction.UPDATE, found, after={"started_on": on.isoformat()})
    return found


def started_in(department: Department, year: int):
    """The techniques and projects a department started in a year (the annual summary)."""
    return (
        NewTechnique.objects.filter(department=department, started_on__year=year)
        .prefetch_related("trained_staff")
        .order_by("started_on")
    )
