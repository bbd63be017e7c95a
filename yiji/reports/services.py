"""Writing, signing and amending reports. The signature rules (RPT-1, RPT-2, RPT-3, RPT-7,
RPT-9 and RAD-1 for signers) live here, for every interface."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone

from yiji.core import access, accounts, audit, calendar, notices, policy
from yiji.core.models import AuditAction, Staff
from yiji.core.permissions import Action, may, require
from yiji.core.rulebook import RuleViolation, carries_out
from yiji.images import availability, pacs
from yiji.incidents.freeze import require_unfrozen
from yiji.orders.models import EventKind, Exam, ExamStatus, Modality, Priority
from yiji.orders.services import record_event
from yiji.people import credentials
from yiji.people.models import Post
from yiji.reports import claims, critical, hooks
from yiji.reports.models import Addendum, KeyImage, Report, ReportStatus, ReportVersion
from yiji.reports.quality import quality_warnings

TITLE_RANK = {"resident": 1, "attending": 2, "associate_chief": 3, "chief": 4}
TITLE_ZH = {1: "住院医师", 2: "主治医师", 3: "副主任医师", 4: "主任医师"}
TITLE_EN = {1: "resident", 2: "attending", 3: "associate chief", 4: "chief"}
IMAGING = (
    Modality.DR,
    Modality.CR,
    Modality.CT,
    Modality.MR,
    Modality.DSA,
    Modality.MG,
    Modality.RF,
)
EDITABLE = (ReportStatus.DRAFT, ReportStatus.SUBMITTED)
REPORTABLE_EXAMS = (ExamStatus.COMPLETED,)


class EditConflict(Exception):
    """Someone saved the report after this editor opened it; nothing was overwritten."""

    def __init__(self, report: Report):
        super().__init__(report.version)
        self.report = report


DRAFT_FIELDS = (
    "findings",
    "impression",
    "positive",
    "difficult",
    "teaching",
    "image_grade",
    "category",
)


@dataclass
class Draft:
    findings: str
    impression: str
    positive: bool | None = None
    difficult: bool = False
    teaching: bool = False
    image_grade: str = ""
    category: str = ""


def _staff(actor) -> Staff:
    staff = getattr(actor, "staff", None)
    if staff is None:
        raise RuleViolation(
            "RPT-1", "只有在册医师可以书写报告。", "Only staff physicians write reports."
        )
    return staff


def _snapshot(report: Report, actor) -> None:
    ReportVersion.objects.create(
        report=report,
        number=report.version,
        status=report.status,
        findings=report.findings,
        impression=report.impression,
        flags={
            "positive": report.positive,
            "difficult": report.difficult,
            "teaching": report.teaching,
            "image_grade": report.image_grade,
            "category": report.category,
        },
        saved_by=actor,
    )


def save_draft(actor, exam: Exam, draft: Draft, *, expected_version: int) -> Report:
    """Save findings and impression; every save is a version. A save started from an older
    version is refused instead of overwriting a colleague's work."""
    require(actor, Action.WRITE_REPORT)
    require_unfrozen(exam)  # INC-2
    staff = _staff(actor)
    claims.require_holder(actor, exam)
    with transaction.atomic():
        exam = Exam.objects.select_for_update().get(pk=exam.pk)
        if exam.status not in REPORTABLE_EXAMS and not hasattr(exam, "report"):
            raise RuleViolation(
                "RPT-1",
                "检查完成后才能书写报告。",
                "A report is written once the exam is complete.",
            )
        report = Report.objects.select_for_update().filter(exam=exam).first()
        if report is None:
            report = Report(exam=exam, author=staff)
        if report.signed:
            raise RuleViolation(
                "RPT-13",
                "已签发的报告不能修改，请以补充报告（附注）更正。",
                "A signed report is never edited: add an addendum.",
            )
        if report.pk and report.version != expected_version:
            raise EditConflict(report)
        for field in DRAFT_FIELDS:
            setattr(report, field, getattr(draft, field))
        report.version += 1
        report.save()
        if not exam.has_report:  # the reading list's index (Exam.has_report)
            Exam.objects.filter(pk=exam.pk).update(has_report=True)
        _snapshot(report, actor)
    return report


