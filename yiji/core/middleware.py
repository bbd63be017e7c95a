"""Idle-session timeout: a session unused for the policy number of minutes is logged out."""

from __future__ import annotations

import time

from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from yiji.core import policy

LAST_SEEN = "yiji_last_seen"


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
