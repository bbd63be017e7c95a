"""The FHIR R4 endpoints. Thin: authenticate the bearer token, read parameters, call the same
services and permission checks as the pages, answer FHIR JSON (errors as OperationOutcome)."""

from __future__ import annotations

import functools
import json
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.views.decorators.csrf import csrf_exempt
from fhir.resources.R4B import get_fhir_model_class
from pydantic import ValidationError as ModelError

from yiji.core import access, accounts, policy
from yiji.core import services as core_services
from yiji.core.models import Allergy, Department, Patient, Role, Staff
from yiji.core.operation_outcome import outcome
from yiji.core.permissions import GRANTS, Action, PermissionRefused, require, roles_of
from yiji.core.rulebook import RuleViolation, record_refusal
from yiji.images import pacs
from yiji.interop.accounts import has_scope
from yiji.interop.dicom.worklist import study_uid
from yiji.interop.fhir import oauth
from yiji.interop.fhir import resources as fhir
from yiji.interop.models import CodeMapping, MappingKind, Scope
from yiji.orders import services as order_services
from yiji.orders.models import Exam, ExamItem, OrderSource, Priority
from yiji.reports.services import results_for

CONTENT_TYPE = "application/fhir+json; charset=utf-8"
MAX_OFFSET = 1_000_000_000
DEFAULT_COUNT, MAX_COUNT = 20, 100
ORDER_FIELD_PATHS = {
    "patient_identity": "ServiceRequest.subject",
    "ordering_physician": "ServiceRequest.requester",
    "ordering_department": "ServiceRequest.extension",
    "clinical_history": "ServiceRequest.note",
    "clinical_diagnosis": "ServiceRequest.reasonCode",
    "purpose": "ServiceRequest.orderDetail",
    "items": "ServiceRequest.code",
}


class Problem(Exception):
    def __init__(self, status: int, code: str, text: str, expression: str = ""):
        super().__init__(text)
        self.status, self.code, self.text, self.expression = status, code, text, expression


def respond(body: dict, status: int = 200, **headers) -> JsonResponse:
    response = JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = CONTENT_TYPE
    for key, value in headers.items():
        response[key] = value
    return response


def endpoint(view):
    """Token authentication and every failure as an OperationOutcome, never an HTML page."""

    @csrf_exempt
    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs):
        header = request.headers.get("Authorization", "")
        user = accounts.user_for_token(header.removeprefix("Bearer ").strip())
        if user is None and (found := oauth.token_account(request)):
            user, scopes = found
            if refusal := oauth.scope_refusal(request, scopes):
                return respond(outcome("forbidden", refusal), 403)
        if user is None:
            return respond(outcome("login", "需要有效的访问令牌（Bearer token）。"), 401)
        request.user = user
        try:
            _refuse_unknown_parameters(request)
            return view(request, *args, **kwargs)
        except Problem as exc:
            return respond(outcome(exc.code, exc.text, expression=exc.expression), exc.status)
        except PermissionRefused as exc:
            return respond(outcome("forbidden", forbidden_text(user, exc.decision)), 403)
        except RuleViolation as exc:
            record_refusal(exc, user, "api", request.path)
            text = f"{exc.zh} [{exc.rule_id}]"
            path = ORDER_FIELD_PATHS.get(exc.field, "")
            return respond(outcome("business-rule", text, expression=path), 422)

    return wrapped


# Who else may do what a refused action does, through FHIR: released reports are read by the
# clinicians of the patient and, all of them, by interface accounts.
ALSO_GRANTED = {Action.READ_RESULTS: Action.RECEIVE_RESULTS}


def forbidden_text(user, decision) -> str:
    """A 403 in the caller's terms: whose token this is, what it may not do, and who may."""

    def labels(roles) -> str:
        return "、".join(str(Role(role).label) for role in sorted(roles))

    allowed = set(GRANTS[decision.action].roles)
    if decision.action in ALSO_GRANTED:
        allowed |= GRANTS[ALSO_GRANTED[decision.action]].roles
    held = labels(roles_of(user)) or "无角色"
    what = str(Action(decision.action).label)
    return (
        f"此访问令牌属于账户“{user.get_username()}”（{held}），不能执行“{what}”；"
        f"此项限于：{labels(allowed)}。{decision.message_zh} [{decision.rule}]"
    )


