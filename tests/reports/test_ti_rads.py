"""ACR TI-RADS structured thyroid reports (issue 26, point 4): points to level, level and size
to the advice (FNA, follow-up or neither), text from the fields, values kept."""

from __future__ import annotations

from decimal import Decimal

import pytest

from yiji.core.rulebook import RuleViolation
from yiji.reports.models import Report
from yiji.reports.ti_rads import Nodule, advice, assess, level, points


def test_points_add_up_and_give_the_level():
    benign = Nodule("spongiform", "hyper_iso", "wider", "smooth", (), Decimal("20"), "right")
    assert points(benign) == 1 and level(points(benign)) == "TR2"
    worrying = Nodule(
        "solid", "very_hypo", "taller", "lobulated", ("punctate", "macro"), Decimal("8"), "left"
    )
    assert points(worrying) == 2 + 3 + 3 + 2 + 3 + 1 and level(points(worrying)) == "TR5"
    assert [level(n) for n in (0, 2, 3, 4, 6, 7)] == ["TR1", "TR2", "TR3", "TR4", "TR4", "TR5"]


@pytest.mark.parametrize(
    ("found", "size", "expected"),
    [("TR3", "25", None), ("TR3", "15", 12), ("TR3", "14", None), ("TR4", "15", None),
     ("TR4", "10", 12), ("TR5", "10", None), ("TR5", "5", 12), ("TR2", "40", None)],
)  # fmt: skip
def test_the_advice_follows_the_level_and_the_size(found, size, expected):
    said, months = advice(found, Decimal(size))
    assert months == expected
    if (
        found != "TR2"
        and months is None
        and Decimal(size) >= {"TR3": 25, "TR4": 15, "TR5": 10}[found]
    ):
        assert "FNA" in said


def test_a_missing_field_is_named():
    with pytest.raises(RuleViolation) as refused:
        assess(Nodule("solid", "", "wider", "smooth", (), None, "right"))
    assert "回声" in refused.value.zh and "最大径" in refused.value.zh


@pytest.mark.rules("RPT-10")
def test_the_thyroid_report_form_writes_the_level_the_advice_and_keeps_the_fields(
    doctor, completed, items, client_for, ultrasound
):
    exam = completed(items["us_thyroid"])
    client = client_for(doctor("attending", department=ultrasound))
    url = f"/exams/{exam.pk}/report/"
    assert "TI-RADS" in client.get(url).content.decode()
    client.post(url, {
        "action": "structured", "thyroid-composition": "solid", "thyroid-echogenicity": "hypo",
        "thyroid-shape": "wider", "thyroid-margin": "smooth", "thyroid-foci": ["punctate"],
        "thyroid-size_mm": "12", "thyroid-lobe": "right", "thyroid-version": "0",
    })  # fmt: skip
    report = Report.objects.get(exam=exam)
    assert report.category == "TR5" and report.structured["points"] == 7
    assert report.structured["nodule"]["foci"] == ["punctate"]
    assert "甲状腺右叶见一结节，最大径约12mm" in report.findings
    assert "TI-RADS TR5（7分）" in report.impression and "FNA" in report.impression


def test_the_level_goes_out_in_hl7_and_fhir(doctor, completed, items):
    from fhir.resources.R4B import get_fhir_model_class

    from yiji.interop.fhir.resources import diagnostic_report
    from yiji.interop.hl7.outbound import oru_text
    from yiji.interop.models import Endpoint
    from yiji.reports import services

    report = services.apply_structured(
        doctor("attending").user, completed(items["us_thyroid"]),
        Nodule("solid", "hypo", "wider", "smooth", (), Decimal("12"), "left"),
        expected_version=0,
    )  # fmt: skip
    message = oru_text(report, "preliminary", "C1", Endpoint(name="HIS"))
    assert "|ST|TI_RADS^TI-RADS分级^99YIJI||TR4|" in message
    assert "|NM|FOLLOW_UP^建议复查间隔^99YIJI||12|mo|" in message
    report.status = "final"  # as released (FHIR serves only released reports)
    resource = diagnostic_report(report, pdf_url="http://yiji.example/r.pdf")
    get_fhir_model_class("DiagnosticReport").model_validate(resource)
    assert resource["contained"][0]["valueString"] == "TR4"
    assert resource["result"] == [{"reference": "#ti-rads"}]
