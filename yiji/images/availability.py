"""Image availability (IHE Scheduled Workflow): Yiji asks the archive about the exams that are
open (in progress, or completed within `img.poll_hours`) and not yet complete there, records
when their images arrive with the series and image counts, compares them with what MPPS
announced, and lists studies that match no exam or another patient for a person to reconcile.
Only open exams are asked about, so a pass costs the same with 1k or 20M exams stored."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from huey.contrib.djhuey import db_task

from yiji.core import policy
from yiji.core.rulebook import RuleViolation, carries_out
from yiji.images import pacs
from yiji.images.models import ArchiveState, Problem, Study
from yiji.orders.models import EventKind, Exam, ExamStatus
from yiji.orders.services import record_event

# The catalogue modalities whose exams make images; an ECG on paper and the lab make none.
IMAGING_MODALITIES = ("DR", "CR", "CT", "MR", "DSA", "MG", "RF", "US")
MAX_BACKOFF_SECONDS = 900
ARRIVAL_LIMIT = 2000


def needs_images(exam: Exam) -> bool:
    return exam.modality in IMAGING_MODALITIES and pacs.configured()


def open_exams(now: dt.datetime) -> QuerySet[Exam]:
    """The exams a polling pass asks about."""
    since = now - dt.timedelta(hours=policy.value("img.poll_hours"))
    complete = Study.objects.filter(exam=OuterRef("pk"), complete=True, problem="")
    return (
        Exam.objects.filter(modality__in=IMAGING_MODALITIES, accession__isnull=False)
        .filter(
            Q(status=ExamStatus.IN_PROGRESS)
            | Q(status=ExamStatus.COMPLETED, completed_at__gte=since)
        )
        .filter(~Exists(complete))
        .select_related("patient")
    )


@carries_out("EXM-2")
def expect(exam: Exam, study_uid: str, series: int, instances: int) -> Study:
    """What MPPS says the modality made, kept to compare with what arrives."""
    with transaction.atomic():
        study, _created = Study.objects.select_for_update().get_or_create(
            study_uid=study_uid or f"accession:{exam.accession}"[:64],
            defaults={"exam": exam, "accession": exam.accession or ""},
        )
        study.announced_series = series
        study.announced_instances = instances
        study.complete = _complete(study, exam, study.instance_count)
        study.save()
    return study


def check_soon(exam: Exam) -> None:
    """Ask about the exam as soon as the caller's transaction commits (MPPS COMPLETED)."""
    if needs_images(exam):
        transaction.on_commit(lambda: check_exam_task(exam.pk))


# The task lives beside what it runs, so queueing it needs no import of tasks.py.
@db_task()
def check_exam_task(exam_id: int) -> int:
    exam = Exam.objects.select_related("patient").filter(pk=exam_id).first()
    if exam is None:
        return 0
    try:
        return len(check_exam(exam))
    except pacs.ArchiveUnavailable as exc:
        note_archive(None, timezone.now(), str(exc))
        return 0


def check_exam(exam: Exam, now: dt.datetime | None = None) -> list[Study]:
    """Ask the archive about one exam now (raises pacs.ArchiveUnavailable)."""
    now = now or timezone.now()
    found = pacs.find_studies(accession=exam.accession) if exam.accession else []
    return [_record(exam, item, now) for item in found]


def _record(exam: Exam | None, found: pacs.FoundStudy, now: dt.datetime) -> Study:
    with transaction.atomic():
        study = (
            Study.objects.select_for_update().filter(study_uid=found.study_uid).first()
            or _announced_by_accession(exam)
            or Study(study_uid=found.study_uid)
        )
        previous = study.instance_count
        study.study_uid = found.study_uid
        study.accession = found.accession
        study.patient_id = found.patient_id[:64]
        study.patient_name = found.patient_name[:128]
        study.modalities = ",".join(found.modalities)[:64]
        study.study_date = found.study_date
        if found.instances != previous or found.series != study.series_count:
            # Only when the counts moved: the series list costs one more query.
            study.series = pacs.series_of(found.study_uid) if dicom_web() else []
        study.series_count = found.series
        study.instance_count = found.instances
        study.checked_at = now
        if found.instances and study.seen_at is None:
            study.seen_at = now
        if study.reconciled_at is None:
            study.exam = exam
            study.problem = _problem(exam, found)
        study.complete = study.problem == "" and _complete(study, exam, previous)
        study.save()
        if study.problem == "" and found.instances and not previous and exam is not None:
            record_event(
                exam,
                EventKind.IMAGES_AVAILABLE,
                None,
                at=now,
                series=found.series,
                instances=found.instances,
                announced=study.announced_instances,
                mismatch=study.mismatch,
                study_uid=found.study_uid,
            )
    return study


