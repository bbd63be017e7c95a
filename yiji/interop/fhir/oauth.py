"""OAuth2 client credentials for hospital systems (SMART Backend Services, confidential
symmetric clients), with django-oauth-toolkit: a HIS asks the token endpoint for an access
token with its client ID and secret instead of a pasted API token, and acts as the interface
account its client belongs to. `system/*.read` reads; `system/*.write` is needed to create
or update (orders, appointments). SMART App Launch (a user in a browser) is out of scope."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from oauth2_provider.models import get_application_model
from oauth2_provider.oauth2_backends import get_oauthlib_core

READ, WRITE = "system/*.read", "system/*.write"
WRITES = {"POST", "PUT", "PATCH", "DELETE"}


def token_account(request: HttpRequest) -> tuple[object, set[str]] | None:
    """The account and scopes of a valid OAuth2 access token in the Authorization header."""
    valid, oauth = get_oauthlib_core().verify_request(request, scopes=[])
    if not valid or oauth.access_token is None:
        return None
    token = oauth.access_token
    user = token.user or token.application.user  # client credentials: the client's account
    if user is None or not user.is_active:
        return None
    return user, set(token.scope.split())


def scope_refusal(request: HttpRequest, scopes: set[str]) -> str:
    """Why the token's scopes do not cover this request, or "" when they do."""
    if request.method in WRITES and WRITE not in scopes:
        return f"访问令牌的授权范围不含 {WRITE}，不能新建或修改。"
    if request.method not in WRITES and READ not in scopes | {WRITE}:
        return f"访问令牌的授权范围不含 {READ}。"
    return ""


def register_client(user, name: str) -> tuple[str, str]:
    """A confidential client-credentials client acting as `user`; returns its ID and secret
    (the secret is stored hashed, so this is the only time it is seen)."""
    application_model = get_application_model()
    application = application_model(
        name=name,
        user=user,
        client_type=application_model.CLIENT_CONFIDENTIAL,
        authorization_grant_type=application_model.GRANT_CLIENT_CREDENTIALS,
    )
    secret = application.client_secret  # generated in plain text, hashed when saved
    application.save()
    return application.client_id, secret


def smart_configuration(request: HttpRequest) -> JsonResponse:
    """/.well-known/smart-configuration: where and how a backend client gets its token."""
    return JsonResponse(
        {
            "token_endpoint": request.build_absolute_uri("/fhir/r4/auth/token"),
            "grant_types_supported": ["client_credentials"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "scopes_supported": [READ, WRITE],
            "capabilities": ["client-confidential-symmetric", "permission-v1"],
        }
    )
