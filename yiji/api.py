"""The JSON API under /api/ (OpenAPI schema at /api/openapi.json, docs at /api/docs).

Every endpoint calls the same services and permission checks as the web pages.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import NinjaAPI, Query, Schema, Status
from ninja.security import APIKeyHeader, HttpBearer, django_auth

from yiji.core import accounts, policy, rulebook, services
from yiji.core.models import Department, Patient
from yiji.core.permissions import Action, PermissionRefused, require, roles_of


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


class PatientFilter(Schema):
    q: str = ""
    source: str = ""
    limit: int = 50
    offset: int = 0


@api.get("/patients", response=list[PatientOut], tags=["patients"])
def list_patients(request, filters: Query[PatientFilter]):
    found = services.search_patients(
        request.user, filters.q, filters.source, ip=request.META.get("REMOTE_ADDR")
    )
    limit = max(1, min(filters.limit, 200))
    offset = max(0, filters.offset)
    return list(found[offset : offset + limit])


@api.get(
    "/patients/{patient_id}",
    response={200: PatientOut, 403: Refusal},
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
    return [rule_json(row) for row in rulebook.statuses()]


def rule_json(row: rulebook.RuleStatus) -> dict:
    rule = row.rule
    return {
        "id": rule.id,
        "kinds": list(rule.kinds),
        "zh": rule.zh,
        "en": rule.en,
        "sources": list(rule.sources),
        "default_zh": rule.default_zh,
        "default_en": rule.default_en,
        "status": row.status,
        "functions": row.functions,
        "tests": row.tests,
    }


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
