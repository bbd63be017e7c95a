"""Requisitions (申请单): ORD-1 required fields, ORD-3 bedside flag, cancel with reason."""

from __future__ import annotations

import pytest

from yiji.core import policy
from yiji.core.models import AuditAction, AuditEntry, Role
from yiji.core.permissions import PermissionRefused
from yiji.core.rulebook import RuleViolation
from yiji.orders.models import EventKind, ExamStatus, Requisition
from yiji.orders.services import RequisitionInput, cancel_requisition, create_requisition


@pytest.mark.rules("ORD-1")
def test_a_complete_requisition_makes_one_exam_per_item(order, items, patient):
    exams = order(items["chest"], items["us_liver"])
    assert [e.item.code for e in exams] == ["DR-CHEST", "US-LIVER"]
    assert all(e.status == ExamStatus.REQUESTED and e.patient == patient for e in exams)
    requisition = exams[0].requisition
    assert requisition.number.startswith("R20261123") and requisition.ordering_physician_name
    assert [ev.kind for ev in exams[0].events.all()] == [EventKind.REQUESTED]
    assert AuditEntry.objects.filter(action=AuditAction.CREATE, patient=patient).exists()


@pytest.mark.rules("ORD-1")
@pytest.mark.parametrize(
    ("missing", "label"),
    [
        ("clinical_history", "病史"),
        ("clinical_diagnosis", "临床诊断"),
        ("purpose", "检查目的"),
    ],
)
def test_a_requisition_missing_a_required_field_is_refused(
    clinician, ward, patient, items, missing, label
):
    fields = {"clinical_history": "咳嗽", "clinical_diagnosis": "肺炎", "purpose": "诊断"}
    fields[missing] = "  "
    data = RequisitionInput(
        patient=patient,
        items=[items["chest"]],
        ordering_physician=clinician,
        ordering_department=ward,
        **fields,
    )
    with pytest.raises(RuleViolation) as refused:
        create_requisition(clinician.user, data)
    assert refused.value.rule_id == "ORD-1" and label in refused.value.message
    assert refused.value.field == missing
    assert not Requisition.objects.exists()


@pytest.mark.rules("ORD-1")
def test_no_items_or_no_patient_is_refused(clinician, ward, patient):
    for data in (
        RequisitionInput(patient=patient, items=[], ordering_physician=clinician),
        RequisitionInput(patient=None, items=[], ordering_physician=clinician),
    ):
        with pytest.raises(RuleViolation) as refused:
            create_requisition(clinician.user, data)
        assert refused.value.rule_id == "ORD-1"


@pytest.mark.rules("ORD-1")
def test_required_fields_are_a_department_policy(
    director, clinician, ward, patient, items, imaging
):
    optional = ["patient_identity", "ordering_physician", "items"]
    policy.change(
        director.user,
        "ord.required_requisition_fields",
        optional,
        hospital=imaging.hospital,
        department=imaging,
        reason="急诊简化",
    )
    data = RequisitionInput(patient=patient, items=[items["chest"]], ordering_physician=clinician)
    assert create_requisition(clinician.user, data).exams.count() == 1
    data.items = [items["us_liver"]]  # ultrasound keeps the default: history etc. required
    with pytest.raises(RuleViolation, match="ORD-1"):
        create_requisition(clinician.user, data)


@pytest.mark.rules("ORD-1")
def test_an_inactive_item_is_refused(order, items):
    items["chest"].active = False
    items["chest"].save()
    with pytest.raises(RuleViolation, match="ORD-1"):
        order(items["chest"])


def test_only_clinicians_and_clerks_order(make_staff, patient, items):
    technologist = make_staff(Role.TECHNOLOGIST)
    data = RequisitionInput(patient=patient, items=[items["chest"]])
    with pytest.raises(PermissionRefused):
        create_requisition(technologist.user, data)


@pytest.mark.rules("ORD-3")
def test_bedside_is_recorded_for_bedside_modalities(order, items):
    exams = order(items["chest"], items["us_liver"], bedside=True)
    assert exams[0].requisition.bedside is True


@pytest.mark.rules("ORD-3")
def test_bedside_is_refused_for_items_that_cannot_go_to_the_ward(order, items):
    with pytest.raises(RuleViolation) as refused:
        order(items["ct_head"], bedside=True)
    assert refused.value.rule_id == "ORD-3" and "头颅CT平扫" in refused.value.message


@pytest.mark.rules("ORD-1")
def test_cancelling_keeps_the_record_with_its_reason(order, items, clinician):
    exams = order(items["chest"], items["us_liver"])
    requisition = exams[0].requisition
    with pytest.raises(RuleViolation):
        cancel_requisition(clinician.user, requisition, "  ")
    cancel_requisition(clinician.user, requisition, "患者出院")
    requisition.refresh_from_db()
    assert requisition.cancel_reason == "患者出院" and requisition.cancelled_at
    assert set(requisition.exams.values_list("status", flat=True)) == {ExamStatus.CANCELLED}
    assert Requisition.objects.count() == 1
