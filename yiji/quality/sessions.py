"""Collective reading sessions (集体阅片). CNF-1: every working morning (holidays excepted),
chaired by an attending physician or above, on the previous and current day's difficult,
disputed and critical cases, which the duty physician completes; attendance is taken.
CNF-5: absences per person per month, two personal leaves allowed, the rest deducted."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from yiji.core import audit, calendar, notices, policy
from yiji.core.accounts import staff_of
from yiji.core.models import AuditAction, DayKind, Department, Role, Staff
from yiji.core.permissions import Action, require
from yiji.core.rulebook import RuleViolation, carries_out
from yiji.orders.services import exam_by_accession
from yiji.quality.models import (
    Attendance,
    CaseReason,
    FollowUp,
    Presence,
    ReadingSession,
    SessionCase,
    SessionStatus,
)
from yiji.reports import services as report_services
from yiji.reports.models import Addendum, CriticalResult, Report
from yiji.reports.services import TITLE_EN, TITLE_RANK, TITLE_ZH


def is_session_day(day: dt.date, department: Department) -> bool:
    kind = calendar.exception(day)
    if kind == DayKind.HOLIDAY and policy.value("cnf.skip_statutory_holidays"):
        return False
    if kind == DayKind.WORKDAY:
        return True
    weekdays = policy.value("cnf.session_weekdays", department=department)
    return calendar.WEEKDAY_CODES[day.weekday()] in weekdays


def session_start(day: dt.date, department: Department) -> dt.datetime:
    at = policy.value("cnf.session_time", department=department)
    return dt.datetime.combine(day, at, tzinfo=timezone.get_current_timezone())


def roster(department: Department) -> QuerySet:
    """Who is expected: the department's active physicians and trainees."""
    physicians = Q(physician_title__isnull=False) | ~Q(trainee_kind="")
    members = Staff.objects.filter(active=True, memberships__department=department)
    return members.filter(physicians).distinct().order_by("employee_no")


def _open(session: ReadingSession) -> None:
    if session.status == SessionStatus.CLOSED:
        zh, en = "本次阅片会诊已结束，记录不能再改。", "This session is closed: its record stands."
        raise RuleViolation("CNF-1", zh, en)


@carries_out("CNF-1")
def open_session(actor, department: Department, day: dt.date | None = None) -> ReadingSession:
    """The day's session, made on first opening with its roll and its case list."""
    require(actor, Action.RUN_READING_SESSION)
    day = day or timezone.localdate()
    if not is_session_day(day, department):
        raise RuleViolation(
            "CNF-1",
            f"{day:%Y-%m-%d} 不是阅片会诊日（节假日或非工作日）。",
            f"{day:%Y-%m-%d} is not a session day (holiday or non-working day).",
            field="day",
        )
    with transaction.atomic():
        session, made = ReadingSession.objects.get_or_create(
            department=department, day=day, defaults={"starts_at": session_start(day, department)}
        )
        if made:
            Attendance.objects.bulk_create(
                [Attendance(session=session, staff=s) for s in roster(department)],
                ignore_conflicts=True,
            )
            audit.record(actor, AuditAction.CREATE, session)
    if session.status == SessionStatus.PLANNED:
        collect_cases(session)
    return session


@carries_out("CNF-1", "QLT-2")
def collect_cases(session: ReadingSession) -> int:
    """List the difficult, disputed (amended) and critical cases of the previous working day
    and of the session day so far, and the diagnostic errors follow-up found since the last
    session; returns how many were added."""
    zone = timezone.get_current_timezone()
    since = dt.datetime.combine(calendar.previous_working_day(session.day), dt.time.min, zone)
    until = min(timezone.now(), dt.datetime.combine(session.day, dt.time.max, zone))
    department = session.department
    found: dict[int, str] = {}
    difficult = Report.objects.filter(
        exam__department=department, difficult=True, created_at__range=(since, until)
    ).values_list("exam_id", flat=True)
    found.update(dict.fromkeys(difficult, CaseReason.DIFFICULT))
    disputed = Addendum.objects.filter(
        report__exam__department=department, created_at__range=(since, until)
    ).values_list("report__exam_id", flat=True)
    found.update(dict.fromkeys(disputed, CaseReason.DISPUTED))
    critical = CriticalResult.objects.filter(
        exam__department=department, found_at__range=(since, until)
    ).values_list("exam_id", flat=True)
    found.update(dict.fromkeys(critical, CaseReason.CRITICAL))
    # QLT-2: missed diagnoses and misdiagnoses found at follow-up, until a session takes them.
    errors = FollowUp.objects.filter(
        exam__department=department, discussed_in__isnull=True, recorded_at__lte=until
    ).exclude(error="")
    found.update(dict.fromkeys(errors.values_list("exam_id", flat=True), CaseReason.ERROR))
    errors.update(discussed_in=session)
    listed = set(session.cases.values_list("exam_id", flat=True))
    new = [
        SessionCase(session=session, exam_id=exam_id, reason=reason)
        for exam_id, reason in sorted(found.items())
        if exam_id not in listed
    ]
    SessionCase.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


