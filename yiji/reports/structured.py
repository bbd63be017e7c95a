"""Structured categories where the item needs one (BI-RADS, PI-RADS, Lung-RADS): offered on
the report page, and their absence is a report-writing warning (RPT-10; indicators R6, R7)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from decimal import Decimal

from yiji.core.rulebook import RuleViolation
from yiji.orders.models import ExamItem, Modality

SCHEMES = {
    "BI-RADS": ["0", "1", "2", "3", "4A", "4B", "4C", "5", "6"],
    "PI-RADS": ["1", "2", "3", "4", "5"],
    "Lung-RADS": ["0", "1", "2", "3", "4A", "4B", "4X", "S"],
    "TI-RADS": ["TR1", "TR2", "TR3", "TR4", "TR5"],
    "LI-RADS": ["LR-1", "LR-2", "LR-3", "LR-4", "LR-5", "LR-M", "LR-TIV"],
}
# Schemes offered but not demanded: a thyroid report without a TI-RADS level, or a liver
# CT/MR of a patient not at risk without a LI-RADS category, is not a report-writing error.
OPTIONAL = {"TI-RADS", "LI-RADS"}


def scheme_for(item: ExamItem) -> str:
    """Which category scheme a report on this item carries, or ''."""
    text = f"{item.name}{item.body_part}"
    if item.modality == Modality.MG or (item.modality == Modality.US and "乳腺" in text):
        return "BI-RADS"
    if item.modality == Modality.MR and "前列腺" in text:
        return "PI-RADS"
    if item.modality == Modality.CT and "低剂量" in text:
        return "Lung-RADS"
    if item.modality == Modality.US and "甲状腺" in text:
        return "TI-RADS"
    if item.modality in (Modality.CT, Modality.MR) and "肝" in text:
        return "LI-RADS"
    return ""


def category_problem(item: ExamItem, category: str) -> str | None:
    scheme = scheme_for(item)
    if not scheme:
        return None
    if not category:
        return None if scheme in OPTIONAL else f"本检查须给出{scheme}分类。"
    if category not in SCHEMES[scheme]:
        return f"{category}不是有效的{scheme}分类。"
    return None


# Categories that call for tissue diagnosis or close follow-up (QLT-1: "suspicious" cases).
SUSPICIOUS = {
    "BI-RADS": {"4A", "4B", "4C", "5"},
    "PI-RADS": {"4", "5"},
    "Lung-RADS": {"4A", "4B", "4X"},
    "TI-RADS": {"TR4", "TR5"},
    "LI-RADS": {"LR-4", "LR-5", "LR-M", "LR-TIV"},
}
SUSPICIOUS_CATEGORIES = set().union(*SUSPICIOUS.values())


def is_suspicious(item: ExamItem, category: str) -> bool:
    scheme = scheme_for(item)
    return bool(scheme) and category in SUSPICIOUS[scheme]


@dataclass(frozen=True)
class Assessment:
    """What a structured report's fields give (lung_rads, ti_rads, li_rads, bi_rads): the
    category, the follow-up interval (None: refer or none), the text, and extra figures."""

    category: str
    follow_up_months: int | None
    findings: str
    impression: str
    positive: bool
    extra: dict = field(default_factory=dict)


def refuse_missing(scheme: str, missing: list[tuple[str, str, str]]) -> None:
    """Name every field a scheme still needs (field, Chinese, English), as an RPT-10 check."""
    if missing:
        raise RuleViolation(
            "RPT-10",
            f"{scheme}须填写：" + "、".join(m[1] for m in missing) + "。",
            f"{scheme} needs: " + ", ".join(m[2] for m in missing) + ".",
            field=missing[0][0],
        )


def stored(scheme: str, fields, assessment: Assessment) -> dict:
    """The values kept on the report (Report.structured), read by follow-up, HL7 and FHIR."""
    values = {
        name: str(v) if isinstance(v, Decimal) else list(v) if isinstance(v, tuple) else v
        for name, v in asdict(fields).items()
    }
    return {
        "scheme": scheme,
        "nodule": values,
        "category": assessment.category,
        "follow_up_months": assessment.follow_up_months,
        **assessment.extra,
    }
