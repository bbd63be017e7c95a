"""What each post needs (RAD-1): the credentials a policy setting names, valid on the day of
work. Rostering and signing both ask here; expiring ones are reminded ahead of time."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from yiji.core import notices, policy
from yiji.core.calendar import add_months
from yiji.core.models import Credential, CredentialKind, Department, Role, Staff
from yiji.core.policy_catalogue import CREDENTIALS
from yiji.core.rulebook import RuleViolation, carries_out
from yiji.people.models import Post


def requirements(post: str, department: Department | None = None) -> list[str]:
    return list(policy.value(f"stf.post_requirements_{post}", department=department))


def expiry(credential: Credential) -> dt.date | None:
    """When a credential stops being valid: its own date, or for radiation-safety training the
    issue date plus the policy validity (5 years) when no date was written on it."""
    if credential.expires_on or credential.kind != CredentialKind.RADIATION_TRAINING:
        return credential.expires_on
    if credential.issued_on is None:
        return None
    years = policy.value("rad.safety_training_validity_years")
    return add_months(credential.issued_on, 12 * years)


def missing(staff: Staff, post: str, day: dt.date, department=None) -> list[str]:
    """The credential kinds the post needs that the person lacks or has expired on `day`."""
    held = {}
    for credential in staff.credentials.all():
        until = expiry(credential)
        if until is None or until >= day:
            held[credential.kind] = True
    return [kind for kind in requirements(post, department) if kind not in held]


_ZH = {value: zh for value, zh, _en in CREDENTIALS}
_EN = {value: en for value, _zh, en in CREDENTIALS}


def labels(kinds: list[str]) -> tuple[str, str]:
    """The credential kinds named in Chinese and in English, for a refusal or a notice."""
    return "、".join(_ZH.get(k, k) for k in kinds), ", ".join(_EN.get(k, k) for k in kinds)


@carries_out("RAD-1")
def require_for_post(staff: Staff, post: str, day: dt.date, department=None, doing="") -> None:
    """Refuse work on a post without its valid credentials."""
    lacking = missing(staff, post, day, department)
    if lacking:
        zh, en = labels(lacking)
        post_label = Post(post).label
        raise RuleViolation(
            "RAD-1",
            f"{staff.name}缺少有效的{zh}（{post_label}岗位要求），{doing or '不能上岗'}。",
            f"{staff.name} has no valid {en}, which {post_label} requires.",
            field="staff",
            data={"missing": lacking},
        )


def expiring(department: Department | None = None, today: dt.date | None = None):
    """Credentials expiring within the reminder period or already expired, soonest first:
    (credential, expiry date)."""
    today = today or timezone.localdate()
    days = policy.value("stf.credential_reminder_days", department=department)
    limit = today + dt.timedelta(days=days)
    rows = []
    credentials = Credential.objects.filter(staff__active=True).select_related("staff")
    if department is not None:
        credentials = credentials.filter(staff__memberships__department=department).distinct()
    for credential in credentials:
        until = expiry(credential)
        if until is not None and until <= limit:
            rows.append((credential, until))
    return sorted(rows, key=lambda row: row[1])


@carries_out("RAD-1", "STF-8")
def remind_expiring(today: dt.date | None = None) -> int:
    """Each credential expiring soon is told to its holder and the director once per expiry
    date, and again once it has expired."""
    today = today or timezone.localdate()
    directors = notices.holders(Role.DIRECTOR)
    sent = 0
    for credential, until in expiring(today=today):
        state = "expired" if until < today else "soon"
        verb = "已于" if state == "expired" else "将于"
        sent += notices.notify(
            [credential.staff, *directors],
            "RAD-1",
            f"rad1:{credential.pk}:{until:%Y%m%d}:{state}",
            f"{credential.staff.name}的{labels([credential.kind])[0]}（{credential.number}）"
            f"{verb}{until}到期，到期后不能排班到需要该证的岗位。",
            url=f"/people/{credential.staff_id}/",
        )
    return sent
