"""BI-RADS structured breast reports (issue 26, point 4), by the counting method: the kind of
lesion and the number of suspicious features give the category."""

from __future__ import annotations

from decimal import Decimal

import pytest

from yiji.core.rulebook import RuleViolation
from yiji.reports.bi_rads import Lesion, category
from yiji.reports.models import Report

ALL = ("irregular", "margin", "not_parallel", "microcalcification", "shadowing", "duct_skin")


@pytest.mark.parametrize(
    ("kind", "count", "expected"),
    [("none", 0, "1"), ("cyst", 0, "2"), ("solid", 0, "3"), ("solid", 1, "4A"),
     ("solid", 2, "4B"), ("solid", 3, "4C"), ("solid", 4, "4C"), ("solid", 5, "5"),
     ("solid", 6, "5"), ("proven", 0, "6")],
)  # fmt: skip
def test_the_count_gives_the_category(kind, count, expected):
    lesion = Lesion(kind, "left", "2", Decimal("12"), ALL[:count])
    assert category(lesion) == expected


def test_a_missing_field_is_named():
    with pytest.raises(RuleViolation) as refused:
        category(Lesion("solid"))
    assert "侧别" in refused.value.zh and "大小" in refused.value.zh


@pytest.mark.rules("RPT-10")
def test_the_breast_form_writes_the_category_the_report_needs(
    doctor, completed, client_for, ultrasound, rooms
):
    from yiji.orders.models import ExamItem

    breast = ExamItem.objects.create(
        code="US-BREAST", name="乳腺彩超", department=ultrasound, modality="US", body_part="乳腺"
    )
    exam = completed(breast)
    client = client_for(doctor("attending", department=ultrasound))
    url = f"/exams/{exam.pk}/report/"
    assert "BI-RADS" in client.get(url).content.decode()
    client.post(url, {
        "action": "structured", "breast-kind": "solid", "breast-side": "right",
        "breast-clock": "10", "breast-size_mm": "14",
        "breast-features": ["irregular", "microcalcification"], "breast-version": "0",
    })  # fmt: skip
    report = Report.objects.get(exam=exam)
    assert report.category == "4B" and report.structured["follow_up_months"] is None
    assert "右乳10点见实性或混合性病灶，大小约14mm，形态不规则、微钙化" in report.findings
    assert report.impression == "BI-RADS 4B类。建议活检。"