@carries_out("CNF-1")
def set_chair(actor, session: ReadingSession, chair: Staff) -> ReadingSession:
    require(actor, Action.RUN_READING_SESSION)
    _open(session)
    lowest = TITLE_RANK[policy.value("cnf.chair_min_title", department=session.department)]
    if (chair.physician_title or 0) < lowest:
        raise RuleViolation(
            "CNF-1",
            f"主持人须为{TITLE_ZH[lowest]}或以上职称的医师。",
            f"The chair must be an {TITLE_EN[lowest]} physician or above.",
            field="chair",
        )
    session.chair = chair
    session.save(update_fields=["chair"])
    return session


def add_case(actor, session: ReadingSession, accession: str) -> SessionCase:
    """The duty physician adds a case the automatic list did not hold."""
    require(actor, Action.RUN_READING_SESSION)
    _open(session)
    exam = exam_by_accession(accession, "CNF-1")
    case, _made = SessionCase.objects.get_or_create(
        session=session,
        exam=exam,
        defaults={"reason": CaseReason.ADDED, "added_by": staff_of(actor, "CNF-1")},
    )
    return case


def record_attendance(actor, session: ReadingSession, entries: dict[int, tuple[str, str]]) -> int:
    """`entries`: staff pk → (presence, note). Returns how many rows changed."""
    require(actor, Action.RUN_READING_SESSION)
    _open(session)
    changed = 0
    for row in session.attendance.all():
        if row.staff_id not in entries:
            continue
        presence, note = entries[row.staff_id]
        if presence not in Presence.values and presence != "":
            raise RuleViolation("CNF-5", "考勤状态无效。", "Not an attendance status.")
        if (row.presence, row.note) != (presence, note[:100]):
            row.presence, row.note, row.recorded_at = presence, note[:100], timezone.now()
            row.save(update_fields=["presence", "note", "recorded_at"])
            changed += 1
    return changed


@carries_out("CNF-1", "RPT-13")
def conclude_case(
    actor,
    case: SessionCase,
    conclusion: str,
    *,
    changes_diagnosis: bool = False,
    addendum_text: str = "",
    secret: str = "",
) -> SessionCase:
    """The session's conclusion on a case; one that changes the diagnosis becomes a signed
    addendum on the report (the report as signed stays as it was)."""
    require(actor, Action.RUN_READING_SESSION)
    _open(case.session)
    if not conclusion.strip():
        raise RuleViolation(
            "CNF-1", "请填写讨论结论。", "Write the session's conclusion.", field="conclusion"
        )
    with transaction.atomic():
        if changes_diagnosis and case.addendum_id is None:
            report = Report.objects.filter(exam_id=case.exam_id).first()
            if report is None:
                raise RuleViolation(
                    "CNF-1",
                    "该检查还没有报告，不能补充。",
                    "The exam has no report to add to yet.",
                    field="changes_diagnosis",
                )
            reason = f"集体阅片（{case.session.day:%Y-%m-%d}）结论更改诊断"
            case.addendum = report_services.amend(
                actor, report, addendum_text.strip() or conclusion.strip(), reason, secret
            )
        case.conclusion = conclusion.strip()
        case.changes_diagnosis = changes_diagnosis or case.changes_diagnosis
        case.concluded_at = timezone.now()
        case.save(update_fields=["conclusion", "changes_diagnosis", "addendum", "concluded_at"])
    return case


