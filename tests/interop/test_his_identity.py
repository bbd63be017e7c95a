"""The HIS is the master of identity (issue 23, point 12): AL1 allergies reach the contrast
screen (ORD-6), PID-11 and PID-5's parts are kept and returned in FHIR, and an ID-card number
that fails its check digit is kept flagged, the message accepted with a warning, not refused."""

from __future__ import annotations

import pytest

from tests.interop.conftest import Fhir
from tests.interop.hl7_messages import adt, order
from tests.interop.test_hl7_inbound import send
from yiji.core.models import Allergy, AuditAction, AuditEntry, Patient, PhysicianTitle, Role
from yiji.core.rulebook import RuleViolation
from yiji.orders import checkin
from yiji.orders.checkin import Identifiers
from yiji.orders.models import AllergyScreen, Requisition
from yiji.orders.services import record_allergy_screen

pytestmark = [pytest.mark.django_db(transaction=True)]

IODINE = "AL1|1|DA^药物过敏^HL70127|C0301^碘海醇注射液^L|SV^严重^HL70128|喉头水肿~荨麻疹|20190310"
PENICILLIN = "AL1|2|DA^药物过敏^HL70127|^青霉素|MI^轻度^HL70128|皮疹"
ADDRESS = "建国路88号^3单元^朝阳区^北京市^100022^CHN^H^^东城"


def test_pid5_parts_pid11_and_al1_are_kept_and_returned_in_fhir(listener, make_staff):
    allergies = (IODINE, PENICILLIN)
    message = adt("I1", "A04", name="欧阳^娜娜", extra_pid={11: ADDRESS}, extra=allergies)
    assert send(listener, message)["MSA"][1] == "AA"
    patient = Patient.objects.get()
    assert (patient.name, patient.family_name, patient.given_name) == ("欧阳娜娜", "欧阳", "娜娜")
    assert patient.address == "北京市朝阳区东城建国路88号3单元"
    iodine, penicillin = patient.allergies.order_by("pk")
    assert (iodine.category, iodine.severity, iodine.is_contrast) == ("contrast", "severe", True)
    assert iodine.reaction == "喉头水肿、荨麻疹" and str(iodine.noted_on) == "2019-03-10"
    assert (penicillin.substance, penicillin.is_contrast) == ("青霉素", False)

    physician = Fhir(make_staff(Role.PHYSICIAN).user)  # every answer validated as R4
    _status, body = physician.get(f"Patient/{patient.pk}")
    assert body["name"][0] == {"use": "official", "text": "欧阳娜娜", "family": "欧阳",
                               "given": ["娜娜"]}  # fmt: skip
    assert body["address"][0]["text"] == "北京市朝阳区东城建国路88号3单元"
    _status, found = physician.get("AllergyIntolerance", patient=f"Patient/{patient.pk}")
    assert found["total"] == 2
    first = found["entry"][0]["resource"]
    assert first["criticality"] == "high" and first["code"]["text"] == "碘海醇注射液"
    assert first["reaction"][0]["severity"] == "severe"
    assert physician.get(f"AllergyIntolerance/{iodine.pk}")[0] == 200
    assert physician.get("AllergyIntolerance")[0] == 400
    assert AuditEntry.objects.filter(action=AuditAction.VIEW, patient=patient).count() == 3

    # A later ADT with one AL1 replaces the HIS's list; one without AL1 leaves it alone.
    send(listener, adt("I2", "A08", name="欧阳^娜娜", extra=(PENICILLIN,)))
    assert list(patient.allergies.values_list("substance", flat=True)) == ["青霉素"]
    send(listener, adt("I3", "A08", name="欧阳^娜娜"))
    assert Allergy.objects.count() == 1


@pytest.mark.rules("ORD-6")
def test_a_contrast_allergy_from_the_his_blocks_contrast_until_a_physician_clears_it(
    listener, items, ward, clerk, make_staff, frozen_clock
):
    send(listener, order("O1", items=[("CT-CHEST-E", "胸部CT增强", "ORD9")], priority="S"))
    requisition = Requisition.objects.get()
    assert requisition.allergy_screen == AllergyScreen.NOT_DONE
    # The allergy arrives after the order: the waiting contrast requisition is flagged.
    assert send(listener, adt("I1", "A08", extra=(IODINE,)))["MSA"][1] == "AA"
    requisition.refresh_from_db()
    assert requisition.allergy_screen == AllergyScreen.CONTRAINDICATED
    assert "碘海醇" in requisition.allergy_note
    exam = requisition.exams.get()
    ids = Identifiers(name="李小红", patient_id="H0001")
    with pytest.raises(RuleViolation, match="ORD-6"):
        checkin.check_in(clerk.user, exam, ids)
    with pytest.raises(RuleViolation, match="ORD-6"):  # the desk cannot clear it
        record_allergy_screen(clerk.user, requisition, AllergyScreen.CLEAR, "问过了")
    doctor = make_staff(Role.PHYSICIAN, Role.CLERK, physician_title=PhysicianTitle.ATTENDING)
    with pytest.raises(RuleViolation, match="ORD-6"):  # a physician says why
        record_allergy_screen(doctor.user, requisition, AllergyScreen.CLEAR, "")
    record_allergy_screen(doctor.user, requisition, AllergyScreen.CLEAR, "改用钆剂前已评估，备抢救")
    assert checkin.check_in(clerk.user, exam, ids, consent_by=clerk).status == "arrived"
    # A new contrast order for a patient with a known contrast allergy starts positive.
    send(listener, order("O2", items=[("CT-CHEST-E", "胸部CT增强", "ORD10")]))
    assert Requisition.objects.latest("pk").allergy_screen == AllergyScreen.CONTRAINDICATED


def test_a_his_id_card_failing_its_check_is_kept_flagged_and_accepted_with_a_warning(
    listener, items, ward
):
    bad = "H0002^^^H1^PI~110105194912310021^^^^NNCHN"
    ack = send(listener, adt("B1", "A04", patient_id="H0002", extra_pid={3: bad}))
    assert ack["MSA"][1] == "AA"
    assert ack["ERR"][4] == "W" and ack["ERR"][2] == "PID^1^3" and "校验" in ack["ERR"][8]
    patient = Patient.objects.get()
    assert patient.id_card == "110105194912310021" and patient.id_card_unverified
    # Its orders follow without a hitch.
    assert send(listener, order("B2", patient_id="H0002"))["MSA"][1] == "AA"
    assert "ERR" not in send(listener, adt("B3", "A08"))  # a valid number: no warning
