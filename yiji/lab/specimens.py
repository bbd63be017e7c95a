"""Specimens (LAB-1, LAB-4): labelled, collected after the identity check, checked at
reception and rejected with a reason (the ward told, a recollection requested) or tested by
a documented concession, stored when not tested at once, kept after the report when special,
and disposed of with a record. Every step is a SpecimenEvent, so a specimen can be traced."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from yiji.core import audit, notices, numbering, policy
from yiji.core.accounts import staff_of
from yiji.core.models import AuditAction, Role
from yiji.core.permissions import Action, require
from yiji.core.rulebook import RuleViolation, carries_out
from yiji.lab.models import Specimen, SpecimenEvent, SpecimenStatus
from yiji.orders.checkin import Identifiers, verify_identity
from yiji.orders.models import EventKind, Exam, ExamStatus, Modality, Requisition
from yiji.orders.services import record_event

ARRIVED = (SpecimenStatus.RECEIVED, SpecimenStatus.STORED, SpecimenStatus.TESTED)


def _track(specimen: Specimen, kind: str, staff, note: str = "", at=None) -> None:
    SpecimenEvent.objects.create(
        specimen=specimen, kind=kind, by=staff, note=note[:300], at=at or timezone.now()
    )


def _locked(specimen: Specimen) -> Specimen:
    return (
        Specimen.objects.select_for_update(of=("self",))
        .select_related("exam__patient", "exam__item__lab", "exam__requisition", "exam__department")
        .get(pk=specimen.pk)
    )


def current(exam: Exam) -> Specimen | None:
    """The exam's specimen in use: the latest one not rejected."""
    return exam.specimens.exclude(status=SpecimenStatus.REJECTED).order_by("-pk").first()


def _new_specimen(exam: Exam, staff, *, recollection_of: Specimen | None = None) -> Specimen:
    lab = exam.item.lab
    today = timezone.localdate()
    specimen = Specimen.objects.create(
        barcode=numbering.daily_number("S", today, width=5),
        exam=exam,
        specimen_type=lab.specimen_type,
        container=lab.container,
        recollection_of=recollection_of,
    )
    _track(specimen, SpecimenStatus.LABELLED, staff)
    return specimen


@carries_out("LAB-1")
def labels_for(actor, requisition: Requisition) -> list[Specimen]:
    """The labels to print for a requisition: one specimen per open lab exam (made the first
    time; printing again gives the same barcodes)."""
    require(actor, Action.COLLECT_SPECIMEN)
    staff = staff_of(actor, "LAB-1")
    if requisition.cancelled_at:
        raise RuleViolation("ORD-1", "申请单已撤销。", "The requisition was cancelled.")
    specimens = []
    with transaction.atomic():
        exams = (
            Exam.objects.select_for_update(of=("self",))
            .filter(requisition=requisition, modality=Modality.LAB, item__lab__isnull=False)
            .select_related("item__lab")
            .order_by("pk")
        )
        for exam in exams:
            if exam.status == ExamStatus.CANCELLED:
                continue
            specimen = current(exam)
            if specimen is None and exam.status == ExamStatus.REQUESTED:
                specimen = _new_specimen(exam, staff)
                if not exam.accession:
                    exam.accession = numbering.daily_number("A", timezone.localdate(), width=6)
                    exam.save(update_fields=["accession"])
            if specimen is not None:
                specimens.append(specimen)
    if not specimens:
        raise RuleViolation(
            "LAB-1",
            "该申请单没有待采集的检验项目。",
            "This requisition has no lab test to collect.",
        )
    return specimens