def base_url(request: HttpRequest) -> str:
    """The server's absolute FHIR base, for fullUrl and Location."""
    return request.build_absolute_uri("/fhir/r4/")


def _searched_type(request: HttpRequest) -> str:
    """The resource type of a type-level search (GET /fhir/r4/Type), or ""."""
    rest = request.path.removeprefix("/fhir/r4/")
    return rest if request.method == "GET" and rest in fhir.RESOURCES else ""


def _known(resource_type: str) -> set[str]:
    return set(fhir.RESOURCES[resource_type][1]) | fhir.COMMON_PARAMETERS


def _refuse_unknown_parameters(request: HttpRequest) -> None:
    """With Prefer: handling=strict a search parameter Yiji does not know is an error (400);
    by default it is ignored and left out of the self link (FHIR R4 3.1.1.5.2)."""
    resource_type = _searched_type(request)
    if not resource_type or "handling=strict" not in request.headers.get("Prefer", ""):
        return
    unknown = sorted(set(request.GET) - _known(resource_type))
    if unknown:
        raise Problem(
            400, "not-supported",
            f"不支持的检索参数：{'、'.join(unknown)}（Prefer: handling=strict）。",
            expression=unknown[0],
        )  # fmt: skip


def unknown_type(request: HttpRequest, rest: str = "") -> JsonResponse:
    """Any other path under /fhir/r4/: a resource type Yiji does not serve."""
    return respond(outcome("not-supported", f"不支持的资源类型或路径：{rest or '（空）'}。"), 404)


def metadata(request: HttpRequest) -> JsonResponse:
    return respond(fhir.capability_statement(request.build_absolute_uri("/fhir/r4/")))


def page_size(request: HttpRequest) -> tuple[int, int]:
    try:
        count = min(int(request.GET.get("_count", DEFAULT_COUNT)), MAX_COUNT)
        offset = max(int(request.GET.get("_offset", 0)), 0)
    except ValueError as exc:
        raise Problem(400, "invalid", "_count 与 _offset 须为整数。") from exc
    if offset > MAX_OFFSET:  # beyond any real result, and beyond what LIMIT/OFFSET accepts
        raise Problem(400, "invalid", f"_offset 不能大于 {MAX_OFFSET}。", expression="_offset")
    return max(count, 0), offset


def page_bundle(
    request: HttpRequest, page: list[dict], offset: int, more: bool, total: int | None = None
) -> JsonResponse:
    """A searchset Bundle of one page, with self and (when `more`) next links that repeat
    only the parameters the search used."""
    resource_type = _searched_type(request)
    used = _known(resource_type) - {"_offset"} if resource_type else set()
    params = {k: v for k, v in request.GET.lists() if k in used}
    base = request.build_absolute_uri(request.path)

    def url(at: int) -> str:
        return f"{base}?{urlencode({**params, '_offset': at}, doseq=True)}"

    next_url = url(offset + len(page)) if more and page else None
    return respond(fhir.bundle(page, total, url(offset), next_url, base_url(request)))


def searchset(request: HttpRequest, rows: QuerySet, to_resource) -> JsonResponse:
    count, offset = page_size(request)
    total = rows.count()
    page = [to_resource(row) for row in rows[offset : offset + count]]
    return page_bundle(request, page, offset, offset + count < total, total)


def _token(value: str) -> tuple[str, str]:
    system, _bar, code = value.rpartition("|")
    return system, code


