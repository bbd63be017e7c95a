"""Results (LAB-3): flags from reference ranges by sex and age and from critical limits (the
policy settings), the delta check, unexpected positives and clinic calls, critical values
through the shared closed loop, and signed release by someone other than the tester."""

from __future__ import annotations

import pytest

from tests.conftest import PASSWORD
from tests.lab.conftest import born
from yiji.core import policy
from yiji.core.models import Patient, Role
from yiji.core.rulebook import RuleViolation
from yiji.interop.models import Endpoint, OutboundMessage
from yiji.lab import results
from yiji.lab.models import CallReason, Flag, LabResult, LabTest, SpecimenStatus
from yiji.orders.models import EventKind, ExamStatus
from yiji.reports import critical
from yiji.reports.models import CriticalResult

pytestmark = pytest.mark.rules("LAB-3")


def _patient(sex: str, years: int, pid: str) -> Patient:
    return Patient.objects.create(
        patient_id=pid, name="测试" + pid, sex=sex, birth_date=born(years), source="outpatient"
    )


@pytest.mark.parametrize(
    ("sex", "years", "value", "flag"),
    [
        ("M", 40, "125", Flag.LOW),  # men 130-175
        ("F", 40, "125", Flag.NORMAL),  # women 115-150
        ("F", 40, "155", Flag.HIGH),
        ("M", 10, "125", Flag.NORMAL),  # children under 14: 110-160
        ("M", 10, "105", Flag.LOW),
        ("M", 40, "50", Flag.CRITICAL_LOW),  # at or below the critical limit
        ("F", 40, "51", Flag.LOW),
    ],
)
def test_haemoglobin_is_flagged_by_sex_and_age(lab_catalogue, lab, sex, years, value, flag):
    test = LabTest.objects.get(code="HGB")
    patient = _patient(sex, years, f"P{sex}{years}{value}")
    judged = results.judge(test, value, patient, lab, born(0))
    assert judged.flag == flag
    assert judged.critical == (flag == Flag.CRITICAL_LOW)


def test_without_a_birth_date_the_adult_range_applies(lab_catalogue, lab):
    patient = Patient.objects.create(patient_id="PX", name="无生日", sex="F", source="outpatient")
    reference = results.reference_for(LabTest.objects.get(code="HGB"), patient, born(0))
    assert (reference.low, reference.high, reference.sex) == (115, 150, "F")


@pytest.mark.rules("LAB-3", "RPT-12")
def test_potassium_critical_limits_come_from_the_policy(lab_catalogue, lab, patient, director):
    test = LabTest.objects.get(code="K")
    day = born(0)
    assert results.judge(test, "6.5", patient, lab, day).flag == Flag.CRITICAL_HIGH
    assert results.judge(test, "6.4", patient, lab, day).flag == Flag.HIGH
    assert results.judge(test, "2.6", patient, lab, day).flag == Flag.CRITICAL_LOW
    policy.change(director.user, "crit.lab_potassium_high", "6.2", hospital=lab.hospital,
                  department=lab, reason="本院标准")  # fmt: skip
    assert results.judge(test, "6.3", patient, lab, day).flag == Flag.CRITICAL_HIGH


def test_a_value_that_is_not_a_result_is_refused_and_the_others_are_kept(received, labtech):
    specimen = received("LAB-ELEC")
    entry = results.enter(labtech.user, specimen.exam, {"K": "4.1", "NA": "abc", "XX": "1"})
    assert [r.test.code for r in entry.saved] == ["K"]
    assert set(entry.problems) == {"NA", "XX"}
    assert LabResult.objects.get(exam=specimen.exam).value == "4.10"
    specimen.refresh_from_db()
    assert specimen.status == SpecimenStatus.TESTED
    specimen.exam.refresh_from_db()
    assert specimen.exam.status == ExamStatus.IN_PROGRESS


def test_results_need_a_received_specimen(collected, labtech):
    specimen = collected("LAB-GLU")
    with pytest.raises(RuleViolation, match="LAB-1"):
        results.enter(labtech.user, specimen.exam, {"GLU": "5.0"})


def test_the_delta_check_compares_with_the_patients_last_released_result(
    entered, reviewer, labtech
):
    first = entered("LAB-ELEC", {"K": "4.00", "NA": "140", "CL": "100"})
    results.release(reviewer.user, first, PASSWORD)
    second = entered("LAB-ELEC", {"K": "5.00", "NA": "141", "CL": "101"})
    k = second.lab_results.get(test__code="K")
    na = second.lab_results.get(test__code="NA")
    assert k.previous.exam == first and k.delta_percent == 25 and k.delta_failed  # limit 20 %
    assert str(na.delta_percent) == "0.7" and not na.delta_failed
    with pytest.raises(RuleViolation, match="differs too much") as refused:
        results.release(reviewer.user, second, PASSWORD)
    assert refused.value.field == "confirm_delta"
    results.release(reviewer.user, second, PASSWORD, confirm_delta=True)


@pytest.mark.rules("LAB-3", "RPT-12")
def test_a_critical_value_opens_one_critical_result_even_when_rechecked(entered, labtech, reviewer):
    exam = entered("LAB-ELEC", {"K": "6.90", "NA": "138", "CL": "100"})
    found = CriticalResult.objects.get(exam=exam)
    assert found.item == "K" and "6.90" in found.finding and found.found_by == labtech
    results.enter(labtech.user, exam, {"K": "6.85"})  # the recheck on the same specimen
    assert CriticalResult.objects.filter(exam=exam).count() == 1
    # The lab notifies through the same closed loop as imaging; imaging's writers cannot.
    critical.record_notification(labtech.user, found, receiver="王护士", department="急诊科",
                                 channel="phone", read_back=True)  # fmt: skip
    assert CriticalResult.objects.get(pk=found.pk).notified_by == labtech