def _announced_by_accession(exam: Exam | None) -> Study | None:
    # MPPS sent no Study Instance UID: its announcement waits under the accession.
    if exam is None or not exam.accession:
        return None
    return (
        Study.objects.select_for_update()
        .filter(study_uid=f"accession:{exam.accession}"[:64])
        .first()
    )


def _problem(exam: Exam | None, found: pacs.FoundStudy) -> str:
    if exam is None:
        return Problem.UNKNOWN_ACCESSION
    if found.patient_id != exam.patient.patient_id:
        return Problem.OTHER_PATIENT
    return Problem.NONE


def _complete(study: Study, exam: Exam | None, previous: int) -> bool:
    if study.instance_count == 0:
        return False
    if study.announced_instances is not None:
        return study.instance_count >= study.announced_instances
    # No announcement: complete once the exam has ended and the count held still between
    # two looks.
    ended = exam is not None and exam.status == ExamStatus.COMPLETED
    return ended and previous == study.instance_count


def dicom_web() -> bool:
    return bool(pacs.dicomweb_url())


def scan_arrivals(now: dt.datetime) -> int:
    """Studies of the last two days that Yiji has not seen: attach those whose accession and
    patient match, list the rest for reconciliation. Returns how many were new."""
    found = pacs.find_studies(
        since=timezone.localdate(now) - dt.timedelta(days=1), limit=ARRIVAL_LIMIT
    )
    known = set(
        Study.objects.filter(study_uid__in=[f.study_uid for f in found]).values_list(
            "study_uid", flat=True
        )
    )
    new = [f for f in found if f.study_uid not in known]
    exams = {
        e.accession: e
        for e in Exam.objects.filter(
            accession__in=[f.accession for f in new if f.accession]
        ).select_related("patient")
    }
    for item in new:
        _record(exams.get(item.accession), item, now)
    return len(new)


@dataclass
class PassResult:
    asked: int = 0
    arrived: int = 0
    new_studies: int = 0
    skipped: str = ""
    error: str = ""
    milliseconds: int = 0


def poll(now: dt.datetime | None = None, force: bool = False) -> PassResult:
    """One polling pass (the task queue runs one a minute; `yiji pacs poll` runs one)."""
    now = now or timezone.now()
    if not pacs.configured():
        return PassResult(skipped="off")
    state, _ = ArchiveState.objects.get_or_create(pk=1)
    if not force and state.retry_at and state.retry_at > now:
        return PassResult(skipped="backing off")
    result = PassResult()
    began = time.perf_counter()
    try:
        # Read before writing: on SQLite a connection still reading a cursor cannot begin
        # the write of an arrival ("database is locked"). Open exams are a bounded few.
        for exam in list(open_exams(now).order_by("pk")):
            result.asked += 1
            result.arrived += sum(1 for s in check_exam(exam, now) if s.seen_at == now)
        result.new_studies = scan_arrivals(now)
    except pacs.ArchiveUnavailable as exc:
        result.error = str(exc)
    result.milliseconds = int((time.perf_counter() - began) * 1000)
    note_archive(state, now, result.error, result.asked, result.milliseconds)
    return result


