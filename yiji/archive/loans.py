"""Loans and copies of images (ARC-2, ARC-3) and where films are kept (ARC-1).

A request names who, why, what and until when. The signatures it needs follow from it: an
internal borrower signs the request himself; a loan outside the hospital needs medical
affairs' approval; a copy for anyone outside the department needs the director's; borrowing
the same exam again names the physicians who wrote and reviewed the report. Each signature is
electronic. Nothing is handed out before every signature is there; the hand-out and the return
are recorded, due dates reminded and overdue loans listed."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from yiji.archive.models import FilmLocation, Loan, LoanKind, LoanSignature, LoanStatus, Medium
from yiji.core import accounts, audit, notices, policy
from yiji.core.accounts import staff_of
from yiji.core.models import AuditAction, Role, Staff
from yiji.core.permissions import Action, require, roles_of
from yiji.core.rulebook import RuleViolation, carries_out
from yiji.orders.models import Exam
from yiji.orders.services import exam_by_accession

BORROWER, MEDICAL_AFFAIRS, DIRECTOR = "borrower", "medical_affairs", "director"
# Borrowing the same exam again is signed by the physicians who wrote and reviewed its report.
WRITER, REVIEWER = "writer", "reviewer"
STEP_ROLES = {MEDICAL_AFFAIRS: Role.MEDICAL_AFFAIRS, DIRECTOR: Role.DIRECTOR}
STEP_RULES = {
    BORROWER: "ARC-2", MEDICAL_AFFAIRS: "ARC-2", DIRECTOR: "ARC-3", WRITER: "ARC-2",
    REVIEWER: "ARC-2",
}  # fmt: skip
OPEN = (LoanStatus.REQUESTED, LoanStatus.APPROVED, LoanStatus.HANDED_OUT)
REFUSED_SIGNER = {
    MEDICAL_AFFAIRS: (
        "院外借阅须经医务科批准。",
        "A loan outside the hospital is approved by medical affairs.",
    ),
    DIRECTOR: (
        "院外或科外复制影像须经科主任批准。",
        "A copy for anyone outside the department is approved by the director.",
    ),
}
MEANING = {
    BORROWER: "借阅申请签字", MEDICAL_AFFAIRS: "院外借阅审批", DIRECTOR: "影像复制审批",
    WRITER: "重复借阅：报告书写医师签字", REVIEWER: "重复借阅：报告审核医师签字",
}  # fmt: skip


@carries_out("ARC-1")
def file_location(actor, exam: Exam, medium: str, room: str, cabinet: str, box: str = ""):
    """Where the exam's films or CD are kept."""
    require(actor, Action.HANDLE_LOAN)
    if medium not in Medium.values or not room.strip() or not cabinet.strip():
        raise RuleViolation(
            "ARC-1", "请填写介质、档案室和柜号。", "Give the medium, room and cabinet."
        )
    with transaction.atomic():
        location, _ = FilmLocation.objects.update_or_create(
            exam=exam,
            defaults={"medium": medium, "room": room.strip()[:50], "cabinet": cabinet.strip()[:20],
                      "box": box.strip()[:20], "filed_by": staff_of(actor, "ARC-1"),
                      "filed_at": timezone.now()},
        )  # fmt: skip
        audit.record(actor, AuditAction.UPDATE, location, patient=exam.patient)
    return location


def _report_physicians(exam: Exam) -> tuple[str, str]:
    report = getattr(exam, "report", None)
    if report is None:
        return "", ""
    return report.author.name, report.reviewer.name if report.reviewer else ""


def report_signers(exam: Exam) -> dict[str, Staff]:
    report = getattr(exam, "report", None)
    if report is None:
        return {}
    signers = {WRITER: report.author}
    if report.reviewer is not None:
        signers[REVIEWER] = report.reviewer
    return signers


def _steps(
    exam: Exam, kind: str, borrower: Staff | None, outside: bool, repeat: bool = False
) -> list[str]:
    steps = []
    if borrower is not None and not outside:
        steps.append(BORROWER)
    if repeat:
        steps += list(report_signers(exam))
    if outside:
        steps.append(MEDICAL_AFFAIRS)
    in_department = (
        borrower is not None and borrower.memberships.filter(department=exam.department).exists()
    )
    if kind == LoanKind.COPY and (outside or not in_department):
        steps.append(DIRECTOR)
    return steps