def date_filter(rows: QuerySet, field: str, values: list[str]) -> QuerySet:
    """FHIR date search on the day: eq (the default), ge, gt, le, lt."""
    lookups = {"eq": "", "ge": "__gte", "gt": "__gt", "le": "__lte", "lt": "__lt"}
    for value in values:
        prefix, text = (value[:2], value[2:]) if value[:2] in lookups else ("eq", value)
        try:
            day = parse_date(text[:10])
        except ValueError:  # well formed but impossible: 0000-00-00, 2026-02-30
            day = None
        if day is None:
            raise Problem(400, "invalid", f"日期参数无效：{value}", expression="date")
        rows = rows.filter(**{f"{field}__date{lookups[prefix]}": day})
    return rows


def resource_id(value: str) -> int:
    if not (value.isdigit() and len(value) <= 18):  # a bigint holds 18 digits
        raise Problem(404, "not-found", f"资源不存在：{value}")
    return int(value)


# --- Patient -------------------------------------------------------------------------------


def _whole_id_card(request: HttpRequest) -> bool:
    return has_scope(request.user, Scope.ID_CARD)


@endpoint
def patient_read(request: HttpRequest, pk: str) -> JsonResponse:
    found = Patient.objects.filter(pk=resource_id(pk)).first()
    if found is None:
        raise Problem(404, "not-found", f"患者不存在：Patient/{pk}")
    core_services.open_patient_record(request.user, found, via="fhir")
    return respond(fhir.patient(found, _whole_id_card(request)))


@endpoint
def patient_search(request: HttpRequest) -> JsonResponse:
    require(request.user, Action.VIEW_PATIENT)
    rows = Patient.objects.order_by("pk")
    if "identifier" in request.GET:
        system, value = _token(request.GET["identifier"])
        field = "id_card" if system == fhir.ID_CARD_SYSTEM else "patient_id"
        rows = rows.filter(**{field: value})
    if "name" in request.GET:
        rows = rows.filter(name__startswith=request.GET["name"])
    if "identifier" not in request.GET and "name" not in request.GET:
        raise Problem(400, "too-costly", "请按 identifier 或 name 检索患者。")
    shown: list[Patient] = []

    whole = _whole_id_card(request)

    def resource(patient: Patient) -> dict:
        shown.append(patient)
        return fhir.patient(patient, whole)

    response = searchset(request, access.visible_patients(request.user, rows), resource)
    access.record_list(request.user, "fhir", shown, request.GET.urlencode())
    return response


@endpoint
def allergy_read(request: HttpRequest, pk: str) -> JsonResponse:
    found = Allergy.objects.select_related("patient").filter(pk=resource_id(pk)).first()
    if found is None:
        raise Problem(404, "not-found", f"过敏记录不存在：AllergyIntolerance/{pk}")
    core_services.open_patient_record(request.user, found.patient, via="fhir")
    return respond(fhir.allergy_intolerance(found))


@endpoint
def allergy_search(request: HttpRequest) -> JsonResponse:
    """A patient's allergies (ORD-6); opening them is a view of the patient's record."""
    value = request.GET.get("patient", "").removeprefix("Patient/")
    if not value:
        raise Problem(400, "required", "请按 patient 检索过敏记录。", "patient")
    found = Patient.objects.filter(pk=resource_id(value)).first()
    if found is None:
        return searchset(request, Allergy.objects.none(), fhir.allergy_intolerance)
    core_services.open_patient_record(request.user, found, via="fhir")
    rows = Allergy.objects.filter(patient=found).order_by("pk")
    return searchset(request, rows, fhir.allergy_intolerance)


# --- ServiceRequest ------------------------------------------------------------------------


def _exams() -> QuerySet:
    return Exam.objects.select_related("item", "requisition__ordering_department").order_by("pk")


def filter_patient(rows: QuerySet, request: HttpRequest, field: str) -> QuerySet:
    if "patient" in request.GET:
        value = request.GET["patient"].removeprefix("Patient/")
        known = value.isdigit() and len(value) <= 18
        rows = rows.filter(**{field: int(value)}) if known else rows.none()
    return rows


@endpoint
def service_request_read(request: HttpRequest, pk: str) -> JsonResponse:
    require(request.user, Action.VIEW_PATIENT)
    exam = _exams().select_related("patient").filter(pk=resource_id(pk)).first()
    if exam is None:
        raise Problem(404, "not-found", f"医嘱不存在：ServiceRequest/{pk}")
    core_services.open_patient_record(request.user, exam.patient, via="fhir")
    return respond(fhir.service_request(exam))


