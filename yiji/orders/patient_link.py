"""The patient's own link (the QR code on the slip): no login, signed and expiring, so that
only the holder of the slip reaches the appointment notice and, once released, the report
(ARC-5); each opening is logged (ORD-7)."""

from __future__ import annotations

from django.core import signing

from yiji.core import policy
from yiji.core.rulebook import RuleViolation, carries_out
from yiji.orders.models import Exam

SALT = "yiji.patient-link"


def token_for(exam: Exam) -> str:
    return signing.dumps(exam.pk, salt=SALT, compress=True)


@carries_out("ARC-5")
def exam_for(token: str) -> Exam:
    """The exam a link names, while it is valid; a forged or expired link is refused."""
    days = policy.value("arc.patient_link_days")
    try:
        pk = signing.loads(token, salt=SALT, max_age=days * 86400)
    except signing.SignatureExpired:
        raise RuleViolation(
            "ARC-5",
            f"该链接已超过{days}天有效期，请凭预约单到登记台查询。",
            f"This link has expired after {days} days; ask at the desk with your slip.",
        ) from None
    except signing.BadSignature:
        raise RuleViolation("ARC-5", "链接无效。", "This link is not valid.") from None
    exam = (
        Exam.objects.select_related("patient", "item", "room", "department").filter(pk=pk).first()
    )
    if exam is None:
        raise RuleViolation("ARC-5", "链接无效。", "This link is not valid.")
    return exam
