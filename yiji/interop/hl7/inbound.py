"""Receiving one HL7 message: store it raw, apply it through the services, answer with an
ACK. The effects, the stored message and the ACK it records commit together, and the ACK is
returned only after that commit: a crash before it loses nothing, because the sender, having
no ACK, sends again, and a message seen before (same sender and MSH-10) is answered with the
ACK it got the first time and not applied twice.

A message costs few statements: it is applied first and stored last, and the stored message's
unique key is what tells a resend (rare) from a new message, so a new one asks nothing first;
its audit entries join the chain together just before the commit (`audit.gathered`)."""

from __future__ import annotations

import logging

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from yiji.core import audit, policy
from yiji.core.permissions import PermissionRefused
from yiji.core.rulebook import RuleViolation, record_refusal
from yiji.interop.hl7 import codec, reference
from yiji.interop.hl7.handlers import HANDLERS, ORDER_FIELD_LOCATIONS, Reader
from yiji.interop.models import InboundMessage, Outcome

log = logging.getLogger(__name__)


def _as_message_error(exc: Exception) -> codec.MessageError:
    if isinstance(exc, codec.MessageError):
        return exc
    if isinstance(exc, RuleViolation):
        return codec.MessageError(
            exc.zh,
            location=ORDER_FIELD_LOCATIONS.get(exc.field, ""),
            code="101" if exc.rule_id == "ORD-1" and exc.field else "207",
            rule=exc.rule_id,
        )
    if isinstance(exc, PermissionRefused):
        decision = exc.decision
        return codec.MessageError(decision.message_zh, ack="AR", code="207", rule=decision.rule)
    if isinstance(exc, ValidationError):
        return codec.MessageError("；".join(exc.messages), code="102")
    log.exception("HL7 message failed")
    return codec.MessageError(f"内部错误：{type(exc).__name__}", code="207")


def apply(actor, header: codec.Header, raw: bytes) -> list[codec.MessageError]:
    """Decode, parse and apply a message; raise MessageError (or a service's refusal).
    Returns the warnings of what was accepted with a doubt."""
    handler = HANDLERS.get(header.message_type)
    if handler is None:
        kind = header.message_type.split("^")[0]
        if kind and any(known.startswith(f"{kind}^") for known in HANDLERS):
            raise codec.MessageError(
                f"不支持的事件：{header.message_type}。", ack="AR", location="MSH^1^9^2",
                code="201",
            )  # fmt: skip
        raise codec.MessageError(
            f"不支持的消息类型：{header.message_type or '（空）'}。",
            ack="AR",
            location="MSH^1^9",
            code="200",
        )
    reader = Reader(codec.parse(codec.decode(raw, header)), reference.current())
    with policy.batch(rows=reader.reference.policy_rows):
        handler(actor, reader)
    return reader.warnings


def _refused_before_reading(header: codec.Header) -> codec.MessageError | None:
    """What makes a message unfit to apply whatever it holds."""
    if not header.control_id:  # without it a resend could not be told from a new message
        return codec.MessageError(
            "缺少报文控制号（MSH-10），无法防止重复应用。", ack="AR", location="MSH^1^10",
            code="101",
        )  # fmt: skip
    if header.processing_id != "P":  # T training, D debugging: never live data
        return codec.MessageError(
            f"处理标识（MSH-11）为{header.processing_id}：仅正式报文（P）写入数据，本报文未应用。",
            ack="AR", location="MSH^1^11", code="202",
        )  # fmt: skip
    return None


def receive(actor, raw: bytes, peer: str = "") -> bytes:
    """Apply one framed message and return the encoded ACK to send back."""
    try:
        header = codec.read_header(raw)
    except codec.MessageError as exc:
        header = codec.Header(b"|", "", "", "", "", "", "", "", "")
        return _store_failure(header, raw, peer, exc)
    refusal = _refused_before_reading(header)
    if refusal is not None:
        return _store_failure(header, raw, peer, refusal)
    return _answer(actor, header, raw, peer, again_on_conflict=True)


