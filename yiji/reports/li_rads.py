"""LI-RADS (CT/MRI v2018) for a liver observation in a patient at risk of hepatocellular
carcinoma: arterial-phase hyperenhancement, size and the additional major features give the
category by the diagnostic table; the category gives the management; the text is written
from the fields and the values are kept on the report (`Report.structured`)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from yiji.reports.structured import Assessment, refuse_missing

SCHEME = "LI-RADS"

FEATURES = {
    "washout": ("非环形廓清", _("Non-peripheral washout")),
    "capsule": ("强化包膜", _("Enhancing capsule")),
    "growth": ("阈值增长", _("Threshold growth")),
}
SEGMENTS = {f"S{n}": (f"肝S{n}段", f"S{n}") for n in range(1, 9)}
MANAGEMENT = {
    "LR-3": ("3–6个月后复查CT或MRI", 6),
    "LR-4": ("多学科讨论；3个月内复查或改用其他影像，必要时活检", 3),
    "LR-5": ("符合肝细胞癌，建议多学科讨论确定治疗", None),
}


@dataclass(frozen=True)
class Observation:
    aphe: bool | None  # non-rim arterial-phase hyperenhancement
    size_mm: Decimal | None
    features: tuple[str, ...] = ()
    segment: str = ""


FIELDS = Observation


def check(observation: Observation) -> None:
    missing = []
    if observation.aphe is None:
        missing.append(("aphe", "动脉期高强化", "arterial-phase hyperenhancement"))
    if observation.size_mm is None or observation.size_mm <= 0:
        missing.append(("size_mm", "大小", "size"))
    if observation.segment not in SEGMENTS:
        missing.append(("segment", "肝段", "segment"))
    refuse_missing(SCHEME, missing)


def category(observation: Observation) -> str:
    """The v2018 CT/MRI diagnostic table."""
    check(observation)
    features = set(observation.features) & set(FEATURES)
    size, count = observation.size_mm, len(features)
    if not observation.aphe:
        if size < 20:
            return "LR-4" if count >= 2 else "LR-3"
        return "LR-4" if count >= 1 else "LR-3"
    if size < 10:
        return "LR-4" if count >= 1 else "LR-3"
    if size < 20:
        if count == 0:
            return "LR-3"
        if count == 1:
            return "LR-4" if features == {"capsule"} else "LR-5"
        return "LR-5"
    return "LR-5" if count >= 1 else "LR-4"


def assess(observation: Observation) -> Assessment:
    """The category, the management and interval, and the text from the fields."""
    found = category(observation)
    said, months = MANAGEMENT[found]
    features = "、".join(FEATURES[f][0] for f in observation.features if f in FEATURES)
    findings = (
        f"{SEGMENTS[observation.segment][0]}见一病灶，大小约{observation.size_mm:g}mm，"
        f"动脉期{'非环形高强化' if observation.aphe else '未见高强化'}"
        f"{'，' + features if features else ''}。"
    )
    impression = f"{SEGMENTS[observation.segment][0]}病灶，{found}。{said}。"
    return Assessment(found, months, findings, impression, positive=found in ("LR-4", "LR-5"))