@endpoint
def service_requests(request: HttpRequest) -> JsonResponse:
    if request.method == "POST":
        return _create_service_request(request)
    require(request.user, Action.VIEW_PATIENT)
    rows = filter_patient(_exams(), request, "patient_id")
    if "identifier" in request.GET:
        system, value = _token(request.GET["identifier"])
        if system == fhir.PLACER_SYSTEM:
            rows = rows.filter(placer_number=value)
        else:
            rows = rows.filter(accession=value)
    if "status" in request.GET:
        wanted = set(request.GET["status"].split(","))
        statuses = [s for s, fhir_status in fhir.REQUEST_STATUS.items() if fhir_status in wanted]
        rows = rows.filter(status__in=statuses)
    rows = date_filter(rows, "created_at", request.GET.getlist("date"))
    shown: list[Patient] = []

    def resource(exam: Exam) -> dict:
        shown.append(exam.patient)
        return fhir.service_request(exam)

    rows = access.visible_exams(request.user, rows.select_related("patient"))
    response = searchset(request, rows, resource)
    access.record_list(request.user, "fhir ServiceRequest", shown, request.GET.urlencode())
    return response


def read_resource(request: HttpRequest, resource_type: str) -> dict:
    """The request body as a valid FHIR resource of the type expected, or a 400 naming
    where it is wrong."""
    try:
        body = json.loads(request.body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise Problem(400, "invalid", f"请求体不是有效的JSON：{exc}") from exc
    if not isinstance(body, dict) or body.get("resourceType") != resource_type:
        raise Problem(400, "invalid", f"请求体须为 {resource_type} 资源。", resource_type)
    try:
        get_fhir_model_class(resource_type).model_validate(body)
    except ModelError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ()))
        raise Problem(
            400, "invalid", f"资源格式错误：{where} {first.get('msg', '')}", where
        ) from exc
    return body


def _subject(body: dict) -> Patient | None:
    subject = body.get("subject") or {}
    reference = str(subject.get("reference", ""))
    if reference.startswith("Patient/") and reference[8:].isdigit():
        return Patient.objects.filter(pk=int(reference[8:])).first()
    value = (subject.get("identifier") or {}).get("value")
    return Patient.objects.filter(patient_id=value).first() if value else None


def _item(body: dict) -> list[ExamItem]:
    for coding in (body.get("code") or {}).get("coding", []):
        code = str(coding.get("code", ""))
        mapping = CodeMapping.objects.filter(kind=MappingKind.ITEM, external_code=code).first()
        item = ExamItem.objects.filter(code=mapping.internal_code if mapping else code).first()
        if item:
            return [item]
    if (body.get("code") or {}).get("coding"):
        raise Problem(422, "code-invalid", "未知的检查项目代码。", "ServiceRequest.code")
    return []


def _text(elements) -> str:
    for element in elements or []:
        text = element.get("text") or next(
            (c.get("display") for c in element.get("coding", []) if c.get("display")), ""
        )
        if text:
            return str(text)
    return ""


