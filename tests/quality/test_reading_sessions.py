"""CNF-1: a collective reading session every working morning (holidays off, adjusted working
days on), chaired by an attending or above, on the previous and current day's difficult,
amended and critical cases; attendance taken; a conclusion that changes a diagnosis is a
signed addendum. CNF-5: absences per person per month and the bonus deductions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import load_workbook

from tests.conftest import PASSWORD
from tests.orders.fixtures import at
from yiji.core import calendar
from yiji.core.models import CalendarDay, DayKind, Notice, Role
from yiji.core.rulebook import RuleViolation
from yiji.quality import sessions
from yiji.quality.models import CaseReason, Presence, SessionStatus
from yiji.reports import critical, services
from yiji.reports.models import ReportStatus

MONDAY = dt.date(2026, 11, 23)


@pytest.fixture
def chief(doctor):
    return doctor("chief")


def _report(doctor, exam, *, difficult=False, sign=True):
    writer = doctor("resident")
    draft = services.Draft("所见。", "诊断意见。", difficult=difficult)
    report = services.save_draft(writer.user, exam, draft, expected_version=0)
    if sign:
        report = services.submit(writer.user, report, PASSWORD)
        reviewer = doctor("associate_chief" if difficult else "attending")  # RPT-3
        report = services.sign_final(reviewer.user, report, PASSWORD)
    return report


@pytest.mark.rules("CNF-1")
def test_sessions_follow_the_working_calendar(chief, imaging, director):
    assert sessions.open_session(chief.user, imaging).starts_at == at(8, 0)
    with pytest.raises(RuleViolation, match="CNF-1"):
        sessions.open_session(chief.user, imaging, dt.date(2026, 11, 28))  # a Saturday
    calendar.set_day(director.user, dt.date(2026, 11, 24), DayKind.HOLIDAY, "测试假日")
    with pytest.raises(RuleViolation, match="CNF-1"):
        sessions.open_session(chief.user, imaging, dt.date(2026, 11, 24))
    calendar.set_day(director.user, dt.date(2026, 11, 29), DayKind.WORKDAY, "调休上班")
    assert sessions.open_session(chief.user, imaging, dt.date(2026, 11, 29)).pk
    # The same calendar moves a held CT report's release past the holiday (RPT-4).
    assert calendar.next_working_day(MONDAY) == dt.date(2026, 11, 25)


@pytest.mark.rules("CNF-1")
def test_the_case_list_fills_itself(frozen_clock, chief, doctor, completed, items, imaging):
    frozen_clock.move_to(at(9, 0, days=-4))  # last Thursday: too old for Monday's session
    _report(doctor, completed(items["chest"]), difficult=True)
    frozen_clock.move_to(at(15, 0, days=-3))  # Friday, the previous working day
    friday_difficult = _report(doctor, completed(items["chest"]), difficult=True)
    friday_plain = _report(doctor, completed(items["chest"]))
    amended = _report(doctor, completed(items["chest"]))
    services.amend(doctor("attending").user, amended, "补充：右肺小结节。", "复阅发现", PASSWORD)
    frozen_clock.move_to(at(7, 0))  # Monday before the session
    exam = completed(items["ct_head"])
    critical.flag_critical(doctor("resident").user, exam, "intracerebral_haemorrhage", "脑出血")

    session = sessions.open_session(chief.user, imaging)
    listed = {case.exam_id: case.reason for case in session.cases.all()}
    assert listed == {
        friday_difficult.exam_id: CaseReason.DIFFICULT,
        amended.exam_id: CaseReason.DISPUTED,
        exam.pk: CaseReason.CRITICAL,
    }
    added = sessions.add_case(chief.user, session, friday_plain.exam.accession)
    assert added.reason == CaseReason.ADDED
    with pytest.raises(RuleViolation, match="CNF-1"):
        sessions.add_case(chief.user, session, "NO-SUCH")
    assert sessions.collect_cases(session) == 0  # opening again lists nothing twice


@pytest.mark.rules("CNF-1")
def test_the_chair_is_an_attending_or_above(chief, doctor, imaging):
    session = sessions.open_session(chief.user, imaging)
    with pytest.raises(RuleViolation, match="CNF-1"):
        sessions.set_chair(chief.user, session, doctor("resident"))
    assert sessions.set_chair(chief.user, session, doctor("attending")).chair.physician_title == 2


@pytest.mark.rules("CNF-1", "RPT-13")
def test_a_conclusion_that_changes_the_diagnosis_is_a_signed_addendum(
    chief, doctor, completed, items, imaging
):
    report = _report(doctor, completed(items["chest"]), difficult=True)
    session = sessions.open_session(chief.user, imaging)
    case = session.cases.get()
    with pytest.raises(RuleViolation, match="CNF-1"):
        sessions.conclude_case(chief.user, case, "  ")
    sessions.conclude_case(
        chief.user,
        case,
        "右肺上叶结节，考虑炎性。",
        changes_diagnosis=True,
        addendum_text="集体阅片：右肺上叶结节，考虑炎性，建议复查。",
        secret=PASSWORD,
    )
    report.refresh_from_db()
    assert report.status == ReportStatus.AMENDED
    addendum = report.addenda.get()
    assert addendum.author == chief and "集体阅片" in addendum.reason
    assert report.findings == "所见。"  # the report as signed stays as it was


@pytest.mark.rules("CNF-1")
def test_a_session_closes_with_chair_minutes_and_attendance(chief, doctor, imaging):
    other = doctor("attending")
    session = sessions.open_session(chief.user, imaging)
    roll = set(session.attendance.values_list("staff_id", flat=True))
    assert {chief.pk, other.pk} <= roll
    with pytest.raises(RuleViolation, match="chair"):
        sessions.close_session(chief.user, session, "讨论了3例。")
    sessions.set_chair(chief.user, session, chief)
    with pytest.raises(RuleViolation, match="attendance"):
        sessions.close_session(chief.user, session, "讨论了3例。")
    sessions.record_attendance(chief.user, session, {pk: (Presence.PRESENT, "") for pk in roll})
    sessions.close_session(chief.user, session, "讨论了3例。")
    session.refresh_from_db()
    assert session.status == SessionStatus.CLOSED and session.closed_by == chief
    with pytest.raises(RuleViolation, match="closed"):
        sessions.record_attendance(chief.user, session, {other.pk: (Presence.ABSENT, "")})


@pytest.mark.rules("CNF-1")
def test_the_director_is_reminded_when_no_session_is_recorded(
    frozen_clock, make_staff, chief, imaging
):
    boss = make_staff(Role.DIRECTOR)
    assert sessions.remind_unrecorded() == 0  # 07:30: not yet time
    frozen_clock.move_to(at(8, 31))
    assert sessions.remind_unrecorded() == 1
    assert sessions.remind_unrecorded() == 0  # once a day
    notice = Notice.objects.get(recipient=boss)
    assert notice.rule == "CNF-1"
    frozen_clock.move_to(at(8, 31, days=5))  # Saturday
    assert sessions.remind_unrecorded() == 0


def _month_of_sessions(chief, imaging, marks):
    """Closed sessions on the given November days with `marks[day]` for the chief."""
    for day, presence in marks.items():
        session = sessions.open_session(chief.user, imaging, dt.date(2026, 11, day))
        sessions.set_chair(chief.user, session, chief)
        entries = {
            pk: (Presence.PRESENT, "")
            for pk in session.attendance.values_list("staff_id", flat=True)
        }
        entries[chief.pk] = (presence, "")
        sessions.record_attendance(chief.user, session, entries)
        sessions.close_session(chief.user, session, "记录")


@pytest.mark.rules("CNF-5")
def test_absences_beyond_the_allowance_are_deducted(chief, imaging, client_for, director):
    marks = {2: Presence.PERSONAL_LEAVE, 3: Presence.PERSONAL_LEAVE, 4: Presence.PERSONAL_LEAVE}
    marks |= {5: Presence.ABSENT, 6: Presence.SICK_LEAVE, 9: Presence.PRESENT, 10: Presence.LATE}
    _month_of_sessions(chief, imaging, marks)
    (line,) = [x for x in sessions.absences(imaging, 2026, 11) if x.staff == chief]
    assert (line.sessions, line.personal, line.absent, line.sick, line.late) == (7, 3, 1, 1, 1)
    # Two personal leaves allowed: one beyond at 50 yuan, one absence without reason at 100.
    assert line.beyond_allowance == 1 and line.deduction == Decimal("150")

    page = client_for(director).get("/quality/attendance/", {"month": "2026-11"})
    assert page.status_code == 200 and chief in [x.staff for x in page.context["lines"]]
    sheet = client_for(director).get(
        "/quality/attendance/", {"month": "2026-11", "format": "xlsx", "department": imaging.pk}
    )
    rows = list(load_workbook(BytesIO(sheet.content)).active.iter_rows(values_only=True))
    chief_row = next(r for r in rows if r[0] == chief.employee_no)
    assert chief_row[5] == 3 and chief_row[-1] == 150


def test_holiday_calendar_page(director, client_for, make_staff):
    client = client_for(director)
    page = client.post(
        "/calendar/2026/", {"day": "2026-12-31", "kind": DayKind.HOLIDAY, "name": "测试"}
    )
    assert page.status_code == 302
    assert CalendarDay.objects.get(day=dt.date(2026, 12, 31)).name == "测试"
    assert "测试" in client.get("/calendar/2026/").content.decode()
    bad = client.post("/calendar/2026/", {"day": "not a date", "kind": "holiday"})
    assert bad.status_code == 200 and bad.context["form"].errors
    client.post("/calendar/2026/", {"action": "clear", "day": "2026-12-31"})
    assert not CalendarDay.objects.exists()
    clerk = client_for(make_staff(Role.CLERK))
    assert clerk.get("/calendar/2026/").status_code == 403