@carries_out("RPT-10")
def apply_structured(actor, exam: Exam, fields, *, expected_version: int) -> Report:
    """A structured report (Lung-RADS, TI-RADS, LI-RADS, BI-RADS, as the item's scheme):
    the fields give the category and the follow-up interval, the findings and impression are
    written from them (editable afterwards), and the fields are kept on the report."""
    from yiji.reports import bi_rads, li_rads, lung_rads, ti_rads
    from yiji.reports.structured import scheme_for, stored

    scheme = scheme_for(exam.item)
    modules = {m.SCHEME: m for m in (lung_rads, ti_rads, li_rads, bi_rads)}
    if scheme not in modules or not isinstance(fields, modules[scheme].FIELDS):
        raise RuleViolation(
            "RPT-10", "该检查项目没有这种结构化报告。",
            "This item has no such structured report.",
        )  # fmt: skip
    found = modules[scheme].assess(fields)
    with transaction.atomic():
        report = save_draft(
            actor, exam,
            Draft(found.findings, found.impression, positive=found.positive,
                  category=found.category),
            expected_version=expected_version,
        )  # fmt: skip
        report.structured = stored(scheme, fields, found)
        report.save(update_fields=["structured"])
    return report


# The post whose credentials a signer needs (RAD-1, the `stf.post_requirements_*` policy).
SIGNING_POST = {Modality.US: Post.ULTRASOUND, Modality.ECG: Post.ECG}


@carries_out("RAD-1")
def require_licence(staff: Staff, exam: Exam) -> None:
    """Signing needs a licensed physician (RPT-2) holding, valid today, what the reporting
    post requires — a practising licence by default (RAD-1)."""
    if staff.is_trainee or not staff.physician_title:
        raise RuleViolation(
            "RPT-2",
            "进修、实习、规培人员及非医师不能签发报告，须由上级医师签字。",
            "Trainees and non-physicians cannot sign a report out: a superior signs.",
        )
    post = SIGNING_POST.get(exam.modality, Post.DIAGNOSIS)
    credentials.require_for_post(staff, post, timezone.localdate(), exam.department, "不能签发报告")


def _needs_review(report: Report) -> bool:
    """Whether a second signature is needed before the report is final."""
    exam = report.exam
    if exam.modality == Modality.MR and not policy.value(
        "rpt.mri_double_check", department=exam.department
    ):
        return report.author.is_trainee  # RPT-7 as the hospital set it: one licensed signer
    if exam.modality in IMAGING:
        return True  # RPT-1 double signature (RPT-7: MRI too, emergencies go preliminary)
    if exam.modality == Modality.US:
        return bool(report.positive) or report.author.is_trainee  # RPT-9
    return report.author.is_trainee  # ECG: a trainee's report needs a superior (RPT-2)


@carries_out("RPT-1", "RPT-2", "RPT-9")
def submit(actor, report: Report, secret: str, *, confirm_warnings: bool = False) -> Report:
    """The author signs the report: final at once where no review is needed (RPT-9: a
    negative ultrasound by a licensed sonographer), otherwise it waits for a reviewer."""
    require(actor, Action.WRITE_REPORT)
    require_unfrozen(report.exam)  # INC-2
    staff = _staff(actor)
    availability.require_images(report.exam)  # EXM-2: signed on images
    with transaction.atomic():
        report = (
            Report.objects.select_for_update().select_related("exam", "author").get(pk=report.pk)
        )
        if report.status != ReportStatus.DRAFT:
            raise RuleViolation("RPT-1", "只有草稿可以提交。", "Only a draft can be submitted.")
        if report.author_id != staff.pk:
            raise RuleViolation(
                "RPT-1", "报告须由书写医师本人提交。", "The author submits the report."
            )
        _check_content(report, confirm_warnings)
        if not staff.is_trainee:  # RPT-1: both signers are licensed; a trainee's goes up (RPT-2)
            require_licence(staff, report.exam)
        signature = _sign(actor, secret, "report author", report)
        report.author_signature = signature
        report.submitted_at = signature.signed_at
        report.sent_back_at, report.sent_back_by, report.sent_back_reason = None, None, ""
        if _needs_review(report):
            report.status = ReportStatus.SUBMITTED
        else:
            _finalise(report, signature.signed_at)
        report.version += 1
        report.save()
        _snapshot(report, actor)
    return report


