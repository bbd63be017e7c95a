"""The figures the department's own regulations name (科室工作制度质量指标): EXAMS performed
(QLT-4, QLT-7), POSITIVE rate (QLT-4), ON-TIME reports (RPT-5, RPT-6, RPT-8), GRADE-A film rate
(CNF-6, QLT-3, QLT-4), REJECT rate (QLT-3, QLT-4), FOLLOW-UP rate (QLT-1, QLT-8), CONCORDANCE
(QLT-1, QLT-4) and MISSED-diagnosis rate (QLT-2, QLT-4), with the graded films, film rejects
and deadline-bound exams they count.
"""

from __future__ import annotations

from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yiji.orders.models import ExamStatus
from yiji.quality.kpi.indicator import Indicator, Kind
from yiji.quality.kpi.sources import (
    CONCORDANT,
    FOLLOW_UP_PATHS,
    _completed,
    _exam_paths,
    _follow_ups,
    _followed,
    _released,
    _reported,
)
from yiji.quality.models import DiagnosticError, RejectedImage
from yiji.reports.models import ImageGrade

# The version column names where the set comes from: the hospital's own regulations.
DEPARTMENT_SET = ("科室工作制度质量指标", "本院规章制度")


def _graded(start, end):
    rows = _completed(start, end).annotate(
        grade=Coalesce(F("film_grade__grade"), F("report__image_grade"), Value(""))
    )
    return rows.exclude(grade="")


def _rejects(start, end):
    return RejectedImage.objects.filter(
        exam__status=ExamStatus.COMPLETED,
        exam__completed_at__gte=start,
        exam__completed_at__lt=end,
    )


def _on_time(start, end):
    """Exams with a report deadline that were reported, or whose deadline has passed without
    a report (late whatever happens next); one still within its deadline is not counted yet."""
    rows = _completed(start, end).filter(report_due_at__isnull=False)
    rows = rows.annotate(released=_released())
    return rows.filter(Q(released__isnull=False) | Q(report_due_at__lt=timezone.now()))


DEPARTMENT_INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        "EXAMS",
        "检查人次",
        "Exams performed",
        DEPARTMENT_SET,
        Kind.COUNT,
        ("QLT-4", "QLT-7"),
        _("Completed exams"),
        _completed,
        None,
        _exam_paths(person="performed_by"),
    ),
    Indicator(
        "POSITIVE",
        "阳性率",
        "Positive rate",
        DEPARTMENT_SET,
        Kind.RATE,
        ("QLT-4",),
        _("Signed reports marked positive / all signed reports"),
        _reported,
        Q(report__positive=True),
        _exam_paths(),
    ),
    Indicator(
        "ON-TIME",
        "报告按时发出率",
        "Reports on time",
        DEPARTMENT_SET,
        Kind.RATE,
        ("RPT-5", "RPT-6", "RPT-8"),
        _(
            "Exams whose first signed report came by the deadline / exams reported or past "
            "their deadline"
        ),
        _on_time,
        Q(released__lte=F("report_due_at")),
        _exam_paths(),
    ),
    Indicator(
        "GRADE-A",
        "甲级片率",
        "Grade-A film rate",
        DEPARTMENT_SET,
        Kind.RATE,
        ("CNF-6", "QLT-3", "QLT-4"),
        _("Films graded A / all graded films (the film review's grade, else the reader's)"),
        _graded,
        Q(grade=ImageGrade.A),
        _exam_paths(person="performed_by"),
        target_key="qlt.grade_a_film_rate_min",
    ),
    Indicator(
        "REJECT",
        "废片率",
        "Reject rate",
        DEPARTMENT_SET,
        Kind.RATE,
        ("QLT-3", "QLT-4"),
        _("Rejected images registered / images taken (completed exams plus rejects)"),
        _completed,
        None,
        _exam_paths(person="performed_by"),
        target_key="qlt.reject_rate_max",
        target_is_floor=False,
        extra_numerator=_rejects,
        extra_paths={**_exam_paths("exam__", person="technologist"), "device": "room"},
    ),
    Indicator(
        "FOLLOW-UP",
        "随访率",
        "Follow-up rate",
        DEPARTMENT_SET,
        Kind.RATE,
        ("QLT-1", "QLT-8"),
        _("Follow-up cases with the final diagnosis recorded / all follow-up cases"),
        _follow_ups,
        Q(recorded_at__isnull=False),
        FOLLOW_UP_PATHS,
        time_field="created_at",
        target_key="qlt.follow_up_rate_min",
    ),
    Indicator(
        "CONCORDANCE",
        "诊断符合率",
        "Diagnostic concordance rate",
        DEPARTMENT_SET,
        Kind.RATE,
        ("QLT-1", "QLT-4"),
        _("Followed-up cases concordant or partly concordant / all followed up"),
        _followed,
        CONCORDANT,
        FOLLOW_UP_PATHS,
        time_field="created_at",
        target_key="qlt.concordance_rate_min",
    ),
    Indicator(
        "MISSED",
        "漏诊率",
        "Missed-diagnosis rate",
        DEPARTMENT_SET,
        Kind.RATE,
        ("QLT-2", "QLT-4"),
        _("Followed-up cases found missed / all followed up"),
        _followed,
        Q(error=DiagnosticError.MISSED),
        FOLLOW_UP_PATHS,
        time_field="created_at",
    ),
)
