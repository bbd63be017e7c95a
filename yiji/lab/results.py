"""Lab results (LAB-3): entered by hand, from an analyser file or an HL7 ORU; flagged against
the reference range for the patient's sex and age and the critical limits; delta-checked
against the patient's previous result; marked for a call to the clinic when unexpected; and
released only after an authorised reviewer verifies and signs — and never while the test's
QC on that instrument is out of control (LAB-5). Critical values go through the closed loop
shared with imaging (reports.critical)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yiji.core import accounts, audit, policy
from yiji.core.accounts import staff_of
from yiji.core.models import AuditAction, Patient
from yiji.core.permissions import Action, require
from yiji.core.rulebook import RuleViolation, carries_out
from yiji.equipment.models import Device
from yiji.lab import hooks, qc, specimens
from yiji.lab.models import (
    CRITICAL_FLAGS,
    CallReason,
    Flag,
    LabReport,
    LabResult,
    LabTest,
    ReferenceRange,
    ResultSource,
    SpecimenStatus,
)
from yiji.orders.models import EventKind, Exam, ExamStatus, Modality
from yiji.orders.services import record_event

POSITIVE = {"阳性", "+", "pos", "positive", "阳", "p"}
NEGATIVE = {"阴性", "-", "neg", "negative", "阴", "n"}


def _released() -> RuleViolation:
    return RuleViolation(
        "LAB-3", "结果已审核发布，不能再修改。", "The results were released; they cannot change."
    )


@carries_out("LAB-3")
def reference_for(test: LabTest, patient: Patient, day: dt.date) -> ReferenceRange | None:
    """The interval for the patient's sex and age; one for their sex wins over one for
    either sex. Without a birth date only the adult (from 14) or all-ages ranges apply."""
    age = patient.age_on(day)
    best = None
    for r in test.ranges.all():
        if r.sex and r.sex != patient.sex:
            continue
        if age is None:
            fits = r.age_to is None
        else:
            fits = r.age_from <= age and (r.age_to is None or age < r.age_to)
        if fits and (best is None or (r.sex and not best.sex)):
            best = r
    return best


def _range_text(r: ReferenceRange | None, test: LabTest) -> str:
    if test.qualitative:
        return str(_("Negative"))
    if r is None:
        return ""

    def shown(v):
        return f"{v:.{test.decimals}f}" if v is not None else ""

    if r.low is None:
        return f"< {shown(r.high)}"
    if r.high is None:
        return f"> {shown(r.low)}"
    return f"{shown(r.low)}–{shown(r.high)}"


@carries_out("RPT-12", "LAB-3")
def critical_limits(test: LabTest, department) -> tuple[Decimal | None, Decimal | None]:
    """The policy settings (crit.lab_*_low/_high) where the test names them, else the
    catalogue's limits."""
    low, high = test.critical_low, test.critical_high
    if test.critical_policy and not test.qualitative:
        catalogue = policy.catalogue()
        for side in ("low", "high"):
            key = f"{test.critical_policy}_{side}"
            if key in catalogue:
                value = policy.value(key, department=department)
                low, high = (value, high) if side == "low" else (low, value)
    return low, high


class BadValue(ValueError):
    pass


@dataclass
class Judged:
    value: str
    numeric: Decimal | None
    flag: str
    reference: str
    critical: bool = False
    unexpected_positive: bool = False


def _number(text: str, test: LabTest) -> Decimal:
    cleaned = text.strip().lstrip("<>").strip()
    try:
        value = Decimal(cleaned)
    except InvalidOperation as exc:
        raise BadValue(text) from exc
    if not value.is_finite() or value < 0:
        raise BadValue(text)
    return value


@carries_out("LAB-3", "RPT-12")
def judge(test: LabTest, text: str, patient: Patient, department, day: dt.date) -> Judged:
    """The value as entered, read and flagged."""
    text = text.strip()
    if test.qualitative:
        word = text.lower()
        if word in POSITIVE:
            critical = test.critical_policy and bool(
                policy.value(test.critical_policy, department=department)
            )
            return Judged("positive", None, Flag.POSITIVE, _range_text(None, test),
                          critical=bool(critical), unexpected_positive=not critical)  # fmt: skip
        if word in NEGATIVE:
            return Judged("negative", None, Flag.NORMAL, _range_text(None, test))
        raise BadValue(text)
    value = _number(text, test)
    shown = f"{value:.{test.decimals}f}" if text[:1] not in "<>" else text
    reference = reference_for(test, patient, day)
    low, high = critical_limits(test, department)
    if low is not None and value <= low:
        flag = Flag.CRITICAL_LOW
    elif high is not None and value >= high:
        flag = Flag.CRITICAL_HIGH
    elif reference and reference.low is not None and value < reference.low:
        flag = Flag.LOW
    elif reference and reference.high is not None and value > reference.high:
        flag = Flag.HIGH
    else:
        flag = Flag.NORMAL
    return Judged(shown, value, flag, _range_text(reference, test), critical=flag in CRITICAL_FLAGS)


