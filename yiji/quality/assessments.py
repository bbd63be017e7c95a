"""Half-yearly and yearly quality assessments (QLT-4) with the medical-ethics evaluation of
each person and the patient satisfaction surveys (QLT-6).

An assessment is drawn up once its period is over: the department's indicator figures and
each member's own figures are copied into it, so the signed document keeps saying what the
director signed even when late data changes the live figures. The director signs it once
every member has been evaluated; after that nothing in it changes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Avg, Count, Q
from django.utils import timezone

from yiji.core import accounts, audit, notices, policy
from yiji.core.accounts import staff_of
from yiji.core.models import AuditAction, Department, Role, Staff
from yiji.core.permissions import Action, require
from yiji.core.rulebook import RuleViolation, carries_out
from yiji.quality import kpi
from yiji.quality.models import (
    Assessment,
    AssessmentKind,
    EthicsGrade,
    Respondent,
    SatisfactionSurvey,
    StaffAssessment,
)

# A person's own figures on their line: what they read, performed and followed up.
PERSON_CODES = ("EXAMS", "POSITIVE", "R3", "ON-TIME", "GRADE-A", "REJECT", "CONCORDANCE", "MISSED")
ETHICS_PARTS = ("attitude", "quality", "satisfaction", "discipline")
PART_MAX = 25
QUESTIONS = ("overall", "waiting", "attitude", "explanation", "environment")
SATISFIED_FROM = 4  # "satisfied" or "very satisfied" on the 1-5 scale


def period(kind: str, year: int, half: int = 1) -> tuple[dt.date, dt.date]:
    if kind == AssessmentKind.YEAR:
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    if half == 1:
        return dt.date(year, 1, 1), dt.date(year, 6, 30)
    return dt.date(year, 7, 1), dt.date(year, 12, 31)


def last_ended(kind: str, today: dt.date) -> tuple[dt.date, dt.date]:
    """The latest period of this kind that is over by `today`."""
    if kind == AssessmentKind.YEAR:
        return period(kind, today.year - 1)
    return period(kind, today.year, 1) if today.month >= 7 else period(kind, today.year - 1, 2)


def _refuse(rule: str, zh: str, en: str, field: str = "") -> RuleViolation:
    return RuleViolation(rule, zh, en, field=field)


def _editable(assessment_id: int) -> Assessment:
    """The assessment, locked for the change, as long as it is not signed (call in a
    transaction: the copy the caller holds may predate the signature)."""
    assessment = Assessment.objects.select_for_update().get(pk=assessment_id)
    if assessment.signed_at:
        raise _refuse(
            "QLT-4", "考核已由科主任签字，不能再修改。", "The assessment is signed and closed."
        )
    return assessment


def _department_figures(department, first: dt.date, last: dt.date) -> list[dict]:
    lines = []
    for indicator, figure, target, met in kpi.summary(first, last, department):
        name, version = indicator.indicator_set
        lines.append(
            {
                "code": indicator.code,
                "name_zh": indicator.name_zh,
                "name_en": indicator.name_en,
                "set": name,
                "version": version,
                "kind": indicator.kind,
                "numerator": figure.numerator,
                "denominator": figure.denominator,
                "value": figure.value,
                "target": None if target is None else float(target),
                "floor": indicator.target_is_floor,
                "met": met,
            }
        )
    return lines


def _person_figures(department, first: dt.date, last: dt.date) -> dict[int, dict]:
    """Each person's figures: one grouped query per indicator for the whole department."""
    people: dict[int, dict] = {}
    for code in PERSON_CODES:
        for figure in kpi.compute(kpi.BY_CODE[code], first, last, "person", department):
            if figure.key is not None:
                people.setdefault(figure.key, {})[code] = [
                    figure.numerator,
                    figure.denominator,
                    figure.value,
                ]
    return people


@dataclass(frozen=True)
class Satisfaction:
    surveys: int
    satisfied: int
    means: dict[str, float | None]

    @property
    def rate(self) -> float | None:
        return round(100 * self.satisfied / self.surveys, 1) if self.surveys else None