@carries_out("ARC-2", "ARC-3")
def request(
    actor, accession: str, kind: str, medium: str, *, borrower: Staff | None = None,
    borrower_name: str = "", borrower_unit: str = "", outside: bool = False, purpose: str = "",
    due_on: dt.date | None = None, writer_name: str = "", reviewer_name: str = "",
) -> Loan:  # fmt: skip
    require(actor, Action.REQUEST_LOAN)
    exam = exam_by_accession(accession, "ARC-2")
    if kind not in LoanKind.values or medium not in Medium.values:
        raise RuleViolation(
            "ARC-2", "请选择借阅或复制及介质。", "Choose borrow or copy, and the medium."
        )
    name = borrower.name if borrower else borrower_name.strip()
    unit = borrower_unit.strip()
    if not name or not unit or not purpose.strip():
        raise RuleViolation(
            "ARC-2", "请填写借阅人、单位和用途。", "Give the borrower, the unit and the purpose.",
            field="purpose",
        )  # fmt: skip
    if borrower is None and not outside:
        raise RuleViolation(
            "ARC-2", "院内借阅须由借阅医师本人签字申请。",
            "An internal loan is signed by the borrowing physician: choose him.", field="borrower",
        )  # fmt: skip
    today = timezone.localdate()
    period = policy.value("arc.loan_period_days", department=exam.department)
    if kind == LoanKind.BORROW:
        due_on = due_on or today + dt.timedelta(days=period)
        if not today < due_on <= today + dt.timedelta(days=period):
            raise RuleViolation(
                "ARC-2", f"归还日期须在{period}天借期内。",
                f"The due date falls within the {period}-day loan period.", field="due_on",
            )  # fmt: skip
    else:
        due_on = None
    borrowed_before = Loan.objects.filter(exam=exam, kind=LoanKind.BORROW).exclude(
        status__in=[LoanStatus.REFUSED, LoanStatus.CANCELLED]
    )
    if kind == LoanKind.BORROW and borrowed_before.exists():
        writer, reviewer = _report_physicians(exam)
        if (writer_name.strip(), reviewer_name.strip()) != (writer, reviewer) or not writer:
            raise RuleViolation(
                "ARC-2",
                "重复借阅须写明报告书写医师和审核医师的姓名。",
                "Borrowing again names the physicians who wrote and reviewed the report.",
                field="writer_name",
            )
    if (
        kind == LoanKind.BORROW
        and Loan.objects.filter(
            exam=exam, kind=LoanKind.BORROW, medium=medium, status=LoanStatus.HANDED_OUT
        ).exists()
    ):
        raise RuleViolation("ARC-2", "该资料已借出，尚未归还。", "These are out on loan already.")
    with transaction.atomic():
        loan = Loan.objects.create(
            exam=exam, kind=kind, medium=medium, borrower=borrower, borrower_name=name[:50],
            borrower_unit=unit[:100], outside=outside, purpose=purpose.strip()[:300],
            writer_name=writer_name.strip()[:50], reviewer_name=reviewer_name.strip()[:50],
            due_on=due_on,
            steps=_steps(exam, kind, borrower, outside, repeat=kind == LoanKind.BORROW
                         and borrowed_before.exists()),
            requested_by=staff_of(actor, "ARC-2"),
        )  # fmt: skip
        if not loan.steps:
            loan.status = LoanStatus.APPROVED
            loan.save(update_fields=["status"])
        audit.record(actor, AuditAction.CREATE, loan, patient=exam.patient)
    _tell_next(loan)
    return loan


def _tell_next(loan: Loan) -> None:
    if not loan.steps:
        return
    step = loan.steps[0]
    if step == BORROWER:
        people = [loan.borrower]
    elif step in (WRITER, REVIEWER):
        people = [report_signers(loan.exam)[step]]
    else:
        people = notices.holders(STEP_ROLES[step], loan.exam.department)
    notices.notify(
        people, STEP_RULES[step], f"loan:{loan.pk}:{step}",
        f"{loan.get_kind_display()}申请{loan.exam.accession}（{loan.borrower_name}，"
        f"{loan.borrower_unit}）待您签字。", f"/archive/loans/{loan.pk}/",
    )  # fmt: skip


@carries_out("ARC-2", "ARC-3")
def sign(actor, loan: Loan, secret: str, approved: bool = True, note: str = "") -> Loan:
    """The next signature: the borrower's own request, medical affairs' approval of a loan
    outside the hospital (ARC-2), the director's approval of a copy (ARC-3)."""
    me = staff_of(actor, "ARC-2")
    with transaction.atomic():
        loan = Loan.objects.select_for_update().get(pk=loan.pk)
        if loan.status != LoanStatus.REQUESTED or not loan.steps:
            raise RuleViolation("ARC-2", "该申请已处理。", "This request is already decided.")
        step = loan.steps[0]
        rule = STEP_RULES[step]
        if step == BORROWER and loan.borrower_id != me.pk:
            raise RuleViolation(
                rule, "须由借阅医师本人签字。", "The borrower signs his own request."
            )
        if step in STEP_ROLES and STEP_ROLES[step] not in roles_of(actor):
            raise RuleViolation(rule, *REFUSED_SIGNER[step])
        if step in (WRITER, REVIEWER) and report_signers(loan.exam)[step].pk != me.pk:
            raise RuleViolation(
                rule, "重复借阅须由报告书写医师和审核医师本人签字。",
                "Borrowing again is signed by the report's writer and reviewer themselves.",
            )  # fmt: skip
        if not approved and not note.strip():
            raise RuleViolation(rule, "不批准须说明理由。", "Say why it is refused.", field="note")
        try:
            signature = accounts.sign(actor, secret, MEANING[step], loan)
        except accounts.SignatureRefused as exc:
            raise RuleViolation(rule, str(exc), str(exc), field="signature") from exc
        LoanSignature.objects.create(
            loan=loan, step=step, signer=me, approved=approved, note=note.strip()[:300],
            signature=signature,
        )  # fmt: skip
        loan.steps = loan.steps[1:] if approved else []
        if not approved:
            loan.status = LoanStatus.REFUSED
        elif not loan.steps:
            loan.status = LoanStatus.APPROVED
        loan.save(update_fields=["steps", "status"])
        audit.record(actor, AuditAction.SIGN, loan, after={"step": step, "approved": approved})
    _tell_next(loan)
    return loan


