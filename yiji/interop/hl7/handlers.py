"""What each inbound message means to Yiji. A handler reads fields and calls the same
services as the web pages (patients, requisitions with ORD-1, cancellation); it changes no
state itself."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import hl7
from django.core.exceptions import ValidationError

from yiji.core import services as patient_services
from yiji.core.models import (
    CONTRAST_WORDS,
    AllergyCategory,
    AllergySeverity,
    Department,
    Patient,
    PatientSource,
    Sex,
)
from yiji.interop.hl7 import reference
from yiji.interop.hl7.codec import MessageError
from yiji.interop.models import MappingKind
from yiji.orders import services as order_services
from yiji.orders.models import Exam, ExamItem, OrderSource, Priority, Requisition

# Where each ORD-1 requisition field comes from in an order message.
ORDER_FIELD_LOCATIONS = {
    "patient_identity": "PID^1^3",
    "ordering_physician": "ORC^1^12",
    "ordering_department": "ORC^1^17",
    "clinical_history": "OBR^1^13",
    "clinical_diagnosis": "DG1^1^3",
    "purpose": "OBR^1^31",
    "items": "OBR^1^4",
    "bedside": "OBR^1^30",
}
PATIENT_FIELD_LOCATIONS = {
    "patient_id": "PID^1^3",
    "name": "PID^1^5",
    "birth_date": "PID^1^7",
    "sex": "PID^1^8",
    "phone": "PID^1^13",
    "id_card": "PID^1^3",
    "address": "PID^1^11",
}
# HL7 table 0127 (allergen type) and 0128 (severity).
ALLERGEN_TYPES = {
    "DA": AllergyCategory.DRUG, "FA": AllergyCategory.FOOD, "EA": AllergyCategory.ENVIRONMENT,
    "AA": AllergyCategory.ENVIRONMENT, "PA": AllergyCategory.ENVIRONMENT,
    "LA": AllergyCategory.ENVIRONMENT,
}  # fmt: skip
SEVERITIES = {
    "SV": AllergySeverity.SEVERE, "MO": AllergySeverity.MODERATE, "MI": AllergySeverity.MILD,
}  # fmt: skip
ID_CARD_TYPES = {"NNCHN", "ID", "NI", "SFZ"}
PATIENT_CLASSES = {
    "I": PatientSource.INPATIENT,
    "O": PatientSource.OUTPATIENT,
    "E": PatientSource.EMERGENCY,
    "P": PatientSource.CHECKUP,
}


class Reader:
    """Field access by HL7 position, unescaped, empty when absent, and the reference data the
    message is read against. Handlers add to `warnings` what was accepted with a doubt; the
    ACK carries them as ERR segments of severity W."""

    def __init__(self, message: hl7.Message, snapshot: reference.Snapshot):
        self.message = message
        self.reference = snapshot
        self.warnings: list[MessageError] = []

    def segments(self, name: str) -> list[hl7.Segment]:
        return [s for s in self.message if str(s[0]) == name]

    def value(self, segment: hl7.Segment | None, field: int, component: int = 1, rep: int = 1):
        if segment is None or len(segment) <= field:
            return ""
        try:
            value = segment[field]
            if isinstance(value, hl7.Field) and value and isinstance(value[0], hl7.Repetition):
                value = value[rep - 1]
            elif rep > 1:
                return ""
            if (
                isinstance(value, (hl7.Repetition, hl7.Field))
                and value
                and isinstance(value[0], hl7.Component)
            ):
                value = value[component - 1]
            elif component > 1:
                return ""
        except IndexError:
            return ""
        return self.message.unescape(str(value)).strip()

    def repetitions(self, segment: hl7.Segment | None, field: int) -> int:
        if segment is None or len(segment) <= field:
            return 0
        value = segment[field]
        if isinstance(value, hl7.Field) and value and isinstance(value[0], hl7.Repetition):
            return len(value)
        return 1 if str(value) else 0

    def first(self, name: str) -> hl7.Segment | None:
        found = self.segments(name)
        return found[0] if found else None


def _date(value: str, location: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.datetime.strptime(value[:8], "%Y%m%d").date()
    except ValueError as exc:
        raise MessageError(
            f"日期格式错误：{value}（应为YYYYMMDD）。", location=location, code="102"
        ) from exc


def _person_name(reader: Reader, segment, field: int, first: int = 1) -> str:
    """A name from XPN (family^given) or, with first=2, XCN (ID^family^given)."""
    family = reader.value(segment, field, first)
    given = reader.value(segment, field, first + 1)
    if not given:
        return family
    # Chinese names are written family-then-given without a space; Latin ones with one.
    joiner = " " if (family + given).isascii() else ""
    return f"{family}{joiner}{given}"


def _telephone(reader: Reader, pid) -> str:
    """PID-13 (XTN): the first repetition's number, written in XTN-1, or unformatted in XTN-12,
    or as area code and local number in XTN-6 and XTN-7 (v2.5 senders may use any)."""
    for rep in range(1, reader.repetitions(pid, 13) + 1):
        number = (
            reader.value(pid, 13, 1, rep)
            or reader.value(pid, 13, 12, rep)
            or reader.value(pid, 13, 6, rep) + reader.value(pid, 13, 7, rep)
        )
        if number:
            return number
    return ""


def _address(reader: Reader, pid) -> str:
    """PID-11 (XAD), first repetition: province, city, district, then street and the rest, as
    a Chinese address is written; a sender that puts it all in XAD-1 gives it as is."""
    parts = [reader.value(pid, 11, c) for c in (4, 3, 9, 1, 2)]
    return "".join(p for p in parts if p)[:200]


def allergies(reader: Reader) -> list[dict] | None:
    """AL1 segments as allergy rows; None when the message carries none (an order message
    need not repeat them, and silence must not erase them)."""
    segments = reader.segments("AL1")
    if not segments:
        return None
    rows = []
    for index, al1 in enumerate(segments, start=1):
        substance = reader.value(al1, 3, 2) or reader.value(al1, 3, 1)
        category = ALLERGEN_TYPES.get(reader.value(al1, 2, 1).upper(), AllergyCategory.OTHER)
        if any(word in substance.lower() for word in CONTRAST_WORDS):
            category = AllergyCategory.CONTRAST
        rows.append({
            "category": category,
            "substance": substance,
            "code": reader.value(al1, 3, 1),
            "severity": SEVERITIES.get(reader.value(al1, 4, 1).upper(), AllergySeverity.UNKNOWN),
            "reaction": "、".join(
                reader.value(al1, 5, 1, rep) for rep in range(1, reader.repetitions(al1, 5) + 1)
            ),
            "noted_on": _date(reader.value(al1, 6), f"AL1^{index}^6"),
        })  # fmt: skip
    return rows


def patient_data(reader: Reader) -> dict:
    pid = reader.first("PID")
    if pid is None:
        raise MessageError("缺少PID段。", location="PID", code="100")
    patient_id, id_card = "", ""
    for rep in range(1, reader.repetitions(pid, 3) + 1):
        number = reader.value(pid, 3, 1, rep)
        kind = reader.value(pid, 3, 5, rep).upper()
        if kind in ID_CARD_TYPES:
            id_card = id_card or number
        elif not patient_id:
            patient_id = number
    if not patient_id:
        raise MessageError("缺少患者ID（PID-3）。", location="PID^1^3", code="101", rule="ORD-1")
    sex = reader.value(pid, 8).upper()
    data = {
        "patient_id": patient_id,
        "name": _person_name(reader, pid, 5),
        "family_name": reader.value(pid, 5, 1) if reader.value(pid, 5, 2) else "",
        "given_name": reader.value(pid, 5, 2),
        "address": _address(reader, pid),
        "birth_date": _date(reader.value(pid, 7), "PID^1^7"),
        "sex": sex if sex in Sex.values else Sex.UNKNOWN,
        "phone": _telephone(reader, pid),
    }
    if id_card:
        data["id_card"] = id_card
    patient_class = reader.value(reader.first("PV1"), 2).upper()
    data["source"] = PATIENT_CLASSES.get(patient_class, PatientSource.OUTPATIENT)
    return data


def _patient_error(exc: ValidationError) -> MessageError:
    field, messages = next(iter(exc.message_dict.items()))
    return MessageError(
        f"患者信息有误（{field}）：{messages[0]}",
        location=PATIENT_FIELD_LOCATIONS.get(field, "PID"),
        code="102",
    )


def upsert_patient(actor, reader: Reader) -> Patient:
    data = patient_data(reader)
    try:
        patient = patient_services.receive_his_patient(actor, data)
    except ValidationError as exc:
        raise _patient_error(exc) from exc
    if data.get("id_card") and patient.id_card_unverified:
        reader.warnings.append(MessageError(
            f"身份证号{patient.id_card_masked}校验不通过，已保存并标记为未核验。",
            location="PID^1^3", code="102",
        ))  # fmt: skip
    rows = allergies(reader)
    if rows is not None and patient_services.replace_his_allergies(actor, patient, rows):
        order_services.flag_known_allergies(actor, patient)
    return patient


def handle_adt_patient(actor, reader: Reader) -> str:
    patient = upsert_patient(actor, reader)
    return f"patient {patient.patient_id}"


def handle_adt_merge(actor, reader: Reader) -> str:
    survivor = upsert_patient(actor, reader)
    mrg = reader.first("MRG")
    prior_id = reader.value(mrg, 1)
    if not prior_id:
        raise MessageError("缺少被合并的患者ID（MRG-1）。", location="MRG^1^1", code="101")
    duplicate = Patient.objects.filter(patient_id=prior_id).first()
    if duplicate is None:
        raise MessageError(f"被合并的患者ID不存在：{prior_id}。", location="MRG^1^1", code="103")
    patient_services.merge_patients(actor, survivor, duplicate)
    return f"merged {prior_id} into {survivor.patient_id}"


def _mapped(reader: Reader, kind: str, code: str) -> str:
    return reader.reference.mappings.get((kind, code), code)


def _item(reader: Reader, obr, index: int) -> ExamItem:
    code = reader.value(obr, 4, 1)
    location = f"OBR^{index}^4"
    if not code:
        raise MessageError("缺少检查项目（OBR-4）。", location=location, code="101", rule="ORD-1")
    item = reader.reference.items.get(_mapped(reader, MappingKind.ITEM, code))
    if item is None:
        name = reader.value(obr, 4, 2)
        raise MessageError(
            f"未知的检查项目代码：{code} {name}（请在接口页面建立对照后重新处理）。",
            location=location,
            code="103",
        )
    return item


def _department(reader: Reader, orc) -> Department | None:
    code = reader.value(orc, 17, 1)
    if not code:
        return None
    department = reader.reference.departments.get(_mapped(reader, MappingKind.DEPARTMENT, code))
    if department is None:
        raise MessageError(
            f"未知的申请科室代码：{code} {reader.value(orc, 17, 2)}。",
            location="ORC^1^17",
            code="103",
        )
    return department


def _priority(reader: Reader, orc, obr) -> str:
    codes = {
        reader.value(reader.first("TQ1"), 9, 1),
        reader.value(orc, 7, 6),
        reader.value(obr, 27, 6),
        reader.value(obr, 5),
    }
    return Priority.URGENT if codes & {"S", "A"} else Priority.ROUTINE


def _order_groups(reader: Reader) -> list[tuple[hl7.Segment, hl7.Segment | None]]:
    """Each ORC with the OBR that follows it (ORM^O01 and OMI^O23 both nest them so)."""
    groups: list[list] = []
    for segment in reader.message:
        name = str(segment[0])
        if name == "ORC":
            groups.append([segment, None])
        elif name == "OBR" and groups and groups[-1][1] is None:
            groups[-1][1] = segment
    if not groups:
        raise MessageError("缺少ORC段。", location="ORC", code="100")
    return [(orc, obr) for orc, obr in groups]


def _exams_for(placer_number: str, location: str) -> list[Exam]:
    exams = list(Exam.objects.filter(placer_number=placer_number).select_related("requisition"))
    if not placer_number or not exams:
        raise MessageError(
            f"找不到申请单号为{placer_number or '（空）'}的医嘱。", location=location, code="103"
        )
    return exams


def handle_order(actor, reader: Reader) -> str:
    groups = _order_groups(reader)
    new_orders = []
    done = []
    for index, (orc, obr) in enumerate(groups, start=1):
        control = reader.value(orc, 1).upper()
        placer = reader.value(orc, 2) or reader.value(obr, 2)
        if control == "NW":
            new_orders.append((index, orc, obr, placer))
        elif control in ("CA", "DC", "OC"):
            exams = _exams_for(placer, f"ORC^{index}^2")
            reason = reader.value(orc, 16, 2) or reader.value(orc, 16, 1) or "HIS撤销医嘱"
            order_services.cancel_requisition(actor, exams[0].requisition, reason, exams=exams)
            done.append(f"cancelled {placer}")
        elif control == "XO":
            exams = _exams_for(placer, f"ORC^{index}^2")
            order_services.amend_requisition(
                actor, exams[0].requisition, _clinical_fields(reader, orc, obr)
            )
            done.append(f"changed {placer}")
        elif control == "SC":
            _exams_for(placer, f"ORC^{index}^2")  # must name a known order; kept in the log
            done.append(f"status {placer} {reader.value(orc, 5)}")
        else:
            raise MessageError(
                f"不支持的医嘱控制码：{control or '（空）'}。",
                location=f"ORC^{index}^1",
                code="103",
            )
    if new_orders:
        requisition = _new_requisition(actor, reader, new_orders)
        done.append(f"requisition {requisition.number}")
    return "; ".join(done)


def _clinical_fields(reader: Reader, orc, obr) -> dict[str, str]:
    dg1 = reader.first("DG1")
    return {
        "clinical_history": reader.value(obr, 13),
        "clinical_diagnosis": reader.value(dg1, 3, 2) or reader.value(dg1, 3, 1),
        "purpose": reader.value(obr, 31, 2) or reader.value(obr, 31, 1),
        "priority": _priority(reader, orc, obr),
    }


def _new_requisition(actor, reader: Reader, orders: list) -> Requisition:
    patient = upsert_patient(actor, reader)
    index, orc, obr, _placer = orders[0]
    if obr is None:
        raise MessageError("新医嘱缺少OBR段。", location=f"OBR^{index}", code="100")
    physician_id = reader.value(orc, 12, 1) or reader.value(obr, 16, 1)
    physician = reader.reference.physicians.get(physician_id)
    name = _person_name(reader, orc, 12, 2) or _person_name(reader, obr, 16, 2)
    items = [_item(reader, o_obr, i) for i, _orc, o_obr, _p in orders if o_obr is not None]
    known = {
        o.placer_number
        for o in Exam.objects.filter(placer_number__in=[p for *_rest, p in orders if p])
    }
    if known:
        raise MessageError(
            f"申请单号已存在：{'、'.join(sorted(known))}。", location="ORC^1^2", code="205"
        )
    data = order_services.RequisitionInput(
        patient=patient,
        items=items,
        ordering_physician=physician,
        ordering_physician_name="" if physician else (name or physician_id),
        ordering_department=_department(reader, orc),
        bedside=reader.value(obr, 30).upper() == "PORT",
        source=OrderSource.HL7,
        external_id=reader.value(orc, 4) or orders[0][3],
        placer_numbers=[p for _i, _orc, o_obr, p in orders if o_obr is not None],
        **_clinical_fields(reader, orc, obr),
    )
    return order_services.create_requisition(actor, data)


def _lab_groups(reader: Reader) -> list[tuple[hl7.Segment, list[hl7.Segment]]]:
    """Each OBR with the OBX segments after it."""
    groups: list[tuple[hl7.Segment, list[hl7.Segment]]] = []
    for segment in reader.message:
        name = str(segment[0])
        if name == "OBR":
            groups.append((segment, []))
        elif name == "OBX" and groups:
            groups[-1][1].append(segment)
    return groups


def handle_lab_results(actor, reader: Reader) -> str:
    """ORU^R01 from an analyser or its middleware: OBR-3 (or OBR-2) names the specimen's
    barcode, each OBX-3.1 a test code and OBX-5 its value (LAB-3). Every result must apply,
    or none does and the sender is told which one failed."""
    from yiji.equipment.models import Device
    from yiji.lab import results
    from yiji.lab.models import ResultSource, Specimen

    groups = _lab_groups(reader)
    if not groups:
        raise MessageError("检验结果消息缺少OBR段。", location="OBR^1", code="100")
    done = []
    for index, (obr, observations) in enumerate(groups, start=1):
        barcode = reader.value(obr, 3) or reader.value(obr, 2)
        specimen = Specimen.objects.filter(barcode=barcode).select_related("exam").first()
        if specimen is None:
            raise MessageError(
                f"找不到条码为{barcode or '（空）'}的标本。", location=f"OBR^{index}^3", code="103"
            )
        values = {reader.value(obx, 3): reader.value(obx, 5) for obx in observations}
        equipment = observations and reader.value(observations[0], 18)
        instrument = Device.objects.filter(serial=equipment).first() if equipment else None
        entry = results.enter(
            actor, specimen.exam, values, source=ResultSource.HL7, instrument=instrument
        )
        if entry.problems:
            code, problem = next(iter(entry.problems.items()))
            raise MessageError(f"标本{barcode}的{code}：{problem}", location="OBX^5", code="102")
        done.append(f"{barcode}: {len(entry.saved)} results")
    return "; ".join(done)


HANDLERS: dict[str, Callable[[object, Reader], str]] = {
    "ADT^A01": handle_adt_patient,
    "ADT^A04": handle_adt_patient,
    "ADT^A08": handle_adt_patient,
    "ADT^A28": handle_adt_patient,
    "ADT^A31": handle_adt_patient,
    "ADT^A40": handle_adt_merge,
    "ORM^O01": handle_order,
    "OMI^O23": handle_order,
    "ORU^R01": handle_lab_results,
}