@carries_out("QLT-6")
def satisfaction(department, first: dt.date, last: dt.date, staff=None) -> Satisfaction:
    rows = SatisfactionSurvey.objects.filter(department=department, day__gte=first, day__lte=last)
    if staff is not None:
        rows = rows.filter(staff=staff)
    figures = rows.aggregate(
        surveys=Count("pk"),
        satisfied=Count("pk", filter=Q(overall__gte=SATISFIED_FROM)),
        **{q: Avg(q) for q in QUESTIONS},
    )
    means = {q: None if figures[q] is None else round(figures[q], 2) for q in QUESTIONS}
    return Satisfaction(figures["surveys"], figures["satisfied"], means)


def _members(department) -> list[Staff]:
    return list(
        Staff.objects.filter(memberships__department=department, active=True)
        .exclude(role_assignments__role=Role.INTERFACE)
        .distinct()
        .order_by("employee_no")
    )


@carries_out("QLT-4", "QLT-6")
def open_assessment(actor, department, kind: str, first: dt.date) -> Assessment:
    """Draw up the assessment of a period that is over."""
    require(actor, Action.ASSESS_QUALITY)
    if kind not in AssessmentKind.values:
        raise _refuse("QLT-4", "请选择考核类型。", "Choose half-yearly or yearly.", "kind")
    first, last = period(kind, first.year, 1 if first.month <= 6 else 2)
    if last >= timezone.localdate():
        raise _refuse(
            "QLT-4",
            f"考核期（{first}至{last}）尚未结束，期满后再进行考核。",
            f"The period {first} to {last} is not over yet.",
            "period",
        )
    if Assessment.objects.filter(department=department, kind=kind, period_start=first).exists():
        raise _refuse(
            "QLT-4", "该考核期的考核已经建立。", "This period's assessment already exists."
        )
    with transaction.atomic():
        assessment = Assessment.objects.create(
            department=department,
            kind=kind,
            period_start=first,
            period_end=last,
            created_by=staff_of(actor, "QLT-4"),
        )
        _fill(assessment)
        audit.record(actor, AuditAction.CREATE, assessment)
    return assessment


def _fill(assessment: Assessment) -> None:
    department, first, last = assessment.department, assessment.period_start, assessment.period_end
    assessment.figures = _department_figures(department, first, last)
    whole = satisfaction(department, first, last)
    assessment.satisfaction = {"surveys": whole.surveys, "rate": whole.rate, **whole.means}
    assessment.save(update_fields=["figures", "satisfaction"])
    people = _person_figures(department, first, last)
    for staff in _members(department):
        own = satisfaction(department, first, last, staff)
        figures = {
            **people.get(staff.pk, {}),
            "SATISFACTION": [own.satisfied, own.surveys, own.rate],
        }
        StaffAssessment.objects.update_or_create(
            assessment=assessment, staff=staff, defaults={"figures": figures}
        )


@carries_out("QLT-4")
def refresh(actor, assessment: Assessment) -> Assessment:
    """Recount the figures of an unsigned assessment (late reports, follow-ups recorded)."""
    require(actor, Action.ASSESS_QUALITY)
    with transaction.atomic():
        assessment = _editable(assessment.pk)
        _fill(assessment)
        audit.record(actor, AuditAction.UPDATE, assessment, after={"figures": "recounted"})
    return assessment


def grade_for(score: int, red_envelopes: int) -> str:
    """One red envelope fails the evaluation whatever the score (一票否决)."""
    if red_envelopes:
        return EthicsGrade.FAIL
    if score >= 90:
        return EthicsGrade.EXCELLENT
    if score >= 80:
        return EthicsGrade.GOOD
    if score >= 60:
        return EthicsGrade.PASS
    return EthicsGrade.FAIL


@carries_out("QLT-6")
def evaluate(
    actor, line: StaffAssessment, scores: dict[str, int], red_envelopes: int, comment: str = ""
) -> StaffAssessment:
    """The medical-ethics evaluation of one person for the period."""
    require(actor, Action.ASSESS_QUALITY)
    for part in ETHICS_PARTS:
        value = scores.get(part)
        if value is None or not 0 <= value <= PART_MAX:
            raise _refuse(
                "QLT-6",
                f"每项评分须在0至{PART_MAX}分之间。",
                f"Each part is scored from 0 to {PART_MAX}.",
                part,
            )
    if red_envelopes < 0:
        raise _refuse("QLT-6", "收受红包次数不能为负。", "Cannot be negative.", "red_envelopes")
    if red_envelopes and not comment.strip():
        raise _refuse(
            "QLT-6",
            "收受红包须在评语中写明经过和处理。",
            "Describe the red envelope and how it was dealt with.",
            "comment",
        )
    with transaction.atomic():
        _editable(line.assessment_id)
        before = audit.snapshot(line, [*ETHICS_PARTS, "red_envelopes", "grade"])
        for part in ETHICS_PARTS:
            setattr(line, part, scores[part])
        line.red_envelopes = red_envelopes
        line.grade = grade_for(sum(scores[p] for p in ETHICS_PARTS), red_envelopes)
        line.comment = comment.strip()[:300]
        line.evaluated_by = staff_of(actor, "QLT-6")
        line.evaluated_at = timezone.now()
        line.save()
        audit.record(actor, AuditAction.UPDATE, line, before=before, after=audit.snapshot(line))
    return line