def _create_service_request(request: HttpRequest) -> JsonResponse:
    body = read_resource(request, "ServiceRequest")
    if body.get("status") != "active" or body.get("intent") not in ("order", "original-order"):
        raise Problem(
            400, "invalid", "新医嘱须为 status=active、intent=order。", "ServiceRequest.status"
        )
    department_code = next(
        (
            e.get("valueString")
            for e in body.get("extension", [])
            if e.get("url") == fhir.DEPARTMENT_EXTENSION
        ),
        "",
    )
    requester = body.get("requester") or {}
    reference = str(requester.get("reference", ""))
    physician = None
    if reference.startswith("Practitioner/"):
        physician = Staff.objects.filter(
            employee_no=reference.split("/", 1)[1], physician_title__isnull=False
        ).first()
    placer = next(
        (
            i.get("value")
            for i in body.get("identifier", [])
            if i.get("system") == fhir.PLACER_SYSTEM
        ),
        "",
    )
    data = order_services.RequisitionInput(
        patient=_subject(body),
        items=_item(body),
        ordering_physician=physician,
        ordering_physician_name="" if physician else str(requester.get("display", "")),
        ordering_department=Department.objects.filter(code=department_code).first()
        if department_code
        else None,
        clinical_history="\n".join(str(n.get("text", "")) for n in body.get("note", [])),
        clinical_diagnosis=_text(body.get("reasonCode")),
        purpose=_text(body.get("orderDetail")),
        priority=Priority.URGENT
        if body.get("priority") in ("urgent", "asap", "stat")
        else Priority.ROUTINE,
        source=OrderSource.FHIR,
        external_id=placer,
        submission_key=f"fhir:{placer}" if placer else "",
        placer_numbers=[placer] if placer else [],
    )
    try:
        requisition = order_services.create_requisition(request.user, data)
    except order_services.DuplicateSubmission as duplicate:
        exam = duplicate.requisition.exams.order_by("pk").first()
        where = location(request, "ServiceRequest", exam.pk)
        return respond(fhir.service_request(exam), 200, Location=where)
    except ValidationError as exc:
        raise Problem(422, "invalid", "；".join(exc.messages)) from exc
    exam = requisition.exams.select_related("item", "requisition").get()
    where = location(request, "ServiceRequest", exam.pk)
    return respond(fhir.service_request(exam), 201, Location=where)


def location(request: HttpRequest, resource_type: str, pk: int) -> str:
    """Where a created resource lives: absolute, with its version (R4 3.1.0.8)."""
    return f"{base_url(request)}{resource_type}/{pk}/_history/1"


# --- DiagnosticReport ----------------------------------------------------------------------


def _released_reports(user) -> QuerySet:
    rows = results_for(user)
    return rows.select_related("exam__item", "author", "reviewer").order_by("pk")


@endpoint
def diagnostic_report_read(request: HttpRequest, pk: str) -> JsonResponse:
    if pk.startswith("lab-"):
        return _lab_report_read(request, pk.removeprefix("lab-"))
    report = _released_reports(request.user).filter(pk=resource_id(pk)).first()
    if report is None:
        raise Problem(404, "not-found", f"报告不存在或尚未发出：DiagnosticReport/{pk}")
    from yiji.reports.services import print_report

    hospital = policy.current_hospital()
    pdf = print_report(
        request.user, report, hospital.name if hospital else "", request.build_absolute_uri("/")
    )
    return respond(fhir.diagnostic_report(report, pdf=pdf))


@endpoint
def diagnostic_reports(request: HttpRequest) -> JsonResponse:
    if _token(request.GET.get("category", ""))[1].upper() == "LAB":
        return _lab_reports(request)
    rows = filter_patient(_released_reports(request.user), request, "exam__patient_id")
    if "identifier" in request.GET:
        rows = rows.filter(exam__accession=_token(request.GET["identifier"])[1])
    if "status" in request.GET:
        wanted = set(request.GET["status"].split(","))
        rows = rows.filter(status__in=[s for s, f in fhir.REPORT_STATUS.items() if f in wanted])
    rows = date_filter(rows, "released_at", request.GET.getlist("date"))
    base = request.build_absolute_uri("/fhir/r4/DiagnosticReport/")
    return searchset(request, rows, lambda r: fhir.diagnostic_report(r, pdf_url=f"{base}{r.pk}"))


# --- Laboratory: DiagnosticReport (category LAB, ids lab-N) and Observation -------------------


def _lab_resources(report, pdf: bytes | None = None, pdf_url: str = "") -> dict:
    observations = list(report.exam.lab_results.order_by("pk"))
    return fhir.lab_diagnostic_report(report, observations, pdf=pdf, pdf_url=pdf_url)