def _answer(
    actor, header: codec.Header, raw: bytes, peer: str, *, again_on_conflict: bool
) -> bytes:
    """Apply and store the message, or store why not; the ACK either way."""
    try:
        return _apply_and_store(actor, header, raw, peer)
    except IntegrityError:
        earlier = _earlier(header)  # a resend, or the same message on another connection
        if earlier is not None:
            return _answer_again(earlier)
        if again_on_conflict:
            # Another connection added the same new record (a patient both messages name)
            # just before this one: applied again, the message finds it.
            return _answer(actor, header, raw, peer, again_on_conflict=False)
        return _store_failure(header, raw, peer, codec.MessageError("数据库约束冲突。"))
    except Exception as exc:  # every failure is answered and kept; nothing is half-applied
        earlier = _earlier(header)  # a resend of a message answered before: the same answer
        if earlier is not None:
            return _answer_again(earlier)
        if isinstance(exc, RuleViolation):
            record_refusal(exc, actor, "hl7", f"{header.message_type} {header.control_id}")
        return _store_failure(header, raw, peer, _as_message_error(exc))


def _apply_and_store(actor, header: codec.Header, raw: bytes, peer: str) -> bytes:
    with transaction.atomic():
        with audit.gathered():
            warnings = apply(actor, header, raw)
        ack = codec.encode(codec.ack_text(header, "AA", warnings=warnings), header.charset)
        # A resend is recognised here, by the unique sender and control ID: what it applied
        # again goes back with this transaction and the first ACK is answered.
        _store(header, raw, peer, Outcome.ACCEPTED, ack)
    return ack


def _earlier(header: codec.Header) -> InboundMessage | None:
    if not header.control_id:
        return None
    return InboundMessage.objects.filter(
        sending_application=header.sending_application,
        sending_facility=header.sending_facility,
        control_id=header.control_id,
    ).first()


def _answer_again(earlier: InboundMessage) -> bytes:
    InboundMessage.objects.filter(pk=earlier.pk).update(attempts=earlier.attempts + 1)
    return bytes(earlier.ack)


def _store(header, raw, peer, outcome, ack, error: codec.MessageError | None = None):
    return InboundMessage.objects.create(
        sending_application=header.sending_application[:64],
        sending_facility=header.sending_facility[:64],
        control_id=header.control_id,
        message_type=header.message_type,
        encoding=header.charset[:24],
        raw=raw,
        peer=peer[:64],
        outcome=outcome,
        ack_code=ack.split(b"MSA|", 1)[1][:2].decode() if b"MSA|" in ack else "",
        ack=ack,
        error=(error.text if error else "")[:500],
        error_location=(error.location if error else "")[:24],
        rule=error.rule if error else "",
    )


def _store_failure(header, raw, peer, error: codec.MessageError) -> bytes:
    ack = codec.encode(codec.ack_text(header, error.ack, error), header.charset)
    outcome = Outcome.REJECTED if error.ack == "AR" else Outcome.ERROR
    try:
        with transaction.atomic():
            _store(header, raw, peer, outcome, ack, error)
    except IntegrityError:
        earlier = _earlier(header)
        if earlier is not None:
            return _answer_again(earlier)
        raise
    return ack


def reprocess(actor, message: InboundMessage) -> InboundMessage:
    """Apply a failed message again, after its mapping was fixed. Success marks it resolved;
    a new failure replaces the recorded error."""
    raw = bytes(message.raw)
    header = codec.read_header(raw)
    try:
        with transaction.atomic():
            locked = InboundMessage.objects.select_for_update().get(pk=message.pk)
            if locked.outcome == Outcome.ACCEPTED:
                return locked
            refusal = _refused_before_reading(header)
            if refusal is not None:  # a training message stays unapplied, however retried
                raise refusal
            apply(actor, header, raw)
            locked.outcome = Outcome.ACCEPTED
            locked.error = locked.error_location = locked.rule = ""
            locked.resolved_at = timezone.now()
            locked.save()
            return locked
    except Exception as exc:
        error = _as_message_error(exc)
        InboundMessage.objects.filter(pk=message.pk).update(
            error=error.text[:500], error_location=error.location[:24], rule=error.rule
        )
        message.refresh_from_db()
        return message
