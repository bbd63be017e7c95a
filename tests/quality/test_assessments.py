"""QLT-4 and QLT-6: a half-yearly assessment is drawn up once its period is over, with the
department's indicators and each person's own figures copied in; every person gets a
medical-ethics evaluation (a red envelope fails it); satisfaction surveys count; the director
signs with a password and the signed assessment no longer changes; it prints; directors are
reminded of a period left unassessed."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.conftest import PASSWORD
from tests.quality.conftest import sign_report
from yiji.core.models import Notice, Role
from yiji.core.permissions import PermissionRefused
from yiji.core.rulebook import RuleViolation
from yiji.quality import assessments
from yiji.quality.models import Assessment, EthicsGrade, StaffAssessment

BEIJING = dt.timezone(dt.timedelta(hours=8))
H1 = dt.date(2026, 1, 1)
SCORES = {"attitude": 24, "quality": 23, "satisfaction": 22, "discipline": 21}


@pytest.fixture
def spring(frozen_clock, completed, items, doctor, technologist):
    """Two chest films read in May 2026: one positive."""
    frozen_clock.move_to(dt.datetime(2026, 5, 12, 9, 0, tzinfo=BEIJING))
    writer, senior = doctor("attending"), doctor("associate_chief")
    sign_report(writer, senior, completed(items["chest"]), positive=True, grade="A")
    sign_report(writer, senior, completed(items["chest"]), positive=False, grade="B")
    frozen_clock.move_to(dt.datetime(2026, 11, 23, 7, 30, tzinfo=BEIJING))
    return {"writer": writer, "senior": senior, "technologist": technologist}


@pytest.fixture
def assessment(spring, director, imaging):
    return assessments.open_assessment(director.user, imaging, "half_year", H1)


def _line(assessment, staff) -> StaffAssessment:
    return assessment.lines.get(staff=staff)


def _evaluate_all(actor, assessment):
    for line in assessment.lines.all():
        assessments.evaluate(actor, line, SCORES, 0)


@pytest.mark.rules("QLT-4")
def test_figures_are_copied_for_the_department_and_each_person(assessment, spring, director):
    assert (assessment.period_start, assessment.period_end) == (H1, dt.date(2026, 6, 30))
    figures = {f["code"]: f for f in assessment.figures}
    assert (figures["POSITIVE"]["numerator"], figures["POSITIVE"]["denominator"]) == (1, 2)
    assert figures["POSITIVE"]["set"] == "科室工作制度质量指标"
    assert figures["R1"]["version"] == "2024年版"
    assert figures["GRADE-A"]["value"] == 50.0 and figures["GRADE-A"]["met"] is True
    assert _line(assessment, spring["writer"]).figures["POSITIVE"] == [1, 2, 50.0]
    assert _line(assessment, spring["technologist"]).figures["EXAMS"] == [0, 2, 2.0]
    assert assessment.lines.filter(staff=director).exists()


@pytest.mark.rules("QLT-4")
def test_only_an_ended_period_and_only_once(assessment, director, imaging):
    with pytest.raises(RuleViolation, match="QLT-4"):
        assessments.open_assessment(director.user, imaging, "half_year", dt.date(2026, 7, 1))
    with pytest.raises(RuleViolation, match="QLT-4"):
        assessments.open_assessment(director.user, imaging, "half_year", H1)
    with pytest.raises(RuleViolation, match="QLT-4"):
        assessments.open_assessment(director.user, imaging, "year", H1)  # 2026 not over
    year = assessments.open_assessment(director.user, imaging, "year", dt.date(2025, 3, 1))
    assert (year.period_start, year.period_end) == (dt.date(2025, 1, 1), dt.date(2025, 12, 31))


@pytest.mark.rules("QLT-6")
def test_ethics_evaluation_grades_and_a_red_envelope_fails(assessment, spring, director):
    line = _line(assessment, spring["writer"])
    with pytest.raises(RuleViolation, match="QLT-6"):
        assessments.evaluate(director.user, line, {**SCORES, "quality": 26}, 0)
    with pytest.raises(RuleViolation, match="QLT-6"):
        assessments.evaluate(director.user, line, SCORES, 1)  # no account of it
    assert assessments.evaluate(director.user, line, SCORES, 0).grade == EthicsGrade.EXCELLENT
    line = assessments.evaluate(director.user, line, SCORES, 1, "患者家属所送，已退还并通报")
    assert (line.grade, line.score) == (EthicsGrade.FAIL, 90)
    grades = [assessments.grade_for(score, 0) for score in (90, 89, 80, 79, 60, 59)]
    assert grades == ["excellent", "good", "good", "pass", "pass", "fail"]
    with pytest.raises(PermissionRefused):
        assessments.evaluate(spring["writer"].user, line, SCORES, 0)


@pytest.mark.rules("QLT-4", "QLT-6")
def test_the_director_signs_once_everyone_is_evaluated(assessment, spring, director, make_staff):
    deputy = make_staff(Role.DEPUTY_DIRECTOR)
    assessment = assessments.refresh(director.user, assessment)  # the deputy joins the lines
    line = _line(assessment, spring["writer"])
    assessments.evaluate(deputy.user, line, SCORES, 0)
    with pytest.raises(RuleViolation, match="QLT-6"):
        assessments.sign(director.user, assessment, PASSWORD)
    _evaluate_all(deputy.user, assessment)
    with pytest.raises(RuleViolation, match="QLT-4"):
        assessments.sign(director.user, assessment, PASSWORD)  # no conclusion yet
    assessments.conclude(deputy.user, assessment, "指标总体达标。", "加强随访登记。")
    with pytest.raises(PermissionRefused):
        assessments.sign(deputy.user, assessment, PASSWORD)
    with pytest.raises(RuleViolation, match="QLT-4"):
        assessments.sign(director.user, assessment, "wrong-password")
    signed = assessments.sign(director.user, assessment, PASSWORD)
    assert signed.signed_by == director and signed.signature.meaning == "科室质量考核签发"
    with pytest.raises(RuleViolation, match="QLT-4"):
        assessments.evaluate(director.user, line, SCORES, 0)
    with pytest.raises(RuleViolation, match="QLT-4"):
        assessments.refresh(director.user, signed)


@pytest.mark.rules("QLT-6")
def test_satisfaction_surveys(spring, director, imaging, clerk):
    answers = {"overall": 5, "waiting": 3, "attitude": 5, "explanation": 4, "environment": 4}
    may = dt.date(2026, 5, 20)
    for overall in (5, 4, 2):
        assessments.record_survey(
            clerk.user, imaging, may, "patient", {**answers, "overall": overall},
            staff=spring["writer"] if overall == 5 else None,
        )  # fmt: skip
    with pytest.raises(RuleViolation, match="QLT-6"):
        assessments.record_survey(clerk.user, imaging, may, "patient", {**answers, "overall": 6})
    with pytest.raises(RuleViolation, match="QLT-6"):
        assessments.record_survey(clerk.user, imaging, dt.date(2026, 12, 1), "patient", answers)
    whole = assessments.satisfaction(imaging, H1, dt.date(2026, 6, 30))
    assert (whole.surveys, whole.satisfied, whole.rate) == (3, 2, 66.7)
    assert whole.means["overall"] == pytest.approx(3.67, abs=0.01)
    assessment = assessments.open_assessment(director.user, imaging, "half_year", H1)
    assert assessment.satisfaction["rate"] == 66.7
    assert _line(assessment, spring["writer"]).figures["SATISFACTION"] == [1, 1, 100.0]


@pytest.mark.rules("QLT-4")
def test_directors_are_reminded_of_an_unassessed_period(spring, director, imaging):
    assert assessments.remind_due() == 2  # imaging and ultrasound, one hospital director
    assert assessments.remind_due() == 0  # once
    messages = Notice.objects.filter(rule="QLT-4", recipient=director).values_list(
        "message", flat=True
    )
    assert "医学影像科：2026-01-01至2026-06-30的质量考核尚未进行。" in messages
    Notice.objects.all().delete()
    assessments.open_assessment(director.user, imaging, "half_year", H1)
    assert assessments.remind_due() == 1  # ultrasound still


@pytest.mark.rules("QLT-4", "QLT-6")
def test_pages_draw_up_evaluate_sign_and_print(spring, director, imaging, client_for, clerk):
    client = client_for(director)
    response = client.post(
        "/quality/assessments/",
        {"department": imaging.pk, "kind": "half_year", "year": "2026", "half": "1"},
    )
    assessment = Assessment.objects.get()
    assert response.url == f"/quality/assessments/{assessment.pk}/"
    bad = client.post(
        "/quality/assessments/",
        {"department": imaging.pk, "kind": "half_year", "year": "abc"},
        follow=True,
    )
    assert "请填写考核年度" in bad.content.decode()
    page = client.get(f"/quality/assessments/{assessment.pk}/").content.decode()
    assert "阳性率" in page and spring["writer"].name in page
    url = f"/quality/assessments/{assessment.pk}/"
    for line in assessment.lines.all():
        client.post(url, {"action": "evaluate", "line": line.pk, **SCORES, "red_envelopes": 0})
    refused = client.post(
        url, {"action": "evaluate", "line": line.pk, "attitude": "x", "red_envelopes": 0},
        follow=True,
    )  # fmt: skip
    assert "每项评分须在0至25分之间" in refused.content.decode()
    client.post(url, {"action": "conclude", "summary": "达标。", "improvements": ""})
    client.post(url, {"action": "sign", "secret": PASSWORD})
    assessment.refresh_from_db()
    assert assessment.signed_at is not None
    assert not assessment.lines.filter(grade="").exists()
    pdf = client.get(f"/quality/assessments/{assessment.pk}/print.pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")

    survey = client_for(clerk).post(
        "/quality/surveys/",
        {"department": imaging.pk, "day": "2026-11-20", "respondent": "patient",
         "overall": 5, "waiting": 4, "attitude": 5, "explanation": 5, "environment": 4},
        follow=True,
    )  # fmt: skip
    assert survey.status_code == 200 and "100.0%" in survey.content.decode()
    bad_day = client_for(clerk).post(
        "/quality/surveys/", {"department": imaging.pk, "day": "2026-02-30"}, follow=True
    )
    assert "请填写调查日期" in bad_day.content.decode()
    assert client_for(clerk).get("/quality/assessments/").status_code == 403
