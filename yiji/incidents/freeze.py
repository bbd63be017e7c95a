"""The freeze of a serious event's records (INC-2): while an exam is frozen nothing changes
its exam record, its report or its image records. The exam and report services ask here."""

from __future__ import annotations

from yiji.core.rulebook import RuleViolation, carries_out
from yiji.incidents.models import Freeze


def active_freeze(exam_id: int) -> Freeze | None:
    return (
        Freeze.objects.filter(exam_id=exam_id, released_at__isnull=True)
        .select_related("incident")
        .first()
    )


@carries_out("INC-2")
def require_unfrozen(exam) -> None:
    freeze = active_freeze(exam.pk)
    if freeze is not None:
        number = freeze.incident.number
        raise RuleViolation(
            "INC-2",
            f"该检查的资料因差错事故{number}已封存，解除封存前不能修改。",
            f"This exam's records are frozen for incident {number} until released.",
        )
