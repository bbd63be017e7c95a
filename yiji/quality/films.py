"""Image quality: the reject and error register (QLT-3), film grading at the periodic review
(CNF-6), and the rates they give per technologist, device, modality and month: grade-A rate
(甲级片率), reject rate (废片率) and the artefact rate of the 2024 radiology set (R1)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Exists, F, OuterRef, Q, Value
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from yiji.core import audit, notices, policy
from yiji.core.accounts import staff_of
from yiji.core.calendar import day_bounds
from yiji.core.models import AuditAction, Department, DepartmentKind, Role, Staff, TechnologistTitle
from yiji.core.permissions import Action, require
from yiji.core.rulebook import RuleViolation, carries_out
from yiji.orders.models import Exam, ExamStatus, Modality
from yiji.quality.models import (
    ARTEFACT_REASONS,
    FilmGrade,
    RejectedImage,
    RejectReason,
    TechnicalSession,
)
from yiji.reports.models import ImageGrade

INDICATOR_SET = "放射影像专业医疗质量控制指标（2024年版）"
GROUPINGS = ("technologist", "room", "modality", "month")


@carries_out("QLT-3")
def register_reject(
    actor,
    exam: Exam,
    reason: str,
    *,
    technologist: Staff | None = None,
    retaken: bool = True,
    note: str = "",
) -> RejectedImage:
    require(actor, Action.PERFORM_EXAM)
    if reason not in RejectReason.values:
        raise RuleViolation("QLT-3", "请选择废片原因。", "Choose the reason.", field="reason")
    if exam.status not in (ExamStatus.IN_PROGRESS, ExamStatus.COMPLETED):
        raise RuleViolation(
            "QLT-3",
            "只有已开始或已完成的检查可以登记废片。",
            "Only an exam under way or done has rejects.",
        )
    technologist = technologist or exam.performed_by or staff_of(actor, "QLT-3")
    with transaction.atomic():
        reject = RejectedImage.objects.create(
            exam=exam,
            technologist=technologist,
            room=exam.room,
            modality=exam.modality,
            reason=reason,
            retaken=retaken,
            note=note.strip()[:200],
            recorded_by=staff_of(actor, "QLT-3"),
        )
        audit.record(actor, AuditAction.CREATE, reject, patient=exam.patient)
    return reject


@carries_out("CNF-6")
def grade_film(actor, exam: Exam, grade: str, note: str = "") -> FilmGrade:
    """The film review's grade for an exam (the latest review stands)."""
    require(actor, Action.PERFORM_EXAM)
    if grade not in ImageGrade.values:
        raise RuleViolation("CNF-6", "请选择片级。", "Choose a grade.", field="grade")
    if exam.status != ExamStatus.COMPLETED:
        raise RuleViolation("CNF-6", "只评已完成检查的照片。", "Only completed exams are graded.")
    film, _made = FilmGrade.objects.update_or_create(
        exam=exam,
        defaults={
            "grade": grade,
            "graded_by": staff_of(actor, "QLT-3"),
            "graded_at": timezone.now(),
            "note": note.strip()[:200],
        },
    )
    return film


@carries_out("CNF-6")
def remind_film_review(now: dt.datetime | None = None) -> int:
    """Films are reviewed every cnf.film_review_interval_days: where a department has graded
    no film for that long while it has radiographs waiting for a grade, its QC officers (or,
    without one, its group leaders) are reminded, once per interval."""
    now = now or timezone.now()
    sent = 0
    waiting = Exam.objects.filter(
        status=ExamStatus.COMPLETED, item__radiation=True, film_grade__isnull=True
    )
    for department in Department.objects.filter(kind=DepartmentKind.IMAGING):
        days = policy.value("cnf.film_review_interval_days", department=department)
        since = now - dt.timedelta(days=days)
        graded = FilmGrade.objects.filter(exam__department=department, graded_at__gte=since)
        pending = waiting.filter(department=department, completed_at__gte=since)
        if graded.exists() or not pending.exists():
            continue
        period = timezone.localdate(now).toordinal() // days
        reviewers = (
            notices.holders(Role.QC_OFFICER, department) or notices.escalation_chain(department)[0]
        )
        sent += notices.notify(
            reviewers, "CNF-6", f"film-review:{department.pk}:{period}",
            f"{department.name}已{days}天未评片，{pending.count()}份照片待评级。",
            "/quality/films/",
        )  # fmt: skip
    return sent