def note_archive(
    state: ArchiveState | None,
    now: dt.datetime,
    error: str = "",
    asked: int = 0,
    milliseconds: int = 0,
) -> None:
    """Keep the archive's state; after a failure wait longer before the next pass."""
    state = state or ArchiveState.objects.get_or_create(pk=1)[0]
    state.checked_at = now
    state.last_pass_exams, state.last_pass_ms = asked, milliseconds
    if error:
        state.ok = False
        state.failures += 1
        state.last_error, state.last_error_at = error[:300], now
        pause = min(60 * 2 ** (state.failures - 1), MAX_BACKOFF_SECONDS)
        state.retry_at = now + dt.timedelta(seconds=pause)
    else:
        state.ok, state.failures, state.retry_at, state.last_ok_at = True, 0, None, now
    state.save()


def archive_state() -> ArchiveState | None:
    return ArchiveState.objects.filter(pk=1).first()


@dataclass(frozen=True)
class Images:
    """What a page shows of an exam's images, from the records (no call to the archive)."""

    needed: bool
    series: int = 0
    instances: int = 0
    announced: int | None = None
    mismatch: bool = False
    study_uid: str = ""

    @property
    def available(self) -> bool:
        return self.instances > 0


def summaries(exams: list[Exam]) -> dict[int, Images]:
    """Per exam, its matched studies summed; one query for the whole page."""
    by_exam: dict[int, list[Study]] = {}
    wanted = [e.pk for e in exams if e.modality in IMAGING_MODALITIES]
    archive = pacs.configured()
    if archive and wanted:
        for study in Study.objects.filter(exam_id__in=wanted, problem=""):
            by_exam.setdefault(study.exam_id, []).append(study)
    result = {}
    for exam in exams:
        studies = by_exam.get(exam.pk, [])
        announced = [s.announced_instances for s in studies if s.announced_instances is not None]
        result[exam.pk] = Images(
            needed=exam.modality in IMAGING_MODALITIES and archive,
            series=sum(s.series_count for s in studies),
            instances=sum(s.instance_count for s in studies),
            announced=sum(announced) if announced else None,
            mismatch=any(s.mismatch for s in studies),
            study_uid=next((s.study_uid for s in studies if s.seen_at), ""),
        )
    return result


def summary(exam: Exam) -> Images:
    return summaries([exam])[exam.pk]


def current(exam: Exam) -> Images:
    """For the exam's own page: an open exam whose images are not all in is asked about now
    (the technologist waiting to accept them should not wait for the next pass), unless the
    archive is failing and being left alone."""
    images = summary(exam)
    open_now = exam.status in (ExamStatus.IN_PROGRESS, ExamStatus.COMPLETED)
    if not images.needed or not open_now or _backing_off():
        return images
    if Study.objects.filter(exam=exam, problem="", complete=True).exists():
        return images
    return refresh(exam)[0]


def _backing_off() -> bool:
    state = archive_state()
    return bool(state and state.retry_at and state.retry_at > timezone.now())


@carries_out("EXM-2")
def require_images(exam: Exam) -> Images:
    """A report is signed on images: refused while the archive holds none of the exam's
    (the archive is asked when none is recorded yet). Exams that make no images pass."""
    images = summary(exam)
    if not images.needed or images.available:
        return images
    images, error = refresh(exam)
    if images.available:
        return images
    if error:
        raise RuleViolation(
            "EXM-2",
            "无法连接影像存档，不能确认该检查的图像已到达，暂不能签发报告。",
            "The image archive cannot be reached to confirm this exam's images; the report "
            "cannot be signed yet.",
        )
    raise RuleViolation(
        "EXM-2",
        "影像存档中还没有该检查的图像，不能签发报告。",
        "The archive holds no image of this exam yet: the report cannot be signed.",
    )


def refresh(exam: Exam) -> tuple[Images, str]:
    """Ask the archive now, for a person waiting on the answer; on failure the recorded
    figures and the archive's error."""
    if not needs_images(exam):
        return summary(exam), ""
    try:
        check_exam(exam)
    except pacs.ArchiveUnavailable as exc:
        note_archive(None, timezone.now(), str(exc))
        return summary(exam), str(exc)
    return summary(exam), ""