def previous_result(test: LabTest, exam: Exam) -> LabResult | None:
    """The patient's last released result of the test before this exam."""
    return (
        LabResult.objects.filter(
            test=test, exam__patient=exam.patient, exam__lab_report__isnull=False,
            numeric__isnull=False,
        )
        .exclude(exam=exam)
        .order_by("-exam__lab_report__released_at")
        .first()
    )  # fmt: skip


@carries_out("LAB-3")
def delta(test: LabTest, value: Decimal | None, previous: LabResult | None) -> Decimal | None:
    """The change from the previous result in %, when both are numbers."""
    if value is None or previous is None or previous.numeric in (None, 0):
        return None
    return ((value - previous.numeric) / previous.numeric * 100).quantize(Decimal("0.1"))


def panel_tests(exam: Exam) -> list[LabTest]:
    return [line.test for line in exam.item.lab.lines.select_related("test")]


@dataclass
class Entry:
    problems: dict[str, str] = field(default_factory=dict)  # test code → what is wrong
    saved: list[LabResult] = field(default_factory=list)


def _locked_exam(exam: Exam) -> Exam:
    return (
        Exam.objects.select_for_update(of=("self",))
        .select_related("patient", "item__lab", "department", "requisition")
        .get(pk=exam.pk)
    )


def _check_testable(exam: Exam):
    from yiji.incidents.freeze import require_unfrozen

    if exam.modality != Modality.LAB:
        raise RuleViolation("LAB-3", "这不是检验项目。", "This is not a lab test.")
    if LabReport.objects.filter(exam=exam).exists():
        raise _released()
    require_unfrozen(exam)
    specimen = specimens.current(exam)
    if specimen is None or specimen.status not in specimens.ARRIVED:
        raise RuleViolation(
            "LAB-1", "标本尚未通过接收核对，不能录入结果。",
            "The specimen has not passed the reception check.", field="barcode",
        )  # fmt: skip
    return specimen


@carries_out("LAB-3", "RPT-12")
def enter(
    actor,
    exam: Exam,
    values: dict[str, str],
    *,
    source: str = ResultSource.MANUAL,
    instrument: Device | None = None,
) -> Entry:
    """Enter (or re-enter before release) results by test code. Good values are saved even
    when others in the same entry are wrong; the wrong ones come back with the reason."""
    require(actor, Action.PROCESS_SPECIMEN)
    staff = staff_of(actor, "LAB-3")
    entry = Entry()
    with transaction.atomic():
        exam = _locked_exam(exam)
        specimen = _check_testable(exam)
        tests = {t.code: t for t in panel_tests(exam)}
        instrument = instrument or exam.item.lab.instrument
        now = timezone.now()
        day = timezone.localdate(now)
        for code, text in values.items():
            if not str(text).strip():
                continue
            test = tests.get(code)
            if test is None:
                entry.problems[code] = str(_("not a test of this panel"))
                continue
            try:
                judged = judge(test, str(text), exam.patient, exam.department, day)
            except BadValue:
                entry.problems[code] = str(_("not a valid result"))
                continue
            entry.saved.append(
                _save(actor, staff, exam, specimen, test, judged, source, instrument, now)
            )
        if entry.saved:
            _mark_testing(actor, exam, specimen, now)
    return entry


def _save(actor, staff, exam, specimen, test, judged: Judged, source, instrument, now):
    from yiji.reports import critical

    previous = previous_result(test, exam)
    change = delta(test, judged.numeric, previous)
    failed = bool(change is not None and test.delta_percent and abs(change) > test.delta_percent)
    result = LabResult.objects.filter(exam=exam, test=test).first()
    before = {"value": result.value, "flag": result.flag} if result else None
    result = result or LabResult(exam=exam, test=test)
    result.specimen, result.value, result.numeric = specimen, judged.value, judged.numeric
    result.unit, result.reference, result.flag = test.unit, judged.reference, judged.flag
    result.previous, result.delta_percent, result.delta_failed = previous, change, failed
    result.instrument, result.source, result.entered_at, result.entered_by = (
        instrument, source, now, staff
    )  # fmt: skip
    if judged.unexpected_positive and not result.call_reason:
        result.call_reason = CallReason.UNEXPECTED_POSITIVE
    result.save()
    audit.record(actor, AuditAction.UPDATE if before else AuditAction.CREATE, result,
                 patient=exam.patient, before=before,
                 after={"value": result.value, "flag": result.flag})  # fmt: skip
    if judged.critical:
        shown = {"positive": "阳性", "negative": "阴性"}.get(result.value, result.value)
        finding = f"{test.name} {shown} {test.unit}".strip()
        critical.open_critical(actor, exam, test.code, finding)
    return result