def _check_content(report: Report, confirm_warnings: bool = False) -> None:
    """An empty impression is refused; other RPT-10 warnings need the signer to confirm, and
    are kept on the report so the compliance rate counts them."""
    if not report.impression.strip():
        raise RuleViolation(
            "RPT-10", "诊断意见不能为空。", "The impression cannot be empty.", field="impression"
        )
    warnings = quality_warnings(report)
    if warnings and not confirm_warnings:
        raise RuleViolation(
            "RPT-10",
            "报告书写规范检查：" + " ".join(warnings),
            "Report check: " + " ".join(warnings),
            overridable=True,
            data={"warnings": warnings},
        )
    report.quality_issues = warnings


def _sign(actor, secret: str, meaning: str, report: Report):
    try:
        return accounts.sign(actor, secret, meaning, report)
    except accounts.SignatureRefused as exc:
        raise RuleViolation("RPT-1", str(exc), str(exc), field="signature") from exc


@carries_out("RPT-1", "RPT-2", "RPT-3", "RPT-7")
def check_reviewer(report: Report, reviewer: Staff) -> None:
    """Who may co-sign: another, licensed physician of at least the policy title; a higher
    title for difficult cases; never a trainee."""
    department = report.exam.department
    if reviewer.pk == report.author_id:
        raise RuleViolation(
            "RPT-1",
            "双签字须由两位不同的医师完成，书写医师不能审核自己的报告。",
            "Double signature: the reviewer must be a different physician from the author.",
        )
    require_licence(reviewer, report.exam)
    needed = TITLE_RANK[policy.value("rpt.reviewer_min_title", department=department)]
    rule = "RPT-3"
    if report.difficult:
        needed = max(
            needed, TITLE_RANK[policy.value("rpt.difficult_case_min_title", department=department)]
        )
    if report.author.physician_title and report.author.physician_title >= needed:
        needed = max(needed, report.author.physician_title)  # a superior reviews
    if (reviewer.physician_title or 0) < needed:
        raise RuleViolation(
            rule,
            f"审核医师须为{TITLE_ZH[needed]}或以上"
            + ("（疑难病例）" if report.difficult else "")
            + "。",
            f"The reviewer must be at least {TITLE_EN[needed]} physician"
            + (" for a difficult case" if report.difficult else "")
            + ".",
        )


@carries_out("RPT-1", "RPT-3", "RPT-7")
def sign_final(actor, report: Report, secret: str, *, confirm_warnings: bool = False) -> Report:
    """The reviewer's signature: the report becomes final and is released."""
    require(actor, Action.SIGN_REPORT)
    require_unfrozen(report.exam)  # INC-2
    reviewer = _staff(actor)
    with transaction.atomic():
        report = (
            Report.objects.select_for_update().select_related("exam", "author").get(pk=report.pk)
        )
        if report.status not in (ReportStatus.SUBMITTED, ReportStatus.PRELIMINARY):
            raise RuleViolation(
                "RPT-1", "报告尚未提交或已签发。", "The report is not awaiting review."
            )
        check_reviewer(report, reviewer)
        _check_content(report, confirm_warnings)
        signature = _sign(actor, secret, "report reviewer", report)
        report.reviewer, report.reviewer_signature = reviewer, signature
        _finalise(report, signature.signed_at)
        report.version += 1
        report.save()
        _snapshot(report, actor)
    return report


