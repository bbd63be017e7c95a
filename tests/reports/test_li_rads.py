"""LI-RADS structured liver reports (issue 26, point 4): the v2018 CT/MRI diagnostic table
from arterial-phase hyperenhancement, size and the additional major features."""

from __future__ import annotations

from decimal import Decimal

import pytest

from yiji.core.rulebook import RuleViolation
from yiji.reports.li_rads import Observation, category
from yiji.reports.models import Report


@pytest.mark.parametrize(
    ("aphe", "size", "features", "expected"),
    [
        (False, "15", (), "LR-3"), (False, "15", ("washout",), "LR-3"),
        (False, "15", ("washout", "capsule"), "LR-4"), (False, "25", (), "LR-3"),
        (False, "25", ("capsule",), "LR-4"), (True, "8", (), "LR-3"),
        (True, "8", ("washout", "capsule"), "LR-4"), (True, "15", (), "LR-3"),
        (True, "15", ("capsule",), "LR-4"), (True, "15", ("washout",), "LR-5"),
        (True, "15", ("growth",), "LR-5"), (True, "15", ("washout", "capsule"), "LR-5"),
        (True, "25", (), "LR-4"), (True, "25", ("capsule",), "LR-5"),
    ],
)  # fmt: skip
def test_the_diagnostic_table(aphe, size, features, expected):
    assert category(Observation(aphe, Decimal(size), features, "S7")) == expected


def test_a_missing_field_is_named():
    with pytest.raises(RuleViolation) as refused:
        category(Observation(None, Decimal("12"), (), ""))
    assert "动脉期高强化" in refused.value.zh and "肝段" in refused.value.zh


@pytest.mark.rules("RPT-10")
def test_the_liver_form_writes_category_and_management(
    doctor, completed, items, client_for, imaging
):
    from yiji.orders.models import ExamItem

    liver = ExamItem.objects.create(
        code="CT-LIVER-E", name="肝脏CT增强", department=imaging, modality="CT",
        body_part="肝脏",
    )  # fmt: skip
    exam = completed(liver)
    client = client_for(doctor("attending"))
    url = f"/exams/{exam.pk}/report/"
    assert "LI-RADS" in client.get(url).content.decode()
    client.post(url, {
        "action": "structured", "liver-aphe": "yes", "liver-size_mm": "18",
        "liver-features": ["washout"], "liver-segment": "S8", "liver-version": "0",
    })  # fmt: skip
    report = Report.objects.get(exam=exam)
    assert report.category == "LR-5" and report.structured["nodule"]["aphe"] is True
    assert "肝S8段见一病灶，大小约18mm，动脉期非环形高强化，非环形廓清" in report.findings
    assert report.impression.startswith("肝S8段病灶，LR-5。符合肝细胞癌")
    again = client.get(url).content.decode()
    assert 'value="yes" selected' in again  # the kept answer is shown again
