"""Who may open which patient's record (ARC-5): staff of a department the patient has an exam
or requisition in, the clinician who ordered for the patient or the ordering department,
the hospital-wide oversight roles, and hospital systems. Anyone else gives a reason first
("break-glass"): the access is logged with it and reported to the director the next
morning."""

from __future__ import annotations

import datetime as dt

from django.apps import apps
from django.db.models import Q
from django.utils import timezone

from yiji.core import audit, notices, policy
from yiji.core.models import AuditAction, BreakGlass, Patient, Role, Staff
from yiji.core.permissions import role_assignments
from yiji.core.rulebook import RuleViolation, carries_out

# Roles that oversee every patient's record when held hospital-wide.
OVERSIGHT = {Role.DIRECTOR, Role.MEDICAL_AFFAIRS, Role.QC_OFFICER}


def _related(staff: Staff, patient: Patient) -> bool:
    Exam = apps.get_model("orders", "Exam")  # noqa: N806 - orders builds on core
    Requisition = apps.get_model("orders", "Requisition")  # noqa: N806
    exams = Exam.objects.filter(patient=patient)
    orders = Requisition.objects.filter(patient=patient)
    if not exams.exists() and not orders.exists():
        return True  # being registered: nothing of the patient's is held anywhere yet
    departments = list(staff.memberships.values_list("department_id", flat=True))
    return (
        exams.filter(department_id__in=departments).exists()
        or orders.filter(
            Q(ordering_physician=staff) | Q(ordering_department_id__in=departments)
        ).exists()
    )


def open_break_glass(staff: Staff, patient: Patient) -> BreakGlass | None:
    return BreakGlass.objects.filter(
        staff=staff, patient=patient, expires_at__gt=timezone.now()
    ).first()


@carries_out("ARC-5")
def may_open(user, patient: Patient) -> bool:
    held = role_assignments(user)
    if any(a.role == Role.INTERFACE for a in held):
        return True
    if any(a.role in OVERSIGHT and a.department_id is None for a in held):
        return True
    staff = getattr(user, "staff", None)
    if staff is None:
        return False
    return _related(staff, patient) or open_break_glass(staff, patient) is not None


@carries_out("ARC-5")
def require_open(user, patient: Patient) -> None:
    if not may_open(user, patient):
        raise RuleViolation(
            "ARC-5",
            "该患者不属于您的科室或您的患者，查看须说明理由（紧急授权），并将记录在案报科主任。",
            "This patient is not of your department or your patients: give a reason to open "
            "the record (break-glass); it is logged and reported to the director.",
            overridable=True,
        )


@carries_out("ARC-5")
def break_glass(user, patient: Patient, reason: str, ip: str | None = None) -> BreakGlass:
    staff = getattr(user, "staff", None)
    if staff is None:
        raise RuleViolation(
            "ARC-5", "只有在册人员可以紧急授权。", "Only staff may break the glass."
        )
    if len(reason.strip()) < 4:
        raise RuleViolation(
            "ARC-5", "请写明查看的理由（至少4个字）。", "Give the reason (at least 4 characters).",
            field="reason",
        )  # fmt: skip
    hours = policy.value("sec.break_glass_hours")
    access = BreakGlass.objects.create(
        staff=staff, patient=patient, reason=reason.strip()[:300], ip=ip,
        expires_at=timezone.now() + dt.timedelta(hours=hours),
    )  # fmt: skip
    audit.record(user, AuditAction.VIEW, patient, reason=f"紧急授权：{access.reason}", ip=ip)
    return access


@carries_out("ARC-5")
def report_to_director(day: dt.date | None = None) -> int:
    """Each morning, yesterday's break-glass accesses go to the directors, once."""
    day = day or timezone.localdate() - dt.timedelta(days=1)
    rows = BreakGlass.objects.filter(at__date=day).select_related("staff", "patient")
    if not rows:
        return 0
    lines = "；".join(f"{r.staff.name}查看{r.patient.name}（{r.reason}）" for r in rows[:10])
    more = f"等{rows.count()}次" if rows.count() > 10 else f"共{rows.count()}次"
    return notices.notify(
        notices.holders(Role.DIRECTOR), "ARC-5", f"break-glass:{day:%Y%m%d}",
        f"{day}紧急授权查看患者资料{more}：{lines}", "/privacy/break-glass/",
    )  # fmt: skip
