"""State changes of the core: patients and staff. Views, API and interfaces call these."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from pypinyin import Style, lazy_pinyin

from yiji.core import access, audit, numbering
from yiji.core.models import (
    Allergy,
    AllergyCategory,
    AllergySeverity,
    AuditAction,
    Credential,
    CredentialKind,
    Department,
    Hospital,
    Membership,
    Patient,
    PatientSource,
    Responsibility,
    Role,
    RoleAssignment,
    Sex,
    Staff,
    WorkGroup,
)
from yiji.core.permissions import Action, require
from yiji.core.rulebook import carries_out

PATIENT_FIELDS = [
    "patient_id",
    "name",
    "family_name",
    "given_name",
    "sex",
    "birth_date",
    "id_card",
    "phone",
    "allergy_history",
    "address",
    "source",
    "residence_distance_km",
]
# Two-character surnames (复姓) still in use; a name that starts with one keeps it whole.
COMPOUND_SURNAMES = frozenset(
    "欧阳 司马 上官 诸葛 东方 皇甫 尉迟 公孙 慕容 长孙 宇文 司徒 令狐 夏侯 端木 西门 独孤 南宫 "
    "轩辕 呼延 澹台 公冶 宗政 濮阳 淳于 单于 太叔 申屠 仲孙 钟离 闻人 万俟 赫连 左丘 东郭 百里 "
    "第五 拓跋 司空 梁丘 乐正 公羊 谷梁 羊舌 巫马 漆雕 壤驷 微生 即墨 亓官 司寇 颛孙".split()
)

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def id_card_problem(number: str) -> str | None:
    """Why an 18-digit resident ID-card number (GB 11643) is invalid, or None."""
    if len(number) != 18 or not number[:17].isdigit():
        return _("An ID-card number has 17 digits and a check character.")
    total = sum(int(d) * w for d, w in zip(number[:17], _ID_WEIGHTS, strict=True))
    if _ID_CHECK[total % 11] != number[17].upper():
        return _("The ID-card number's check character is wrong.")
    try:
        dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return _("The ID-card number holds an impossible birth date.")
    return None


def id_card_facts(number: str) -> tuple[str, dt.date]:
    """The sex and birth date a valid 18-digit ID-card number holds (GB 11643: digits 7–14
    the birth date, the 17th odd for a man)."""
    birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    return (Sex.MALE if int(number[16]) % 2 else Sex.FEMALE), birth


# Surnames read otherwise than the character's common reading (单 shàn, 曾 zēng, 解 xiè...).
SURNAME_INITIALS = {
    "单": "s", "曾": "z", "解": "x", "仇": "q", "区": "o", "查": "z", "盖": "g", "朴": "p",
    "覃": "q", "召": "s", "缪": "m", "尉迟": "yc", "万俟": "mq",
}  # fmt: skip


def name_initials(name: str) -> str:
    """The pinyin initials the desk types to find a patient: 王建国 → wjg, 单田芳 → stf."""
    family, given = split_name(name)
    if not family:
        return "".join(lazy_pinyin(name.strip(), style=Style.FIRST_LETTER)).lower()[:16]
    head = SURNAME_INITIALS.get(family) or "".join(lazy_pinyin(family, style=Style.FIRST_LETTER))
    return (head + "".join(lazy_pinyin(given, style=Style.FIRST_LETTER))).lower()[:16]


def split_name(name: str) -> tuple[str, str]:
    """A Chinese name's family and given parts; a compound surname stays whole. Names in
    Latin letters are not guessed at."""
    name = name.strip()
    if len(name) < 2 or name.isascii() or " " in name:
        return "", ""
    family = name[:2] if name[:2] in COMPOUND_SURNAMES and len(name) > 2 else name[:1]
    return family, name[len(family) :]


def _check_card_against(cleaned: dict, errors: dict) -> None:
    """Fill sex and birth date from the ID card, or name both when they disagree."""
    card_sex, card_birth = id_card_facts(cleaned["id_card"])
    birth, sex = cleaned.get("birth_date"), cleaned.get("sex")
    if isinstance(birth, dt.date) and birth != card_birth:
        errors["birth_date"] = _("The ID card gives the birth date %(card)s, not %(entered)s.") % {
            "card": card_birth.isoformat(),
            "entered": birth.isoformat(),
        }
    elif not isinstance(birth, dt.date):
        cleaned["birth_date"] = card_birth
    if sex in (Sex.MALE, Sex.FEMALE) and sex != card_sex:
        errors["sex"] = _("The ID card gives the sex %(card)s, not %(entered)s.") % {
            "card": Sex(card_sex).label, "entered": Sex(sex).label,
        }  # fmt: skip
    elif sex in ("", None, Sex.UNKNOWN):
        cleaned["sex"] = card_sex


def clean_patient_data(data: dict[str, Any], *, from_his: bool = False) -> dict[str, Any]:
    """Check and normalise patient fields; raise ValidationError naming each bad field.
    From the HIS, an ID-card number that fails its check is kept, flagged unverified."""
    errors: dict[str, str] = {}
    cleaned = {k: data[k] for k in PATIENT_FIELDS if k in data}
    for key in ("patient_id", "name", "family_name", "given_name", "id_card", "phone",
                "allergy_history", "address"):  # fmt: skip
        if key in cleaned:
            cleaned[key] = (cleaned[key] or "").strip()
    if cleaned.get("name") and not (cleaned.get("family_name") or cleaned.get("given_name")):
        cleaned["family_name"], cleaned["given_name"] = split_name(cleaned["name"])
    if cleaned.get("name"):
        cleaned["name_initials"] = name_initials(cleaned["name"])
    if "patient_id" in cleaned and not cleaned["patient_id"] and from_his:
        errors["patient_id"] = _("The patient ID is required.")
    if "name" in cleaned and not cleaned["name"]:
        errors["name"] = _("The name is required.")
    if "sex" in cleaned and cleaned["sex"] not in Sex.values:
        errors["sex"] = _("Choose a sex.")
    if "source" in cleaned and cleaned["source"] not in PatientSource.values:
        errors["source"] = _("Choose where the patient comes from.")
    card = cleaned.get("id_card")
    if card:
        cleaned["id_card"] = card = card.upper()
        problem = id_card_problem(card)
        cleaned["id_card_unverified"] = bool(problem)
        if problem and not from_his:
            errors["id_card"] = problem
        elif not problem and not from_his:
            _check_card_against(cleaned, errors)
    if "residence_distance_km" in cleaned:
        distance = cleaned["residence_distance_km"]
        if distance in ("", None):
            cleaned["residence_distance_km"] = None
        elif not str(distance).isdigit() or int(distance) > 5000:
            errors["residence_distance_km"] = _("The distance is a whole number of kilometres.")
        else:
            cleaned["residence_distance_km"] = int(distance)
    birth = cleaned.get("birth_date")
    if isinstance(birth, dt.date) and birth > timezone.localdate():
        errors["birth_date"] = _("The birth date is in the future.")
    if errors:
        raise ValidationError(errors)
    return cleaned


def next_patient_id() -> str:
    """The hospital's own patient number, for patients the HIS has not numbered: the
    registration day and a running number (P2026120400001)."""
    return numbering.daily_number("P", timezone.localdate())


def register_patient(
    actor, data: dict[str, Any], *, ip: str | None = None, from_his: bool = False
) -> Patient:
    """Register a patient with personal details and allergy history; audited. Without a
    patient ID from the HIS, the hospital's numbering gives one."""
    require(actor, Action.REGISTER_PATIENT)
    data = {**{k: "" for k in PATIENT_FIELDS}, **data}
    cleaned = clean_patient_data(data, from_his=from_his)
    # No savepoint (the services below share the caller's transaction); the refusal is raised
    # after the block, so a caller's own transaction stays usable.
    with transaction.atomic(savepoint=False):
        if not cleaned["patient_id"] and not from_his:
            cleaned["patient_id"] = next_patient_id()
        if not Patient.objects.filter(patient_id=cleaned["patient_id"]).exists():
            return _create_patient(actor, cleaned, ip)
    raise ValidationError({"patient_id": _("A patient with this ID already exists.")})