def _lab_report_read(request: HttpRequest, pk: str) -> JsonResponse:
    from yiji.lab import document, results

    report = results.reports_for(request.user).filter(pk=resource_id(pk)).first()
    if report is None:
        raise Problem(404, "not-found", f"检验报告不存在或尚未发出：DiagnosticReport/lab-{pk}")
    results.open_report(request.user, report)
    hospital = policy.current_hospital()
    pdf = document.report_pdf(report, hospital.name if hospital else "")
    return respond(_lab_resources(report, pdf=pdf))


def _lab_reports(request: HttpRequest) -> JsonResponse:
    from yiji.lab import results

    rows = filter_patient(results.reports_for(request.user), request, "exam__patient_id")
    if "identifier" in request.GET:
        rows = rows.filter(exam__accession=_token(request.GET["identifier"])[1])
    rows = date_filter(rows, "released_at", request.GET.getlist("date")).order_by("pk")
    base = request.build_absolute_uri("/fhir/r4/DiagnosticReport/lab-")
    return searchset(request, rows, lambda r: _lab_resources(r, pdf_url=f"{base}{r.pk}"))


def _observations(user) -> QuerySet:
    from yiji.lab import results
    from yiji.lab.models import LabResult

    return (
        LabResult.objects.filter(exam__lab_report__in=results.reports_for(user))
        .select_related("exam__lab_report", "exam__patient", "test", "specimen")
        .order_by("pk")
    )


def _observation(result) -> dict:
    from yiji.lab.results import reference_for

    day = timezone.localdate(result.entered_at)
    return fhir.lab_observation(result, reference_for(result.test, result.exam.patient, day))


@endpoint
def observation_read(request: HttpRequest, pk: str) -> JsonResponse:
    result = _observations(request.user).filter(pk=resource_id(pk)).first()
    if result is None:
        raise Problem(404, "not-found", f"检验结果不存在或尚未发出：Observation/{pk}")
    return respond(_observation(result))


@endpoint
def observations(request: HttpRequest) -> JsonResponse:
    rows = filter_patient(_observations(request.user), request, "exam__patient_id")
    if "code" in request.GET:
        system, code = _token(request.GET["code"])
        field = "test__loinc" if system == "http://loinc.org" else "test__code"
        rows = rows.filter(**{field: code})
    rows = date_filter(rows, "exam__lab_report__released_at", request.GET.getlist("date"))
    return searchset(request, rows, _observation)


# --- ImagingStudy --------------------------------------------------------------------------


def _studies() -> QuerySet:
    """Exams a modality reported on through MPPS, or whose images the archive holds."""
    in_archive = Q(studies__problem="", studies__seen_at__isnull=False)
    known = Exam.objects.filter(Q(performed_steps__isnull=False) | in_archive).distinct()
    return known.select_related("item").prefetch_related("performed_steps", "studies")


def _imaging_study(exam: Exam) -> dict:
    steps = sorted(exam.performed_steps.all(), key=lambda step: step.pk)
    archived = [s for s in exam.studies.all() if s.problem == "" and s.seen_at]
    uid = (
        next((s.study_uid for s in archived), "")
        or next((step.study_uid for step in steps if step.study_uid), "")
        or study_uid(exam)
    )
    return fhir.imaging_study(exam, steps, uid, archived, pacs.dicomweb_url())


@endpoint
def imaging_study_read(request: HttpRequest, pk: str) -> JsonResponse:
    require(request.user, Action.VIEW_PATIENT)
    exam = _studies().filter(pk=resource_id(pk)).first()
    if exam is None:
        raise Problem(404, "not-found", f"影像检查不存在：ImagingStudy/{pk}")
    return respond(_imaging_study(exam))


@endpoint
def imaging_studies(request: HttpRequest) -> JsonResponse:
    require(request.user, Action.VIEW_PATIENT)
    rows = filter_patient(_studies(), request, "patient_id")
    if "identifier" in request.GET:
        uid = _token(request.GET["identifier"])[1].removeprefix("urn:oid:")
        rows = rows.filter(Q(performed_steps__study_uid=uid) | Q(studies__study_uid=uid))
    return searchset(request, rows.order_by("pk"), _imaging_study)
