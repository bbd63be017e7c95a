"""Quality indicators (QLT-4): the national sets (radiology 2024, ultrasound 2022) and the
figures the department's own regulations name, each computed by aggregate queries in the
database, per department, group, person, device, modality, item or period, with the records
behind every figure.

An indicator is a set of records (its denominator: exams, critical results, follow-ups), a
condition that puts a record in the numerator, and for each way of grouping the field that
says which group a record belongs to. One GROUP BY query gives every group's numerator and
denominator together, so a year over millions of exams is one indexed scan, not a loop.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    Count,
    DateTimeField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, Trunc, TruncDate
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from yiji.core import policy
from yiji.core.calendar import day_bounds, days, stretches
from yiji.core.models import Department, PatientSource, Room, Staff, WorkGroup
from yiji.core.rulebook import carries_out
from yiji.lab.models import Container, Specimen, SpecimenType
from yiji.orders.models import (
    ContrastRoute,
    Exam,
    ExamItem,
    ExamStatus,
    Modality,
    Priority,
)
from yiji.quality.models import (
    ARTEFACT_REASONS,
    Concordance,
    DiagnosticError,
    FollowUp,
    IndicatorDay,
    RejectedImage,
    RolledDay,
)
from yiji.reports.models import SIGNED_STATUSES, CriticalResult, ImageGrade

RADIOLOGY_2024 = ("放射影像专业医疗质量控制指标", "2024年版")
ULTRASOUND_2022 = ("超声诊断专业医疗质量控制指标", "2022年版")
DEPARTMENT_SET = ("科室工作制度质量指标", "Yiji")
LABORATORY_2015 = ("临床检验专业医疗质量控制指标", "2015年版")

PERIODS = ("day", "week", "month", "quarter", "year")
GROUPINGS = ("department", "group", "person", "device", "modality", "item", *PERIODS)


class Kind:
    RATE = "rate"  # numerator / denominator, in %
    PERMILLE = "permille"  # numerator / denominator, in ‰
    COUNT = "count"  # the denominator alone: how many
    PER_HEAD_MONTH = "per_head_month"  # records per person per month (US-HR-01)


@dataclass(frozen=True)
class Indicator:
    code: str
    name_zh: str
    name_en: str
    indicator_set: tuple[str, str]
    kind: str
    rules: tuple[str, ...]
    definition: str
    # The denominator's records in a period, and what of them counts in the numerator.
    records: Callable[[dt.datetime, dt.datetime], QuerySet]
    numerator: Q | None = None
    # For each grouping, the field of a record that names its group.
    paths: dict[str, str] = field(default_factory=dict)
    time_field: str = "completed_at"
    target_key: str = ""
    target_is_floor: bool = True
    # Film rejects are counted from their own register, and an image taken is an exam or a
    # reject: the numerator comes from other records and adds to the denominator.
    extra_numerator: Callable[[dt.datetime, dt.datetime], QuerySet] | None = None
    extra_paths: dict[str, str] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "").startswith("en") else self.name_zh

    @property
    def rolls_up(self) -> bool:
        """Whether settled days come from the nightly roll-up: not a follow-up figure, whose
        outcomes arrive weeks later."""
        return self.records not in FOLLOW_UP_RECORDS

    def groupings(self) -> tuple[str, ...]:
        return tuple(g for g in GROUPINGS if g in PERIODS or g in self.paths)

    def target(self, department=None) -> Decimal | None:
        return policy.value(self.target_key, department=department) if self.target_key else None


@dataclass(frozen=True)
class Figure:
    key: object
    label: str
    numerator: int
    denominator: int
    value: float | None

    def meets(self, indicator: Indicator, target: Decimal | None) -> bool | None:
        if target is None or self.value is None:
            return None
        target = float(target)
        return self.value >= target if indicator.target_is_floor else self.value <= target


# ----------------------------------------------------------------------- the records


def _completed(start: dt.datetime, end: dt.datetime) -> QuerySet:
    """Completed imaging, ultrasound and ECG exams (the lab has its own figures below)."""
    return Exam.objects.filter(
        status=ExamStatus.COMPLETED, completed_at__gte=start, completed_at__lt=end
    ).exclude(modality=Modality.LAB)


def _reported(start: dt.datetime, end: dt.datetime) -> QuerySet:
    return _completed(start, end).filter(report__status__in=SIGNED_STATUSES)


def _released() -> Coalesce:
    return Coalesce("report__preliminary_at", "report__final_at", output_field=DateTimeField())


def _exam_paths(prefix: str = "", person: str = "report__author") -> dict[str, str]:
    return {
        "department": f"{prefix}department",
        "group": f"{prefix}room__group",
        "person": person,
        "device": f"{prefix}room",
        "modality": f"{prefix}modality",
        "item": f"{prefix}item",
    }


def _artefact_exams(start, end):
    rejects = RejectedImage.objects.filter(exam=OuterRef("pk"), reason__in=ARTEFACT_REASONS)
    rows = _completed(start, end).filter(modality__in=[Modality.CT, Modality.MR])
    return rows.annotate(artefact=Exists(rejects))


def _emergency_xray_ct(start, end):
    rows = _completed(start, end).filter(
        Q(priority=Priority.URGENT) | Q(patient__source=PatientSource.EMERGENCY),
        modality__in=[Modality.DR, Modality.CR, Modality.CT],
    )
    return rows.annotate(two_hours=F("started_at") + dt.timedelta(hours=2))


def _enhanced_ct(start, end):
    return _completed(start, end).filter(
        modality=Modality.CT, record__contrast_route=ContrastRoute.IV
    )


def _prostate_mr(start, end):
    prostate = Q(item__name__contains="前列腺") | Q(item__body_part__contains="前列腺")
    return _reported(start, end).filter(prostate, modality=Modality.MR)


def _mammography(start, end):
    return _reported(start, end).filter(modality=Modality.MG)


def _criticals(modalities: list[str], exclude: bool = False):
    def rows(start, end):
        found = CriticalResult.objects.filter(found_at__gte=start, found_at__lt=end)
        found = (
            found.exclude(exam__modality__in=modalities)
            if exclude
            else found.filter(exam__modality__in=modalities)
        )
        minutes = policy.value("crit.notify_minutes")
        return found.annotate(limit=F("found_at") + dt.timedelta(minutes=minutes))

    return rows


def _inpatient_ultrasound(start, end):
    rows = Exam.objects.filter(
        modality=Modality.US,
        patient__source=PatientSource.INPATIENT,
        created_at__gte=start,
        created_at__lt=end,
    ).exclude(status__in=[ExamStatus.CANCELLED, ExamStatus.NO_SHOW])
    return rows.annotate(released=_released(), limit=F("created_at") + dt.timedelta(hours=48))


def _ultrasound_reports(start, end):
    return _reported(start, end).filter(modality=Modality.US)


def _inpatient_ultrasound_reports(start, end):
    return _ultrasound_reports(start, end).filter(patient__source=PatientSource.INPATIENT)


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


def _follow_ups(start, end):
    return FollowUp.objects.filter(created_at__gte=start, created_at__lt=end)


def _followed(start, end):
    return _follow_ups(start, end).filter(recorded_at__isnull=False)


def _ultrasound_followed(start, end):
    return _followed(start, end).filter(exam__modality=Modality.US)


def _arrived_specimens(start, end):
    """Specimens collected in the period that reached the lab (received or rejected)."""
    return Specimen.objects.filter(collected_at__gte=start, collected_at__lt=end).filter(
        Q(received_at__isnull=False) | Q(rejected_at__isnull=False)
    )


def _anticoagulated(start, end):
    return _arrived_specimens(start, end).filter(
        container__in=[Container.EDTA, Container.CITRATE, Container.FLUORIDE]
    )


def _blood_cultures(start, end):
    return _arrived_specimens(start, end).filter(specimen_type=SpecimenType.BLOOD_CULTURE)


FOLLOW_UP_RECORDS = (_follow_ups, _followed, _ultrasound_followed)

SPECIMEN_PATHS = {
    "department": "exam__department",
    "person": "collected_by",
    "modality": "exam__modality",
    "item": "exam__item",
}
FOLLOW_UP_PATHS = _exam_paths("exam__", person="reader")
CRITICAL_PATHS = _exam_paths("exam__", person="found_by")
CONCORDANT = Q(concordance__in=[Concordance.FULL, Concordance.PARTIAL])

INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        "R1",
        "图像伪影率",
        "Image artefact rate",
        RADIOLOGY_2024,
        Kind.RATE,
        ("QLT-3", "QLT-4"),
        _("CT and MRI exams with an artefact or motion reject registered / all CT and MRI exams"),
        _artefact_exams,
        Q(artefact=True),
        _exam_paths(person="performed_by"),
        target_key="qlt.artefact_rate_max",
        target_is_floor=False,
    ),
    Indicator(
        "R2",
        "急诊检查报告2小时完成率",
        "Emergency reports within 2 hours",
        RADIOLOGY_2024,
        Kind.RATE,
        ("RPT-5", "RPT-6"),
        _(
            "Emergency X-ray and CT exams with the final report signed within 2 hours of the "
            "exam start / all emergency X-ray and CT exams"
        ),
        _emergency_xray_ct,
        Q(report__final_at__lte=F("two_hours")),
        _exam_paths(),
        target_key="qlt.emergency_report_2h_rate_min",
    ),
    Indicator(
        "R3",
        "报告书写规范率",
        "Report-writing compliance",
        RADIOLOGY_2024,
        Kind.RATE,
        ("RPT-10",),
        _("Signed reports with no report-writing warning at signing / all signed reports"),
        _reported,
        Q(report__quality_issues=[]),
        _exam_paths(),
        target_key="qlt.report_compliance_rate_min",
    ),
    Indicator(
        "R4",
        "危急值10分钟内通报完成率",
        "Critical values notified within 10 minutes",
        RADIOLOGY_2024,
        Kind.RATE,
        ("RPT-12",),
        _("Imaging critical values notified within the limit of discovery / all found"),
        _criticals([Modality.US, Modality.ECG, Modality.LAB], exclude=True),
        Q(notified_at__lte=F("limit")),
        CRITICAL_PATHS,
        time_field="found_at",
        target_key="qlt.critical_notified_10min_rate_min",
    ),
    Indicator(
        "R5",
        "增强CT对比剂外渗发生率",
        "Contrast extravasation in enhanced CT",
        RADIOLOGY_2024,
        Kind.PERMILLE,
        ("EXM-6",),
        _("Enhanced CT exams with extravasation recorded / all enhanced CT exams, per mille"),
        _enhanced_ct,
        Q(record__extravasation=True),
        _exam_paths(person="performed_by"),
        target_key="qlt.contrast_extravasation_max",
        target_is_floor=False,
    ),
    Indicator(
        "R6",
        "PI-RADS分类率",
        "PI-RADS categorisation rate",
        RADIOLOGY_2024,
        Kind.RATE,
        ("RPT-10",),
        _("Signed prostate MR reports with a PI-RADS category / all signed prostate MR reports"),
        _prostate_mr,
        ~Q(report__category=""),
        _exam_paths(),
    ),
    Indicator(
        "R7",
        "BI-RADS分类率",
        "BI-RADS categorisation rate",
        RADIOLOGY_2024,
        Kind.RATE,
        ("RPT-10",),
        _("Signed mammography reports with a BI-RADS category / all signed mammography reports"),
        _mammography,
        ~Q(report__category=""),
        _exam_paths(),
    ),
    Indicator(
        "US-HR-01",
        "超声医师月均工作量",
        "Monthly reports per sonographer",
        ULTRASOUND_2022,
        Kind.PER_HEAD_MONTH,
        ("QLT-4",),
        _("Signed ultrasound reports / (sonographers who signed them × months)"),
        _ultrasound_reports,
        None,
        _exam_paths(),
    ),
    Indicator(
        "US-TL-01",
        "住院超声检查48小时完成率",
        "Inpatient ultrasound within 48 hours",
        ULTRASOUND_2022,
        Kind.RATE,
        ("RPT-8",),
        _("Inpatient ultrasound orders examined and reported within 48 hours / all of them"),
        _inpatient_ultrasound,
        Q(released__lte=F("limit")),
        _exam_paths(),
        time_field="created_at",
    ),
    Indicator(
        "US-CV-01",
        "超声危急值10分钟内通报率",
        "Ultrasound critical values notified within 10 minutes",
        ULTRASOUND_2022,
        Kind.RATE,
        ("RPT-12",),
        _("Ultrasound critical values notified within the limit / all found"),
        _criticals([Modality.US]),
        Q(notified_at__lte=F("limit")),
        CRITICAL_PATHS,
        time_field="found_at",
        target_key="qlt.critical_notified_10min_rate_min",
    ),
    Indicator(
        "US-POS",
        "住院患者超声检查阳性率",
        "Inpatient ultrasound positive rate",
        ULTRASOUND_2022,
        Kind.RATE,
        ("QLT-4", "QLT-8"),
        _("Positive signed inpatient ultrasound reports / all of them (check-ups excluded)"),
        _inpatient_ultrasound_reports,
        Q(report__positive=True),
        _exam_paths(),
    ),
    Indicator(
        "US-DC",
        "超声诊断符合率",
        "Ultrasound diagnostic concordance",
        ULTRASOUND_2022,
        Kind.RATE,
        ("QLT-1", "QLT-8"),
        _("Followed-up ultrasound cases concordant or partly concordant / all followed up"),
        _ultrasound_followed,
        CONCORDANT,
        FOLLOW_UP_PATHS,
        time_field="created_at",
        target_key="qlt.concordance_rate_min",
    ),
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

LAB_INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        "CL-REJ",
        "标本不合格率",
        "Non-conforming specimen rate",
        LABORATORY_2015,
        Kind.RATE,
        ("LAB-1",),
        _("Specimens rejected at reception / specimens that reached the lab"),
        _arrived_specimens,
        Q(rejected_at__isnull=False),
        SPECIMEN_PATHS,
        time_field="collected_at",
        target_is_floor=False,
    ),
    Indicator(
        "CL-TYPE",
        "标本类型或容器错误率",
        "Wrong specimen type or container rate",
        LABORATORY_2015,
        Kind.RATE,
        ("LAB-1",),
        _("Specimens rejected for the wrong type or container / specimens that reached the lab"),
        _arrived_specimens,
        Q(rejection_reason="wrong_container"),
        SPECIMEN_PATHS,
        time_field="collected_at",
        target_is_floor=False,
    ),
    Indicator(
        "CL-VOL",
        "标本量不足率",
        "Insufficient specimen volume rate",
        LABORATORY_2015,
        Kind.RATE,
        ("LAB-1",),
        _("Specimens rejected for insufficient volume / specimens that reached the lab"),
        _arrived_specimens,
        Q(rejection_reason="insufficient_volume"),
        SPECIMEN_PATHS,
        time_field="collected_at",
        target_is_floor=False,
    ),
    Indicator(
        "CL-CLOT",
        "抗凝标本凝集率",
        "Clotted anticoagulated specimen rate",
        LABORATORY_2015,
        Kind.RATE,
        ("LAB-1",),
        _("Anticoagulated specimens rejected as clotted / anticoagulated specimens"),
        _anticoagulated,
        Q(rejection_reason="clotted"),
        SPECIMEN_PATHS,
        time_field="collected_at",
        target_is_floor=False,
    ),
    Indicator(
        "CL-BCC",
        "血培养污染率",
        "Blood-culture contamination rate",
        LABORATORY_2015,
        Kind.RATE,
        ("LAB-1",),
        _("Blood-culture specimens found contaminated / blood-culture specimens"),
        _blood_cultures,
        Q(rejection_reason="contaminated"),
        SPECIMEN_PATHS,
        time_field="collected_at",
        target_is_floor=False,
    ),
    Indicator(
        "CL-14",
        "检验危急值通报率",
        "Lab critical values notified",
        LABORATORY_2015,
        Kind.RATE,
        ("RPT-12", "LAB-3"),
        _(
            "Lab critical values notified to the clinic / lab critical values found (repeats on "
            "one specimen count once)"
        ),
        _criticals([Modality.LAB]),
        Q(notified_at__isnull=False),
        CRITICAL_PATHS,
        time_field="found_at",
    ),
    Indicator(
        "CL-15",
        "检验危急值通报及时率",
        "Lab critical values notified in time",
        LABORATORY_2015,
        Kind.RATE,
        ("RPT-12", "LAB-3"),
        _("Lab critical values notified within the limit of the value appearing / all found"),
        _criticals([Modality.LAB]),
        Q(notified_at__lte=F("limit")),
        CRITICAL_PATHS,
        time_field="found_at",
        target_key="qlt.critical_notified_10min_rate_min",
    ),
)
INDICATORS = INDICATORS + LAB_INDICATORS
BY_CODE = {indicator.code: indicator for indicator in INDICATORS}


# ----------------------------------------------------------------------- computing


def _scoped(rows: QuerySet, paths: dict[str, str], department=None, modality: str = ""):
    if department is not None:
        rows = rows.filter(**{paths["department"]: department})
    if modality:
        rows = rows.filter(**{paths["modality"]: modality})
    return rows


def _grouped(rows: QuerySet, by: str, paths: dict[str, str], time_field: str) -> QuerySet:
    if by in PERIODS:
        bucket = Trunc(time_field, by, tzinfo=timezone.get_current_timezone())
        return rows.annotate(group=bucket)
    return rows.annotate(group=F(paths[by]))


def _months(first: dt.date, last: dt.date) -> int:
    return max(1, round(((last - first).days + 1) / 30.44))


def _value(indicator: Indicator, numerator: int, denominator: int) -> float | None:
    if indicator.kind == Kind.COUNT:
        return float(denominator)
    if not denominator:
        return None
    scale = {Kind.RATE: 100, Kind.PERMILLE: 1000, Kind.PER_HEAD_MONTH: 1}[indicator.kind]
    return round(scale * numerator / denominator, 2)


def _extra_counts(indicator: Indicator, start, end, by: str, department, modality) -> dict:
    rows = indicator.extra_numerator(start, end)
    rows = _scoped(rows, indicator.extra_paths, department, modality)
    if not by:
        return {None: rows.count()}
    rows = _grouped(rows, by, indicator.extra_paths, f"exam__{indicator.time_field}")
    return dict(rows.values("group").annotate(n=Count("pk")).values_list("group", "n"))


@carries_out("QLT-4")
def compute(
    indicator: Indicator,
    first: dt.date,
    last: dt.date,
    by: str = "",
    department=None,
    modality: str = "",
) -> list[Figure]:
    """The indicator over a period, as one figure or one per group (`by`), sorted by group."""
    if by and by not in indicator.groupings():
        raise ValueError(by)
    start, end = day_bounds(first, last)
    rows = _scoped(indicator.records(start, end), indicator.paths, department, modality)
    counts = {"denominator": Count("pk")}
    if indicator.numerator is not None:
        counts["numerator"] = Count("pk", filter=indicator.numerator)
    if indicator.kind == Kind.PER_HEAD_MONTH:
        counts["heads"] = Count(indicator.paths["person"], distinct=True)
    if by:
        grouped = _grouped(rows, by, indicator.paths, indicator.time_field)
        found = {r["group"]: r for r in grouped.values("group").annotate(**counts).order_by()}
    else:
        found = {None: rows.aggregate(**counts)}
    extra = {}
    if indicator.extra_numerator:
        extra = _extra_counts(indicator, start, end, by, department, modality)
    keys = sorted(set(found) | set(extra), key=lambda k: (k is None, str(k)))
    labels = _labels(by, keys)
    figures = []
    for key in keys:
        row = found.get(key, {})
        numerator, denominator = _counted(indicator, row, extra.get(key, 0))
        if indicator.kind == Kind.PER_HEAD_MONTH:
            numerator = denominator
            denominator = row.get("heads", 0) * _bucket_months(by, key, first, last)
        value = _value(indicator, numerator, denominator)
        figures.append(Figure(key, labels.get(key, "—"), numerator, denominator, value))
    if by not in PERIODS:
        figures.sort(key=lambda figure: figure.label)
    return figures


def _counted(indicator: Indicator, row: dict, extra: int) -> tuple[int, int]:
    """A group's numerator and denominator as the figure takes them: where a register is
    counted into it (film rejects), that count is the numerator and adds to the images."""
    numerator, denominator = row.get("numerator", 0), row.get("denominator", 0)
    if indicator.extra_numerator:
        numerator, denominator = extra, denominator + extra
    return numerator, denominator


def _bucket_months(by: str, key, first: dt.date, last: dt.date) -> int:
    if by == "month":
        return 1
    if by == "quarter":
        return 3
    if by == "year" and key is not None:
        year = timezone.localtime(key).year
        return _months(max(first, dt.date(year, 1, 1)), min(last, dt.date(year, 12, 31)))
    return _months(first, last)


def total(
    indicator: Indicator, first: dt.date, last: dt.date, department=None, modality=""
) -> Figure:
    return compute(indicator, first, last, "", department, modality)[0]


def _labels(by: str, keys: list) -> dict:
    present = [k for k in keys if k is not None]
    models = {
        "department": Department,
        "group": WorkGroup,
        "person": Staff,
        "device": Room,
        "item": ExamItem,
    }
    if by in models:
        return {k: v.name for k, v in models[by].objects.in_bulk(present).items()}
    if by == "modality":
        return {k: str(Modality(k).label) if k in Modality.values else k for k in present}
    if by in PERIODS:
        return {k: period_label(by, k) for k in present}
    return {None: str(_("All"))}


def period_label(by: str, moment) -> str:
    day = timezone.localtime(moment).date() if isinstance(moment, dt.datetime) else moment
    if by == "year":
        return f"{day.year}"
    if by == "quarter":
        return f"{day.year} Q{(day.month - 1) // 3 + 1}"
    if by == "month":
        return day.strftime("%Y-%m")
    return day.isoformat()


def summary(first: dt.date, last: dt.date, department=None, modality: str = "") -> list[tuple]:
    """Every indicator over the period: (indicator, figure, target, met). Days the nightly
    roll-up holds are added up from it; the others (the recent, unsettled ones) are counted
    from the records, so the figure is the same either way."""
    rolled = _rolled_totals(first, last, department, modality)
    unrolled = unrolled_runs(first, last)
    out = []
    for indicator in INDICATORS:
        if indicator.rolls_up and indicator.kind == Kind.PER_HEAD_MONTH:
            figure = _per_head(indicator, first, last, unrolled, department, modality)
        elif indicator.rolls_up:
            numerator, denominator = rolled.get(indicator.code, (0, 0))
            for run_first, run_last in unrolled:
                part = total(indicator, run_first, run_last, department, modality)
                numerator, denominator = numerator + part.numerator, denominator + part.denominator
            value = _value(indicator, numerator, denominator)
            figure = Figure(None, str(_("All")), numerator, denominator, value)
        else:
            figure = total(indicator, first, last, department, modality)
        target = indicator.target(department)
        out.append((indicator, figure, target, figure.meets(indicator, target)))
    return out


def _per_head(indicator, first, last, unrolled, department, modality) -> Figure:
    """A per-head figure over rolled and unrolled days: records per person added up, then
    divided by the people who did any and the period's months, as compute() does."""
    rows = _scoped_days(first, last, department, modality).filter(indicator=indicator.code)
    per_person = dict(
        rows.values("person").annotate(n=Sum("denominator")).values_list("person", "n").order_by()
    )
    for run_first, run_last in unrolled:
        for part in compute(indicator, run_first, run_last, "person", department, modality):
            per_person[part.key] = per_person.get(part.key, 0) + part.numerator
    records = sum(per_person.values())
    heads = sum(1 for person, n in per_person.items() if person is not None and n)
    denominator = heads * _months(first, last)
    return Figure(
        None, str(_("All")), records, denominator, _value(indicator, records, denominator)
    )