def _mark_testing(actor, exam: Exam, specimen, now) -> None:
    if specimen.status != SpecimenStatus.TESTED:
        specimen.status = SpecimenStatus.TESTED
        specimen.save(update_fields=["status"])
        specimens._track(specimen, SpecimenStatus.TESTED, actor.staff, at=now)
    if exam.status == ExamStatus.ARRIVED:
        exam.status, exam.started_at, exam.performed_by = ExamStatus.IN_PROGRESS, now, actor.staff
        exam.save(update_fields=["status", "started_at", "performed_by"])
        record_event(exam, EventKind.STARTED, actor, at=now)


@carries_out("LAB-3")
def mark_for_call(actor, result: LabResult, reason: str) -> LabResult:
    """A result at odds with the clinical picture (or any the reviewer doubts) is held for a
    recheck with the clinic."""
    require(actor, Action.PROCESS_SPECIMEN)
    if reason not in CallReason.values:
        raise RuleViolation("LAB-3", "请选择原因。", "Choose the reason.", field="reason")
    _check_open(result)
    result.call_reason, result.called_at, result.call_note = reason, None, ""
    result.save(update_fields=["call_reason", "called_at", "call_note"])
    return result


@carries_out("LAB-3")
def record_call(actor, result: LabResult, note: str) -> LabResult:
    """What the clinic said when the result was rechecked or reported to it."""
    require(actor, Action.PROCESS_SPECIMEN)
    if not note.strip():
        raise RuleViolation(
            "LAB-3", "请记录与临床沟通的对象与结论。", "Record whom you spoke to and the outcome.",
            field="call_note",
        )  # fmt: skip
    _check_open(result)
    result.call_note, result.called_at = note.strip()[:300], timezone.now()
    result.save(update_fields=["call_note", "called_at"])
    audit.record(actor, AuditAction.UPDATE, result, patient=result.exam.patient,
                 after={"call": result.call_reason, "call_note": result.call_note})  # fmt: skip
    return result


def _check_open(result: LabResult) -> None:
    if LabReport.objects.filter(exam_id=result.exam_id).exists():
        raise _released()


@carries_out("LAB-3", "LAB-5")
def release_problems(exam: Exam, reviewer=None) -> list[RuleViolation]:
    """Everything that stops release, each with its rule (the page lists them all)."""
    results = {r.test_id: r for r in exam.lab_results.select_related("test", "instrument")}
    problems = []
    missing = [t.name for t in panel_tests(exam) if t.pk not in results]
    if missing:
        problems.append(RuleViolation(
            "LAB-3", f"尚有未出结果的项目：{'、'.join(missing)}。",
            f"{len(missing)} test(s) have no result yet.",
        ))  # fmt: skip
    for r in results.values():
        if r.call_open:
            problems.append(RuleViolation(
                "LAB-3", f"{r.test.name}须先与临床核对并记录（{r.get_call_reason_display()}）。",
                f"{r.test.name_en}: recheck with the clinic and record it first.",
            ))  # fmt: skip
        if qc.missing_run(r.test, r.instrument, exam.department) is not None:
            problems.append(RuleViolation(
                "LAB-5",
                f"{r.instrument.name}的{r.test.name}本质控周期尚无在控的室内质控，不能发布"
                "（或由审核者登记例外并写明理由）。",
                f"{r.test.name_en} on {r.instrument.name} has no in-control QC run this period: "
                "run QC, or a reviewer records a documented exception.",
                data={"test": r.test_id, "instrument": r.instrument_id},
            ))  # fmt: skip
        run = qc.blocking_run(r.test, r.instrument)
        if run is not None:
            problems.append(RuleViolation(
                "LAB-5",
                f"{r.instrument.name}的{r.test.name}室内质控失控，记录纠正措施前不能发布。",
                f"{r.test.name_en} QC on {r.instrument.name} is out of control: record the "
                "corrective action first.",
            ))  # fmt: skip
    if (
        reviewer is not None
        and not reviewer.memberships.filter(department=exam.department).exists()
    ):
        problems.append(RuleViolation(
            "LAB-3", f"审核发布须由{exam.department.name}的审核者进行。",
            f"Results are verified by a reviewer of {exam.department.name}.",
        ))  # fmt: skip
    if reviewer is not None and not policy.value(
        "lab.self_verification_allowed", department=exam.department
    ):
        entered_by = {r.entered_by_id for r in results.values()}
        if entered_by == {reviewer.pk}:
            problems.append(RuleViolation(
                "LAB-3", "结果须由录入者以外的审核者审核发布。",
                "Results are verified by someone other than the person who entered them.",
            ))  # fmt: skip
    return problems


