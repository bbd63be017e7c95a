"""Every door to a patient's record is guarded (issue 24, points 1 and 2). The test walks
every URL of Yiji — pages, API and FHIR — that takes a record id, fills it with the ids of one
patient's records (patient, requisition, exam, report, specimen, allergy), and asks as staff
with no relation to that patient. Any 200 is a door left open: the answer must be a refusal
(the break-glass page, a 403, an OperationOutcome) or not-found. New views are walked without
anyone adding them here. The ids are chosen far from any other row's, so a 200 can only come
from the patient's records."""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from tests.orders.fixtures import _item
from yiji.core import accounts
from yiji.core.models import (
    Allergy,
    AllergyCategory,
    Department,
    DepartmentKind,
    Patient,
    Role,
)
from yiji.lab.models import Container, Specimen
from yiji.orders.models import Exam, ExamStatus, Requisition
from yiji.reports.models import Report, ReportStatus

IDS = {"exam": 900001, "requisition": 900002, "patient": 900003, "report": 900004,
       "specimen": 900005, "allergy": 900006, "lab_exam": 900007}  # fmt: skip
# The patient's record numbers as text: the HIS patient ID, accession, barcode, requisition.
CODES = ["SECRET-1", "A-SECRET", "S-SECRET", "R-SECRET"]
SKIP = {"logout", "set_language", "fhir_unknown"}


