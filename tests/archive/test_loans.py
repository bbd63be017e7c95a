"""Loans and copies (ARC-2, ARC-3): every approval path and refusal with its rule — an internal
loan signed by the borrowing physician, a loan outside the hospital approved by medical
affairs, a copy for outside the department approved by the director, repeat borrowing naming
the writing and reviewing physicians — nothing handed out before its signatures, the return,
due-date and overdue reminders; and where the films are kept (ARC-1)."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.conftest import PASSWORD
from yiji.archive import loans
from yiji.archive.models import LoanKind, LoanStatus, Medium
from yiji.core.models import Notice, Role
from yiji.core.rulebook import RuleViolation
from yiji.reports import services as reports

BEIJING = dt.timezone(dt.timedelta(hours=8))


@pytest.fixture(autouse=True)
def _monday(frozen_clock):
    yield


@pytest.fixture
def reported(completed, items, doctor):
    """A chest exam with a final report by a resident, reviewed by an attending."""
    writer, reviewer = doctor("resident"), doctor("attending")
    exam = completed(items["chest"])
    report = reports.save_draft(
        writer.user, exam, reports.Draft("两肺清晰", "未见异常"), expected_version=0
    )
    reports.sign_final(reviewer.user, reports.submit(writer.user, report, PASSWORD), PASSWORD)
    exam.refresh_from_db()
    return exam, writer, reviewer


@pytest.fixture
def desk(clerk):
    return clerk


@pytest.mark.rules("ARC-2")
def test_an_internal_loan_is_signed_by_the_borrowing_physician(
    reported, desk, clinician, make_staff
):
    exam, writer, reviewer = reported
    with pytest.raises(RuleViolation, match="ARC-2"):  # an internal loan names its borrower
        loans.request(
            desk.user,
            exam.accession,
            LoanKind.BORROW,
            Medium.FILM,
            borrower_name="某医生",
            borrower_unit="急诊科",
            purpose="会诊",
        )
    loan = loans.request(
        desk.user,
        exam.accession,
        LoanKind.BORROW,
        Medium.FILM,
        borrower=clinician,
        borrower_unit="急诊科",
        purpose="病例讨论",
    )
    assert loan.steps == ["borrower"] and loan.due_on == dt.date(2026, 12, 7)  # 14 days
    assert Notice.objects.filter(recipient=clinician, rule="ARC-2").exists()
    with pytest.raises(RuleViolation, match="ARC-2"):
        loans.hand_out(desk.user, loan)  # not yet signed
    with pytest.raises(RuleViolation, match="ARC-2"):
        loans.sign(make_staff(Role.CLINICIAN).user, loan, PASSWORD)  # someone else
    loan = loans.sign(clinician.user, loan, PASSWORD)
    assert loan.status == LoanStatus.APPROVED
    loan = loans.hand_out(desk.user, loan)
    with pytest.raises(RuleViolation, match="ARC-2"):  # the films are out
        loans.request(
            desk.user,
            exam.accession,
            LoanKind.BORROW,
            Medium.FILM,
            borrower=clinician,
            borrower_unit="急诊科",
            purpose="再借",
            writer_name=writer.name,
            reviewer_name=reviewer.name,
        )
    loan = loans.take_back(desk.user, loan, "完好")
    assert loan.status == LoanStatus.RETURNED and loan.returned_to == desk


@pytest.mark.rules("ARC-2")
def test_repeat_borrowing_names_the_writing_and_reviewing_physicians(
    reported, desk, clinician, client_for
):
    exam, writer, reviewer = reported
    first = loans.request(
        desk.user,
        exam.accession,
        LoanKind.BORROW,
        Medium.CD,
        borrower=clinician,
        borrower_unit="急诊科",
        purpose="会诊",
    )
    loans.cancel(desk.user, first)
    # A cancelled request was never a loan; the next one is still a first.
    second = loans.request(
        desk.user,
        exam.accession,
        LoanKind.BORROW,
        Medium.CD,
        borrower=clinician,
        borrower_unit="急诊科",
        purpose="会诊",
    )
    loans.sign(clinician.user, second, PASSWORD)
    with pytest.raises(RuleViolation, match="ARC-2") as refused:
        loans.request(
            desk.user,
            exam.accession,
            LoanKind.BORROW,
            Medium.FILM,
            borrower=clinician,
            borrower_unit="急诊科",
            purpose="复诊",
            writer_name=writer.name,
        )
    assert refused.value.field == "writer_name"
    again = loans.request(
        desk.user,
        exam.accession,
        LoanKind.BORROW,
        Medium.FILM,
        borrower=clinician,
        borrower_unit="急诊科",
        purpose="复诊",
        writer_name=writer.name,
        reviewer_name=reviewer.name,
    )
    assert again.writer_name == writer.name
    # Their names are not enough: both sign, electronically, after the borrower.
    assert again.steps == [loans.BORROWER, loans.WRITER, loans.REVIEWER]
    loans.sign(clinician.user, again, PASSWORD)
    with pytest.raises(RuleViolation, match="ARC-2"):
        loans.sign(reviewer.user, again, PASSWORD)  # the writer's turn, not his
    loans.sign(writer.user, again, PASSWORD)
    page = client_for(reviewer).post(
        f"/archive/loans/{again.pk}/", {"action": "approve", "secret": PASSWORD}
    )
    assert page.status_code == 302
    again.refresh_from_db()
    assert again.status == LoanStatus.APPROVED
    signed = again.signatures.order_by("pk")
    assert [(s.step, s.signer) for s in signed] == [
        (loans.BORROWER, clinician),
        (loans.WRITER, writer),
        (loans.REVIEWER, reviewer),
    ]
    assert all(s.signature.meaning for s in signed)


@pytest.mark.rules("ARC-2")
def test_a_loan_outside_the_hospital_needs_medical_affairs(reported, desk, make_staff, director):
    exam, *_ = reported
    officer = make_staff(Role.MEDICAL_AFFAIRS, whole_hospital=True)
    loan = loans.request(
        desk.user,
        exam.accession,
        LoanKind.BORROW,
        Medium.FILM,
        borrower_name="李四（患者家属）",
        borrower_unit="省人民医院",
        outside=True,
        purpose="转院会诊",
    )
    assert loan.steps == ["medical_affairs"]
    with pytest.raises(RuleViolation, match="ARC-2"):
        loans.sign(director.user, loan, PASSWORD)  # the director is not medical affairs
    with pytest.raises(RuleViolation, match="ARC-2"):
        loans.sign(officer.user, loan, PASSWORD, approved=False)  # a refusal gives its reason
    refused = loans.sign(officer.user, loan, PASSWORD, approved=False, note="请提供转院证明")
    assert refused.status == LoanStatus.REFUSED
    with pytest.raises(RuleViolation, match="ARC-2"):
        loans.hand_out(desk.user, refused)


@pytest.mark.rules("ARC-3")
def test_a_copy_for_outside_the_department_needs_the_director(
    reported, desk, clinician, director, physician, make_staff
):
    exam, *_ = reported
    inside = loans.request(
        desk.user,
        exam.accession,
        LoanKind.COPY,
        Medium.DIGITAL,
        borrower=physician,
        borrower_unit="影像科",
        purpose="教学",
    )
    assert inside.steps == ["borrower"]
    outside = loans.request(
        desk.user,
        exam.accession,
        LoanKind.COPY,
        Medium.CD,
        borrower=clinician,
        borrower_unit="急诊科",
        purpose="病历存档",
    )
    assert outside.steps == ["borrower", "director"] and outside.due_on is None
    loans.sign(clinician.user, outside, PASSWORD)
    with pytest.raises(RuleViolation, match="ARC-3"):
        loans.hand_out(desk.user, outside)
    with pytest.raises(RuleViolation, match="ARC-3"):
        loans.sign(make_staff(Role.DEPUTY_DIRECTOR).user, outside, PASSWORD)
    outside = loans.sign(director.user, outside, PASSWORD)
    assert loans.hand_out(desk.user, outside).status == LoanStatus.HANDED_OUT
    with pytest.raises(RuleViolation, match="ARC-2"):
        loans.take_back(desk.user, outside)  # a copy is not returned


@pytest.mark.rules("ARC-2")
def test_due_and_overdue_loans_are_reminded(frozen_clock, reported, desk, clinician):
    exam, *_ = reported
    loan = loans.request(
        desk.user,
        exam.accession,
        LoanKind.BORROW,
        Medium.FILM,
        borrower=clinician,
        borrower_unit="急诊科",
        purpose="会诊",
        due_on=dt.date(2026, 11, 30),
    )
    with pytest.raises(RuleViolation, match="ARC-2"):  # beyond the 14-day loan period
        loans.request(
            desk.user,
            exam.accession,
            LoanKind.BORROW,
            Medium.CD,
            borrower=clinician,
            borrower_unit="急诊科",
            purpose="会诊",
            due_on=dt.date(2026, 12, 31),
        )
    loans.hand_out(desk.user, loans.sign(clinician.user, loan, PASSWORD))
    assert loans.remind() == 0  # 3 days ahead: from the 27th
    frozen_clock.move_to(dt.datetime(2026, 11, 27, 9, 0, tzinfo=BEIJING))
    assert loans.remind() == 1 and Notice.objects.filter(
        key=f"loan-due:{loan.pk}", recipient=clinician
    )
    frozen_clock.move_to(dt.datetime(2026, 12, 1, 9, 0, tzinfo=BEIJING))
    assert list(loans.overdue()) == [loan]
    assert loans.remind() == 2  # the borrower and the desk
    assert loans.remind() == 0


@pytest.mark.rules("ARC-1")
def test_where_the_films_are_kept(reported, desk, clinician):
    exam, *_ = reported
    location = loans.file_location(desk.user, exam, Medium.FILM, "影像档案室", "A-03", "12")
    assert str(location) == "影像档案室 A-03 12"
    loans.file_location(desk.user, exam, Medium.CD, "影像档案室", "B-01")
    exam.location.refresh_from_db()
    assert exam.location.medium == Medium.CD
    with pytest.raises(RuleViolation, match="ARC-1"):
        loans.file_location(desk.user, exam, Medium.FILM, "", "")
