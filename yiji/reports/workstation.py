"""What the reading workstation shows beside the text: the patient, the requisition, the exam
as performed, the clock, the priors (same body part first) and, for the reviewer, what changed
since the author submitted. Reads only; the report's changes stay in `services`."""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass

from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from yiji.exams import clocks as exam_clocks
from yiji.exams.models import ExamRecord
from yiji.orders.models import Exam, ExamStatus, Modality
from yiji.reports.models import CriticalResult, Report, ReportStatus, ReportVersion

PRIORS_SHOWN = 20
LOCAL_SOURCE = "本院"


@dataclass
class Prior:
    report: Report
    same_body_part: bool
    # Where the prior was read: this hospital, or (mutual recognition, later) another one.
    source: str = LOCAL_SOURCE

    @property
    def comparison(self) -> str:
        day = timezone.localdate(self.report.final_at) if self.report.final_at else None
        modality = self.report.exam.modality
        return f"与{day:%Y-%m-%d} {modality}比较：" if day else ""


def priors(exam: Exam) -> list[Prior]:
    """The patient's released reports before this exam: the same body part first, newest
    first within each."""
    rows = (
        Report.objects.filter(
            exam__patient_id=exam.patient_id,
            status__in=[ReportStatus.FINAL, ReportStatus.AMENDED],
        )
        .exclude(exam=exam)
        .select_related("exam__item")
        .order_by("-final_at", "-pk")[: PRIORS_SHOWN * 5]
    )
    part = exam.item.body_part
    found = [Prior(r, bool(part) and r.exam.item.body_part == part) for r in rows]
    found.sort(key=lambda p: not p.same_body_part)  # stable: newest first within each
    return found[:PRIORS_SHOWN]


def context(exam: Exam, now: dt.datetime | None = None) -> dict:
    """The exam's facts beside the editor."""
    now = now or timezone.now()
    requisition = exam.requisition
    record = ExamRecord.objects.filter(exam=exam).first()
    deadline, rule = (None, "")
    if exam.status == ExamStatus.COMPLETED:
        deadline, rule = exam_clocks.due(exam)
    left = int((deadline - now).total_seconds() // 60) if deadline else None
    return {
        "age": exam.patient.age_on(timezone.localdate(exam.completed_at or now)),
        "requisition": requisition,
        "record": record,
        "critical": list(CriticalResult.objects.filter(exam=exam).order_by("found_at")),
        "deadline": deadline,
        "deadline_rule": rule,
        "minutes_left": left,
        "minutes_late": -left if left is not None and left < 0 else None,
        "needs_images": exam.modality not in (Modality.ECG, Modality.LAB),
    }


def changes(report: Report) -> dict | None:
    """For the reviewer: what changed since the author signed (a reviewer's own edits), or,
    after a send-back, what the author changed before signing again."""
    if report.status != ReportStatus.SUBMITTED:
        return None
    signed = list(
        ReportVersion.objects.filter(
            report=report, status=ReportStatus.SUBMITTED, saved_by_id=report.author.user_id
        ).order_by("-number")[:2]
    )
    if not signed:
        return None
    now_text = (report.findings, report.impression)
    before, kind = signed[0], "edited"
    if (before.findings, before.impression) == now_text:
        if len(signed) < 2 or (signed[1].findings, signed[1].impression) == now_text:
            return None
        before, kind = signed[1], "revised"
    return {
        "kind": kind,
        "findings": diff(before.findings, report.findings),
        "impression": diff(before.impression, report.impression),
    }


def diff(before: str, after: str) -> SafeString:
    """Character-level changes (Chinese has no word breaks): deleted text struck through,
    added text marked."""
    parts = []
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            parts.append(escape(before[a1:a2]))
            continue
        if a2 > a1:
            parts.append(f"<del>{escape(before[a1:a2])}</del>")
        if b2 > b1:
            parts.append(f"<ins>{escape(after[b1:b2])}</ins>")
    return mark_safe("".join(parts).replace("\n", "<br>"))  # noqa: S308 - every part escaped


def neighbours(exam: Exam, rows) -> tuple[int | None, int | None]:
    """The previous and next exams of the reading list the report was opened from."""
    order = list(rows.values_list("pk", flat=True)[:500])
    if exam.pk not in order:
        return None, (order[0] if order else None)
    at = order.index(exam.pk)
    return (order[at - 1] if at else None), (order[at + 1] if at + 1 < len(order) else None)
