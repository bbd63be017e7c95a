"""Exam-room work: technique, start, record, image acceptance, completion, disinfection."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from yiji.core import audit, notices, policy
from yiji.core.accounts import staff_of
from yiji.core.models import AuditAction, Role, Room, Sex
from yiji.core.permissions import Action, require, roles_of
from yiji.core.rulebook import RuleViolation, carries_out
from yiji.equipment.plans import unchecked_device_in
from yiji.equipment.services import faulty_device_in
from yiji.exams.clocks import deadline
from yiji.exams.models import AsepticItem, Disinfection, ExamRecord, Reaction
from yiji.images import availability
from yiji.incidents.freeze import require_unfrozen
from yiji.orders.models import EventKind, Exam, ExamStatus, Modality
from yiji.orders.scheduling import walk_in_problem
from yiji.orders.services import record_event
from yiji.people import credentials
from yiji.people.models import Post

RECORD_FIELDS = (
    "protocol",
    "kv",
    "mas",
    "ctdi_vol",
    "dlp",
    "dap",
    "shielding",
    "pregnancy_checked",
    "contrast_agent",
    "contrast_ml",
    "contrast_route",
    "reaction",
    "extravasation",
    "films",
)


def _locked(exam: Exam) -> tuple[Exam, ExamRecord]:
    exam = (
        Exam.objects.select_for_update(of=("self",))
        .select_related("item", "patient", "requisition", "room")
        .get(pk=exam.pk)
    )
    require_unfrozen(exam)  # INC-2: a serious event's records stay as they were
    record, _created = ExamRecord.objects.get_or_create(exam=exam)
    return exam, record


def _staff(actor):
    staff = getattr(actor, "staff", None)
    if staff is None:
        raise RuleViolation("EXM-1", "只有在册人员可以操作检查。", "Only staff may do this.")
    return staff


@carries_out("EXM-2")
def awaiting_image_acceptance(room: Room):
    """Important exams in the room whose images no one has accepted yet, the modality
    finished or not: the patient does not leave before it."""
    return (
        Exam.objects.filter(room=room, status=ExamStatus.IN_PROGRESS, item__important=True)
        .filter(record__images_accepted_at__isnull=True)
        .select_related("patient", "item")
        .order_by("started_at", "pk")
    )


def pending_disinfection(room: Room) -> Disinfection | None:
    return Disinfection.objects.filter(room=room, done_at__isnull=True).first()


@carries_out("EXM-1")
def confirm_technique(actor, exam: Exam, protocol: str = "") -> ExamRecord:
    """The physician or the technologist confirms the technique; important exams need both."""
    require(actor, Action.PERFORM_EXAM)
    staff = _staff(actor)
    with transaction.atomic():
        exam, record = _locked(exam)
        if protocol.strip():
            record.protocol = protocol.strip()
        if staff.physician_title:
            record.technique_physician = staff
        elif staff.technologist_title:
            record.technique_technologist = staff
        else:
            raise RuleViolation(
                "EXM-1",
                "确定投照/扫描技术须由医师或技师（有职称者）确认。",
                "The technique is confirmed by a physician or a technologist with a title.",
            )
        record.save()
        record_event(exam, EventKind.TECHNIQUE, actor, note=record.protocol)
    return record


@carries_out("EXM-1", "EXM-5", "EXM-7")
@carries_out("EXM-9")
def record_aseptic_check(actor, exam: Exam, confirmed: list[str]) -> ExamRecord:
    """The aseptic checklist of an interventional procedure: every item confirmed, by whom
    and when, before the procedure starts."""
    require(actor, Action.PERFORM_EXAM)
    missing = [item for item in AsepticItem if item.value not in confirmed]
    if missing:
        raise RuleViolation(
            "EXM-9", "无菌核查未完成：" + "；".join(str(m.label) for m in missing) + "。",
            f"{len(missing)} item(s) of the aseptic checklist are not confirmed.",
            field="aseptic", data={"missing": [m.value for m in missing]},
        )  # fmt: skip
    with transaction.atomic():
        exam, record = _locked(exam)
        record.aseptic_checklist = list(AsepticItem.values)
        record.aseptic_checked_by = staff_of(actor, "EXM-9")
        record.aseptic_checked_at = timezone.now()
        record.save()
        audit.record(actor, AuditAction.UPDATE, record, patient=exam.patient,
                     after={"aseptic_checklist": record.aseptic_checklist})  # fmt: skip
    return record


def start_exam(actor, exam: Exam) -> Exam:
    require(actor, Action.PERFORM_EXAM)
    with transaction.atomic():
        exam, record = _locked(exam)
        _check_arrived(exam)
        check_operator(actor, exam)
        for problem in _start_problems(exam, record):
            raise problem
        if late := walk_in_problem(exam, timezone.now()):
            raise late  # SCH-7 holds when the exam starts, booked or not
        _mark_started(actor, exam, timezone.now())
    return exam


# The post (RAD-1, `stf.post_requirements_*`) whose credentials the person operating an
# exam of each modality needs.
OPERATING_POST = {
    Modality.DR: Post.RADIOGRAPHY, Modality.CR: Post.RADIOGRAPHY, Modality.MG: Post.RADIOGRAPHY,
    Modality.RF: Post.RADIOGRAPHY, Modality.CT: Post.LARGE_EQUIPMENT,
    Modality.MR: Post.LARGE_EQUIPMENT, Modality.DSA: Post.LARGE_EQUIPMENT,
    Modality.US: Post.ULTRASOUND, Modality.ECG: Post.ECG,
}  # fmt: skip


@carries_out("RAD-1")
def check_operator(actor, exam: Exam) -> None:
    """Whoever starts an exam holds, valid today, what the modality's post requires. A
    modality's own start (MPPS) names no operator Yiji knows, so only people are checked."""
    post = OPERATING_POST.get(exam.modality)
    if post is None or Role.INTERFACE in roles_of(actor):
        return
    staff = staff_of(actor, "RAD-1")
    credentials.require_for_post(staff, post, timezone.localdate(), exam.department, "不能开始检查")