def _create_patient(actor, cleaned: dict[str, Any], ip: str | None) -> Patient:
    cleaned["birth_date"] = cleaned.get("birth_date") or None
    patient = Patient.objects.create(**cleaned)
    audit.record(actor, AuditAction.CREATE, patient, after=cleaned, ip=ip)
    return patient


def receive_his_patient(actor, data: dict[str, Any]) -> Patient:
    """The HIS's view of a patient (HL7 PID): a new record, or what it adds to the one Yiji
    holds. An order's PID may be thinner than the ADT's, so what it leaves empty never
    blanks out what is known."""
    require(actor, Action.REGISTER_PATIENT)
    with transaction.atomic(savepoint=False):
        # Locked on PostgreSQL until the commit: two messages about one patient on two
        # connections apply one after the other.
        patient = Patient.objects.select_for_update().filter(patient_id=data["patient_id"]).first()
        if patient is None:
            cleaned = clean_patient_data(
                {**dict.fromkeys(PATIENT_FIELDS, ""), **data}, from_his=True
            )
            return _create_patient(actor, cleaned, None)
        known = {k: v for k, v in data.items() if k != "patient_id" and v not in ("", None)}
        if known.get("sex") == Sex.UNKNOWN:
            del known["sex"]
        require(actor, Action.REGISTER_PATIENT, patient)
        return _change_patient(actor, patient, clean_patient_data(known, from_his=True), None)