# ----------------------------------------------------------------------- the daily roll-up


def day_counts(indicator: Indicator, first: dt.date, last: dt.date) -> dict[tuple, list[int]]:
    """[numerator, denominator] per (local day, department id, modality, person id) over
    first..last, counted as compute() counts them: what the nightly roll-up stores. The
    person is None except for a per-head figure, whose denominator is its records."""
    start, end = day_bounds(first, last)
    counts = {"denominator": Count("pk")}
    if indicator.numerator is not None:
        counts["numerator"] = Count("pk", filter=indicator.numerator)
    person = indicator.paths["person"] if indicator.kind == Kind.PER_HEAD_MONTH else None
    rows = _by_day(indicator.records(start, end), indicator.paths, indicator.time_field, person)
    found = {_day_key(row): row for row in rows.annotate(**counts)}
    extra = {}
    if indicator.extra_numerator:
        rows = _by_day(
            indicator.extra_numerator(start, end),
            indicator.extra_paths,
            f"exam__{indicator.time_field}",
        )
        extra = {_day_key(row): row["n"] for row in rows.annotate(n=Count("pk"))}
    return {
        key: list(_counted(indicator, found.get(key, {}), extra.get(key, 0)))
        for key in set(found) | set(extra)
    }


def _by_day(rows: QuerySet, paths: dict[str, str], time_field: str, person=None) -> QuerySet:
    zone = timezone.get_current_timezone()
    return (
        rows.annotate(
            kpi_day=TruncDate(time_field, tzinfo=zone),
            kpi_department=F(paths["department"]),
            kpi_modality=F(paths["modality"]),
            kpi_person=F(person) if person else Value(None, output_field=IntegerField()),
        )
        .values("kpi_day", "kpi_department", "kpi_modality", "kpi_person")
        .order_by()
    )


