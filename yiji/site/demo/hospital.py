"""A believable demo hospital: departments, groups, rooms, 40+ staff, patients, demo accounts."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from yiji.core import audit
from yiji.core.models import (
    AuditAction,
    CredentialKind,
    Department,
    DepartmentKind,
    Hospital,
    HospitalLevel,
    Patient,
    PatientSource,
    PhysicianTitle,
    Role,
    Room,
    Sex,
    Staff,
    TechnologistTitle,
    TraineeKind,
    WorkGroup,
)
from yiji.core.services import StaffSpec, add_credential, add_staff

DEMO_PASSWORD = "Demo2026yiji"
HOSPITAL_CODE = "DEMO"

DEPARTMENTS = [
    ("RAD", "医学影像科", "Medical Imaging", DepartmentKind.IMAGING),
    ("US", "超声科", "Ultrasound", DepartmentKind.ULTRASOUND),
    ("ECG", "心电图室", "ECG", DepartmentKind.ECG),
    ("LAB", "检验科", "Clinical Laboratory", DepartmentKind.LAB),
    ("ED", "急诊科", "Emergency", DepartmentKind.CLINICAL),
    ("CARD", "心血管内科", "Cardiology", DepartmentKind.CLINICAL),
    ("RESP", "呼吸内科", "Respiratory Medicine", DepartmentKind.CLINICAL),
    ("GI", "消化内科", "Gastroenterology", DepartmentKind.CLINICAL),
    ("NEUR", "神经内科", "Neurology", DepartmentKind.CLINICAL),
    ("SURG", "普通外科", "General Surgery", DepartmentKind.CLINICAL),
    ("ORTH", "骨科", "Orthopaedics", DepartmentKind.CLINICAL),
    ("OBGY", "妇产科", "Obstetrics and Gynaecology", DepartmentKind.CLINICAL),
    ("PED", "儿科", "Paediatrics", DepartmentKind.CLINICAL),
    ("CHK", "体检中心", "Health Check-up Centre", DepartmentKind.CLINICAL),
    ("MED", "医务科", "Medical Affairs", DepartmentKind.ADMINISTRATION),
    ("IT", "信息科", "Information Technology", DepartmentKind.ADMINISTRATION),
    ("EQP", "设备科", "Equipment", DepartmentKind.ADMINISTRATION),
]

GROUPS = [
    ("RAD", "XR", "普放组", "General radiography"),
    ("RAD", "CT", "CT组", "CT"),
    ("RAD", "MR", "MRI组", "MRI"),
    ("RAD", "IR", "介入组", "Interventional"),
]

ROOMS = [
    # department, group, code, name, location, modalities
    ("RAD", "XR", "DR1", "DR一室", "门诊楼一层", ["DR", "CR"]),
    ("RAD", "XR", "DR2", "DR二室", "门诊楼一层", ["DR", "CR"]),
    ("RAD", "XR", "RF1", "胃肠造影室", "门诊楼一层", ["RF"]),
    ("RAD", "XR", "MG1", "乳腺摄影室", "门诊楼一层", ["MG"]),
    ("RAD", "CT", "CT1", "CT一室", "医技楼一层", ["CT"]),
    ("RAD", "CT", "CT2", "CT二室", "医技楼一层", ["CT"]),
    ("RAD", "MR", "MR1", "MRI一室", "医技楼负一层", ["MR"]),
    ("RAD", "IR", "DSA1", "DSA介入室", "医技楼二层", ["DSA"]),
    ("US", None, "US1", "超声一室", "门诊楼二层", ["US"]),
    ("US", None, "US2", "超声二室", "门诊楼二层", ["US"]),
    ("US", None, "US3", "超声三室（妇产）", "门诊楼二层", ["US"]),
    ("ECG", None, "ECG1", "心电图一室", "门诊楼二层", ["ECG"]),
    ("ECG", None, "ECG2", "运动平板室", "门诊楼二层", ["ECG"]),
    ("LAB", None, "LAB1", "门诊采血室", "门诊楼一层", []),
    ("LAB", None, "LAB2", "生化免疫室", "医技楼三层", []),
]

P = PhysicianTitle
T = TechnologistTitle


@dataclass(frozen=True)
class Person:
    username: str
    name: str
    sex: str
    department: str
    group: str | None
    roles: tuple[str, ...]
    physician: int | None = None
    technologist: int | None = None
    trainee: str = ""
    role_department: str | None = "same"


# One account per role, named in the README. The director is the hospital-wide director of
# the medical-technology departments (医技部主任), so may set hospital-wide policy values.
DEMO_ACCOUNTS = [
    Person(
        "director",
        "王建国",
        Sex.MALE,
        "RAD",
        None,
        (Role.DIRECTOR, Role.PHYSICIAN),
        P.CHIEF,
        role_department=None,
    ),
    Person(
        "deputy",
        "李淑华",
        Sex.FEMALE,
        "RAD",
        None,
        (Role.DEPUTY_DIRECTOR, Role.PHYSICIAN),
        P.ASSOCIATE_CHIEF,
    ),
    Person(
        "leader",
        "张志强",
        Sex.MALE,
        "RAD",
        "CT",
        (Role.GROUP_LEADER, Role.PHYSICIAN),
        P.ASSOCIATE_CHIEF,
    ),
    Person("physician", "刘洋", Sex.MALE, "RAD", "CT", (Role.PHYSICIAN,), P.ATTENDING),
    Person(
        "trainee",
        "陈晓雯",
        Sex.FEMALE,
        "RAD",
        "XR",
        (Role.TRAINEE,),
        P.RESIDENT,
        trainee=TraineeKind.RESIDENCY,
    ),
    Person("tech", "赵磊", Sex.MALE, "RAD", "CT", (Role.TECHNOLOGIST,), technologist=T.SUPERVISOR),
    Person("clerk", "孙丽", Sex.FEMALE, "RAD", None, (Role.CLERK,)),
    Person("nurse", "周敏", Sex.FEMALE, "RAD", None, (Role.NURSE,)),
    Person("engineer", "吴刚", Sex.MALE, "EQP", None, (Role.ENGINEER,)),
    Person(
        "qc",
        "郑海燕",
        Sex.FEMALE,
        "RAD",
        None,
        (Role.QC_OFFICER, Role.TECHNOLOGIST),
        technologist=T.ASSOCIATE_CHIEF,
    ),
    Person("clinician", "冯涛", Sex.MALE, "ED", None, (Role.CLINICIAN,), P.ATTENDING),
    Person("medaffairs", "何静", Sex.FEMALE, "MED", None, (Role.MEDICAL_AFFAIRS,)),
    Person(
        "labtech",
        "马超",
        Sex.MALE,
        "LAB",
        None,
        (Role.LAB_TECHNOLOGIST,),
        technologist=T.TECHNOLOGIST,
    ),
    Person(
        "labreviewer",
        "林芳",
        Sex.FEMALE,
        "LAB",
        None,
        (Role.LAB_REVIEWER, Role.LAB_TECHNOLOGIST),
        technologist=T.SUPERVISOR,
    ),
    Person("admin", "黄伟", Sex.MALE, "IT", None, (Role.ADMIN,)),
]

# The rest of the department: who works where, with which title and roles.
STAFF_PLAN = [
    # department, group, count, roles, physician title, technologist title, trainee kind
    ("RAD", "XR", 2, (Role.PHYSICIAN,), P.RESIDENT, None, ""),
    ("RAD", "CT", 2, (Role.PHYSICIAN,), P.ATTENDING, None, ""),
    ("RAD", "MR", 1, (Role.GROUP_LEADER, Role.PHYSICIAN), P.CHIEF, None, ""),
    ("RAD", "MR", 2, (Role.PHYSICIAN,), P.ATTENDING, None, ""),
    ("RAD", "IR", 1, (Role.GROUP_LEADER, Role.PHYSICIAN), P.ASSOCIATE_CHIEF, None, ""),
    ("RAD", "XR", 1, (Role.GROUP_LEADER, Role.TECHNOLOGIST), None, T.CHIEF, ""),
    ("RAD", "XR", 3, (Role.TECHNOLOGIST,), None, T.TECHNOLOGIST, ""),
    ("RAD", "CT", 2, (Role.TECHNOLOGIST,), None, T.TECHNICIAN, ""),
    ("RAD", "MR", 2, (Role.TECHNOLOGIST,), None, T.SUPERVISOR, ""),
    ("RAD", "IR", 1, (Role.TECHNOLOGIST,), None, T.TECHNOLOGIST, ""),
    ("RAD", "XR", 1, (Role.TRAINEE,), P.RESIDENT, None, TraineeKind.VISITING),
    ("RAD", "CT", 1, (Role.TRAINEE,), None, None, TraineeKind.INTERN),
    ("RAD", None, 1, (Role.CLERK,), None, None, ""),
    ("US", None, 1, (Role.DIRECTOR, Role.PHYSICIAN), P.CHIEF, None, ""),
    ("US", None, 3, (Role.PHYSICIAN,), P.ATTENDING, None, ""),
    ("US", None, 1, (Role.PHYSICIAN,), P.RESIDENT, None, ""),
    ("ECG", None, 1, (Role.DIRECTOR, Role.PHYSICIAN), P.ASSOCIATE_CHIEF, None, ""),
    ("ECG", None, 2, (Role.PHYSICIAN,), P.ATTENDING, None, ""),
    ("LAB", None, 1, (Role.DIRECTOR, Role.LAB_REVIEWER), None, T.CHIEF, ""),
    ("LAB", None, 3, (Role.LAB_TECHNOLOGIST,), None, T.TECHNOLOGIST, ""),
    ("CARD", None, 1, (Role.CLINICIAN,), P.ASSOCIATE_CHIEF, None, ""),
    ("RESP", None, 1, (Role.CLINICIAN,), P.ATTENDING, None, ""),
    ("SURG", None, 1, (Role.CLINICIAN,), P.ATTENDING, None, ""),
    ("OBGY", None, 1, (Role.CLINICIAN,), P.ATTENDING, None, ""),
]

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡"
    "余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯"
    "龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英玉兰建华文辉立新志红海燕金凤"
    "国庆淑珍春梅云飞晓东丹宇浩然子涵梓萱欣怡雨桐佳怡俊杰思远嘉怡家豪"
)
ALLERGIES = [
    "",
    "",
    "",
    "",
    "青霉素过敏",
    "碘对比剂过敏史（荨麻疹）",
    "头孢类过敏",
    "海鲜过敏",
    "磺胺类过敏",
]
REGIONS = ["110101", "310104", "440106", "510107", "330102", "420106", "320102", "370102"]
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def _id_card(rng: random.Random, birth: dt.date, sex: str) -> str:
    order = rng.randrange(0, 500) * 2 + (1 if sex == Sex.MALE else 0)
    body = f"{rng.choice(REGIONS)}{birth:%Y%m%d}{order:03d}"
    total = sum(int(d) * w for d, w in zip(body, _WEIGHTS, strict=True))
    return body + "10X98765432"[total % 11]


def _name(rng: random.Random) -> str:
    given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
    return rng.choice(SURNAMES) + given


DICOM_MODALITIES = {"DR", "CR", "CT", "MR", "DSA", "MG", "RF", "US"}


def load(stdout=None) -> bool:
    """Build the demo hospital once; return False when it is already there."""
    if Hospital.objects.filter(code=HOSPITAL_CODE).exists():
        return False
    rng = random.Random(20261123)
    with transaction.atomic():
        hospital = Hospital.objects.create(
            code=HOSPITAL_CODE,
            name="云州市第一人民医院",
            name_en="Yunzhou First People's Hospital",
            level=HospitalLevel.TERTIARY,
            address="云州市人民路1号",
        )
        departments = {
            code: Department.objects.create(
                hospital=hospital, code=code, name=name, name_en=name_en, kind=kind
            )
            for code, name, name_en, kind in DEPARTMENTS
        }
        groups = {
            code: WorkGroup.objects.create(
                department=departments[dept], code=code, name=name, name_en=name_en
            )
            for dept, code, name, name_en in GROUPS
        }
        for dept, group, code, name, location, modalities in ROOMS:
            Room.objects.create(
                department=departments[dept],
                group=groups.get(group) if group else None,
                code=code,
                name=name,
                location=location,
                modalities=modalities,
                # Each room's modality asks Yiji's DICOM worklist under the room code.
                ae_title=code if set(modalities) & DICOM_MODALITIES else "",
            )
        people = list(DEMO_ACCOUNTS) + _planned_people(rng)
        password = make_password(DEMO_PASSWORD)  # hashed once: hashing is slow on purpose
        for number, person in enumerate(people, start=1):
            _add_person(rng, hospital, departments, groups, person, number, password)
        _add_patients(rng, 240)
        audit.record(None, AuditAction.CREATE, hospital, reason="demo data loaded")
    return True


def _planned_people(rng: random.Random) -> list[Person]:
    people = []
    for index, (dept, group, count, roles, ptitle, ttitle, trainee) in enumerate(STAFF_PLAN):
        for n in range(count):
            people.append(
                Person(
                    f"s{index:02d}{n}",
                    _name(rng),
                    rng.choice([Sex.MALE, Sex.FEMALE]),
                    dept,
                    group,
                    roles,
                    ptitle,
                    ttitle,
                    trainee,
                )
            )
    # A township-style colleague: one sonographer who also reads ECGs.
    people.append(
        Person("s990", _name(rng), Sex.FEMALE, "US", None, (Role.PHYSICIAN,), P.ATTENDING)
    )
    return people


def _add_person(
    rng, hospital, departments, groups, person: Person, number: int, password: str
) -> Staff:
    dept = departments[person.department]
    group = groups.get(person.group) if person.group else None
    role_dept = dept if person.role_department == "same" and dept.is_medtech else None
    roles = []
    for role in person.roles:
        on_group = group if role == Role.GROUP_LEADER else None
        roles.append((role, role_dept, on_group))
    memberships = [(dept, group)]
    if person.username == "s990":
        memberships.append((departments["ECG"], None))
    staff = add_staff(
        None,
        hospital,
        StaffSpec(
            username=person.username,
            employee_no=f"{1000 + number}",
            name=person.name,
            sex=person.sex,
            physician_title=person.physician,
            technologist_title=person.technologist,
            trainee_kind=person.trainee,
            phone=f"138{rng.randrange(10**7, 10**8)}",
        ),
        password,
        memberships,
        roles,
        password_is_hashed=True,
    )
    _add_credentials(rng, staff, dept)
    return staff


def _add_credentials(rng: random.Random, staff: Staff, dept: Department) -> None:
    today = timezone.localdate()
    if staff.physician_title and not staff.trainee_kind:
        add_credential(
            None,
            staff,
            kind=CredentialKind.PRACTISING_LICENCE,
            number=f"1104{rng.randrange(10**10, 10**11)}",
            issued_on=today - dt.timedelta(days=rng.randrange(400, 6000)),
        )
    if dept.kind == DepartmentKind.IMAGING:
        issued = today - dt.timedelta(days=rng.randrange(30, 1900))
        add_credential(
            None,
            staff,
            kind=CredentialKind.RADIATION_TRAINING,
            number=f"FS{rng.randrange(10**6, 10**7)}",
            issued_on=issued,
            expires_on=issued + dt.timedelta(days=5 * 365),
        )
        if staff.technologist_title:
            # Numbered from the person, not the random sequence, so the rest of the demo
            # stays as it was before the permit was recorded.
            add_credential(
                None,
                staff,
                kind=CredentialKind.RADIATION_WORK_PERMIT,
                number=f"FG{staff.employee_no}",
                issued_on=issued,
                expires_on=issued + dt.timedelta(days=4 * 365),
            )
        if staff.technologist_title or staff.physician_title:
            add_credential(
                None,
                staff,
                kind=CredentialKind.LARGE_EQUIPMENT,
                number=f"DX{rng.randrange(10**6, 10**7)}",
                scope="CT/MR/DSA",
                issued_on=today - dt.timedelta(days=rng.randrange(100, 3000)),
            )
    medical = today - dt.timedelta(days=rng.randrange(30, 760))
    add_credential(
        None,
        staff,
        kind=CredentialKind.PRE_JOB_MEDICAL,
        number=f"TJ{rng.randrange(10**5, 10**6)}",
        issued_on=medical,
        expires_on=medical + dt.timedelta(days=730),
    )


def _add_patients(rng: random.Random, count: int) -> None:
    today = timezone.localdate()
    patients = []
    for n in range(count):
        sex = rng.choice([Sex.MALE, Sex.FEMALE])
        birth = today - dt.timedelta(days=rng.randrange(365, 90 * 365))
        patients.append(
            Patient(
                patient_id=f"P{2026000000 + n * 7919 % 1000000:010d}",
                name=_name(rng),
                sex=sex,
                birth_date=birth,
                id_card=_id_card(rng, birth, sex) if birth.year >= 1950 else "",
                phone=f"139{rng.randrange(10**7, 10**8)}",
                allergy_history=rng.choice(ALLERGIES),
                source=rng.choice(PatientSource.values),
            )
        )
    Patient.objects.bulk_create(patients)