def update_patient(
    actor, patient: Patient, data: dict[str, Any], *, ip=None, from_his: bool = False
) -> Patient:
    require(actor, Action.REGISTER_PATIENT, patient)
    cleaned = clean_patient_data(data, from_his=from_his)
    with transaction.atomic(savepoint=False):
        patient = Patient.objects.select_for_update().get(pk=patient.pk)
        return _change_patient(actor, patient, cleaned, ip)


def _change_patient(actor, patient: Patient, cleaned: dict[str, Any], ip) -> Patient:
    """Write the changed details of a locked patient, audited with before and after."""
    cleaned.pop("patient_id", None)  # the hospital ID is the patient's identity; never edited
    before = audit.snapshot(patient, list(cleaned))
    for key, new in cleaned.items():
        setattr(patient, key, (new or None) if key == "birth_date" else new)
    old, new = audit.changes(before, audit.snapshot(patient, list(cleaned)))
    if new:
        patient.updated_at = timezone.now()
        patient.save()
        audit.record(actor, AuditAction.UPDATE, patient, before=old, after=new, ip=ip)
    return patient


@carries_out("ORD-6")
def replace_his_allergies(actor, patient: Patient, allergies: list[dict[str, Any]]) -> bool:
    """The HIS's allergy list (HL7 AL1) replaces what it sent before; the desk's entries stay.
    Returns whether the list changed."""
    require(actor, Action.REGISTER_PATIENT, patient)
    wanted = [
        {
            "category": a.get("category") or AllergyCategory.OTHER,
            "substance": (a.get("substance") or "").strip()[:100],
            "code": (a.get("code") or "").strip()[:32],
            "severity": a.get("severity") or AllergySeverity.UNKNOWN,
            "reaction": (a.get("reaction") or "").strip()[:200],
            "noted_on": a.get("noted_on"),
        }
        for a in allergies
        if (a.get("substance") or a.get("code") or "").strip()
    ]
    for row in wanted:
        row["substance"] = row["substance"] or row["code"]
    fields = ["category", "substance", "code", "severity", "reaction", "noted_on"]
    with transaction.atomic():
        current = list(patient.allergies.filter(from_his=True).values(*fields))
        if current == wanted:
            return False
        patient.allergies.filter(from_his=True).delete()
        Allergy.objects.bulk_create(
            Allergy(patient=patient, from_his=True, **row) for row in wanted
        )
        audit.record(
            actor, AuditAction.UPDATE, patient,
            before={"allergies": [a["substance"] for a in current]},
            after={"allergies": [a["substance"] for a in wanted]},
        )  # fmt: skip
    return True