@carries_out("LAB-1", "ORD-5")
def collect(actor, specimen: Specimen, ids: Identifiers) -> Specimen:
    """Collected after the patient's identity is checked against the label (ORD-5)."""
    require(actor, Action.COLLECT_SPECIMEN)
    staff = staff_of(actor, "LAB-1")
    with transaction.atomic():
        specimen = _locked(specimen)
        if specimen.status != SpecimenStatus.LABELLED:
            raise RuleViolation(
                "LAB-1", "该标本已采集。", "This specimen was already collected.", field="barcode"
            )
        if specimen.exam.requisition.cancelled_at or specimen.exam.status == ExamStatus.CANCELLED:
            raise RuleViolation("ORD-1", "申请单已撤销。", "The requisition was cancelled.")
        verify_identity(specimen.exam.patient, ids, specimen.exam.department)
        now = timezone.now()
        specimen.status = SpecimenStatus.COLLECTED
        specimen.collected_at, specimen.collected_by = now, staff
        specimen.save(update_fields=["status", "collected_at", "collected_by"])
        _track(specimen, SpecimenStatus.COLLECTED, staff, at=now)
        record_event(specimen.exam, EventKind.SPECIMEN_COLLECTED, actor, at=now,
                     barcode=specimen.barcode)  # fmt: skip
    return specimen


