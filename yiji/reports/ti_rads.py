"""ACR TI-RADS for a thyroid nodule on ultrasound: points for composition, echogenicity,
shape, margin and echogenic foci give the TR level; the level and the size say whether to
sample (FNA), follow up, or neither. The text is written from the fields (editable) and the
values are kept on the report (`Report.structured`)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from yiji.reports.structured import Assessment, refuse_missing

SCHEME = "TI-RADS"

COMPOSITION = {
    "cystic": (0, "囊性或几乎完全囊性", _("Cystic or almost completely cystic")),
    "spongiform": (0, "海绵状", _("Spongiform")),
    "mixed": (1, "囊实混合性", _("Mixed cystic and solid")),
    "solid": (2, "实性或几乎完全实性", _("Solid or almost completely solid")),
}
ECHOGENICITY = {
    "anechoic": (0, "无回声", _("Anechoic")),
    "hyper_iso": (1, "高回声或等回声", _("Hyperechoic or isoechoic")),
    "hypo": (2, "低回声", _("Hypoechoic")),
    "very_hypo": (3, "极低回声", _("Very hypoechoic")),
}
SHAPE = {
    "wider": (0, "宽大于高", _("Wider-than-tall")),
    "taller": (3, "纵横比>1", _("Taller-than-wide")),
}
MARGIN = {
    "smooth": (0, "边缘光整", _("Smooth")),
    "ill_defined": (0, "边缘模糊", _("Ill-defined")),
    "lobulated": (2, "边缘分叶或不规则", _("Lobulated or irregular")),
    "extension": (3, "甲状腺外侵犯", _("Extra-thyroidal extension")),
}
FOCI = {
    "macro": (1, "粗大钙化", _("Macrocalcifications")),
    "peripheral": (2, "周边（环状）钙化", _("Peripheral (rim) calcifications")),
    "punctate": (3, "点状强回声", _("Punctate echogenic foci")),
}
LOBES = {
    "right": ("甲状腺右叶", _("Right lobe")),
    "left": ("甲状腺左叶", _("Left lobe")),
    "isthmus": ("甲状腺峡部", _("Isthmus")),
}
# (sample at or above, follow up at or above), in mm, by TR level.
THRESHOLDS = {"TR3": (25, 15), "TR4": (15, 10), "TR5": (10, 5)}


@dataclass(frozen=True)
class Nodule:
    composition: str
    echogenicity: str
    shape: str
    margin: str
    foci: tuple[str, ...] = ()
    size_mm: Decimal | None = None
    lobe: str = ""


FIELDS = Nodule


def check(nodule: Nodule) -> None:
    missing = [
        (name, zh, en)
        for name, zh, en, table in (
            ("composition", "成分", "composition", COMPOSITION),
            ("echogenicity", "回声", "echogenicity", ECHOGENICITY),
            ("shape", "形态", "shape", SHAPE),
            ("margin", "边缘", "margin", MARGIN),
            ("lobe", "部位", "location", LOBES),
        )
        if getattr(nodule, name) not in table
    ]
    if nodule.size_mm is None or nodule.size_mm <= 0:
        missing.append(("size_mm", "最大径", "largest diameter"))
    refuse_missing(SCHEME, missing)


def points(nodule: Nodule) -> int:
    check(nodule)
    total = (
        COMPOSITION[nodule.composition][0]
        + ECHOGENICITY[nodule.echogenicity][0]
        + SHAPE[nodule.shape][0]
        + MARGIN[nodule.margin][0]
        + sum(FOCI[f][0] for f in set(nodule.foci) if f in FOCI)
    )
    return total


def level(total: int) -> str:
    if total == 0:
        return "TR1"
    if total <= 2:
        return "TR2"
    if total == 3:
        return "TR3"
    return "TR4" if total <= 6 else "TR5"


def advice(found: str, size_mm: Decimal) -> tuple[str, int | None]:
    """What the level and the size call for, and the follow-up interval in months."""
    if found not in THRESHOLDS:
        return "无需细针穿刺或随访。", None
    sample, follow = THRESHOLDS[found]
    if size_mm >= sample:
        return "建议超声引导下细针穿刺活检（FNA）。", None
    if size_mm >= follow:
        return "建议12个月后超声随访。", 12
    return "无需细针穿刺；可常规复查。", None


def assess(nodule: Nodule) -> Assessment:
    """The level (with its points), the advice and interval, and the text from the fields."""
    total = points(nodule)
    found = level(total)
    said, months = advice(found, nodule.size_mm)
    foci = "、".join(FOCI[f][1] for f in nodule.foci if f in FOCI) or "未见强回声灶"
    findings = (
        f"{LOBES[nodule.lobe][0]}见一结节，最大径约{nodule.size_mm:g}mm，"
        f"{COMPOSITION[nodule.composition][1]}，{ECHOGENICITY[nodule.echogenicity][1]}，"
        f"{SHAPE[nodule.shape][1]}，{MARGIN[nodule.margin][1]}，{foci}。"
    )
    impression = f"{LOBES[nodule.lobe][0]}结节，ACR TI-RADS {found}（{total}分）。{said}"
    return Assessment(
        found, months, findings, impression, positive=found in ("TR4", "TR5"),
        extra={"points": total},
    )  # fmt: skip