def contrast_allergies(patient: Patient) -> list[Allergy]:
    return [a for a in patient.allergies.all() if a.is_contrast]


@carries_out("ORD-7")
def open_patient_record(actor, patient: Patient, *, via: str, ip: str | None = None) -> Patient:
    """Every view of a patient's record is checked — by role, then by relationship, else a
    break-glass reason (ARC-5) — and logged (ORD-7)."""
    require(actor, Action.VIEW_PATIENT, patient)
    return access.open_record(actor, patient, via=via, ip=ip)


@carries_out("ORD-7")
def search_patients(actor, query: str, source: str = "") -> QuerySet:
    """Patients matching a query, among those the person may see (ARC-5). The caller logs
    the page it shows with `access.record_list` (ORD-7)."""
    require(actor, Action.VIEW_PATIENT)
    patients = Patient.objects.filter(merged_into=None).order_by("-created_at", "-pk")
    query = query.strip()
    if query:
        matches = (
            Q(patient_id=query)
            | Q(name__startswith=query)
            | Q(id_card=query.upper())
            | Q(phone=query)
        )
        if query.isalnum() and len(query) >= 6:  # an accession number on a slip or a film
            matches |= Q(pk__in=Patient.objects.filter(exams__accession=query.upper()).values("pk"))
        if query.isascii() and query.isalpha():  # pinyin initials: wjg finds 王建国
            matches |= Q(name_initials__startswith=query.lower())
        patients = patients.filter(matches)
    if source:
        patients = patients.filter(source=source)
    return access.visible_patients(actor, patients)


@dataclass(frozen=True)
class StaffSpec:
    username: str
    employee_no: str
    name: str
    sex: str = Sex.UNKNOWN
    physician_title: int | None = None
    technologist_title: int | None = None
    trainee_kind: str = ""
    phone: str = ""


@carries_out("STF-1")
def add_staff(
    actor,
    hospital: Hospital,
    spec: StaffSpec,
    password: str,
    departments: list[tuple[Department, WorkGroup | None]],
    roles: list[tuple[str, Department | None, WorkGroup | None]],
    *,
    password_is_hashed: bool = False,
) -> Staff:
    """A staff member with an account, departments (the first is primary) and roles (STF-1)."""
    if actor is not None:
        require(actor, Action.MANAGE_STAFF)
    user_model = get_user_model()
    with transaction.atomic():
        user = user_model(username=spec.username)
        if password_is_hashed:
            user.password = password
        else:
            user.set_password(password)
        user.save()
        staff = Staff.objects.create(
            user=user,
            hospital=hospital,
            employee_no=spec.employee_no,
            name=spec.name,
            sex=spec.sex,
            phone=spec.phone,
            physician_title=spec.physician_title,
            technologist_title=spec.technologist_title,
            trainee_kind=spec.trainee_kind,
        )
        for index, (department, group) in enumerate(departments):
            Membership.objects.create(
                staff=staff, department=department, group=group, primary=index == 0
            )
        for role, department, group in roles:
            RoleAssignment.objects.create(
                staff=staff, role=role, department=department, group=group
            )
        user.is_staff = any(role == "admin" for role, _d, _g in roles)
        user.save(update_fields=["is_staff"])
        audit.record(
            actor,
            AuditAction.CREATE,
            staff,
            after={
                "username": spec.username,
                "roles": [r for r, _d, _g in roles],
                "departments": [d.code for d, _g in departments],
            },
        )
    return staff


