"""Idle-session timeout, and the refusals and database failures that become clear pages
instead of tracebacks."""

from __future__ import annotations

import logging
import time

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from yiji.core import policy

LAST_SEEN = "yiji_last_seen"


log = logging.getLogger(__name__)

class IdleTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated and hasattr(request, "session"):
            now = time.time()
            last_seen = request.session.get(LAST_SEEN, now)
            limit = policy.value("sec.session_idle_minutes") * 60
            if now - last_seen > limit:
                logout(request)
                messages.info(request, _("You were logged out after a period of inactivity."))
                return redirect("login")
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


class DatabaseUnavailableMiddleware:
    """The database refusing a write or a connection — its disk full, a server restarting or
    failed over to a read-only standby — becomes a clear 503 page, not a traceback. The
    statement was rolled back by the database, so nothing stored is lost."""

    FULL = ("database or disk is full", "no space left on device", "disk full")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.db import InternalError, OperationalError
        from django.shortcuts import render

        if not isinstance(exception, OperationalError | InternalError):
            return None
        text = str(exception).lower()
        log.error("database unavailable for %s: %s", request.path, exception)
        full = any(phrase in text for phrase in self.FULL)
        response = render(request, "core/unavailable.html", {"full": full}, status=503)
        response["Retry-After"] = "30"
        return response


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