@carries_out("ARC-2")
def hand_out(actor, loan: Loan) -> Loan:
    """The archive desk hands the films, CD or copy out — only once every signature is in."""
    require(actor, Action.HANDLE_LOAN)
    with transaction.atomic():
        loan = Loan.objects.select_for_update().get(pk=loan.pk)
        if loan.status == LoanStatus.REQUESTED:
            step = loan.steps[0] if loan.steps else BORROWER
            raise RuleViolation(
                STEP_RULES[step], "尚缺签字或审批，不能借出。",
                "A signature or approval is still missing: nothing is handed out.",
            )  # fmt: skip
        if loan.status != LoanStatus.APPROVED:
            raise RuleViolation("ARC-2", "该申请不能借出。", "This request cannot be handed out.")
        loan.status = LoanStatus.HANDED_OUT
        loan.handed_out_at = timezone.now()
        loan.handed_out_by = staff_of(actor, "ARC-2")
        loan.save(update_fields=["status", "handed_out_at", "handed_out_by"])
        audit.record(actor, AuditAction.UPDATE, loan, after={"status": loan.status},
                     patient=loan.exam.patient)  # fmt: skip
    return loan


@carries_out("ARC-2")
def take_back(actor, loan: Loan, note: str = "") -> Loan:
    """The return of borrowed films or CD, with their condition."""
    require(actor, Action.HANDLE_LOAN)
    if loan.kind != LoanKind.BORROW or loan.status != LoanStatus.HANDED_OUT:
        raise RuleViolation(
            "ARC-2", "只有借出的资料可以归还。", "Only items out on loan come back."
        )
    loan.status = LoanStatus.RETURNED
    loan.returned_at = timezone.now()
    loan.returned_to = staff_of(actor, "ARC-2")
    loan.return_note = note.strip()[:200]
    loan.save(update_fields=["status", "returned_at", "returned_to", "return_note"])
    audit.record(actor, AuditAction.UPDATE, loan, after={"status": loan.status})
    return loan


@carries_out("ARC-2")
def cancel(actor, loan: Loan) -> Loan:
    require(actor, Action.REQUEST_LOAN)
    if loan.status not in (LoanStatus.REQUESTED, LoanStatus.APPROVED):
        raise RuleViolation(
            "ARC-2", "已借出的申请不能撤销。", "A loan handed out cannot be cancelled."
        )
    loan.status = LoanStatus.CANCELLED
    loan.steps = []
    loan.save(update_fields=["status", "steps"])
    audit.record(actor, AuditAction.UPDATE, loan, after={"status": loan.status})
    return loan


def overdue(today: dt.date | None = None) -> QuerySet:
    today = today or timezone.localdate()
    return Loan.objects.filter(
        kind=LoanKind.BORROW, status=LoanStatus.HANDED_OUT, due_on__lt=today
    ).select_related("exam__patient", "borrower")


@carries_out("ARC-2")
def remind(today: dt.date | None = None) -> int:
    """Before the due date the borrower is reminded; once overdue, the borrower and the
    archive desk (the department's clerks), once each."""
    today = today or timezone.localdate()
    sent = 0
    out = Loan.objects.filter(kind=LoanKind.BORROW, status=LoanStatus.HANDED_OUT).select_related(
        "exam", "borrower"
    )
    for loan in out:
        ahead = policy.value("arc.loan_reminder_days", department=loan.exam.department)
        desk = notices.holders(Role.CLERK, loan.exam.department)
        borrower = [loan.borrower] if loan.borrower else []
        if loan.due_on < today:
            sent += notices.notify(
                borrower + desk, "ARC-2", f"loan-overdue:{loan.pk}",
                f"借阅{loan.exam.accession}（{loan.borrower_name}）应于{loan.due_on}归还，已逾期。",
                f"/archive/loans/{loan.pk}/",
            )  # fmt: skip
        elif loan.due_on - dt.timedelta(days=ahead) <= today:
            sent += notices.notify(
                borrower or desk, "ARC-2", f"loan-due:{loan.pk}",
                f"借阅{loan.exam.accession}请于{loan.due_on}前归还。", f"/archive/loans/{loan.pk}/",
            )  # fmt: skip
    return sent