def add_credential(actor, staff: Staff, **fields: Any) -> Credential:
    """A licence, certificate, training result or medical on a person's file (RAD-1)."""
    if actor is not None:
        require(actor, Action.MANAGE_STAFF)
    errors = {}
    if fields.get("kind") not in CredentialKind.values:
        errors["kind"] = _("Choose the kind of credential.")
    if not str(fields.get("number") or "").strip():
        errors["number"] = _("The number is required.")
    issued, expires = fields.get("issued_on"), fields.get("expires_on")
    if issued and expires and expires < issued:
        errors["expires_on"] = _("It cannot expire before it was issued.")
    if errors:
        raise ValidationError(errors)
    credential = Credential.objects.create(staff=staff, **fields)
    audit.record(actor, AuditAction.CREATE, credential, after=fields)
    return credential


def merge_patients(actor, survivor: Patient, duplicate: Patient) -> Patient:
    """Two records of one person (HL7 ADT^A40): the duplicate's requisitions and exams move to
    the survivor; the duplicate is kept, marked as merged, so its history stays readable."""
    require(actor, Action.REGISTER_PATIENT, survivor)
    if survivor.pk == duplicate.pk:
        return survivor
    with transaction.atomic():
        duplicate = Patient.objects.select_for_update().get(pk=duplicate.pk)
        if duplicate.merged_into_id == survivor.pk:
            return survivor
        moved = {}
        for relation in ("requisitions", "exams"):
            moved[relation] = getattr(duplicate, relation).update(patient=survivor)
        duplicate.merged_into = survivor
        duplicate.updated_at = timezone.now()
        duplicate.save(update_fields=["merged_into", "updated_at"])
        audit.record(
            actor,
            AuditAction.UPDATE,
            duplicate,
            after={"merged_into": survivor.patient_id, **moved},
            reason="merge",
        )
    return survivor


# The regulations' own words for each role's duties (STF-1), until a department writes its own.
DEFAULT_RESPONSIBILITIES = {
    Role.DIRECTOR: "科室主任负责制定科室发展规划，组织科室日常工作，监督科室运行情况；"
    "对科室医疗、教学、科研和行政管理全面负责。",
    Role.DEPUTY_DIRECTOR: "副主任协助主任工作，分管科室的医疗、教学、科研等工作。",
    Role.GROUP_LEADER: "组长负责本组技术工作的管理，包括人员排班、培训、考核、设备维护等工作。",
    Role.PHYSICIAN: "诊断医师负责影像诊断，书写和审核报告，参加集体阅片与会诊。",
    Role.TECHNOLOGIST: "技师负责影像检查的实施、图像质量、设备日常保养与辐射防护。",
    Role.CLERK: "登记人员负责患者接待、登记、预约与分诊，以及资料整理。",
    Role.NURSE: "护士负责检查前准备、对比剂注射与观察、急救配合与院感防控。",
    Role.ENGINEER: "设备工程师负责设备维护、维修、质控检测与技术档案。",
    Role.QC_OFFICER: "质控员负责质量控制检查、质量指标统计与整改跟踪。",
}


def responsibilities(department: Department | None) -> dict[str, str]:
    """Each role's responsibilities for a department: its own text, else the hospital's,
    else the regulations' default."""
    text = {role: value for role, value in DEFAULT_RESPONSIBILITIES.items()}
    rows = Responsibility.objects.filter(department__isnull=True)
    if department is not None:
        rows = rows | Responsibility.objects.filter(department=department)
    for row in rows.order_by("department_id"):  # the department's own rows come last and win
        text[row.role] = row.text
    return text


@carries_out("STF-1")
def set_responsibility(actor, department: Department | None, role: str, text: str):
    """The director writes a role's responsibilities; audited with the old text."""
    require(actor, Action.MANAGE_STAFF)
    if role not in Role.values or not text.strip():
        raise ValidationError({"text": _("Choose a role and write its responsibilities.")})
    with transaction.atomic():
        row = Responsibility.objects.filter(department=department, role=role).first()
        before = {"text": row.text} if row else None
        if row is None:
            row = Responsibility(department=department, role=role)
        row.text = text.strip()
        row.updated_at = timezone.now()
        row.save()
        audit.record(actor, AuditAction.UPDATE, row, before=before, after={"text": row.text})
    return row
