"""Log-in with lockout, electronic signatures and API tokens."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth import authenticate
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yiji.core import audit, notices, policy
from yiji.core.models import ApiToken, AuditAction, ElectronicSignature, LoginThrottle, Staff


class LoginRefused(Exception):
    """Wrong credentials, or a name locked after repeated failures."""


# A source address that fails this many times the per-user limit, whatever the names tried,
# is slowed down: refused for the lockout time (a password-guessing machine, not a person).
ADDRESS_FACTOR = 4


def locked_until(key: str):
    throttle = LoginThrottle.objects.filter(username=key).first()
    if throttle and throttle.locked_until and throttle.locked_until > timezone.now():
        return throttle.locked_until
    return None


def _login_keys(username: str, ip: str | None) -> tuple[str, str]:
    """The lock is per user and source address, so wrong passwords typed on one machine do
    not lock the person out everywhere; the address alone is counted too."""
    return f"{username}@{ip or '-'}", f"@{ip or '-'}"


def log_in(request, username: str, password: str):
    """Authenticate, counting failures: after the policy number of failures the name is
    locked from that address, and an address failing for many names is slowed down."""
    username = username.strip()
    ip = request.META.get("REMOTE_ADDR")
    user_key, address_key = _login_keys(username, ip)
    until = locked_until(user_key) or locked_until(address_key)
    if until:
        raise LoginRefused(
            _("Too many failed attempts. This account is locked until %(time)s.")
            % {"time": timezone.localtime(until).strftime("%H:%M")}
        )
    user = authenticate(request, username=username, password=password)
    if user is None:
        _count_failure(user_key, ip, object_id=username)
        _count_failure(address_key, ip, limit_factor=ADDRESS_FACTOR, object_id=username)
        raise LoginRefused(_("Wrong user name or password."))
    LoginThrottle.objects.filter(username=user_key).delete()
    audit.record(user, AuditAction.LOGIN, user, ip=ip)
    return user


def _count_failure(
    key: str, ip: str | None, failed: AuditAction = AuditAction.LOGIN_FAILED, *,
    limit_factor: int = 1, object_id: str = "",
) -> bool:  # fmt: skip
    """Count one failure under `key`; returns whether it locked."""
    limit = policy.value("sec.lockout_failures") * limit_factor
    minutes = policy.value("sec.lockout_minutes")
    with transaction.atomic():
        throttle, _created = LoginThrottle.objects.select_for_update().get_or_create(username=key)
        throttle.failures += 1
        locked = throttle.failures >= limit
        if locked:
            throttle.locked_until = timezone.now() + timedelta(minutes=minutes)
            throttle.failures = 0
        throttle.save()
        if limit_factor == 1:  # the address's own count is not a second audit entry
            action = AuditAction.LOCKED_OUT if locked else failed
            audit.record(None, action, object_type="auth.user", object_id=object_id or key, ip=ip)
    if locked and limit_factor == 1:
        _tell_locked(object_id or key, ip, throttle.locked_until)
    return locked


def _tell_locked(username: str, ip: str | None, until) -> None:
    """The person learns that their account was locked from an address (maybe not theirs)."""
    staff = Staff.objects.filter(user__username=username).first()
    if staff is not None:
        notices.notify(
            [staff], "ARC-5", f"locked:{username}:{until:%Y%m%d%H%M}",
            f"您的账号在{ip or '未知地址'}连续登录失败，已在该地址锁定至"
            f"{timezone.localtime(until):%H:%M}。如非本人操作，请告知信息科。", "/account/",
        )  # fmt: skip


class SignatureRefused(Exception):
    pass


@dataclass(frozen=True)
class SignerIdentity:
    title: str
    licence_number: str


def staff_of(actor, rule: str) -> Staff:
    """The staff member acting; an account without one (a bare admin user) is refused under
    the rule the action carries out."""
    from yiji.core.rulebook import RuleViolation

    staff = getattr(actor, "staff", None)
    if staff is None:
        raise RuleViolation(rule, "只有在册人员可以进行此操作。", "Only staff members may do this.")
    return staff


def home_department(staff: Staff):
    """The person's primary department (the first one joined when none is marked primary)."""
    membership = staff.memberships.order_by("-primary", "pk").select_related("department").first()
    return membership.department if membership else None


def signer_identity(staff: Staff) -> SignerIdentity:
    from yiji.core.models import CredentialKind

    licence = (
        staff.credentials.filter(kind=CredentialKind.PRACTISING_LICENCE)
        .order_by("-expires_on")
        .first()
    )
    return SignerIdentity(staff.title_display, licence.number if licence else "")


def set_signing_pin(user, pin: str) -> None:
    if not (pin.isdigit() and 6 <= len(pin) <= 12):
        raise SignatureRefused(_("A signing PIN is 6 to 12 digits."))
    staff = user.staff
    staff.signing_pin = make_password(pin)
    staff.save(update_fields=["signing_pin"])
    audit.record(user, AuditAction.UPDATE, staff, after={"signing_pin": "changed"})


def sign(user, secret: str, meaning: str, obj: models.Model | None = None) -> ElectronicSignature:
    """An electronic signature: re-authenticate with the password or signing PIN, then record
    who signed what, with their title and licence number at the moment of signing."""
    staff = getattr(user, "staff", None)
    if staff is None or not staff.active:
        raise SignatureRefused(_("Only active staff members can sign."))
    username = f"sign:{user.get_username()}"
    if locked_until(username):
        raise SignatureRefused(_("Too many failed signatures; try again later."))
    method = _check_secret(user, staff, secret)
    if method is None:
        _count_failure(username, None, AuditAction.SIGN_FAILED)
        raise SignatureRefused(_("The password or signing PIN is wrong."))
    LoginThrottle.objects.filter(username=username).delete()
    identity = signer_identity(staff)
    signature = ElectronicSignature.objects.create(
        signer=staff,
        signer_name=staff.name,
        title=identity.title,
        licence_number=identity.licence_number,
        meaning=meaning,
        content_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
        object_id=str(obj.pk) if obj is not None else "",
        method=method,
    )
    audit.record(user, AuditAction.SIGN, obj, after={"meaning": meaning, "method": method})
    return signature


def _check_secret(user, staff: Staff, secret: str) -> str | None:
    if staff.signing_pin and check_password(secret, staff.signing_pin):
        return "pin"
    if user.check_password(secret):
        return "password"
    return None


TOKEN_PREFIX = "yj_"


def _hash_token(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def create_token(user, name: str, actor=None) -> tuple[ApiToken, str]:
    """A new API token; the key is shown once and only its hash is kept."""
    key = TOKEN_PREFIX + secrets.token_urlsafe(32)
    days = policy.value("sec.api_token_days")
    token = ApiToken.objects.create(
        user=user,
        name=name.strip()[:100] or "API",
        prefix=key[:10],
        key_hash=_hash_token(key),
        expires_at=timezone.now() + timedelta(days=days) if days else None,
    )
    audit.record(actor or user, AuditAction.TOKEN, token, after={"name": token.name})
    return token, key


def revoke_token(user, token: ApiToken) -> None:
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit.record(user, AuditAction.TOKEN, token, after={"revoked": True})


def user_for_token(key: str):
    """The active user a token belongs to, or None."""
    if not key.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=_hash_token(key), revoked_at__isnull=True)
        .first()
    )
    now = timezone.now()
    if token is None or (token.expires_at and token.expires_at <= now):
        return None
    if not token.user.is_active:
        return None
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