@carries_out("CNF-1")
def close_session(actor, session: ReadingSession, minutes: str) -> ReadingSession:
    """A session is closed with its chair, its minutes and everyone's attendance."""
    require(actor, Action.RUN_READING_SESSION)
    _open(session)
    if session.chair_id is None:
        raise RuleViolation("CNF-1", "请先指定主持人。", "Name the chair first.", field="chair")
    if not minutes.strip():
        raise RuleViolation("CNF-1", "请填写会议记录。", "Write the minutes.", field="minutes")
    missing = session.attendance.filter(presence="").count()
    if missing:
        raise RuleViolation(
            "CNF-1",
            f"还有 {missing} 人未登记考勤。",
            f"{missing} people have no attendance recorded.",
            field="attendance",
        )
    session.minutes = minutes.strip()
    session.status = SessionStatus.CLOSED
    session.closed_at = timezone.now()
    session.closed_by = staff_of(actor, "CNF-1")
    session.save(update_fields=["minutes", "status", "closed_at", "closed_by"])
    audit.record(actor, AuditAction.UPDATE, session, after={"status": "closed"})
    return session


@carries_out("CNF-1")
def remind_unrecorded(now: dt.datetime | None = None) -> int:
    """After the session's time, the department's director and physicians who run sessions
    are reminded once if the day's session has not been recorded."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    sent = 0
    for department in Department.objects.filter(active=True, kind__in=SESSION_KINDS):
        if not is_session_day(today, department):
            continue
        minutes = policy.value("cnf.session_minutes", department=department)
        if now < session_start(today, department) + dt.timedelta(minutes=minutes):
            continue
        closed = ReadingSession.objects.filter(
            department=department, day=today, status=SessionStatus.CLOSED
        ).exists()
        if closed:
            continue
        recipients = notices.holders(Role.DIRECTOR, department) + notices.holders(
            Role.DEPUTY_DIRECTOR, department
        )
        sent += notices.notify(
            recipients,
            "CNF-1",
            f"cnf1:{department.pk}:{today:%Y%m%d}",
            f"{department.name}：今日（{today:%m-%d}）集体阅片会诊尚未记录（主持人、考勤、记录）。",
            url="/quality/sessions/",
        )
    return sent


SESSION_KINDS = ("imaging", "ultrasound", "ecg")


# --- CNF-5: absences ----------------------------------------------------------------------


@dataclass
class AbsenceLine:
    staff: Staff
    sessions: int
    present: int
    late: int
    personal: int
    sick: int
    duty: int
    absent: int
    beyond_allowance: int
    deduction: Decimal


@carries_out("CNF-5")
def absences(department: Department, year: int, month: int) -> list[AbsenceLine]:
    """Per person, the month's closed sessions by attendance, and the bonus deduction: each
    personal leave beyond the allowance and each absence without reason."""
    allowed = policy.value("cnf.personal_leaves_per_month", department=department)
    extra = policy.value("cnf.extra_absence_deduction", department=department)
    unexcused = policy.value("cnf.unexcused_absence_deduction", department=department)
    rows = (
        Attendance.objects.filter(
            session__department=department,
            session__status=SessionStatus.CLOSED,
            session__day__year=year,
            session__day__month=month,
        )
        .values("staff")
        .annotate(
            sessions=Count("pk"),
            **{p.value: Count("pk", filter=Q(presence=p.value)) for p in Presence},
        )
    )
    staff = Staff.objects.in_bulk([row["staff"] for row in rows])
    lines = []
    for row in rows:
        beyond = max(0, row[Presence.PERSONAL_LEAVE] - allowed)
        lines.append(
            AbsenceLine(
                staff=staff[row["staff"]],
                sessions=row["sessions"],
                present=row[Presence.PRESENT],
                late=row[Presence.LATE],
                personal=row[Presence.PERSONAL_LEAVE],
                sick=row[Presence.SICK_LEAVE],
                duty=row[Presence.ON_DUTY],
                absent=row[Presence.ABSENT],
                beyond_allowance=beyond,
                deduction=Decimal(beyond) * extra + Decimal(row[Presence.ABSENT]) * unexcused,
            )
        )
    return sorted(lines, key=lambda line: line.staff.employee_no)
