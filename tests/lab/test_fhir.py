"""Released lab results over FHIR R4: Observation per analyte (LOINC, value, unit, flag,
reference range) and DiagnosticReport of category LAB with the signed PDF; every resource is
validated by the fhir.resources models; nothing before release, nothing of other patients."""

from __future__ import annotations

import base64

import pytest

from tests.conftest import PASSWORD
from tests.interop.conftest import Fhir
from yiji.core.models import Role
from yiji.interop.accounts import interface_user
from yiji.lab import results

pytestmark = pytest.mark.rules("LAB-3", "RPT-11")


@pytest.fixture
def released(entered, reviewer):
    exam = entered("LAB-ELEC", {"K": "6.80", "NA": "140.0", "CL": "101.0"})
    results.release(reviewer.user, exam, PASSWORD)
    return exam


def test_observations_of_a_released_lab_exam(released, hospital):
    his = Fhir(interface_user("fhir"))
    status, bundle = his.get("Observation", patient=str(released.patient_id))
    assert status == 200 and bundle["total"] == 3
    potassium = next(
        e["resource"] for e in bundle["entry"] if e["resource"]["code"]["text"] == "钾"
    )
    assert potassium["code"]["coding"][0] == {
        "system": "http://loinc.org", "code": "2823-3", "display": "Potassium"
    }  # fmt: skip
    assert potassium["valueQuantity"] == {"value": 6.8, "unit": "mmol/L"}
    assert potassium["interpretation"][0]["coding"][0]["code"] == "HH"
    assert potassium["referenceRange"][0]["low"]["value"] == 3.5
    status, one = his.get(f"Observation/{potassium['id']}")
    assert status == 200 and one["id"] == potassium["id"]
    _, by_code = his.get("Observation", code="http://loinc.org|2823-3")
    assert by_code["total"] == 1


def test_the_lab_diagnostic_report_carries_the_pdf(released, hospital):
    his = Fhir(interface_user("fhir"))
    _, bundle = his.get("DiagnosticReport", category="LAB", patient=str(released.patient_id))
    assert bundle["total"] == 1
    report = bundle["entry"][0]["resource"]
    assert report["category"][0]["coding"][0]["code"] == "LAB"
    assert len(report["result"]) == 3
    status, full = his.get(f"DiagnosticReport/{report['id']}")
    assert status == 200 and base64.b64decode(full["presentedForm"][0]["data"]).startswith(b"%PDF")
    assert his.get("DiagnosticReport/lab-999")[0] == 404


def test_nothing_before_release_or_of_other_patients(entered, make_staff, clinician, hospital):
    exam = entered("LAB-GLU", {"GLU": "5.0"})
    his = Fhir(interface_user("fhir"))
    assert his.get("Observation")[1]["total"] == 0
    results.release(make_staff(Role.LAB_REVIEWER, department=exam.department).user, exam, PASSWORD)
    assert Fhir(clinician.user).get("Observation")[1]["total"] == 1
    assert Fhir(make_staff(Role.CLINICIAN).user).get("Observation")[1]["total"] == 0