def _check_transport(specimen: Specimen, now: dt.datetime) -> None:
    limit = policy.value("lab.transport_max_minutes", department=specimen.exam.department)
    if now - specimen.collected_at > dt.timedelta(minutes=limit):
        minutes = int((now - specimen.collected_at).total_seconds() // 60)
        raise RuleViolation(
            "LAB-1",
            f"标本采集后{minutes}分钟才送达（限{limit}分钟），请以“运送延迟”拒收，或记录让步检验。",
            f"The specimen arrived {minutes} minutes after collection (limit {limit}): reject "
            "it for delayed transport, or record a concession.",
            field="barcode",
        )


def _check_receivable(specimen: Specimen) -> None:
    if specimen.status == SpecimenStatus.LABELLED:
        raise RuleViolation(
            "LAB-1", "该标本尚未登记采集，不能接收。", "The specimen has not been collected.",
            field="barcode",
        )  # fmt: skip
    if specimen.status != SpecimenStatus.COLLECTED:
        raise RuleViolation(
            "LAB-1", "该标本已接收或已拒收。", "The specimen was already received or rejected.",
            field="barcode",
        )  # fmt: skip
    if specimen.exam.requisition.cancelled_at or specimen.exam.status == ExamStatus.CANCELLED:
        raise RuleViolation("ORD-1", "申请单已撤销。", "The requisition was cancelled.")


def _concession_reason(specimen: Specimen, reason: str, note: str) -> None:
    if not policy.value("lab.concession_testing_allowed", department=specimen.exam.department):
        raise RuleViolation(
            "LAB-1", "本科室不允许让步检验，不合格标本须拒收。",
            "This lab does not allow concession testing: reject the specimen.",
        )  # fmt: skip
    _check_reason(specimen, reason)
    if not note.strip():
        raise RuleViolation(
            "LAB-1", "让步检验须记录原因（如标本难以再次采集）及与临床的沟通。",
            "A concession needs its reason and what the clinic agreed.", field="note",
        )  # fmt: skip


@carries_out("LAB-1", "LAB-2")
def receive(actor, specimen: Specimen, *, concession: str = "", note: str = "") -> Specimen:
    """The reception check. A conforming specimen is received; a non-conforming one only with
    a documented concession (让步检验), its reason kept and printed on the report."""
    from yiji.lab import tat

    require(actor, Action.PROCESS_SPECIMEN)
    staff = staff_of(actor, "LAB-1")
    with transaction.atomic():
        specimen = _locked(specimen)
        _check_receivable(specimen)
        now = timezone.now()
        if concession:
            _concession_reason(specimen, concession, note)
            specimen.concession_reason, specimen.concession_note = concession, note.strip()[:300]
        else:
            _check_transport(specimen, now)
        specimen.status = SpecimenStatus.RECEIVED
        specimen.received_at, specimen.received_by = now, staff
        specimen.save()
        _track(specimen, SpecimenStatus.RECEIVED, staff, specimen.concession_note, at=now)
        exam = Exam.objects.select_for_update(of=("self",)).get(pk=specimen.exam_id)
        if exam.status in (ExamStatus.REQUESTED, ExamStatus.BOOKED):
            exam.status = ExamStatus.ARRIVED
            exam.arrived_at = now
            exam.report_due_at, exam.report_due_rule = tat.deadline(exam, now)
            exam.save(update_fields=["status", "arrived_at", "report_due_at", "report_due_rule"])
            record_event(exam, EventKind.ARRIVED, actor, at=now, barcode=specimen.barcode,
                         concession=specimen.concession_reason)  # fmt: skip
    return specimen


def _check_reason(specimen: Specimen, reason: str) -> None:
    if reason not in policy.value("lab.rejection_reasons", department=specimen.exam.department):
        raise RuleViolation(
            "LAB-1", "请选择不合格原因。", "Choose the reason the specimen does not conform.",
            field="reason",
        )  # fmt: skip


def reason_label(code: str) -> str:
    return policy.choice_label("lab.rejection_reasons", code) if code else ""


@carries_out("LAB-1")
def reject(actor, specimen: Specimen, reason: str, note: str = "") -> Specimen:
    """Reject a non-conforming specimen: logged with its reason, the ward told and a new
    label made for the recollection; the exam waits for the new specimen."""
    require(actor, Action.PROCESS_SPECIMEN)
    staff = staff_of(actor, "LAB-1")
    with transaction.atomic():
        specimen = _locked(specimen)
        if specimen.status not in (SpecimenStatus.COLLECTED, SpecimenStatus.RECEIVED):
            raise RuleViolation(
                "LAB-1", "只有已采集、尚未检测的标本可以拒收。",
                "Only a collected specimen not yet tested can be rejected.", field="barcode",
            )  # fmt: skip
        _check_reason(specimen, reason)
        now = timezone.now()
        specimen.status = SpecimenStatus.REJECTED
        specimen.rejected_at, specimen.rejected_by = now, staff
        specimen.rejection_reason, specimen.rejection_note = reason, note.strip()[:300]
        specimen.save()
        label = reason_label(reason)
        _track(specimen, SpecimenStatus.REJECTED, staff, f"{label} {specimen.rejection_note}")
        exam = Exam.objects.select_for_update(of=("self",)).get(pk=specimen.exam_id)
        if exam.status == ExamStatus.ARRIVED:  # rejected after reception: wait again
            exam.status, exam.report_due_at, exam.report_due_rule = ExamStatus.REQUESTED, None, ""
            exam.save(update_fields=["status", "report_due_at", "report_due_rule"])
        record_event(exam, EventKind.SPECIMEN_REJECTED, actor, at=now, note=label,
                     barcode=specimen.barcode, reason=reason)  # fmt: skip
        replacement = _new_specimen(exam, staff, recollection_of=specimen)
        _tell_ward(specimen, label, replacement)
        audit.record(actor, AuditAction.UPDATE, specimen, patient=exam.patient,
                     after={"status": "rejected", "reason": reason})  # fmt: skip
    return specimen


def _tell_ward(specimen: Specimen, label: str, replacement: Specimen) -> None:
    requisition = specimen.exam.requisition
    to = [requisition.ordering_physician] if requisition.ordering_physician else []
    if requisition.ordering_department:
        to += notices.holders(Role.NURSE, requisition.ordering_department)
    patient = specimen.exam.patient
    notices.notify(
        to,
        "LAB-1",
        f"lab-reject-{specimen.pk}",
        f"【LAB-1】{patient.name}的{specimen.exam.item.name}标本（{specimen.barcode}）不合格"
        f"被拒收：{label}。请重新采集，新条码{replacement.barcode}。",
        reverse("lab_specimen", args=[replacement.pk]),
    )


@carries_out("LAB-1")
def store(actor, specimen: Specimen, location: str) -> Specimen:
    """A received specimen not tested at once is put away, with where."""
    require(actor, Action.PROCESS_SPECIMEN)
    staff = staff_of(actor, "LAB-1")
    if not location.strip():
        raise RuleViolation(
            "LAB-1", "请填写保存位置（如 2-8℃冰箱A层）。", "Give the storage location.",
            field="location",
        )  # fmt: skip
    with transaction.atomic():
        specimen = _locked(specimen)
        if specimen.status not in (SpecimenStatus.RECEIVED, SpecimenStatus.STORED,
                                   SpecimenStatus.TESTED):  # fmt: skip
            raise RuleViolation(
                "LAB-1", "只有已接收的标本可以保存。", "Only a received specimen can be stored.",
            )  # fmt: skip
        specimen.location = location.strip()[:60]
        if specimen.status == SpecimenStatus.RECEIVED:
            specimen.status = SpecimenStatus.STORED
        specimen.save(update_fields=["location", "status"])
        _track(specimen, SpecimenStatus.STORED, staff, specimen.location)
    return specimen


@carries_out("LAB-4")
def keep_after_report(exam: Exam, released_at: dt.datetime) -> None:
    """At release: special specimens are kept the policy hours, others are due for
    disinfection and disposal at once."""
    hours = policy.value("lab.special_specimen_keep_hours", department=exam.department)
    special = exam.item.lab.special
    keep = released_at + dt.timedelta(hours=hours) if special else released_at
    exam.specimens.filter(status__in=ARRIVED).update(status=SpecimenStatus.TESTED, keep_until=keep)


@carries_out("LAB-4")
def dispose(actor, specimen: Specimen, method: str) -> Specimen:
    """Disposal with its record (who, when, how); a special specimen not before its time."""
    require(actor, Action.PROCESS_SPECIMEN)
    staff = staff_of(actor, "LAB-4")
    if not method.strip():
        raise RuleViolation(
            "LAB-4", "请记录处理方式（如高压灭菌后按医疗废物处理）。",
            "Record how it was disposed of (e.g. autoclaved, medical waste).", field="method",
        )  # fmt: skip
    with transaction.atomic():
        specimen = _locked(specimen)
        if specimen.status == SpecimenStatus.DISPOSED:
            return specimen
        if specimen.status not in (SpecimenStatus.TESTED, SpecimenStatus.REJECTED):
            raise RuleViolation(
                "LAB-4", "报告发出前标本不得处理。", "A specimen is kept until its report is out.",
            )  # fmt: skip
        now = timezone.now()
        if specimen.keep_until and now < specimen.keep_until:
            keep = timezone.localtime(specimen.keep_until)
            raise RuleViolation(
                "LAB-4",
                f"特殊标本须保留至{keep:%m-%d %H:%M}（报告后{_keep_hours(specimen)}小时）。",
                f"This special specimen is kept until {keep:%m-%d %H:%M}.",
            )  # fmt: skip
        specimen.status = SpecimenStatus.DISPOSED
        specimen.disposed_at, specimen.disposed_by = now, staff
        specimen.disposal_method = method.strip()[:100]
        specimen.save()
        _track(specimen, SpecimenStatus.DISPOSED, staff, specimen.disposal_method, at=now)
    return specimen


def _keep_hours(specimen: Specimen) -> int:
    return policy.value("lab.special_specimen_keep_hours", department=specimen.exam.department)


def due_for_disposal(now: dt.datetime | None = None, department=None):
    """Tested or rejected specimens past their keeping time and not yet disposed of."""
    now = now or timezone.now()
    rows = Specimen.objects.filter(
        Q(status=SpecimenStatus.TESTED, keep_until__lte=now) | Q(status=SpecimenStatus.REJECTED),
        disposed_at__isnull=True,
    ).select_related("exam__patient", "exam__item")
    return rows.filter(exam__department=department) if department else rows


@carries_out("LAB-4")
def remind_disposal(now: dt.datetime | None = None) -> int:
    """Run hourly: specimens past their keeping time are reminded to the lab's technologists,
    one notice per department and day with the count."""
    now = now or timezone.now()
    sent = 0
    waiting = due_for_disposal(now).filter(
        Q(keep_until__isnull=True) | Q(keep_until__lte=now - dt.timedelta(hours=1))
    )
    by_department: dict = {}
    for specimen in waiting:
        by_department.setdefault(specimen.exam.department, []).append(specimen)
    for department, specimens in by_department.items():
        sent += notices.notify(
            notices.holders(Role.LAB_TECHNOLOGIST, department),
            "LAB-4",
            f"lab-dispose-{department.pk}-{timezone.localdate(now)}",
            f"【LAB-4】{len(specimens)}份标本已过保留时间，请消毒处理并登记。",
            reverse("lab") + "?tab=dispose",
        )
    return sent