def _check_arrived(exam: Exam) -> None:
    if exam.status != ExamStatus.ARRIVED:
        raise RuleViolation(
            "EXM-3",
            "只有已登记候检的患者可以开始检查。",
            "Only a checked-in patient can be examined.",
        )


def _start_problems(exam: Exam, record: ExamRecord):
    down = faulty_device_in(exam.room) if exam.room_id else None
    if down is not None:
        yield RuleViolation(
            "EQP-3",
            f"{down.name}故障停机，不能开始检查，请分流到其他机房。",
            f"{down.name} is down: divert the patient to another room.",
        )
    unchecked = unchecked_device_in(exam.room) if exam.room_id else None
    if unchecked is not None:
        yield RuleViolation(
            "EQP-2",
            f"{unchecked.name}今日开机检查尚未记录，记录后方可开始检查。",
            f"{unchecked.name} has no start-of-day check today: record it first.",
        )
    if exam.room and pending_disinfection(exam.room):
        yield RuleViolation(
            "EXM-5",
            f"{exam.room.name}在传染病患者检查后尚未登记消毒，不能开始下一位检查。",
            f"{exam.room.name} has not been disinfected after an infectious patient.",
        )
    if exam.item.important and not (record.technique_physician and record.technique_technologist):
        yield RuleViolation(
            "EXM-1",
            "重要/特殊检查须由医师和技师共同确定投照/扫描技术后方可开始。",
            "An important or special exam starts once a physician and a technologist have "
            "both confirmed the technique.",
        )
    if exam.modality == Modality.DSA and record.aseptic_checked_at is None:
        yield RuleViolation(
            "EXM-9",
            "介入手术开始前须完成无菌操作核查表。",
            "An interventional procedure starts once its aseptic checklist is complete.",
        )
    if exam.item.exercise and not record.physician_present:
        yield RuleViolation(
            "EXM-7",
            "运动试验须有医师在场，请先登记在场医师。",
            "An exercise test needs a physician present: record the physician first.",
        )


def _mark_started(actor, exam: Exam, at: dt.datetime, **data) -> None:
    exam.status = ExamStatus.IN_PROGRESS
    exam.started_at = at
    exam.performed_by = getattr(actor, "staff", None)  # none when a modality reports it
    exam.save(update_fields=["status", "started_at", "performed_by"])
    record_event(exam, EventKind.STARTED, actor, at=at, **data)