def _day_key(row: dict) -> tuple:
    return row["kpi_day"], row["kpi_department"], row["kpi_modality"] or "", row["kpi_person"]


def _scoped_days(first: dt.date, last: dt.date, department, modality: str) -> QuerySet:
    rows = IndicatorDay.objects.filter(day__range=(first, last))
    if department is not None:
        rows = rows.filter(department=department)
    if modality:
        rows = rows.filter(modality=modality)
    return rows


def _rolled_totals(first: dt.date, last: dt.date, department, modality: str) -> dict:
    rows = _scoped_days(first, last, department, modality)
    totals = rows.values("indicator").annotate(n=Sum("numerator"), d=Sum("denominator"))
    return {row["indicator"]: (row["n"], row["d"]) for row in totals.order_by()}


def unrolled_runs(first: dt.date, last: dt.date) -> list[tuple[dt.date, dt.date]]:
    """The stretches of days in first..last that the roll-up does not hold, oldest first."""
    rolled = set(RolledDay.objects.filter(day__range=(first, last)).values_list("day", flat=True))
    return list(stretches([day for day in days(first, last) if day not in rolled]))


# ----------------------------------------------------------------------- drill-down


def _aware(moment: dt.datetime) -> dt.datetime:
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def _bucket_end(by: str, first: dt.date) -> dt.date:
    """The day after a period bucket that starts on `first`."""
    if by in ("day", "week"):
        return first + dt.timedelta(days=1 if by == "day" else 7)
    months = {"month": 1, "quarter": 3, "year": 12}[by]
    month = first.month - 1 + months
    return dt.date(first.year + month // 12, month % 12 + 1, 1)


def _in_group(rows: QuerySet, by: str, key: str, paths: dict[str, str], time_field: str):
    if by in PERIODS:
        start = timezone.localtime(_aware(dt.datetime.fromisoformat(key)))
        end = _aware(dt.datetime.combine(_bucket_end(by, start.date()), dt.time()))
        return rows.filter(**{f"{time_field}__gte": start, f"{time_field}__lt": end})
    if key in ("", "None"):
        return rows.filter(**{f"{paths[by]}__isnull": True})
    return rows.filter(**{paths[by]: key})


@dataclass(frozen=True)
class Record:
    when: dt.datetime | None
    exam: Exam
    detail: str


def records(
    indicator: Indicator,
    first: dt.date,
    last: dt.date,
    *,
    by: str = "",
    key: str = "",
    part: str = "numerator",
    department=None,
    modality: str = "",
) -> QuerySet:
    """The records behind a figure: those in the numerator, the denominator, or the
    denominator's records not in the numerator ("missing": what kept the rate down)."""
    start, end = day_bounds(first, last)
    use_extra = indicator.extra_numerator is not None and part == "numerator"
    paths = indicator.extra_paths if use_extra else indicator.paths
    rows = indicator.extra_numerator(start, end) if use_extra else indicator.records(start, end)
    time_field = f"exam__{indicator.time_field}" if use_extra else indicator.time_field
    rows = _scoped(rows, paths, department, modality)
    if by:
        if by not in indicator.groupings():
            raise ValueError(by)
        rows = _in_group(rows, by, key, paths, time_field)
    if indicator.numerator is not None and not use_extra:
        if part == "numerator":
            rows = rows.filter(indicator.numerator)
        elif part == "missing":
            rows = rows.exclude(indicator.numerator)
    return rows.order_by(f"-{time_field}")


def describe(row) -> Record:
    """One line of the drill-down, whatever the records are."""
    if isinstance(row, Exam):
        return Record(row.completed_at or row.created_at, row, row.item.name)
    if isinstance(row, CriticalResult):
        return Record(row.found_at, row.exam, row.finding)
    if isinstance(row, FollowUp):
        return Record(
            row.created_at, row.exam, row.get_concordance_display() or row.get_reason_display()
        )
    if isinstance(row, RejectedImage):
        return Record(row.recorded_at, row.exam, row.get_reason_display())
    if isinstance(row, Specimen):
        reason = row.rejection_reason and policy.choice_label(
            "lab.rejection_reasons", row.rejection_reason
        )
        return Record(row.collected_at, row.exam, f"{row.barcode} {reason or ''}".strip())
    raise TypeError(type(row))


def related(rows: QuerySet) -> QuerySet:
    if rows.model is Exam:
        return rows.select_related("patient", "item", "room")
    return rows.select_related("exam__patient", "exam__item", "exam__room")
