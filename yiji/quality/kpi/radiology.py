"""The national radiology set (放射影像专业医疗质量控制指标, 2024): R1 image artefact rate
(QLT-3, QLT-4), R2 emergency reports within 2 hours (RPT-5, RPT-6), R3 report-writing
compliance (RPT-10), R4 imaging critical values notified in time (RPT-12), R5 contrast
extravasation in enhanced CT (EXM-6), R6/R7 PI-RADS and BI-RADS categorisation (RPT-10), with
the exam records each of them counts.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, F, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from yiji.core import policy
from yiji.core.models import PatientSource
from yiji.orders.models import ContrastRoute, Modality, Priority
from yiji.quality.kpi.indicator import Indicator, Kind
from yiji.quality.kpi.sources import (
    CRITICAL_PATHS,
    _completed,
    _criticals,
    _exam_paths,
    _reported,
)
from yiji.quality.models import ARTEFACT_REASONS, RejectedImage

RADIOLOGY_2024 = ("放射影像专业医疗质量控制指标", "2024年版")


def _artefact_exams(start, end):
    rejects = RejectedImage.objects.filter(exam=OuterRef("pk"), reason__in=ARTEFACT_REASONS)
    rows = _completed(start, end).filter(modality__in=[Modality.CT, Modality.MR])
    return rows.annotate(artefact=Exists(rejects))


def _emergency_xray_ct(start, end):
    rows = _completed(start, end).filter(
        Q(priority=Priority.URGENT) | Q(patient__source=PatientSource.EMERGENCY),
        modality__in=[Modality.DR, Modality.CR, Modality.CT],
    )
    # The national figure counts two hours from the exam's start; a hospital may set its own.
    allowed = dt.timedelta(minutes=policy.value("rpt.emergency_formal_report_minutes"))
    return rows.annotate(formal_due=F("started_at") + allowed)


def _enhanced_ct(start, end):
    return _completed(start, end).filter(
        modality=Modality.CT, record__contrast_route=ContrastRoute.IV
    )


def _prostate_mr(start, end):
    prostate = Q(item__name__contains="前列腺") | Q(item__body_part__contains="前列腺")
    return _reported(start, end).filter(prostate, modality=Modality.MR)


def _mammography(start, end):
    return _reported(start, end).filter(modality=Modality.MG)


RADIOLOGY_INDICATORS: tuple[Indicator, ...] = (
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
        Q(report__final_at__lte=F("formal_due")),
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
)