@dataclass
class FilmRate:
    key: object
    label: str
    exams: int
    graded: int
    grade_a: int
    rejects: int
    artefact_exams: int

    @property
    def grade_a_rate(self) -> float | None:
        return 100 * self.grade_a / self.graded if self.graded else None

    @property
    def reject_rate(self) -> float | None:
        """Rejected images per image taken: rejects / (exams + rejects)."""
        taken = self.exams + self.rejects
        return 100 * self.rejects / taken if taken else None

    @property
    def artefact_rate(self) -> float | None:
        return 100 * self.artefact_exams / self.exams if self.exams else None


def _exams(first: dt.date, last: dt.date, department=None):
    start, end = day_bounds(first, last)
    exams = Exam.objects.filter(
        status=ExamStatus.COMPLETED, completed_at__gte=start, completed_at__lt=end
    ).exclude(modality=Modality.LAB)
    return exams.filter(department=department) if department else exams


@carries_out("QLT-3", "CNF-6")
def film_rates(first: dt.date, last: dt.date, by: str, department=None) -> list[FilmRate]:
    """Completed exams of the period grouped `by` technologist, room (device), modality or
    month, counted in the database. An exam's grade is the film review's, else the reading
    physician's on the report."""
    if by not in GROUPINGS:
        raise ValueError(by)
    rejects = RejectedImage.objects.filter(exam=OuterRef("pk"))
    exams = _exams(first, last, department).annotate(
        grade=Coalesce(F("film_grade__grade"), F("report__image_grade"), Value("")),
        has_artefact=Exists(rejects.filter(reason__in=ARTEFACT_REASONS)),
        month=TruncMonth("completed_at", tzinfo=timezone.get_current_timezone()),
    )
    field = {
        "technologist": "performed_by",
        "room": "room",
        "modality": "modality",
        "month": "month",
    }[by]
    rows = (
        exams.values(field)
        .annotate(
            n=Count("pk"),
            graded=Count("pk", filter=~Q(grade="")),
            grade_a=Count("pk", filter=Q(grade=ImageGrade.A)),
            artefacts=Count("pk", filter=Q(has_artefact=True)),
        )
        .order_by(field)
    )
    reject_totals = dict(
        exams.values(field).annotate(total=Count("rejects")).values_list(field, "total")
    )
    labels = _labels(by, [row[field] for row in rows])
    return [
        FilmRate(
            key=row[field],
            label=labels.get(row[field], str(row[field] or "—")),
            exams=row["n"],
            graded=row["graded"],
            grade_a=row["grade_a"],
            rejects=reject_totals.get(row[field], 0),
            artefact_exams=row["artefacts"],
        )
        for row in rows
    ]


def _labels(by: str, keys: list) -> dict:
    if by == "technologist":
        return dict(Staff.objects.filter(pk__in=[k for k in keys if k]).values_list("pk", "name"))
    if by == "room":
        from yiji.core.models import Room

        return dict(Room.objects.filter(pk__in=[k for k in keys if k]).values_list("pk", "name"))
    if by == "month":
        return {k: timezone.localtime(k).strftime("%Y-%m") for k in keys if k}
    return {}


@carries_out("CNF-2")
def record_technical_session(
    actor,
    department,
    day: dt.date,
    chair: Staff,
    *,
    films_reviewed: int,
    problems: str,
    measures: str = "",
) -> TechnicalSession:
    """The record of a technical session; its chair is a supervisor technologist or above."""
    require(actor, Action.PERFORM_EXAM)
    if (chair.technologist_title or 0) < TechnologistTitle.SUPERVISOR:
        raise RuleViolation(
            "CNF-2",
            "技术读片会须由主管技师或以上职称的技师主持。",
            "A technical session is chaired by a supervisor technologist or above.",
            field="chair",
        )
    if not problems.strip():
        raise RuleViolation(
            "CNF-2",
            "请记录评片发现的图像质量和技术问题。",
            "Record the image-quality and technique problems reviewed.",
            field="problems",
        )
    with transaction.atomic():
        record = TechnicalSession.objects.create(
            department=department,
            day=day,
            chair=chair,
            films_reviewed=max(0, films_reviewed),
            problems=problems.strip(),
            measures=measures.strip(),
            recorded_by=staff_of(actor, "QLT-3"),
        )
        audit.record(actor, AuditAction.CREATE, record)
    return record