@carries_out("QLT-4")
def conclude(actor, assessment: Assessment, summary: str, improvements: str) -> Assessment:
    require(actor, Action.ASSESS_QUALITY)
    with transaction.atomic():
        assessment = _editable(assessment.pk)
        assessment.summary, assessment.improvements = summary.strip(), improvements.strip()
        assessment.save(update_fields=["summary", "improvements"])
    return assessment


@carries_out("QLT-4", "QLT-6")
def sign(actor, assessment: Assessment, secret: str) -> Assessment:
    """The director's signature closes the assessment."""
    require(actor, Action.SIGN_ASSESSMENT)
    with transaction.atomic():
        assessment = _editable(assessment.pk)
        missing = assessment.lines.filter(grade="").count()
        if missing:
            raise _refuse(
                "QLT-6",
                f"还有{missing}人未进行医德医风考评，不能签字。",
                f"{missing} people are not yet evaluated.",
            )
        if not assessment.summary.strip():
            raise _refuse(
                "QLT-4", "请先填写考核评价与结论。", "Write the conclusion first.", "summary"
            )
        try:
            signature = accounts.sign(actor, secret, "科室质量考核签发", assessment)
        except accounts.SignatureRefused as exc:
            raise RuleViolation("QLT-4", str(exc), str(exc), field="signature") from exc
        assessment.signature = signature
        assessment.signed_by = signature.signer
        assessment.signed_at = signature.signed_at
        assessment.save(update_fields=["signature", "signed_by", "signed_at"])
    return assessment


@carries_out("QLT-6")
def record_survey(
    actor,
    department,
    day: dt.date,
    respondent: str,
    scores: dict[str, int],
    staff: Staff | None = None,
    comment: str = "",
) -> SatisfactionSurvey:
    require(actor, Action.RECORD_SURVEY)
    if respondent not in Respondent.values:
        raise _refuse("QLT-6", "请选择调查对象。", "Choose the respondent.", "respondent")
    for question in QUESTIONS:
        if scores.get(question) not in (1, 2, 3, 4, 5):
            raise _refuse(
                "QLT-6", "每题评分为1至5分。", "Each question is scored 1 to 5.", question
            )
    if day > timezone.localdate():
        raise _refuse("QLT-6", "调查日期不能晚于今天。", "The date cannot be in the future.", "day")
    survey = SatisfactionSurvey.objects.create(
        department=department,
        day=day,
        respondent=respondent,
        staff=staff,
        comment=comment.strip()[:300],
        recorded_by=staff_of(actor, "QLT-6"),
        **{q: scores[q] for q in QUESTIONS},
    )
    audit.record(actor, AuditAction.CREATE, survey)
    return survey


@carries_out("QLT-4")
def remind_due(today: dt.date | None = None) -> int:
    """After a period ends, the director is reminded until its assessment is drawn up. The
    policy interval says whether the department assesses half-yearly (6) or yearly (12)."""
    today = today or timezone.localdate()
    sent = 0
    for department in Department.objects.medtech():
        months = policy.value("qlt.assessment_interval_months", department=department)
        kind = AssessmentKind.YEAR if months >= 12 else AssessmentKind.HALF_YEAR
        first, last = last_ended(kind, today)
        if Assessment.objects.filter(department=department, kind=kind, period_start=first).exists():
            continue
        sent += notices.notify(
            notices.holders(Role.DIRECTOR, department),
            "QLT-4",
            f"qlt4:{department.pk}:{kind}:{first:%Y%m}",
            f"{department.name}：{first}至{last}的质量考核尚未进行。",
            url="/quality/assessments/",
        )
    return sent