@carries_out("RPT-2", "RPT-3")
def send_back(actor, report: Report, reason: str) -> Report:
    """The reviewer sends a submitted report back to its author (退回) with the reason: it
    is a draft again, the author's signature is set aside (the version keeps it), and the
    author is told; it waits at the top of the author's reading list."""
    require(actor, Action.SIGN_REPORT)
    reviewer = _staff(actor)
    reason = reason.strip()
    if len(reason) < 2:
        raise RuleViolation(
            "RPT-2", "退回报告须写明理由。", "Give the reason for sending it back.",
            field="reason",
        )  # fmt: skip
    with transaction.atomic():
        report = (
            Report.objects.select_for_update()
            .select_related("exam__patient", "exam__item", "author")
            .get(pk=report.pk)
        )
        if report.status != ReportStatus.SUBMITTED:
            raise RuleViolation(
                "RPT-2", "只有待审核的报告可以退回。", "Only a report awaiting review goes back."
            )
        if reviewer.pk == report.author_id:
            raise RuleViolation(
                "RPT-2", "书写医师不能退回自己的报告。", "The author cannot send their own back."
            )
        report.status = ReportStatus.DRAFT
        report.author_signature = None
        report.sent_back_at = timezone.now()
        report.sent_back_by = reviewer
        report.sent_back_reason = reason[:300]
        report.version += 1
        report.save()
        _snapshot(report, actor)
        exam = report.exam
        notices.notify(
            [report.author], "RPT-2", f"sent-back-{report.pk}-{report.version}",
            f"【RPT-2】报告被{reviewer.name}退回：{exam.patient.name} {exam.item.name}（{reason}）",
            reverse("report", args=[exam.pk]),
            message_en=f"[RPT-2] Report sent back by {reviewer.name}: {exam.patient.name} "
            f"{exam.item.name} ({reason})",
        )  # fmt: skip
    return report


@carries_out("RPT-7", "RPT-8")
def issue_preliminary(
    actor, report: Report, secret: str, *, confirm_warnings: bool = False
) -> Report:
    """Emergencies may go out on one licensed signature as a preliminary report, finalised
    later by a reviewer (RPT-7, RPT-8)."""
    require(actor, Action.SIGN_REPORT)
    require_unfrozen(report.exam)  # INC-2
    staff = _staff(actor)
    availability.require_images(report.exam)  # EXM-2: signed on images
    with transaction.atomic():
        report = (
            Report.objects.select_for_update().select_related("exam", "author").get(pk=report.pk)
        )
        if report.exam.priority != Priority.URGENT:
            raise RuleViolation(
                "RPT-7",
                "只有急诊报告可以先发初步报告，非急诊须经复核后发出。",
                "Only emergency reports may go out preliminary; others are reviewed first.",
            )
        if report.status != ReportStatus.DRAFT:
            raise RuleViolation(
                "RPT-7", "只有草稿可以发初步报告。", "Only a draft goes preliminary."
            )
        _check_content(report, confirm_warnings)
        require_licence(staff, report.exam)
        signature = _sign(actor, secret, "preliminary report", report)
        report.author_signature = report.author_signature or signature
        report.status = ReportStatus.PRELIMINARY
        report.preliminary_at = signature.signed_at
        report.released_at = signature.signed_at  # emergencies go out at once
        report.version += 1
        report.save()
        _snapshot(report, actor)
        record_event(report.exam, EventKind.REPORT_PRELIMINARY, actor, at=signature.signed_at)
        charge_emergency_consultation(report.exam)
        critical.communicate_positive(report)
        hooks.report_issued(report, ReportStatus.PRELIMINARY)
    return report


