"""Lung-RADS (v2022) for low-dose CT lung screening: the dominant nodule's density, size,
location and behaviour give the category, the category gives the management interval, and
both give the report's text, which the reader may edit. The values are kept on the report
(`Report.structured`) for follow-up and the quality figures."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from yiji.core.rulebook import RuleViolation
from yiji.reports.structured import Assessment, refuse_missing

SCHEME = "Lung-RADS"

DENSITIES = {
    "none": ("未见肺结节", _("No nodule")),
    "solid": ("实性结节", _("Solid")),
    "part_solid": ("部分实性结节", _("Part-solid")),
    "ground_glass": ("磨玻璃结节", _("Ground-glass (non-solid)")),
}
LOBES = {
    "RUL": ("右肺上叶", _("Right upper lobe")),
    "RML": ("右肺中叶", _("Right middle lobe")),
    "RLL": ("右肺下叶", _("Right lower lobe")),
    "LUL": ("左肺上叶", _("Left upper lobe")),
    "LLL": ("左肺下叶", _("Left lower lobe")),
}
BEHAVIOURS = {
    "baseline": ("基线筛查", _("Baseline screening")),
    "new": ("新发", _("New")),
    "growing": ("增大", _("Growing (>1.5 mm in 12 months)")),
    "stable": ("稳定（≥3个月无变化）", _("Stable (unchanged for 3 months or more)")),
}
# What each category asks for next (v2022 management), in months; None: refer now.
FOLLOW_UP = {"1": 12, "2": 12, "3": 6, "4A": 3, "4B": None}
MANAGEMENT = {
    "1": "12个月后低剂量CT复查",
    "2": "12个月后低剂量CT复查",
    "3": "6个月后低剂量CT复查",
    "4A": "3个月后低剂量CT复查，必要时PET/CT",
    "4B": "建议诊断性胸部CT（增强）、PET/CT和/或组织学检查",
}


@dataclass(frozen=True)
class Nodule:
    density: str
    size_mm: Decimal | None = None  # mean diameter
    solid_mm: Decimal | None = None  # the solid component of a part-solid nodule
    lobe: str = ""
    behaviour: str = "baseline"


FIELDS = Nodule


def check(nodule: Nodule) -> None:
    """The fields a category needs, each named when missing (RPT-10, as a report check)."""
    missing = []
    if nodule.density not in DENSITIES:
        missing.append(("density", "结节密度", "density"))
    if nodule.density != "none":
        if nodule.size_mm is None or nodule.size_mm <= 0:
            missing.append(("size_mm", "结节大小", "size"))
        if nodule.density == "part_solid" and nodule.solid_mm is None:
            missing.append(("solid_mm", "实性成分大小", "solid component"))
        if nodule.lobe not in LOBES:
            missing.append(("lobe", "部位", "location"))
        if nodule.behaviour not in BEHAVIOURS:
            missing.append(("behaviour", "变化", "behaviour"))
    refuse_missing(SCHEME, missing)
    if nodule.density == "part_solid" and nodule.solid_mm > nodule.size_mm:
        raise RuleViolation(
            "RPT-10",
            "实性成分不能大于结节本身。",
            "The solid component cannot be larger than the nodule.",
            field="solid_mm",
        )


def category(nodule: Nodule) -> str:
    """The Lung-RADS category of the dominant nodule."""
    check(nodule)
    if nodule.density == "none":
        return "1"
    size, behaviour = nodule.size_mm, nodule.behaviour
    if behaviour == "stable":
        return "2"
    if nodule.density == "ground_glass":
        return "2" if size < 30 else "3"
    if nodule.density == "solid":
        if behaviour == "growing":
            return "4A" if size < 8 else "4B"
        steps = (4, 6, 8) if behaviour == "new" else (6, 8, 15)
        return _by_steps(size, steps)
    solid = nodule.solid_mm  # part-solid
    if behaviour in ("new", "growing"):
        if size < 6:
            return "3"
        return "4A" if solid < 4 else "4B"
    if size < 6:
        return "2"
    if solid < 6:
        return "3"
    return "4A" if solid < 8 else "4B"


def _by_steps(size: Decimal, steps: tuple[int, int, int]) -> str:
    low, middle, high = steps
    if size < low:
        return "2"
    if size < middle:
        return "3"
    return "4A" if size < high else "4B"


def assess(nodule: Nodule) -> Assessment:
    """The category, its interval, and the text written from the fields (editable)."""
    found = category(nodule)
    if nodule.density == "none":
        findings = "双肺未见明确结节。"
    else:
        size = f"{nodule.size_mm:g}mm"
        solid = f"，实性成分约{nodule.solid_mm:g}mm" if nodule.density == "part_solid" else ""
        findings = (
            f"{LOBES[nodule.lobe][0]}见{DENSITIES[nodule.density][0]}，大小约{size}{solid}"
            f"（{BEHAVIOURS[nodule.behaviour][0]}）。"
        )
    return Assessment(
        found, FOLLOW_UP[found], findings, f"Lung-RADS {found}类。{MANAGEMENT[found]}。",
        positive=found in ("3", "4A", "4B"),
    )  # fmt: skip
