"""Demo quality records: returned satisfaction surveys, a QC inspection with its
rectifications and the director's draft of this year's summary, made through the services."""

from __future__ import annotations

import datetime as dt
import random

from django.contrib.auth import get_user_model
from django.utils import timezone

from yiji.core.models import Department, Staff
from yiji.quality import annual, qc
from yiji.quality.assessments import QUESTIONS, record_survey
from yiji.quality.models import SatisfactionSurvey

COMMENTS = ["", "", "", "候诊时间有点长", "技师很耐心", "报告出得很快", "希望增加指示牌"]


def load(seed: int = 11) -> bool:
    """Idempotent: nothing is added once a survey exists."""
    if SatisfactionSurvey.objects.exists():
        return False
    users = get_user_model().objects.in_bulk(["clerk", "qc", "director"], field_name="username")
    imaging = Department.objects.filter(kind="imaging").order_by("code").first()
    if imaging is None or len(users) < 3:
        return False
    rng = random.Random(seed)
    today = timezone.localdate()
    named = list(Staff.objects.filter(memberships__department=imaging)[:6])
    for n in range(30):
        scores = {q: rng.choice((3, 4, 4, 5, 5, 5)) for q in QUESTIONS}
        record_survey(
            users["clerk"],
            imaging,
            today - dt.timedelta(days=rng.randrange(0, 60)),
            "patient" if n % 5 else "clinician",
            scores,
            staff=rng.choice(named) if named and n % 4 == 0 else None,
            comment=rng.choice(COMMENTS),
        )
    tech = Staff.objects.filter(user__username="tech").first()
    inspectors = [users["qc"].staff]
    qc.record_inspection(
        users["qc"],
        imaging,
        today,
        "image",
        "抽查本周DR胸片40张：甲级片18张，乙级片19张，丙级片3张；2张左右标记不清。",
        inspectors,
        [
            qc.Problem("胸片左右标记不清2例", "摄片前核对标记，下周复查", tech, today),
            qc.Problem(
                "乙级片偏多（曝光条件）",
                "按体型调整曝光参数表",
                tech,
                today + dt.timedelta(days=14),
            ),
        ]
        if tech
        else [],
    )
    annual.save_text(
        users["director"],
        imaging,
        today.year,
        work="全年完成各类检查，急诊报告时限与危急值通报达标；开展集体阅片和技术读片。",
        problems="乙级片比例偏高；部分随访未按期登记。",
        plans="完善随访登记；开展影像质量专项培训。",
    )
    return True