@carries_out("RPT-4")
def release_time(report: Report, signed_at):
    """When a signed report goes out: emergencies at once; the policy modalities (CT by
    default) after the next working morning's reading session (weekends and public holidays
    skipped, adjusted working days kept); the rest at once."""
    import datetime as dt

    from yiji.orders.services import policy_modality

    exam = report.exam
    held = policy.value("rpt.next_morning_release_modalities", department=exam.department)
    if exam.priority == Priority.URGENT or policy_modality(exam.modality) not in held:
        return signed_at
    day = calendar.next_working_day(timezone.localdate(signed_at))
    at = policy.value("rpt.next_morning_release_time", department=exam.department)
    return dt.datetime.combine(day, at, tzinfo=timezone.get_current_timezone())


def _finalise(report: Report, at) -> None:
    report.status = ReportStatus.FINAL
    report.final_at = at
    report.released_at = report.released_at or release_time(report, at)
    record_event(report.exam, EventKind.REPORT_FINAL, None, at=at)
    charge_emergency_consultation(report.exam)
    critical.communicate_positive(report)
    hooks.report_issued(report, ReportStatus.FINAL)


@carries_out("RPT-13")
def amend(actor, report: Report, text: str, reason: str, secret: str) -> Addendum:
    """A correction to a signed report: an addendum with its reason, signed; the original
    report stays as it was signed."""
    require(actor, Action.SIGN_REPORT)
    require_unfrozen(report.exam)  # INC-2
    staff = _staff(actor)
    if not text.strip() or not reason.strip():
        raise RuleViolation(
            "RPT-13",
            "补充报告须填写内容和原因。",
            "An addendum needs its text and a reason.",
            field="text" if not text.strip() else "reason",
        )
    with transaction.atomic():
        report = Report.objects.select_for_update().select_related("exam").get(pk=report.pk)
        if report.status not in (
            ReportStatus.FINAL,
            ReportStatus.AMENDED,
            ReportStatus.PRELIMINARY,
        ):
            raise RuleViolation(
                "RPT-13", "只有已签发的报告需要补充。", "Only a signed report takes an addendum."
            )
        require_licence(staff, report.exam)
        signature = _sign(actor, secret, "report addendum", report)
        addendum = Addendum.objects.create(
            report=report,
            text=text.strip(),
            reason=reason.strip(),
            author=staff,
            signature=signature,
        )
        if report.status == ReportStatus.FINAL:
            report.status = ReportStatus.AMENDED
            report.save(update_fields=["status"])
        record_event(report.exam, EventKind.REPORT_AMENDED, actor, note=reason.strip())
        hooks.report_issued(report, ReportStatus.AMENDED)
        audit.record(
            actor,
            AuditAction.UPDATE,
            report,
            patient=report.exam.patient,
            after={"addendum": addendum.pk},
            reason=reason.strip(),
        )
    return addendum


def print_report(actor, report: Report, hospital_name: str, verify_base: str) -> bytes:
    """A printed copy of a signed report, logged, with a QR code that vouches for this copy:
    for the department's physicians, hospital systems, and a clinician's own patients."""
    from yiji.reports.document import content_hash, report_pdf
    from yiji.reports.models import ReportPrint

    if not report.signed:
        raise RuleViolation(
            "RPT-13", "只有已签发的报告可以打印。", "Only a signed report can be printed."
        )
    if may(actor, Action.WRITE_REPORT):
        access.require_open(actor, report.exam.patient)  # ARC-5: a relation, or break-glass
    elif not may(actor, Action.RECEIVE_RESULTS):
        open_result(actor, report)  # ARC-5: a clinician, his patients' released reports only
    digest = content_hash(report)
    url = f"{verify_base.rstrip('/')}/verify/{report.verification_key}/{digest[:16]}/"
    pdf = report_pdf(report, hospital_name, url)
    ReportPrint.objects.create(report=report, printed_by=actor, content_hash=digest)
    audit.record(
        actor, AuditAction.EXPORT, report, patient=report.exam.patient, reason="report pdf"
    )
    return pdf


@dataclass(frozen=True)
class Verification:
    state: str  # "authentic", "changed" or "unknown"
    report: Report | None = None


