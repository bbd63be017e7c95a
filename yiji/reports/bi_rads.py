"""BI-RADS for a breast lesion on ultrasound or mammography, by the counting method many
Chinese departments use: a simple cyst is category 2; a solid lesion with none of the
suspicious features is 3; each suspicious feature (irregular shape, non-circumscribed margin,
not parallel, microcalcifications, posterior shadowing, a duct or skin change) adds a step:
one 4A, two 4B, three or four 4C, five or more 5. A biopsy-proven cancer is 6. The text is
written from the fields (editable) and the values kept on the report."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from yiji.reports.structured import Assessment, refuse_missing

SCHEME = "BI-RADS"

KINDS = {
    "none": ("未见明确病灶", _("No lesion")),
    "cyst": ("单纯囊肿", _("Simple cyst")),
    "solid": ("实性或混合性病灶", _("Solid or mixed lesion")),
    "proven": ("活检证实的恶性病灶", _("Biopsy-proven malignancy")),
}
SUSPICIOUS = {
    "irregular": ("形态不规则", _("Irregular shape")),
    "margin": ("边缘不光整（模糊、成角、微分叶或毛刺）", _("Not circumscribed margin")),
    "not_parallel": ("非平行生长（纵横比>1）", _("Not parallel (taller than wide)")),
    "microcalcification": ("微钙化", _("Microcalcifications")),
    "shadowing": ("后方回声衰减", _("Posterior shadowing")),
    "duct_skin": ("导管扩张或皮肤改变", _("Duct or skin changes")),
}
SIDES = {"right": ("右乳", _("Right breast")), "left": ("左乳", _("Left breast"))}
MANAGEMENT = {
    "1": ("常规筛查", 12), "2": ("常规筛查", 12), "3": ("建议6个月后复查", 6),
    "4A": ("建议活检", None), "4B": ("建议活检", None), "4C": ("建议活检", None),
    "5": ("高度提示恶性，建议活检并积极处理", None), "6": ("已证实恶性，按治疗方案处理", None),
}  # fmt: skip


@dataclass(frozen=True)
class Lesion:
    kind: str
    side: str = ""
    clock: str = ""  # the o'clock position, as readers write it
    size_mm: Decimal | None = None
    features: tuple[str, ...] = ()


FIELDS = Lesion


def check(lesion: Lesion) -> None:
    missing = []
    if lesion.kind not in KINDS:
        missing.append(("kind", "病灶类型", "lesion type"))
    elif lesion.kind != "none":
        if lesion.side not in SIDES:
            missing.append(("side", "侧别", "side"))
        if lesion.size_mm is None or lesion.size_mm <= 0:
            missing.append(("size_mm", "大小", "size"))
    refuse_missing(SCHEME, missing)


def category(lesion: Lesion) -> str:
    check(lesion)
    if lesion.kind == "none":
        return "1"
    if lesion.kind == "proven":
        return "6"
    if lesion.kind == "cyst":
        return "2"
    count = len(set(lesion.features) & set(SUSPICIOUS))
    return {0: "3", 1: "4A", 2: "4B", 3: "4C", 4: "4C"}.get(count, "5")


def assess(lesion: Lesion) -> Assessment:
    """The category, the management and interval, and the text from the fields."""
    found = category(lesion)
    said, months = MANAGEMENT[found]
    if lesion.kind == "none":
        findings = "双乳未见明确占位性病变。"
    else:
        where = SIDES[lesion.side][0] + (f"{lesion.clock}点" if lesion.clock else "")
        features = "、".join(SUSPICIOUS[f][0] for f in lesion.features if f in SUSPICIOUS)
        findings = (
            f"{where}见{KINDS[lesion.kind][0]}，大小约{lesion.size_mm:g}mm"
            f"{'，' + features if features else ''}。"
        )
    return Assessment(
        found, months, findings, f"BI-RADS {found}类。{said}。", positive=found not in ("1", "2")
    )
