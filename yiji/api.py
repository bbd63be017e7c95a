"""The JSON API under /api/ (OpenAPI schema at /api/openapi.json, docs at /api/docs).

Every endpoint calls the same services and permission checks as the web pages.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, NinjaAPI, Query, Schema, Status
from ninja.security import APIKeyHeader, HttpBearer, django_auth

from yiji.core import access, accounts, policy, rulebook, services
from yiji.core.models import Department, Patient, Room
from yiji.core.permissions import Action, PermissionRefused, require, roles_of
from yiji.core.rulebook import RuleViolation, record_refusal
from yiji.orders import checkin, scheduling
from yiji.orders import services as order_services
from yiji.orders.models import Exam, ExamItem, OrderSource
from yiji.orders.worklists import worklist_page


class TokenAuth(HttpBearer):
    """`Authorization: Bearer yj_...`, a token from `yiji token create` or the account page."""

    def authenticate(self, request: HttpRequest, token: str):
        user = accounts.user_for_token(token)
        if user is not None:
            request.user = user
        return user


class TokenHeaderAuth(APIKeyHeader):
    param_name = "X-Api-Key"

    def authenticate(self, request: HttpRequest, key: str | None):
        user = accounts.user_for_token(key or "")
        if user is not None:
            request.user = user
        return user


api = NinjaAPI(
    title="Yiji API",
    version="1",
    description="Yiji (医技) JSON API. Authenticate with a bearer token or a browser session.",
    auth=[TokenAuth(), TokenHeaderAuth(), django_auth],
    openapi_url="/openapi.json",
    docs_url="/docs",
    urls_namespace="api",
)


class Refusal(Schema):
    detail: str
    rule: str
    message_zh: str
    message_en: str


class Invalid(Schema):
    detail: str
    errors: dict[str, list[str]]


@api.exception_handler(PermissionRefused)
def _refused(request, exc: PermissionRefused):
    decision = exc.decision
    return api.create_response(
        request,
        {
            "detail": "refused",
            "rule": decision.rule,
            "message_zh": decision.message_zh,
            "message_en": decision.message_en,
        },
        status=403,
    )


@api.exception_handler(ValidationError)
def _invalid(request, exc: ValidationError):
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return api.create_response(request, {"detail": "invalid", "errors": errors}, status=400)


class Me(Schema):
    username: str
    name: str
    roles: list[str]
    title: str


@api.get("/me", response=Me, tags=["accounts"])
def me(request):
    staff = getattr(request.user, "staff", None)
    return {
        "username": request.user.get_username(),
        "name": staff.name if staff else "",
        "roles": sorted(roles_of(request.user)),
        "title": staff.title_display if staff else "",
    }


class PatientOut(Schema):
    id: int
    patient_id: str
    name: str
    sex: str
    birth_date: dt.date | None
    id_card_masked: str
    phone: str
    allergy_history: str
    source: str


class PatientIn(Schema):
    patient_id: str
    name: str
    sex: str
    birth_date: dt.date | None = None
    id_card: str = ""
    phone: str = ""
    allergy_history: str = ""
    source: str
    residence_distance_km: int | None = None


MAX_OFFSET = 1_000_000_000


class PatientFilter(Schema):
    q: str = ""
    source: str = ""
    # Bounded so that no number reaches the database's LIMIT/OFFSET out of its range.
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)


@api.get("/patients", response=list[PatientOut], tags=["patients"])
def list_patients(request, filters: Query[PatientFilter]):
    found = services.search_patients(request.user, filters.q, filters.source)
    rows = list(found[filters.offset : filters.offset + filters.limit])
    access.record_list(request.user, "api", rows, filters.q, ip=request.META.get("REMOTE_ADDR"))
    return rows


class RuleRefusal(Schema):
    detail: str
    rule: str
    field: str
    message_zh: str
    message_en: str
    overridable: bool


@api.get(
    "/patients/{patient_id}",
    response={200: PatientOut, 403: Refusal, 409: RuleRefusal},
    tags=["patients"],
)
def get_patient(request, patient_id: str):
    patient = get_object_or_404(Patient, patient_id=patient_id)
    return services.open_patient_record(
        request.user, patient, via="api", ip=request.META.get("REMOTE_ADDR")
    )


@api.post(
    "/patients",
    response={201: PatientOut, 400: Invalid, 403: Refusal},
    tags=["patients"],
)
def create_patient(request, payload: PatientIn):
    patient = services.register_patient(
        request.user, payload.dict(), ip=request.META.get("REMOTE_ADDR")
    )
    return Status(201, patient)


class DepartmentOut(Schema):
    id: int
    code: str
    name: str
    name_en: str
    kind: str


@api.get("/departments", response=list[DepartmentOut], tags=["organisation"])
def list_departments(request):
    return list(Department.objects.filter(active=True))


class RuleOut(Schema):
    id: str
    kinds: list[str]
    zh: str
    en: str
    sources: list[str]
    status: str
    functions: list[str]
    tests: list[str]


@api.get("/rules", response=list[RuleOut], tags=["rules"])
def list_rules(request):
    require(request.user, Action.VIEW_RULES)
    return [row.as_json() for row in rulebook.statuses()]


class SettingOut(Schema):
    key: str
    kind: str
    value: object
    default: object
    unit: str
    rules: list[str]
    zh: str
    en: str


@api.get("/policy", response=list[SettingOut], tags=["policy"])
def list_policy(request, department: str = ""):
    require(request.user, Action.VIEW_POLICY)
    dept = get_object_or_404(Department, code=department) if department else None
    rows = []
    for spec in policy.catalogue().values():
        rows.append(
            {
                "key": spec.key,
                "kind": spec.kind.value,
                "value": spec.to_storage(policy.value(spec.key, department=dept)),
                "default": spec.to_storage(spec.default),
                "unit": spec.unit,
                "rules": list(spec.rules),
                "zh": spec.zh,
                "en": spec.en,
            }
        )
    return rows


# ---------------------------------------------------------------- orders


@api.exception_handler(RuleViolation)
def _rule(request, exc: RuleViolation):
    record_refusal(exc, request.user, "api", request.path)
    return api.create_response(request, exc.as_json(), status=409)


class RequisitionIn(Schema):
    patient_id: str
    items: list[str]
    ordering_department: str = ""
    ordering_physician_name: str = ""
    clinical_history: str = ""
    clinical_diagnosis: str = ""
    purpose: str = ""
    priority: Literal["routine", "urgent"] = "routine"
    bedside: bool = False
    critically_ill: bool = False
    infectious: bool = False
    infectious_disease: str = ""
    pregnancy: Literal["na", "no", "possible", "yes"] = "na"
    allergy_screen: Literal["not_done", "clear", "contraindicated"] = "not_done"
    allergy_note: str = ""
    submission_key: str = ""


class ExamOut(Schema):
    id: int
    item: str
    status: str
    accession: str | None
    room: str | None
    scheduled_start: dt.datetime | None
    queue_number: int | None

    @staticmethod
    def resolve_item(exam):
        return exam.item.code

    @staticmethod
    def resolve_room(exam):
        return exam.room.code if exam.room else None


class RequisitionOut(Schema):
    number: str
    patient_id: str
    priority: str
    exams: list[ExamOut]

    @staticmethod
    def resolve_patient_id(requisition):
        return requisition.patient.patient_id

    @staticmethod
    def resolve_exams(requisition):
        return list(requisition.exams.select_related("item", "room").order_by("pk"))


@api.post(
    "/requisitions",
    response={
        201: RequisitionOut,
        200: RequisitionOut,
        400: Invalid,
        403: Refusal,
        409: RuleRefusal,
    },
    tags=["orders"],
)
def create_requisition(request, payload: RequisitionIn):
    """ORD-1 applies here exactly as on the form. A resent `submission_key` returns the
    first requisition (200) instead of creating a second."""
    # Permission first: a role that may not order learns nothing of patients or catalogue.
    require(request.user, Action.ORDER_EXAM)
    patient = Patient.objects.filter(patient_id=payload.patient_id).first()
    codes = list(dict.fromkeys(payload.items))
    items = list(ExamItem.objects.filter(code__in=codes).select_related("department"))
    unknown = sorted(set(codes) - {item.code for item in items})
    errors = {}
    if payload.patient_id and patient is None:
        errors["patient_id"] = ["unknown patient / 无此患者"]
    if unknown:
        errors["items"] = [f"unknown items / 未知项目: {', '.join(unknown)}"]
    department = None
    if payload.ordering_department:
        department = Department.objects.filter(code=payload.ordering_department).first()
        if department is None:
            errors["ordering_department"] = ["unknown department / 无此科室"]
    if errors:
        raise ValidationError(errors)
    data = order_services.RequisitionInput(
        patient=patient,
        items=sorted(items, key=lambda i: codes.index(i.code)),
        ordering_physician=order_services.ordering_physician(request.user),
        ordering_department=department,
        source=OrderSource.API,
        **payload.dict(exclude={"patient_id", "items", "ordering_department"}),
    )
    try:
        requisition = order_services.create_requisition(request.user, data)
    except order_services.DuplicateSubmission as duplicate:
        return Status(200, duplicate.requisition)
    return Status(201, requisition)


class BookingIn(Schema):
    room: str
    start: dt.datetime
    override_reason: str = ""


@api.post(
    "/exams/{exam_id}/booking",
    response={200: ExamOut, 400: Invalid, 403: Refusal, 409: RuleRefusal},
    tags=["orders"],
)
def book_exam(request, exam_id: int, payload: BookingIn):
    exam = get_object_or_404(Exam, pk=exam_id)
    room = Room.objects.filter(code=payload.room, department=exam.department).first()
    if room is None:
        raise ValidationError({"room": ["unknown room / 无此检查室"]})
    if payload.start.tzinfo is None:
        raise ValidationError({"start": ["give the time zone / 请注明时区, e.g. +08:00"]})
    return scheduling.book(
        request.user, exam, room, payload.start, override_reason=payload.override_reason
    )


class CheckInIn(Schema):
    name: str = ""
    patient_id: str = ""
    birth_date: str = ""
    id_card: str = ""
    phone: str = ""
    accompanying_physician: str = ""
    # EXM-8: the caller explained the exam and the patient gave informed consent.
    informed_consent: bool = False


@api.post(
    "/exams/{exam_id}/check-in",
    response={200: ExamOut, 403: Refusal, 409: RuleRefusal},
    tags=["orders"],
)
def check_in_exam(request, exam_id: int, payload: CheckInIn):
    exam = get_object_or_404(Exam, pk=exam_id)
    ids = checkin.Identifiers(
        **payload.dict(exclude={"accompanying_physician", "informed_consent"})
    )
    explained_by = getattr(request.user, "staff", None) if payload.informed_consent else None
    return checkin.check_in(
        request.user, exam, ids, accompanying_physician=payload.accompanying_physician,
        consent_by=explained_by,
    )  # fmt: skip


@api.get("/worklist", response=list[ExamOut], tags=["orders"])
def worklist(request, status: str = "", modality: str = "", room: str = "", after: str = ""):
    """Open exams, emergencies first; pass the last row's `cursor` as `after` for more."""
    require(request.user, Action.VIEW_PATIENT)
    filters = {"status": status, "modality": modality}
    if room:
        filters["room"] = Room.objects.filter(code=room).first()
    return worklist_page(filters, after, 100, request.user)