def verify_copy(key, digest: str) -> Verification:
    """Whether a printed copy (its key and the hash it carries) matches the report today."""
    from yiji.reports.document import content_hash

    report = (
        Report.objects.select_related(
            "exam__item", "exam__patient", "author_signature", "reviewer_signature"
        )
        .filter(verification_key=key)
        .first()
    )
    if report is None or len(digest) < 16:
        return Verification("unknown")
    if content_hash(report).startswith(digest.lower()):
        return Verification("authentic", report)
    return Verification("changed", report)


RELEASED = (ReportStatus.PRELIMINARY, ReportStatus.FINAL, ReportStatus.AMENDED)


def results_for_clinician(actor):
    """Released reports (preliminary, final, amended; never drafts) of the clinician's own
    patients: those they ordered for, or their departments ordered for."""
    require(actor, Action.READ_RESULTS)
    staff = _staff(actor)
    departments = staff.memberships.values_list("department_id", flat=True)
    return (
        Report.objects.filter(status__in=RELEASED, released_at__lte=timezone.now())
        .filter(
            models.Q(exam__requisition__ordering_physician=staff)
            | models.Q(exam__requisition__ordering_department__in=departments)
        )
        .select_related("exam__patient", "exam__item", "exam__requisition")
        .order_by("-released_at", "-pk")  # newest first, through report_newest_first
    )


def results_for(actor):
    """Released reports an account may receive: all of them for a hospital system's interface
    account (RPT-11), a clinician's own patients' otherwise (ARC-5)."""
    if may(actor, Action.RECEIVE_RESULTS):
        return Report.objects.filter(status__in=RELEASED, released_at__lte=timezone.now())
    return results_for_clinician(actor)


@carries_out("ORD-7")
def open_result(actor, report: Report) -> Report:
    """A clinician opens a report: only a released one of their own patients; logged."""
    from yiji.core.permissions import Decision, PermissionRefused

    if not results_for_clinician(actor).filter(pk=report.pk).exists():
        grant = Action.READ_RESULTS
        raise PermissionRefused(
            Decision(
                False,
                grant,
                "ARC-5",
                "只能查看本人或本科室患者已发出的报告。",
                "Only released reports of your own or your department's patients.",
            )
        )
    audit.record(actor, AuditAction.VIEW, report, patient=report.exam.patient, reason="result")
    return report


EMERGENCY_CONSULTATION = "JHZ"


@carries_out("RPT-14")
def charge_emergency_consultation(exam: Exam) -> None:
    """An emergency CT report carries the emergency consultation fee, once per exam."""
    from yiji.orders.models import ExamCharge

    if exam.priority != Priority.URGENT or exam.modality != Modality.CT:
        return
    amount = policy.value("rpt.emergency_consultation_fee", department=exam.department)
    ExamCharge.objects.get_or_create(
        exam=exam, code=EMERGENCY_CONSULTATION, defaults={"name": "急会诊费", "amount": amount}
    )


def templates_for(exam: Exam, staff: Staff | None):
    """The item's templates, then those of its modality and body part (or of the whole
    modality), then the reader's own phrases: a head-CT template is never offered for a chest
    CT."""
    from yiji.reports.models import ReportTemplate

    fits_body_part = models.Q(body_part="") | models.Q(body_part=exam.item.body_part)
    shared = ReportTemplate.objects.filter(owner__isnull=True).filter(
        models.Q(item=exam.item)
        | (models.Q(item__isnull=True, modality=exam.modality) & fits_body_part)
    )
    own = ReportTemplate.objects.filter(owner=staff) if staff else ReportTemplate.objects.none()
    item_first = models.F("item").asc(nulls_last=True)
    return list(shared.order_by(item_first, "name")), list(own)


