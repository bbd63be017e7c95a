"""Log-in and log-out, the home page, the account page and reading notices."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yiji.core import accounts, audit, hooks, notices, policy
from yiji.core.forms import LoginForm, PinForm, TokenForm
from yiji.core.models import ApiToken, AuditAction
from yiji.core.permissions import role_assignments
from yiji.core.views import client_ip, form_pk


def login_view(request: HttpRequest) -> HttpResponse:
    form = LoginForm(request.POST or None)
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if request.method == "POST" and form.is_valid():
        try:
            user = accounts.log_in(
                request, form.cleaned_data["username"], form.cleaned_data["password"]
            )
        except accounts.LoginRefused as exc:
            form.add_error(None, str(exc))
        else:
            login(request, user)
            safe = url_has_allowed_host_and_scheme(next_url, {request.get_host()})
            return redirect(next_url if safe and next_url else "home")
    return render(request, "core/login.html", {"form": form, "next": next_url})


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        audit.record(request.user, AuditAction.LOGOUT, request.user, ip=client_ip(request))
    logout(request)
    return redirect("login")


@login_required
def home(request: HttpRequest) -> HttpResponse:
    staff = getattr(request.user, "staff", None)
    soon = timezone.localdate() + timezone.timedelta(
        days=policy.value("stf.credential_reminder_days")
    )
    credentials = (
        staff.credentials.filter(expires_on__lte=soon).order_by("expires_on") if staff else []
    )
    panels = sorted(
        (panel for answer in hooks.home_panels(request) for panel in answer),
        key=lambda panel: panel.order,
    )
    return render(
        request,
        "core/home.html",
        {
            "panels": panels,
            "staff": staff,
            "assignments": role_assignments(request.user),
            "memberships": staff.memberships.select_related("department", "group") if staff else [],
            "expiring": credentials,
            "notices": notices.unread(staff)[:20] if staff else [],
            "today": timezone.localdate(),
        },
    )


@login_required
def account(request: HttpRequest) -> HttpResponse:
    password_form = PasswordChangeForm(request.user)
    pin_form = PinForm()
    token_form = TokenForm()
    new_key = None
    if request.method == "POST":
        which = request.POST.get("form")
        if which == "password":
            password_form = PasswordChangeForm(request.user, request.POST)
            if password_form.is_valid():
                user = password_form.save()
                update_session_auth_hash(request, user)
                audit.record(user, AuditAction.UPDATE, user, after={"password": "changed"})
                messages.success(request, _("Password changed."))
                return redirect("account")
        elif which == "pin" and hasattr(request.user, "staff"):
            pin_form = PinForm(request.POST)
            if pin_form.is_valid():
                try:
                    if not request.user.check_password(pin_form.cleaned_data["signature"]):
                        raise accounts.SignatureRefused(_("The password is wrong."))
                    accounts.set_signing_pin(request.user, pin_form.cleaned_data["pin"])
                except accounts.SignatureRefused as exc:
                    pin_form.add_error(None, str(exc))
                else:
                    messages.success(request, _("Signing PIN set."))
                    return redirect("account")
        elif which == "token":
            token_form = TokenForm(request.POST)
            if token_form.is_valid():
                _token, new_key = accounts.create_token(
                    request.user, token_form.cleaned_data["name"]
                )
                token_form = TokenForm()
        elif which == "revoke":
            token = get_object_or_404(
                ApiToken, pk=form_pk(request.POST.get("token")), user=request.user, revoked_at=None
            )
            accounts.revoke_token(request.user, token)
            messages.success(request, _("Token revoked."))
            return redirect("account")
    return render(
        request,
        "core/account.html",
        {
            "password_form": password_form,
            "pin_form": pin_form,
            "token_form": token_form,
            "new_key": new_key,
            "tokens": ApiToken.objects.filter(user=request.user),
        },
    )


@require_POST
@login_required
def notice_read(request: HttpRequest, pk: int) -> HttpResponse:
    from yiji.core.models import Notice

    notice = get_object_or_404(Notice, pk=pk, recipient__user=request.user)
    notice.read_at = timezone.now()
    notice.save(update_fields=["read_at"])
    return redirect(notice.url or "home")
