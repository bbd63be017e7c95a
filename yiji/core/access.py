"""Who may open which patient's record (ARC-5): staff of a department the patient has an exam
or requisition in, the clinician who ordered for the patient or the ordering department,
the hospital-wide oversight roles, and hospital systems. Anyone else gives a reason first
("break-glass"): the access is logged with it and reported to the director the next
morning."""

from __future__ import annotations

import datetime as dt

from django.apps import apps
from django.db.models import Exists, OuterRef, Q
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
    if not Requisition.objects.filter(patient=patient).exists():
        return True  # being registered: nothing of the patient's is held anywhere yet
    exams = Exam.objects.filter(patient=patient)
    departments = _departments(staff)
    # The direct relations first: most openings are a department's own work, and building
    # the query with the three subqueries of the others was half of this check's 2.4 ms.
    return (
        exams.filter(_direct_relations(staff, departments)).exists()
        or exams.filter(_record_relations(staff)).exists()
    )


def sees_every_patient(user) -> bool:
    """Whose lists are not narrowed to related patients: the desk, which must find a returning
    patient whatever department saw them before (or register a duplicate), the hospital-wide
    oversight roles and the hospital's systems. Opening a record still needs a relation or
    break-glass, and is logged."""
    return any(
        a.role in (Role.CLERK, Role.INTERFACE) or (a.role in OVERSIGHT and a.department_id is None)
        for a in role_assignments(user)
    )


# A loan open to its borrower: approved or handed out (archive.LoanStatus).
OPEN_LOANS = ("approved", "handed_out")


def _related_exams(staff: Staff) -> Q:
    """The exams a person has a relation to: their departments' work, what their departments
    or they ordered, what they performed, reported or reviewed, an open loan of theirs, and
    a consultation they asked for or answered."""
    return _direct_relations(staff, _departments(staff)) | _record_relations(staff)


def _departments(staff: Staff) -> list[int]:
    return list(staff.memberships.values_list("department_id", flat=True))


def _direct_relations(staff: Staff, departments: list[int]) -> Q:
    """Relations held on the exam and its requisition themselves."""
    return (
        Q(department_id__in=departments)
        | Q(requisition__ordering_department_id__in=departments)
        | Q(requisition__ordering_physician=staff)
        | Q(performed_by=staff)
    )


def _record_relations(staff: Staff) -> Q:
    """Relations through another record: a report, a loan, a consultation."""
    Report = apps.get_model("reports", "Report")  # noqa: N806 - looked up, not imported:
    Loan = apps.get_model("archive", "Loan")  # noqa: N806 - the apps build on core
    Consultation = apps.get_model("quality", "Consultation")  # noqa: N806
    exam = OuterRef("pk")
    return (
        Exists(Report.objects.filter(Q(author=staff) | Q(reviewer=staff), exam=exam))
        | Exists(Loan.objects.filter(exam=exam, borrower=staff, status__in=OPEN_LOANS))
        | Exists(
            Consultation.objects.filter(Q(requested_by=staff) | Q(answered_by=staff), exam=exam)
        )
    )


@carries_out("ARC-5")
def visible_exams(user, exams):
    """A list of exams narrowed to those of related patients (ARC-5), unless the person's
    work is the whole department."""
    if sees_every_patient(user):
        return exams
    staff = getattr(user, "staff", None)
    if staff is None:
        return exams.none()
    opened = BreakGlass.objects.filter(staff=staff, expires_at__gt=timezone.now())
    return exams.filter(_related_exams(staff) | Q(patient_id__in=opened.values("patient_id")))


@carries_out("ARC-5")
def visible_patients(user, patients):
    """A list of patients narrowed to related ones (ARC-5): those with related exams, with an
    open break-glass, or with nothing held yet (being registered)."""
    if sees_every_patient(user):
        return patients
    staff = getattr(user, "staff", None)
    if staff is None:
        return patients.none()
    Exam = apps.get_model("orders", "Exam")  # noqa: N806 - orders builds on core
    Requisition = apps.get_model("orders", "Requisition")  # noqa: N806
    related = Exam.objects.filter(_related_exams(staff)).values("patient_id")
    opened = BreakGlass.objects.filter(staff=staff, expires_at__gt=timezone.now())
    held = Requisition.objects.filter(patient=OuterRef("pk"))
    return patients.filter(
        Q(pk__in=related) | Q(pk__in=opened.values("patient_id")) | ~Exists(held)
    )


@carries_out("ORD-7")
def record_list(user, via: str, patients, query: str = "", ip: str | None = None) -> None:
    """A list or search of patients is logged with what it returned."""
    ids = sorted({p.patient_id for p in patients})
    audit.record(
        user, AuditAction.SEARCH, object_type="core.patient", reason=f"{via}: {query}"[:200],
        after={"returned": ids[:200], "count": len(ids)}, ip=ip,
    )  # fmt: skip


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


@carries_out("ARC-5", "ORD-7")
def open_record(user, patient: Patient, *, via: str, ip: str | None = None) -> Patient:
    """The one gate to a patient's data, whichever page, API call, FHIR read or file shows
    it: refused without a relation or a break-glass reason (ARC-5), and every opening
    logged (ORD-7)."""
    require_open(user, patient)
    audit.record(user, AuditAction.VIEW, patient, reason=via, ip=ip)
    return patient


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
