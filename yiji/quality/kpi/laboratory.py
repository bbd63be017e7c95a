"""The national clinical laboratory set (临床检验专业医疗质量控制指标, 2015): specimen
conformity (LAB-1: CL-REJ non-conforming, CL-TYPE wrong type or container, CL-VOL insufficient
volume, CL-CLOT clotted anticoagulated, CL-BCC blood-culture contamination) and lab critical
values notified, and notified in time (RPT-12, LAB-3: CL-14, CL-15), with the specimen records
they count.
"""

from __future__ import annotations

from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from yiji.lab.models import Container, Specimen, SpecimenType
from yiji.orders.models import Modality
from yiji.quality.kpi.indicator import Indicator, Kind
from yiji.quality.kpi.sources import CRITICAL_PATHS, _criticals

LABORATORY_2015 = ("临床检验专业医疗质量控制指标", "2015年版")


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


SPECIMEN_PATHS = {
    "department": "exam__department",
    "person": "collected_by",
    "modality": "exam__modality",
    "item": "exam__item",
}

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