@pytest.mark.rules("LAB-3", "RPT-12")
def test_lab_critical_values_escalate_like_imaging_ones(entered, make_staff, lab, frozen_clock):
    import datetime as dt

    leader = make_staff(Role.DEPUTY_DIRECTOR, department=lab)
    entered("LAB-ELEC", {"K": "2.40", "NA": "138", "CL": "100"})
    frozen_clock.shift(dt.timedelta(minutes=11))
    assert critical.escalate() >= 1
    assert leader.notices.filter(rule="RPT-12").exists()


def test_a_positive_blood_culture_is_critical(entered):
    exam = entered("LAB-BC", {"BC": "阳性"})
    result = exam.lab_results.get()
    assert result.flag == Flag.POSITIVE and result.value == "positive"
    assert CriticalResult.objects.filter(exam=exam, item="BC").exists()
    assert not result.call_reason  # the critical loop reports it


def test_an_unexpected_positive_is_reported_to_the_clinic_before_release(
    entered, labtech, reviewer
):
    exam = entered("LAB-HBSAG", {"HBSAG": "+"})
    result = exam.lab_results.get()
    assert result.flag == Flag.POSITIVE and result.call_reason == CallReason.UNEXPECTED_POSITIVE
    with pytest.raises(RuleViolation, match="LAB-3"):
        results.release(reviewer.user, exam, PASSWORD)
    with pytest.raises(RuleViolation, match="LAB-3"):
        results.record_call(labtech.user, result, " ")
    results.record_call(labtech.user, result, "已电话告知门诊李医生，建议复查")
    assert results.release(reviewer.user, exam, PASSWORD).exam == exam


def test_a_result_at_odds_with_the_clinical_picture_is_held_for_a_recheck(
    entered, labtech, reviewer
):
    exam = entered("LAB-GLU", {"GLU": "5.0"})
    result = exam.lab_results.get()
    results.mark_for_call(labtech.user, result, CallReason.CLINICAL_MISMATCH)
    problems = results.release_problems(exam, reviewer)
    assert [p.rule_id for p in problems] == ["LAB-3"]
    results.record_call(labtech.user, result, "与临床沟通，患者已输注葡萄糖")
    assert results.release_problems(exam, reviewer) == []


def test_release_needs_every_result_a_reviewer_and_the_signature(
    received, labtech, reviewer, make_staff, lab
):
    specimen = received("LAB-LFT")
    exam = specimen.exam
    results.enter(labtech.user, exam, {"ALT": "30", "AST": "25", "TBIL": "10"})
    with pytest.raises(RuleViolation, match="LAB-3") as refused:
        results.release(reviewer.user, exam, PASSWORD)
    assert "白蛋白" in refused.value.zh
    results.enter(labtech.user, exam, {"ALB": "45"})
    with pytest.raises(Exception, match="release"):  # a technologist may not release
        results.release(labtech.user, exam, PASSWORD)
    with pytest.raises(RuleViolation) as wrong:
        results.release(reviewer.user, exam, "wrong")
    assert wrong.value.field == "signature"
    report = results.release(reviewer.user, exam, PASSWORD, comment="结果已复核")
    exam.refresh_from_db()
    assert exam.status == ExamStatus.COMPLETED and exam.completed_at == report.released_at
    assert report.signature.signer == reviewer and report.signature.meaning == "lab_release"
    assert exam.events.filter(kind=EventKind.REPORT_FINAL).exists()
    with pytest.raises(RuleViolation, match="released"):
        results.enter(labtech.user, exam, {"ALT": "31"})


def test_a_reviewer_of_another_department_cannot_release(entered, make_staff):
    exam = entered("LAB-GLU", {"GLU": "5.0"})
    outsider = make_staff(Role.LAB_REVIEWER)  # a member of imaging, not of the lab
    with pytest.raises(RuleViolation, match="reviewer of 检验科"):
        results.release(outsider.user, exam, PASSWORD)


def test_the_tester_does_not_verify_their_own_results(received, reviewer, lab, director):
    specimen = received("LAB-GLU")
    results.enter(reviewer.user, specimen.exam, {"GLU": "5.5"})
    with pytest.raises(RuleViolation, match="other than"):
        results.release(reviewer.user, specimen.exam, PASSWORD)
    policy.change(director.user, "lab.self_verification_allowed", True, hospital=lab.hospital,
                  department=lab, reason="单人检验室")  # fmt: skip
    assert results.release(reviewer.user, specimen.exam, PASSWORD)


@pytest.mark.rules("LAB-3", "RPT-11")
def test_release_sends_an_oru_with_one_obx_per_analyte(entered, reviewer):
    Endpoint.objects.create(name="HIS", host="127.0.0.1", port=2575, receiving_application="HIS")
    exam = entered("LAB-ELEC", {"K": "6.60", "NA": "140.0", "CL": "101.0"})
    results.release(reviewer.user, exam, PASSWORD)
    message = OutboundMessage.objects.get(exam=exam, message_type="ORU^R01")
    segments = message.payload.split("\r")
    obx = [s.split("|") for s in segments if s.startswith("OBX")]
    assert [o[3].split("^")[0] for o in obx] == ["K", "NA", "CL"]
    assert obx[0][2] == "NM" and obx[0][5] == "6.60" and obx[0][6] == "mmol/L"
    assert obx[0][7] == "3.50–5.30" and obx[0][8] == "HH" and obx[0][11] == "F"
    assert "^2823-3^^LN" in obx[0][3]
