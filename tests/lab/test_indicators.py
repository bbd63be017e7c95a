"""The national lab indicators on the quality pages (QLT-4 with LAB-1 and RPT-12): rates of
non-conforming specimens by reason, blood-culture contamination and critical-value
notification, on crafted specimens with known answers, with the records behind each figure."""

from __future__ import annotations

import datetime as dt

import pytest

from yiji.lab import specimens
from yiji.quality import kpi

pytestmark = pytest.mark.rules("LAB-1", "QLT-4")
DAY = dt.date(2026, 11, 23)


@pytest.fixture
def crafted(collected, received, labtech):
    """Six specimens reach the lab: two CBC (EDTA) received and one rejected clotted, one
    electrolytes rejected for the wrong container, two blood cultures, one contaminated."""
    received("LAB-CBC")
    received("LAB-CBC")
    specimens.reject(labtech.user, collected("LAB-CBC"), "clotted")
    specimens.reject(labtech.user, collected("LAB-ELEC"), "wrong_container")
    received("LAB-BC")
    specimens.reject(labtech.user, collected("LAB-BC"), "contaminated")
    collected("LAB-GLU")  # still on its way: not counted yet


@pytest.mark.parametrize(
    ("code", "numerator", "denominator"),
    [
        ("CL-REJ", 3, 6),
        ("CL-TYPE", 1, 6),
        ("CL-VOL", 0, 6),
        ("CL-CLOT", 1, 3),  # the anticoagulated ones: the three EDTA tubes
        ("CL-BCC", 1, 2),
    ],
)
def test_specimen_rates(crafted, code, numerator, denominator):
    figure = kpi.total(kpi.BY_CODE[code], DAY, DAY)
    assert (figure.numerator, figure.denominator) == (numerator, denominator)


def test_the_records_behind_a_rate(crafted):
    rows = kpi.records(kpi.BY_CODE["CL-REJ"], DAY, DAY)
    lines = [kpi.describe(row) for row in kpi.related(rows)]
    assert sorted(line.detail.split()[1] for line in lines) == [
        "凝块",
        "标本类型或容器错误",
        "污染",
    ]
    by_item = {f.label: f.value for f in kpi.compute(kpi.BY_CODE["CL-REJ"], DAY, DAY, by="item")}
    assert by_item == {"血常规": pytest.approx(33.33), "电解质": 100.0, "血培养": 50.0}


@pytest.mark.rules("RPT-12", "QLT-4")
def test_lab_critical_values_are_counted_apart_from_imaging(entered, labtech):
    from yiji.reports import critical

    first = entered("LAB-ELEC", {"K": "7.0", "NA": "140", "CL": "100"}).critical_results.get()
    entered("LAB-GLU", {"GLU": "1.9"})
    critical.record_notification(labtech.user, first, receiver="护士", department="急诊",
                                 channel="phone", read_back=True)  # fmt: skip
    notified = kpi.total(kpi.BY_CODE["CL-14"], DAY, DAY)
    in_time = kpi.total(kpi.BY_CODE["CL-15"], DAY, DAY)
    radiology = kpi.total(kpi.BY_CODE["R4"], DAY, DAY)
    assert (notified.numerator, notified.denominator) == (1, 2)
    assert (in_time.numerator, in_time.denominator) == (1, 2)
    assert radiology.denominator == 0


def test_the_quality_page_lists_the_lab_set(crafted, client_for, make_staff):
    from yiji.core.models import Role

    director = make_staff(Role.DIRECTOR, whole_hospital=True)
    page = client_for(director).get("/quality/kpi/", {"from": "2026-11-23", "to": "2026-11-23"})
    assert page.status_code == 200
    text = page.content.decode()
    assert "临床检验专业医疗质量控制指标" in text and "标本不合格率" in text
    detail = client_for(director).get("/quality/kpi/CL-REJ/", {"from": "2026-11-23",
                                                               "to": "2026-11-23"})  # fmt: skip
    assert detail.status_code == 200
    records = client_for(director).get(
        "/quality/kpi/CL-REJ/records/", {"from": "2026-11-23", "to": "2026-11-23"}
    )
    assert records.status_code == 200 and "凝块" in records.content.decode()