@carries_out("EXM-7")
def confirm_physician_present(actor, exam: Exam) -> ExamRecord:
    require(actor, Action.PERFORM_EXAM)
    staff = _staff(actor)
    if not staff.physician_title:
        raise RuleViolation("EXM-7", "在场者须为医师。", "The person present must be a physician.")
    with transaction.atomic():
        exam, record = _locked(exam)
        record.physician_present = staff
        record.save(update_fields=["physician_present"])
    return record


@carries_out("EXM-3", "EXM-4", "EXM-6")
def record_details(actor, exam: Exam, values: dict[str, Any]) -> ExamRecord:
    """Record protocol, parameters, dose, shielding, pregnancy check and contrast given."""
    require(actor, Action.PERFORM_EXAM)
    unknown = set(values) - set(RECORD_FIELDS)
    if unknown:
        raise ValueError(f"unknown fields: {', '.join(sorted(unknown))}")
    with transaction.atomic():
        exam, record = _locked(exam)
        for name, value in values.items():
            if isinstance(value, Decimal | int | float) and value < 0:
                raise RuleViolation(
                    "EXM-3", "数值不能为负。", "Values cannot be negative.", field=name
                )
            setattr(record, name, value)
        record.full_clean(exclude=["exam"])
        record.save()
    return record


@carries_out("EXM-2")
def accept_images(actor, exam: Exam, override_reason: str = "") -> ExamRecord:
    """The technologist confirms the images acceptable. Where the exam makes images and an
    archive is configured, the archive is asked first: with no image of the exam there (or no
    answer), acceptance is refused unless the technologist gives the reason to accept anyway,
    which is recorded."""
    require(actor, Action.PERFORM_EXAM)
    staff = _staff(actor)
    override_reason = override_reason.strip()
    images, archive_error = availability.refresh(exam)
    problem = _archive_problem(images, archive_error) if images.needed else None
    if problem is not None and not override_reason:
        raise problem
    with transaction.atomic():
        exam, record = _locked(exam)
        if exam.status != ExamStatus.IN_PROGRESS:
            raise RuleViolation("EXM-2", "检查未在进行中。", "The exam is not in progress.")
        record.images_accepted_by = staff
        record.images_accepted_at = timezone.now()
        record.save(update_fields=["images_accepted_by", "images_accepted_at"])
        counts = {"series": images.series, "instances": images.instances}
        if images.announced is not None:
            counts["announced"] = images.announced
        record_event(
            exam, EventKind.IMAGES_ACCEPTED, actor, at=record.images_accepted_at,
            **(counts if images.needed else {}),
        )  # fmt: skip
        if problem is not None:
            record_event(
                exam, EventKind.OVERRIDE, actor, at=record.images_accepted_at,
                note=override_reason[:500], rule="EXM-2", refused=problem.en,
            )  # fmt: skip
    return record


def _archive_problem(images, archive_error: str) -> RuleViolation | None:
    if archive_error:
        return RuleViolation(
            "EXM-2",
            "无法连接影像存档，不能核对图像是否已到达；确需接受请填写原因。",
            "The image archive cannot be reached to check the images; give a reason to "
            "accept them anyway.",
            field="override_reason",
        )
    if not images.available:
        return RuleViolation(
            "EXM-2",
            "影像存档中还没有该检查的图像，不能确认图像合格；确需接受请填写原因。",
            "The archive holds no image of this exam yet; give a reason to accept anyway.",
            field="override_reason",
        )
    return None


def _pregnancy_check_due(exam: Exam) -> bool:
    patient = exam.patient
    if patient.sex != Sex.FEMALE or not patient.birth_date or not exam.item.radiation:
        return False
    low = policy.value("exm.pregnancy_check_min_age", department=exam.department)
    high = policy.value("exm.pregnancy_check_max_age", department=exam.department)
    return low <= patient.age_on(timezone.localdate()) <= high


@carries_out("EXM-2", "EXM-3", "EXM-4", "EXM-5", "EXM-6")
def complete_exam(actor, exam: Exam) -> Exam:
    """Complete only with the records the rules ask for; an infectious patient leaves the room
    waiting for disinfection (EXM-5)."""
    require(actor, Action.PERFORM_EXAM)
    with transaction.atomic():
        exam, record = _locked(exam)
        _check_in_progress(exam)
        for problem in _completion_problems(exam, record):
            raise problem
        _mark_completed(actor, exam, timezone.now())
    return exam


