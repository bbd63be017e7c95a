"""The national ultrasound set (超声诊断专业医疗质量控制指标, 2022): US-HR-01 monthly reports
per sonographer (QLT-4), US-TL-01 inpatient ultrasound within 48 hours (RPT-8), US-CV-01
ultrasound critical values notified in time (RPT-12), US-POS inpatient positive rate (QLT-4,
QLT-8) and US-DC diagnostic concordance (QLT-1, QLT-8), with the ultrasound records they count.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from yiji.core.models import PatientSource
from yiji.orders.models import Exam, ExamStatus, Modality
from yiji.quality.kpi.indicator import Indicator, Kind
from yiji.quality.kpi.sources import (
    CONCORDANT,
    CRITICAL_PATHS,
    FOLLOW_UP_PATHS,
    _criticals,
    _exam_paths,
    _released,
    _reported,
    _ultrasound_followed,
)

ULTRASOUND_2022 = ("超声诊断专业医疗质量控制指标", "2022年版")


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


ULTRASOUND_INDICATORS: tuple[Indicator, ...] = (
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
)