def _patterns(resolver=None, prefix=""):
    """(route, name, converters) for every URL of the project, nested includes flattened."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _patterns(entry, route)
        elif isinstance(entry, URLPattern):
            converters = getattr(entry.pattern, "converters", {})
            yield route, entry.name, prefix, entry, converters


def _urls_with_ids():
    """Each URL that takes an id, once per record id (every id parameter filled the same)."""
    found = []
    for route, name, _prefix, _entry, converters in _patterns():
        if name in SKIP or "<" not in route and "{" not in route:
            continue
        params = list(converters) or [p.split(":")[-1] for p in _params(route)]
        if not params:
            continue
        for value in [*IDS.values(), *CODES]:
            path = route
            for param in _params(route):
                if isinstance(value, str) and not param.startswith(("str:", "path:")):
                    break  # a code fills only text parameters
                path = path.replace(f"<{param}>", str(value))
            else:
                found.append("/" + path.lstrip("^").rstrip("$"))
    return sorted(set(found))


def _params(route: str) -> list[str]:
    out, rest = [], route
    while "<" in rest:
        start = rest.index("<")
        end = rest.index(">", start)
        out.append(rest[start + 1 : end])
        rest = rest[end + 1 :]
    return out


@pytest.fixture
def records(imaging, make_staff, hospital):
    ward = Department.objects.create(
        hospital=hospital, code="NEURO", name="神经内科", kind=DepartmentKind.CLINICAL
    )
    lab = Department.objects.create(
        hospital=hospital, code="LABX", name="检验科", kind=DepartmentKind.LAB
    )
    ordering = make_staff(Role.CLINICIAN, department=ward)
    author = make_staff(Role.PHYSICIAN)
    now = timezone.now()
    patient = Patient.objects.create(
        pk=IDS["patient"], patient_id="SECRET-1", name="隐私患者", sex="F",
        birth_date=dt.date(1960, 1, 2), id_card="11010519491231002X", phone="13900000009",
        allergy_history="碘过敏", source="inpatient",
    )  # fmt: skip
    Allergy.objects.create(pk=IDS["allergy"], patient=patient, category=AllergyCategory.CONTRAST,
                           substance="碘海醇")  # fmt: skip
    requisition = Requisition.objects.create(
        pk=IDS["requisition"], number="R-SECRET", patient=patient, ordering_physician=ordering,
        ordering_department=ward, clinical_history="绝密病史", clinical_diagnosis="绝密诊断",
        purpose="绝密目的",
    )  # fmt: skip
    item = _item(imaging, "CT-SECRET", "CT", name="头颅CT平扫")
    exam = Exam.objects.create(
        pk=IDS["exam"], requisition=requisition, patient=patient, item=item,
        department=imaging, modality="CT", status=ExamStatus.COMPLETED, accession="A-SECRET",
        created_at=now, completed_at=now,
    )  # fmt: skip
    Report.objects.create(
        pk=IDS["report"], exam=exam, status=ReportStatus.FINAL, findings="绝密所见",
        impression="绝密印象", author=author, final_at=now, released_at=now,
    )  # fmt: skip
    lab_item = _item(lab, "LAB-SECRET", "LAB", name="血常规")
    lab_exam = Exam.objects.create(
        pk=IDS["lab_exam"], requisition=requisition, patient=patient, item=lab_item,
        department=lab, modality="LAB", status=ExamStatus.IN_PROGRESS, created_at=now,
    )  # fmt: skip
    Specimen.objects.create(pk=IDS["specimen"], barcode="S-SECRET", exam=lab_exam,
                            container=Container.choices[0][0])  # fmt: skip
    return patient


@pytest.fixture
def strangers(make_staff, ultrasound, hospital):
    """Staff of the hospital with no relation to the patient."""
    other_ward = Department.objects.create(
        hospital=hospital, code="ORTHO", name="骨科", kind=DepartmentKind.CLINICAL
    )
    return [
        make_staff(Role.CLINICIAN, department=other_ward, name="别科医生"),
        make_staff(Role.PHYSICIAN, department=ultrasound, name="超声医师"),
        make_staff(Role.TECHNOLOGIST, department=ultrasound, name="超声技师"),
    ]


def _query_values(url: str) -> list[str]:
    return [v for values in parse_qs(urlsplit(url).query).values() for v in values]


def _open_doors(client: Client, urls: list[str]) -> list[str]:
    opened = []
    for url in urls:
        response = client.get(url)
        if response.status_code != 200:
            continue
        kind = response.get("Content-Type", "")
        if "html" not in kind and "json" not in kind:
            opened.append(url)  # a file (PDF, workbook, image) of the patient's
            continue
        body = b"".join(response) if getattr(response, "streaming", False) else response.content
        text = body.decode("utf-8", "replace")
        for echoed in _query_values(url):  # a search box or a bundle's link repeats the query
            text = text.replace(echoed, "").replace(quote(echoed), "")
        if any(secret in text for secret in ("隐私患者", "SECRET", "绝密", "碘海醇")):
            opened.append(url)
    return opened


def test_no_page_api_or_fhir_door_opens_a_stranger_s_record(records, strangers, client_for):
    urls = _urls_with_ids()
    assert any(u.startswith("/fhir/r4/") for u in urls) and any(u.startswith("/api/") for u in urls)
    for person in strangers:
        _token, key = accounts.create_token(person.user, "doors")
        bearer = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
        web = client_for(person)
        opened = _open_doors(web, [u for u in urls if not u.startswith(("/api/", "/fhir/"))])
        opened += _open_doors(bearer, [u for u in urls if u.startswith(("/api/", "/fhir/"))])
        assert opened == [], f"{person.name} opened: {opened}"


SEARCHES = [
    "/patients/?q=隐私患者",
    "/patients/?q=SECRET-1",
    "/worklist/?q=隐私患者",
    "/api/patients?limit=200",
    "/api/patients?q=隐私患者",
    "/api/patients?q=SECRET-1",
    "/fhir/r4/Patient?identifier=SECRET-1",
    "/fhir/r4/Patient?name=隐私",
    "/fhir/r4/Patient?identifier=urn:oid:2.16.156.10011.1.3|11010519491231002X",
    f"/fhir/r4/ServiceRequest?patient={IDS['patient']}",
    f"/fhir/r4/AllergyIntolerance?patient={IDS['patient']}",
    f"/fhir/r4/ImagingStudy?patient={IDS['patient']}",
    f"/fhir/r4/DiagnosticReport?patient={IDS['patient']}",
]


def test_no_list_or_search_returns_a_stranger_s_patient(records, strangers, client_for):
    for person in strangers:
        _token, key = accounts.create_token(person.user, "doors")
        bearer = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
        web = client_for(person)
        opened = _open_doors(web, [u for u in SEARCHES if not u.startswith(("/api/", "/fhir/"))])
        opened += _open_doors(bearer, [u for u in SEARCHES if u.startswith(("/api/", "/fhir/"))])
        assert opened == [], f"{person.name} found the patient through: {opened}"


def test_the_id_card_leaves_whole_only_to_an_interface_granted_it(records, capsys):
    from django.core.management import call_command

    from tests.interop.conftest import interface_user

    def card_seen(username: str) -> str:
        _token, key = accounts.create_token(interface_user(username), "scope")
        bundle = (
            Client(HTTP_AUTHORIZATION=f"Bearer {key}")
            .get("/fhir/r4/Patient", {"identifier": "SECRET-1"})
            .json()
        )
        (identifier,) = [
            i for i in bundle["entry"][0]["resource"]["identifier"] if i["use"] == "official"
        ]
        return identifier["value"]

    assert card_seen("pacs") == "110105********002X"  # masked by default
    call_command("interface", "account", "his", "--scope", "id_card")
    assert card_seen("his") == "11010519491231002X"


def test_who_reviewed_the_report_or_holds_an_open_loan_is_related(records, strangers, client_for):
    from yiji.archive.models import Loan, LoanKind, LoanStatus, Medium
    from yiji.core.models import AuditAction, AuditEntry

    clinician, physician, _tech = strangers
    exam_page = f"/exams/{IDS['exam']}/"
    assert client_for(physician).get(exam_page).status_code == 403
    Report.objects.filter(pk=IDS["report"]).update(reviewer=physician)
    assert client_for(physician).get(exam_page).status_code == 200
    assert AuditEntry.objects.filter(
        action=AuditAction.VIEW, patient=records, actor=physician.user
    ).exists()
    loan = Loan.objects.create(
        exam_id=IDS["exam"], kind=LoanKind.choices[0][0], medium=Medium.choices[0][0],
        borrower=clinician, borrower_name=clinician.name, borrower_unit="骨科", purpose="会诊",
        requested_by=clinician, status=LoanStatus.REQUESTED,
    )  # fmt: skip
    assert client_for(clinician).get(exam_page).status_code == 403  # not yet approved
    Loan.objects.filter(pk=loan.pk).update(status=LoanStatus.HANDED_OUT)
    assert client_for(clinician).get(exam_page).status_code == 200
    Loan.objects.filter(pk=loan.pk).update(status=LoanStatus.RETURNED)
    assert client_for(clinician).get(exam_page).status_code == 403  # returned: closed again
