"""What an indicator is (QLT-4): its kind (rate, per mille, count, per head per month), the
records it counts and the field each grouping reads (Indicator), and one computed figure with
its target check (Figure); the groupings every indicator offers (PERIODS, GROUPINGS).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q, QuerySet
from django.utils.translation import get_language

from yiji.core import policy
from yiji.quality.kpi.sources import FOLLOW_UP_RECORDS

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
