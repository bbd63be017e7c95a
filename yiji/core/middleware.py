"""Idle-session timeout, and the refusals and database failures that become clear pages
instead of tracebacks."""

from __future__ import annotations

import logging
import secrets
import time

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from yiji.core import policy

LAST_SEEN = "yiji_last_seen"
SEEN_PRECISION = 60  # seconds


log = logging.getLogger(__name__)


class ContentSecurityPolicyMiddleware:
    """Scripts run only from Yiji's own files or an inline block carrying this response's
    nonce; no inline event handlers, plugins, framing or foreign hosts. A script injected
    into stored text cannot run. Styles may be inline (attributes in the templates)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.csp_nonce = secrets.token_urlsafe(16)
        response = self.get_response(request)
        response.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; "
            f"script-src 'self' 'nonce-{request.csp_nonce}'; "
            "style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
            "font-src 'self' data:; connect-src 'self'; object-src 'none'; "
            "base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
        )
        return response


class PolicyBatchMiddleware:
    """A page reads the stored policy settings once, however many rules it asks about (the
    exam page checks each free slot against the booking rules). Only for reading requests:
    one that changes a setting reads its own change."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        with policy.batch():
            return self.get_response(request)


def _idle_limit() -> float:
    return policy.value("sec.session_idle_minutes") * 60


def _shortest_idle_limit() -> float:
    """No session idle for less than the setting's minimum can have timed out: the stored
    value is read only past it, not on every request of a working session."""
    return policy.setting("sec.session_idle_minutes").minimum * 60


class IdleTimeoutMiddleware:
    """Log out a session idle longer than sec.session_idle_minutes. The moment last seen is
    stored at most once a minute, so reading pages does not write the session every time."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated and hasattr(request, "session"):
            now = time.time()
            last_seen = request.session.get(LAST_SEEN, now)
            idle = now - last_seen
            if idle > _shortest_idle_limit() and idle > _idle_limit():
                logout(request)
                messages.info(request, _("You were logged out after a period of inactivity."))
                return redirect("login")
            if now - last_seen >= SEEN_PRECISION or LAST_SEEN not in request.session:
                request.session[LAST_SEEN] = now
        return self.get_response(request)


class PermissionRefusedMiddleware:
    """A refused action anywhere in a view becomes a 403 page naming the rule."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.shortcuts import render

        from yiji.core.permissions import PermissionRefused

        if isinstance(exception, PermissionRefused):
            return render(
                request, "core/refused.html", {"decision": exception.decision}, status=403
            )
        return None


DATABASE_FULL = ("database or disk is full", "no space left on device", "disk full")


def database_unavailable(request, exception: Exception):
    """The clear 503 page for a database that refused a write or a connection, or None when
    `exception` is something else."""
    from django.db import InternalError, OperationalError
    from django.http import HttpResponse
    from django.template.loader import render_to_string

    if not isinstance(exception, OperationalError | InternalError):
        return None
    log.error("database unavailable for %s: %s", request.path, exception)
    full = any(phrase in str(exception).lower() for phrase in DATABASE_FULL)
    # Rendered without the request: its context processors would ask the database again.
    page = render_to_string("core/unavailable.html", {"full": full})
    response = HttpResponse(page, status=503)
    response["Retry-After"] = "30"
    return response


class DatabaseUnavailableMiddleware:
    """The database refusing a write or a connection in a view — its disk full, a server
    restarting or failed over to a read-only standby — becomes a clear 503 page, not a
    traceback. The statement was rolled back by the database, so nothing stored is lost.
    (Where a middleware meets the fault first, reading the session say, Django's 500
    handler, `core.views.server_error`, gives the same page.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        return database_unavailable(request, exception)


class SessionMiddleware(DjangoSessionMiddleware):
    """Django's session middleware, except that a session the database cannot store (disk
    full, a read-only standby) does not turn the page being answered into a server error: the
    user may have to log in again, but sees the page (a 503 saying nothing was lost)."""

    def process_response(self, request, response):
        from django.db import DatabaseError

        try:
            return super().process_response(request, response)
        except DatabaseError as exc:
            log.error("session not saved for %s: %s", request.path, exc)
            return response


FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class NulCharacterMiddleware:
    """A NUL character in a request's parameters or JSON body is refused with a 400 in the
    interface's own format: databases cannot store it (PostgreSQL refuses it outright) and no
    real input has one. Uploaded files are not looked at."""

    MESSAGE = "请求中含有NUL控制字符。 The request contains a NUL character."

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._has_nul(request):
            return self._refuse(request)
        return self.get_response(request)

    @staticmethod
    def _has_nul(request) -> bool:
        texts = [*request.GET.keys(), *(v for vs in request.GET.lists() for v in vs[1])]
        if "json" in request.content_type:
            return any("\x00" in t for t in texts) or b"\\u0000" in request.body.lower()
        if request.method == "POST" and request.content_type in FORM_TYPES:
            texts += [*request.POST.keys(), *(v for vs in request.POST.lists() for v in vs[1])]
        return any("\x00" in t for t in texts)

    def _refuse(self, request):
        from django.http import HttpResponse, JsonResponse

        if request.path.startswith("/fhir/"):
            from yiji.core.operation_outcome import outcome

            response = JsonResponse(
                outcome("invalid", self.MESSAGE),
                status=400,
                json_dumps_params={"ensure_ascii": False},
            )
            response["Content-Type"] = "application/fhir+json; charset=utf-8"
            return response
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": self.MESSAGE}, status=400)
        return HttpResponse(self.MESSAGE, status=400, content_type="text/plain; charset=utf-8")
