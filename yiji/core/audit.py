"""The append-only, hash-chained audit log (ORD-7, ARC-5).

Each entry's hash covers its own fields and the previous entry's hash, so altering or removing
any row breaks the chain from that row on; `yiji audit verify` finds the first broken link.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from yiji.core.models import AuditAction, AuditEntry, AuditHead, Patient

GENESIS = "0" * 64


def _json_safe(value: Any) -> Any:
    """Values as they will come back from a JSON column, so the hash survives the round trip."""
    if value is None:
        return None
    return json.loads(json.dumps(value, default=str, ensure_ascii=False))


def _digest(entry: AuditEntry) -> str:
    payload = {
        "seq": entry.seq,
        "at": entry.at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        "actor": entry.actor_id,
        "actor_name": entry.actor_name,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "object_repr": entry.object_repr,
        "patient": entry.patient_id,
        "before": entry.before,
        "after": entry.after,
        "reason": entry.reason,
        "ip": entry.ip,
        "prev": entry.prev_hash,
    }
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def _describe(obj: models.Model | None) -> tuple[str, str, str]:
    if obj is None:
        return "", "", ""
    return obj._meta.label_lower, str(obj.pk), str(obj)[:200]


def record(
    actor,
    action: AuditAction | str,
    obj: models.Model | None = None,
    *,
    before: dict | None = None,
    after: dict | None = None,
    reason: str = "",
    ip: str | None = None,
    patient: Patient | None = None,
    object_type: str = "",
    object_id: str = "",
) -> AuditEntry:
    """Append one entry. Runs inside the caller's transaction, so it commits with the change;
    within `gathered()` it is appended with the block's others when the block ends."""
    described = _describe(obj)
    if patient is None and isinstance(obj, Patient):
        patient = obj
    user = actor if getattr(actor, "is_authenticated", False) else None
    entry = AuditEntry(
        at=timezone.now(),
        actor=user,
        actor_name=_actor_name(user),
        action=str(action),
        object_type=object_type or described[0],
        object_id=object_id or described[1],
        object_repr=described[2],
        patient=patient,
        before=_json_safe(before),
        after=_json_safe(after),
        reason=reason,
        ip=ip,
    )
    pending = getattr(_gathering, "entries", None)
    if pending is not None:
        pending.append(entry)
    else:
        _append([entry])
    return entry


def _append(entries: list[AuditEntry]) -> None:
    """Chain and store entries at the head. No savepoint: an error here fails the caller's
    whole transaction, which is what an unrecordable change must do."""
    with transaction.atomic(savepoint=False):
        # The head row lock serialises appends across processes on PostgreSQL (held until
        # the commit); SQLite's IMMEDIATE transactions already serialise writers.
        head = AuditHead.objects.select_for_update().filter(pk=1)
        seq, prev = head.values_list("last_seq", "last_hash").first() or _new_head()
        for entry in entries:
            seq += 1
            entry.seq, entry.prev_hash = seq, prev
            entry.hash = prev = _digest(entry)
        if len(entries) == 1:
            entries[0].save()
        else:
            AuditEntry.objects.bulk_create(entries)
        AuditHead.objects.filter(pk=1).update(last_seq=seq, last_hash=prev)


def _new_head() -> tuple[int, str]:
    head = AuditHead.objects.select_for_update().get_or_create(pk=1)[0]
    return head.last_seq, head.last_hash


_gathering = threading.local()


@contextmanager
def gathered() -> Iterator[None]:
    """Keep the entries recorded in this block and append them together as it ends, inside
    the caller's transaction. The head is then locked only from the block's end to the
    commit, so connections applying messages side by side overlap their work and queue only
    for that last moment, and the chain stays one unbroken sequence. Within an open block
    the outer one gathers; an exception drops the entries with the transaction."""
    if getattr(_gathering, "entries", None) is not None:
        yield
        return
    _gathering.entries = []
    try:
        yield
        entries = _gathering.entries
    finally:
        _gathering.entries = None
    if entries:
        _append(entries)


def _actor_name(user) -> str:
    if user is None:
        return ""
    staff = getattr(user, "staff", None)
    return f"{staff.name} ({user.get_username()})" if staff else user.get_username()


def changes(before: dict, after: dict) -> tuple[dict, dict]:
    """Only the fields that changed, as (old values, new values)."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


def snapshot(obj: models.Model, fields: list[str] | None = None) -> dict:
    """The concrete field values of a model instance, for before/after records."""
    names = fields or [f.attname for f in obj._meta.concrete_fields]
    return {name: getattr(obj, name) for name in names}


@dataclass
class ChainProblem:
    seq: int
    problem: str


def verify(chunk_size: int = 5000) -> Iterator[int | ChainProblem]:
    """Walk the chain in order; yield the count checked so far, then any first problem."""
    entries = AuditEntry.objects.order_by("seq").iterator(chunk_size=chunk_size)

    def head():  # read after the walk, as the entries it should end at were written first
        return AuditHead.objects.filter(pk=1).values_list("last_seq", "last_hash").first()

    yield from check_chain(entries, head, chunk_size)


def check_chain(
    entries: Iterable[AuditEntry], head: Callable[[], tuple[int, str] | None],
    chunk_size: int = 5000,
) -> Iterator[int | ChainProblem]:  # fmt: skip
    """The chain check over any entries in order — the live log, or a restored copy read
    without the ORM (ARC-6) — against the head (last seq and hash) kept beside it."""
    expected_prev = GENESIS
    expected_seq = 1
    checked = 0
    for entry in entries:
        if entry.seq != expected_seq:
            yield ChainProblem(expected_seq, "missing")
            return
        if entry.prev_hash != expected_prev:
            yield ChainProblem(entry.seq, "broken link")
            return
        if _digest(entry) != entry.hash:
            yield ChainProblem(entry.seq, "altered")
            return
        expected_prev, expected_seq = entry.hash, entry.seq + 1
        checked += 1
        if checked % chunk_size == 0:
            yield checked
    last = head()
    if last and (last[0] != expected_seq - 1 or last[1] != expected_prev):
        yield ChainProblem(expected_seq, "missing")
        return
    yield checked