@carries_out("LAB-3", "LAB-4", "LAB-5")
def release(actor, exam: Exam, secret: str, *, comment: str = "", confirm_delta: bool = False):
    """Verify, sign and release: the exam is completed, the specimens' keeping time set,
    the result sent to the hospital systems."""
    require(actor, Action.RELEASE_LAB_RESULT)
    staff = staff_of(actor, "LAB-3")
    with transaction.atomic():
        exam = _locked_exam(exam)
        _check_testable(exam)
        problems = release_problems(exam, staff)
        if problems:
            raise problems[0]
        if exam.lab_results.filter(delta_failed=True).exists() and not confirm_delta:
            raise RuleViolation(
                "LAB-3", "有结果与患者上次结果差异过大（差值检查），请复核后勾选确认。",
                "A result differs too much from the patient's previous one: recheck it and "
                "confirm.", field="confirm_delta",
            )  # fmt: skip
        try:
            signature = accounts.sign(actor, secret, "lab_release", exam)
        except accounts.SignatureRefused as exc:
            raise RuleViolation("LAB-3", str(exc), str(exc), field="signature") from exc
        now = timezone.now()
        specimen = specimens.current(exam)
        if specimen and specimen.concession_reason:
            note = f"让步检验：{specimens.reason_label(specimen.concession_reason)}"
            comment = f"{note}；{comment}" if comment.strip() else note
        report = LabReport.objects.create(
            exam=exam, verified_by=staff, released_at=now, signature=signature,
            comment=comment.strip()[:300],
        )  # fmt: skip
        exam.status, exam.completed_at, exam.has_report = ExamStatus.COMPLETED, now, True
        exam.save(update_fields=["status", "completed_at", "has_report"])
        record_event(exam, EventKind.COMPLETED, actor, at=now)
        record_event(exam, EventKind.REPORT_FINAL, actor, at=now)
        specimens.keep_after_report(exam, now)
        hooks.lab_report_released(report)
    return report


def reports_for_clinician(actor):
    """Released lab results of the clinician's own patients (ordered by them or their
    departments)."""
    require(actor, Action.READ_RESULTS)
    staff = staff_of(actor, "ARC-5")
    departments = staff.memberships.values_list("department_id", flat=True)
    return (
        LabReport.objects.filter(
            Q(exam__requisition__ordering_physician=staff)
            | Q(exam__requisition__ordering_department__in=departments)
        )
        .select_related("exam__patient", "exam__item", "verified_by")
        .order_by("-released_at")
    )


def reports_for(actor):
    """Released lab results an account may receive: all for a hospital system's interface
    account (RPT-11), a clinician's own patients' otherwise (ARC-5)."""
    from yiji.core.permissions import may

    if may(actor, Action.RECEIVE_RESULTS):
        return LabReport.objects.select_related("exam__patient", "exam__item", "verified_by")
    return reports_for_clinician(actor)


@carries_out("ORD-7", "ARC-5")
def open_report(actor, report: LabReport) -> LabReport:
    """Lab staff open any report of their lab's patients; a clinician only their own
    patients'. Every opening is logged."""
    from yiji.core import access
    from yiji.core.permissions import Decision, PermissionRefused, may

    patient = report.exam.patient
    if may(actor, Action.PROCESS_SPECIMEN) or may(actor, Action.RELEASE_LAB_RESULT):
        access.require_open(actor, patient)
    elif not reports_for(actor).filter(pk=report.pk).exists():
        raise PermissionRefused(Decision(
            False, Action.READ_RESULTS, "ARC-5", "只能查看本人或本科室患者的检验结果。",
            "Only lab results of your own or your department's patients.",
        ))  # fmt: skip
    audit.record(actor, AuditAction.VIEW, report, patient=patient, reason="lab result")
    return report
