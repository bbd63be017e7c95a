"""Lung-RADS structured reports (issue 26, point 4): the category and the follow-up interval
come from the dominant nodule's fields (v2022), the text is written from them, the fields
are kept on the report, and a missing field is named."""

from __future__ import annotations

from decimal import Decimal

import pytest

from yiji.core.rulebook import RuleViolation
from yiji.reports.lung_rads import Nodule, category
from yiji.reports.models import Report


@pytest.mark.parametrize(
    ("density", "size", "solid", "behaviour", "expected"),
    [
        ("none", None, None, "baseline", "1"),
        ("solid", "5.9", None, "baseline", "2"),
        ("solid", "6", None, "baseline", "3"),
        ("solid", "8", None, "baseline", "4A"),
        ("solid", "15", None, "baseline", "4B"),
        ("solid", "4", None, "new", "3"),
        ("solid", "6", None, "new", "4A"),
        ("solid", "7", None, "growing", "4A"),
        ("solid", "8", None, "growing", "4B"),
        ("solid", "20", None, "stable", "2"),
        ("part_solid", "5", "2", "baseline", "2"),
        ("part_solid", "10", "5", "baseline", "3"),
        ("part_solid", "10", "6", "baseline", "4A"),
        ("part_solid", "12", "8", "baseline", "4B"),
        ("part_solid", "10", "3", "new", "4A"),
        ("part_solid", "10", "4", "new", "4B"),
        ("ground_glass", "29", None, "baseline", "2"),
        ("ground_glass", "30", None, "baseline", "3"),
    ],
)
def test_the_category_follows_lung_rads_2022(density, size, solid, behaviour, expected):
    nodule = Nodule(
        density,
        Decimal(size) if size else None,
        Decimal(solid) if solid else None,
        "RLL",
        behaviour,
    )
    assert category(nodule) == expected


def test_a_missing_field_is_named():
    with pytest.raises(RuleViolation) as refused:
        category(Nodule("part_solid", Decimal("10"), None, "", "baseline"))
    assert "实性成分大小" in refused.value.zh and "部位" in refused.value.zh


@pytest.mark.rules("RPT-10")
def _screening(imaging):
    from yiji.orders.models import ExamItem

    return ExamItem.objects.create(
        code="CT-LDCT", name="低剂量胸部CT肺癌筛查", department=imaging, modality="CT",
        body_part="胸部", radiation=True,
    )  # fmt: skip


def test_the_form_writes_category_interval_and_text_and_keeps_the_fields(
    doctor, completed, items, client_for, imaging
):
    exam = completed(_screening(imaging))
    client = client_for(doctor("attending"))
    url = f"/exams/{exam.pk}/report/"
    assert 'id="structured"' in client.get(url).content.decode()
    client.post(url, {
        "action": "structured", "lung-density": "solid", "lung-size_mm": "9.5",
        "lung-lobe": "RUL", "lung-behaviour": "baseline", "lung-version": "0",
    })  # fmt: skip
    report = Report.objects.get(exam=exam)
    assert report.category == "4A" and report.positive is True
    assert report.structured["follow_up_months"] == 3
    assert report.structured["nodule"]["size_mm"] == "9.5"
    assert "右肺上叶见实性结节，大小约9.5mm" in report.findings
    assert report.impression.startswith("Lung-RADS 4A类。3个月后低剂量CT复查")
    page = client.get(url).content.decode()
    assert "4A类" in page and "3个月后复查" in page
    refused = client.post(url, {
        "action": "structured", "lung-density": "solid", "lung-lobe": "RUL",
        "lung-behaviour": "baseline", "lung-version": str(report.version),
    }, follow=True)  # fmt: skip
    assert "RPT-10" in refused.content.decode() and "结节大小" in refused.content.decode()


def test_the_follow_up_waits_for_the_structured_interval(doctor, completed, imaging, rooms):
    import datetime as dt

    from tests.conftest import PASSWORD
    from yiji.quality.followup import open_follow_ups
    from yiji.quality.models import FollowUp
    from yiji.reports import services

    writer, chief = doctor("attending"), doctor("chief")
    exam = completed(_screening(imaging))
    report = services.apply_structured(
        writer.user, exam, Nodule("solid", Decimal("7"), None, "LLL", "baseline"),
        expected_version=0,
    )  # fmt: skip
    assert report.category == "3" and report.structured["follow_up_months"] == 6
    services.sign_final(chief.user, services.submit(writer.user, report, PASSWORD), PASSWORD)
    report.refresh_from_db()
    open_follow_ups(report.released_at + dt.timedelta(minutes=1))
    follow_up = FollowUp.objects.get(exam=exam)
    assert (follow_up.due_at - report.released_at).days == 180


def test_the_values_go_out_as_hl7_obx_and_fhir_components(doctor, completed, imaging, rooms):
    from fhir.resources.R4B import get_fhir_model_class

    from tests.conftest import PASSWORD
    from yiji.interop.fhir.resources import diagnostic_report
    from yiji.interop.hl7.outbound import oru_text
    from yiji.interop.models import Endpoint
    from yiji.reports import services

    writer, chief = doctor("attending"), doctor("chief")
    report = services.apply_structured(
        writer.user, completed(_screening(imaging)),
        Nodule("part_solid", Decimal("12"), Decimal("6.5"), "RUL", "baseline"),
        expected_version=0,
    )  # fmt: skip
    report = services.sign_final(
        chief.user, services.submit(writer.user, report, PASSWORD), PASSWORD
    )
    endpoint = Endpoint(name="HIS", receiving_application="HIS", receiving_facility="H1")
    message = oru_text(report, "final", "C1", endpoint)
    assert "|ST|LUNG_RADS^Lung-RADS分类^99YIJI||4A|" in message
    assert "|NM|NODULE_SOLID^实性成分^99YIJI||6.5|mm|" in message
    assert "|NM|FOLLOW_UP^建议复查间隔^99YIJI||3|mo|" in message
    resource = diagnostic_report(report, pdf_url="http://yiji.example/r.pdf")
    get_fhir_model_class("DiagnosticReport").model_validate(resource)
    [observation] = resource["contained"]
    assert resource["result"] == [{"reference": "#lung-rads"}]
    assert observation["valueString"] == "4A"
    sizes = {
        c["code"]["coding"][0]["code"]: c.get("valueQuantity") for c in observation["component"]
    }
    assert sizes["size_mm"]["value"] == 12.0 and sizes["follow_up"]["value"] == 3
