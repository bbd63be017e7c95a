"""The teaching file (ARC-4): a case of value for teaching, research or care is registered
with its tags and a de-identified copy of the report — the patient's name, hospital ID,
ID-card number and phone removed, the age given as a band — so trainees learn from it
without the patient's identity. Reports flagged as teaching cases in the editor wait here to
be filed."""

from __future__ import annotations

import re

from django.db.models import Q, QuerySet
from django.utils import timezone

from yiji.archive.models import BodySystem, CaseValue, TeachingCase
from yiji.core import audit
from yiji.core.accounts import staff_of
from yiji.core.models import AuditAction, Patient
from yiji.core.permissions import Action, require
from yiji.core.rulebook import RuleViolation, carries_out
from yiji.orders.models import Exam
from yiji.reports.models import SIGNED_STATUSES, Report

REMOVED = "［已去除］"


def age_band(patient: Patient) -> str:
    years = patient.age_on(timezone.localdate())
    if years is None:
        return ""
    low = years // 10 * 10
    return f"{low}-{low + 9}岁" if years >= 1 else "<1岁"


def deidentify(text: str, patient: Patient) -> str:
    """The report's text without what identifies the patient."""
    for value in (patient.name, patient.patient_id, patient.id_card, patient.phone):
        if value and len(value) >= 2:
            text = text.replace(value, REMOVED)
    # Any other 11-digit mobile or 18-character ID-card number written in the text.
    text = re.sub(r"(?<!\d)1[3-9]\d{9}(?!\d)", REMOVED, text)
    return re.sub(r"(?<![0-9Xx])\d{17}[0-9Xx](?![0-9Xx])", REMOVED, text)


@carries_out("ARC-4")
def mark(
    actor, exam: Exam, value: str, body_system: str, diagnosis: str, keywords: str = "",
    note: str = "",
) -> TeachingCase:  # fmt: skip
    require(actor, Action.WRITE_REPORT)
    report = Report.objects.filter(exam=exam).first()
    if report is None or report.status not in SIGNED_STATUSES:
        raise RuleViolation(
            "ARC-4",
            "只有已签发报告的病例可以登记为教学病例。",
            "Only a signed report's case is filed.",
        )
    if (
        value not in CaseValue.values
        or body_system not in BodySystem.values
        or not diagnosis.strip()
    ):
        raise RuleViolation(
            "ARC-4",
            "请选择用途、系统并填写诊断。",
            "Choose the value and body system; give the diagnosis.",
        )
    if TeachingCase.objects.filter(exam=exam).exists():
        raise RuleViolation("ARC-4", "该病例已登记。", "This case is already in the teaching file.")
    patient = exam.patient
    case = TeachingCase.objects.create(
        exam=exam, value=value, body_system=body_system, modality=exam.modality,
        diagnosis=deidentify(diagnosis.strip(), patient)[:200],
        keywords=deidentify(keywords.strip(), patient)[:200], sex=patient.sex,
        age_band=age_band(patient), findings=deidentify(report.findings, patient),
        impression=deidentify(report.impression, patient),
        note=deidentify(note.strip(), patient), marked_by=staff_of(actor, "ARC-4"),
    )  # fmt: skip
    audit.record(actor, AuditAction.CREATE, case, patient=patient)
    return case


def search(q: str = "", body_system: str = "", modality: str = "") -> QuerySet:
    cases = TeachingCase.objects.select_related("marked_by")
    if q.strip():
        word = q.strip()
        cases = cases.filter(
            Q(diagnosis__contains=word) | Q(keywords__contains=word)
            | Q(findings__contains=word) | Q(impression__contains=word)
        )  # fmt: skip
    if body_system in BodySystem.values:
        cases = cases.filter(body_system=body_system)
    if modality:
        cases = cases.filter(modality=modality)
    return cases


def flagged() -> QuerySet:
    """Reports flagged as teaching cases in the editor, signed, and not yet filed."""
    filed = TeachingCase.objects.values("exam_id")
    return (
        Report.objects.filter(teaching=True, status__in=SIGNED_STATUSES)
        .exclude(exam_id__in=filed)
        .select_related("exam__item", "author")
        .order_by("-final_at")
    )


def unfiled(exam_id: int) -> Report | None:
    """An exam's signed report not yet filed, to file from the report page or a session."""
    return (
        Report.objects.filter(exam_id=exam_id, status__in=SIGNED_STATUSES)
        .exclude(exam_id__in=TeachingCase.objects.values("exam_id"))
        .select_related("exam__item")
        .first()
    )