def save_phrase(actor, name: str, findings: str, impression: str):
    from yiji.reports.models import ReportTemplate

    require(actor, Action.WRITE_REPORT)
    if not name.strip() or not (findings.strip() or impression.strip()):
        raise RuleViolation(
            "RPT-10", "常用语须有名称和内容。", "A phrase needs a name and text.", field="name"
        )
    return ReportTemplate.objects.create(
        owner=_staff(actor),
        name=name.strip()[:100],
        findings=findings.strip(),
        impression=impression.strip(),
    )


@carries_out("RPT-10")
def save_template(actor, template, *, shared: bool):
    """A template kept: the department's (shared: the director and group leaders maintain
    them, MANAGE_TEMPLATES) or the reader's own. A shared template names its modality, so it
    is offered only where it fits."""
    require(actor, Action.MANAGE_TEMPLATES if shared else Action.WRITE_REPORT)
    staff = _staff(actor)
    if template.pk and template.owner_id not in (None, staff.pk):
        raise RuleViolation(
            "RPT-10", "只能修改自己的模板。", "Only your own templates can be changed."
        )
    if template.pk and template.owner_id is None and not shared:
        require(actor, Action.MANAGE_TEMPLATES)
    if not template.name.strip() or not (template.findings.strip() or template.impression.strip()):
        raise RuleViolation(
            "RPT-10", "模板须有名称和内容。", "A template needs a name and text.", field="name"
        )
    if shared and not (template.modality or template.item_id):
        raise RuleViolation(
            "RPT-10", "科室模板须指定检查类别或项目。",
            "A department template names its modality or item.", field="modality",
        )  # fmt: skip
    template.owner = None if shared else staff
    template.save()
    audit.record(actor, AuditAction.UPDATE, template, after={"name": template.name})
    return template


def delete_template(actor, template) -> None:
    require(actor, Action.MANAGE_TEMPLATES if template.owner_id is None else Action.WRITE_REPORT)
    if template.owner_id not in (None, _staff(actor).pk):
        raise RuleViolation(
            "RPT-10", "只能删除自己的模板。", "Only your own templates can be deleted."
        )
    audit.record(actor, AuditAction.DELETE, template, before={"name": template.name})
    template.delete()


@carries_out("RPT-10")
def set_key_images(actor, report: Report, sop_uids: list[str]) -> list[KeyImage]:
    """The reader's key images: exactly the instances named, each one of the exam's study in
    the archive (asked now); kept while the report can still be edited (RPT-13)."""
    require(actor, Action.WRITE_REPORT)
    require_unfrozen(report.exam)  # INC-2
    claims.require_holder(actor, report.exam)
    images = availability.summary(report.exam)
    if not images.study_uid:
        raise RuleViolation(
            "RPT-10", "该检查在影像存档中还没有图像。", "The archive holds no image of this exam."
        )
    try:
        held = {i.sop_uid: i for i in pacs.instances(images.study_uid)}
    except pacs.ArchiveUnavailable as exc:
        raise RuleViolation(
            "RPT-10", "无法连接影像存档，请稍后再标记关键图像。",
            "The image archive cannot be reached; mark the key images later.",
        ) from exc  # fmt: skip
    unknown = [uid for uid in sop_uids if uid not in held]
    if unknown:
        raise RuleViolation(
            "RPT-10", "所选图像不属于该检查。", "A chosen image is not this exam's.",
            data={"unknown": unknown},
        )  # fmt: skip
    with transaction.atomic():
        report = Report.objects.select_for_update().get(pk=report.pk)
        if report.signed:
            raise RuleViolation(
                "RPT-13", "已签发的报告不能修改。", "A signed report is never edited."
            )
        report.key_images.exclude(sop_uid__in=sop_uids).delete()
        kept = set(report.key_images.values_list("sop_uid", flat=True))
        for uid in sop_uids:
            if uid not in kept:
                found = held[uid]
                KeyImage.objects.create(
                    report=report, study_uid=images.study_uid, series_uid=found.series_uid,
                    sop_uid=uid, marked_by=actor,
                    label=f"{found.series_number or ''}-{found.instance_number or ''}",
                )  # fmt: skip
    return list(report.key_images.all())