def _check_in_progress(exam: Exam) -> None:
    if exam.status != ExamStatus.IN_PROGRESS:
        raise RuleViolation("EXM-3", "检查未在进行中。", "The exam is not in progress.")


def _mark_completed(actor, exam: Exam, at: dt.datetime, **data) -> None:
    exam.status = ExamStatus.COMPLETED
    exam.completed_at = at
    exam.queue_number = None
    exam.report_due_at, exam.report_due_rule = deadline(exam)
    exam.save(
        update_fields=[
            "status",
            "completed_at",
            "queue_number",
            "report_due_at",
            "report_due_rule",
        ]
    )
    record_event(exam, EventKind.COMPLETED, actor, at=exam.completed_at, **data)
    if exam.requisition.infectious and exam.room:
        Disinfection.objects.create(room=exam.room, after_exam=exam)


def _completion_problems(exam: Exam, record: ExamRecord):
    item = exam.item
    if item.important and not record.images_accepted_at:
        yield RuleViolation(
            "EXM-2",
            "重要/特殊检查须确认图像合格后方可结束并嘱患者离开。",
            "An important or special exam ends only after the images are confirmed acceptable.",
        )
    if item.radiation and not any([record.kv, record.mas, record.ctdi_vol, record.dlp, record.dap]):
        yield RuleViolation(
            "EXM-3",
            "请记录检查参数与剂量（kV/mAs、CTDIvol/DLP或DAP）。",
            "Record the parameters and dose (kV/mAs, CTDIvol/DLP or DAP).",
            field="kv",
        )
    if item.radiation and not record.shielding.strip():
        yield RuleViolation(
            "EXM-4", "请记录防护屏蔽情况。", "Record the shielding used.", field="shielding"
        )
    if _pregnancy_check_due(exam) and not record.pregnancy_checked:
        yield RuleViolation(
            "EXM-4",
            "育龄期女性接受放射检查前须核实妊娠情况。",
            "Check pregnancy before radiation exams of women of child-bearing age.",
            field="pregnancy_checked",
        )
    if item.uses_contrast and not (
        record.contrast_agent.strip() and record.contrast_ml and record.reaction
    ):
        yield RuleViolation(
            "EXM-6",
            "请记录对比剂名称、用量、途径及有无不良反应或外渗。",
            "Record the contrast agent, dose, route and any reaction or extravasation.",
            field="contrast_agent",
        )


def discontinue_exam(actor, exam: Exam, reason: str) -> Exam:
    require(actor, Action.PERFORM_EXAM)
    if not reason.strip():
        raise RuleViolation("EXM-3", "中止检查须填写原因。", "A discontinued exam needs a reason.")
    with transaction.atomic():
        exam, record = _locked(exam)
        _check_in_progress(exam)
        _mark_discontinued(actor, exam, record, reason.strip(), timezone.now())
    return exam


def _mark_discontinued(actor, exam: Exam, record: ExamRecord, reason: str, at, **data) -> None:
    record.discontinue_reason = reason[:200]
    record.save(update_fields=["discontinue_reason"])
    exam.status = ExamStatus.DISCONTINUED
    exam.completed_at = at
    exam.queue_number = None
    exam.save(update_fields=["status", "completed_at", "queue_number"])
    record_event(exam, EventKind.DISCONTINUED, actor, at=at, note=reason[:500], **data)
    if exam.requisition.infectious and exam.room:
        Disinfection.objects.create(room=exam.room, after_exam=exam)


@carries_out("EXM-5")
def record_disinfection(actor, room: Room, method: str, agent: str = "") -> Disinfection:
    """A disinfection done now: it clears any hold after an infectious patient (EXM-5) and
    counts as the room's routine disinfection (EQP-7)."""
    require(actor, Action.PERFORM_EXAM)
    if not method.strip():
        raise RuleViolation(
            "EXM-5", "请填写消毒方法。", "Record the disinfection method.", field="method"
        )
    with transaction.atomic():
        pending = Disinfection.objects.select_for_update().filter(room=room, done_at__isnull=True)
        now = timezone.now()
        done = None
        for disinfection in pending:
            disinfection.done_at, disinfection.done_by = now, actor
            disinfection.method, disinfection.agent = method.strip(), agent.strip()[:100]
            disinfection.save(update_fields=["done_at", "done_by", "method", "agent"])
            done = disinfection
        if done is None:
            done = Disinfection.objects.create(
                room=room, required_at=now, done_at=now, done_by=actor,
                method=method.strip(), agent=agent.strip()[:100],
            )  # fmt: skip
    return done


def turnaround(exam: Exam) -> dict[str, dt.timedelta | None]:
    """Waits computed from the recorded events, never typed in."""
    times = {e.kind: e.at for e in exam.events.order_by("at")}

    def span(a, b):
        return times[b] - times[a] if a in times and b in times else None

    return {
        "arrival_to_start": span(EventKind.ARRIVED, EventKind.STARTED),
        "start_to_complete": span(EventKind.STARTED, EventKind.COMPLETED),
        "request_to_complete": span(EventKind.REQUESTED, EventKind.COMPLETED),
    }


__all__ = ["Reaction"]


# The modality reports what happened (DICOM MPPS). The scan has happened whatever Yiji thinks,
# so the exam follows it; a rule the screen would have enforced is recorded as broken, with
# its ID, where the department's quality reviews see it, instead of being silently skipped.
DOSE_FIELDS = ("kv", "mas", "ctdi_vol", "dlp", "dap")


def _record_exceptions(actor, exam: Exam, problems, at) -> list[str]:
    """The modality went ahead where a rule would have refused the step on screen: each
    broken rule is an event on the exam (counted on the compliance page) and the group leader
    is told at once."""
    leaders, _directors = notices.escalation_chain(exam.department)
    where = exam.room.name if exam.room else exam.get_modality_display()
    rules = []
    for problem in problems:
        record_event(
            exam, EventKind.RULE_EXCEPTION, actor, at=at, note=problem.zh, rule=problem.rule_id
        )
        notices.notify(
            leaders, problem.rule_id, f"exception:{exam.pk}:{problem.rule_id}",
            f"{where}设备未经规则允许继续检查（{exam.patient.name} {exam.item.name}）："
            f"{problem.zh}",
            url=f"/exams/{exam.pk}/",
        )  # fmt: skip
        rules.append(problem.rule_id)
    return rules


@carries_out("EXM-1", "EXM-3", "EXM-5", "EXM-7")
def modality_started(actor, exam: Exam, at: dt.datetime) -> list[str]:
    """MPPS IN PROGRESS. Returns the IDs of the rules the start broke (recorded as events)."""
    require(actor, Action.PERFORM_EXAM)
    with transaction.atomic():
        exam, record = _locked(exam)
        if exam.status == ExamStatus.IN_PROGRESS:
            return []
        _check_arrived(exam)
        broken = _record_exceptions(actor, exam, list(_start_problems(exam, record)), at)
        _mark_started(actor, exam, at, source="mpps")
    return broken


@carries_out("EXM-2", "EXM-3", "EXM-4", "EXM-6")
def modality_completed(actor, exam: Exam, at: dt.datetime, dose: dict[str, Decimal]) -> list[str]:
    """MPPS COMPLETED, with the dose the modality measured (taken where none was typed). An
    important exam whose images no one has accepted stays in progress (EXM-2)."""
    require(actor, Action.PERFORM_EXAM)
    with transaction.atomic():
        exam, record = _locked(exam)
        if exam.status == ExamStatus.COMPLETED:
            return []
        _check_in_progress(exam)
        taken = [f for f in DOSE_FIELDS if dose.get(f) is not None and getattr(record, f) is None]
        for name in taken:
            setattr(record, name, dose[name])
        if taken:
            record.save(update_fields=taken)
        if exam.item.important and not record.images_accepted_at:
            # EXM-2: the modality has finished, but a person accepts the images before the
            # patient leaves; the exam stays open in the room until the technologist does.
            record_event(exam, EventKind.MODALITY_FINISHED, actor, at=at, source="mpps")
            return []
        broken = _record_exceptions(actor, exam, list(_completion_problems(exam, record)), at)
        _mark_completed(actor, exam, at, source="mpps")
    return broken


def modality_discontinued(actor, exam: Exam, at: dt.datetime, reason: str) -> None:
    """MPPS DISCONTINUED: the exam ends as discontinued with the modality's reason."""
    require(actor, Action.PERFORM_EXAM)
    with transaction.atomic():
        exam, record = _locked(exam)
        if exam.status == ExamStatus.DISCONTINUED:
            return
        _check_in_progress(exam)
        _mark_discontinued(actor, exam, record, reason or "设备中止检查", at, source="mpps")
