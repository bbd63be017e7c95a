"""Reports: drafts with every version kept, author and reviewer signatures, addenda.

A signed report is never edited (RPT-13): corrections are addenda, signed, the original kept.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yiji.core.models import ElectronicSignature, Staff
from yiji.orders.models import Exam


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Awaiting review")
    PRELIMINARY = "preliminary", _("Preliminary")
    FINAL = "final", _("Final")
    AMENDED = "amended", _("Amended")


SIGNED_STATUSES = (ReportStatus.PRELIMINARY, ReportStatus.FINAL, ReportStatus.AMENDED)


class ImageGrade(models.TextChoices):
    A = "A", _("Grade A (甲)")
    B = "B", _("Grade B (乙)")
    C = "C", _("Grade C (丙)")
    REJECT = "reject", _("Reject (废片)")


class Report(models.Model):
    exam = models.OneToOneField(Exam, on_delete=models.PROTECT, related_name="report")
    status = models.CharField(
        _("status"), max_length=16, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    findings = models.TextField(_("findings"), blank=True)
    impression = models.TextField(_("impression"), blank=True)
    positive = models.BooleanField(_("positive finding"), null=True, blank=True)
    difficult = models.BooleanField(_("difficult case"), default=False)
    teaching = models.BooleanField(_("teaching case"), default=False)
    image_grade = models.CharField(
        _("image quality grade"), max_length=8, choices=ImageGrade.choices, blank=True
    )
    # BI-RADS / PI-RADS / Lung-RADS category, where the item needs one.
    category = models.CharField(_("structured category"), max_length=8, blank=True)
    # The structured report's fields and what they gave (Lung-RADS: the dominant nodule, the
    # category and the follow-up interval), read by follow-up and the quality figures.
    structured = models.JSONField(_("structured values"), default=dict, blank=True)
    # The key in the QR code of printed copies; random, so it reveals nothing by itself.
    verification_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # RPT-10 warnings the signer saw and signed anyway: they count against compliance (R3).
    quality_issues = models.JSONField(default=list, blank=True)
    # Optimistic locking: each save must name the version it started from.
    version = models.PositiveIntegerField(default=0)
    author = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    author_signature = models.ForeignKey(
        ElectronicSignature, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewer = models.ForeignKey(
        Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewer_signature = models.ForeignKey(
        ElectronicSignature, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    preliminary_at = models.DateTimeField(null=True, blank=True)
    final_at = models.DateTimeField(null=True, blank=True)
    # When clinicians and the HIS may see it (RPT-4: routine CT after the next morning's session).
    released_at = models.DateTimeField(_("released at"), null=True, blank=True)
    # The reviewer's send-back (退回) to the author, with the reason; cleared on resubmission.
    sent_back_at = models.DateTimeField(_("sent back at"), null=True, blank=True)
    sent_back_by = models.ForeignKey(
        Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    sent_back_reason = models.CharField(_("reason for sending back"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        indexes = [
            models.Index(fields=["status", "author"]),
            # The clinician's results, newest first: read in this order and stopped at a page,
            # instead of sorting every released report (1.2 s at 1M exams; docs/performance.md).
            models.Index(fields=["-released_at", "-id"], name="report_newest_first"),
            # The radiologist's "sent back to me" count, on every reading list and home page:
            # a few rows, instead of every draft of the author read to find them.
            models.Index(
                fields=["author"],
                condition=models.Q(status="draft", sent_back_at__isnull=False),
                name="report_sent_back",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.exam} {self.get_status_display()}"

    @property
    def signed(self) -> bool:
        return self.status in SIGNED_STATUSES


class KeyImage(models.Model):
    """An image the reader marked as key to the report: shown as a thumbnail on the report
    page and, where policy says so, on the PDF (img.key_images_on_pdf)."""

    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="key_images")
    study_uid = models.CharField(max_length=64)
    series_uid = models.CharField(max_length=64)
    sop_uid = models.CharField(_("SOP Instance UID"), max_length=64)
    label = models.CharField(_("label"), max_length=64, blank=True)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    marked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("key image")
        verbose_name_plural = _("key images")
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["report", "sop_uid"], name="key_image_once")]


class ReportVersion(models.Model):
    """Every saved state of a report, in order: nothing written is ever lost."""

    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    status = models.CharField(max_length=16, choices=ReportStatus.choices)
    findings = models.TextField(blank=True)
    impression = models.TextField(blank=True)
    flags = models.JSONField(default=dict)
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    saved_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["report", "number"], name="report_version_unique")
        ]


class Addendum(models.Model):
    """A signed correction to a signed report (RPT-13)."""

    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="addenda")
    text = models.TextField(_("addendum"))
    reason = models.CharField(_("reason"), max_length=200)
    author = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    signature = models.ForeignKey(ElectronicSignature, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.report} 补充报告"


class ReportPrint(models.Model):
    """Every printed or downloaded copy: who, when, and what the copy's QR code vouches for."""

    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="prints")
    printed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    printed_at = models.DateTimeField(default=timezone.now)
    content_hash = models.CharField(max_length=64)
    # Who printed it: staff, or the patient at the self-service kiosk (once; reprints at the
    # desk), or the patient's own link.
    via = models.CharField(max_length=12, default="staff")

    class Meta:
        ordering = ["-printed_at"]


class Channel(models.TextChoices):
    PHONE = "phone", _("Telephone")
    IN_PERSON = "in_person", _("In person")
    SYSTEM = "system", _("Information system")


class FindingKind(models.TextChoices):
    CRITICAL = "critical", _("Critical value")
    POSITIVE = "positive", _("Positive finding of an inpatient")


class CriticalResult(models.Model):
    """A critical value (危急值, RPT-12), or an inpatient's positive finding, which takes the
    same path: found, notified with read-back, acknowledged by the clinical team."""

    exam = models.ForeignKey(Exam, on_delete=models.PROTECT, related_name="critical_results")
    kind = models.CharField(
        _("kind"), max_length=10, choices=FindingKind.choices, default=FindingKind.CRITICAL
    )
    item = models.CharField(_("critical item"), max_length=32)
    finding = models.CharField(_("finding"), max_length=300)
    found_at = models.DateTimeField(_("found at"), default=timezone.now)
    found_by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    notified_at = models.DateTimeField(_("notified at"), null=True, blank=True)
    notified_by = models.ForeignKey(
        Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices, blank=True)
    receiver = models.CharField(_("receiver"), max_length=50, blank=True)
    receiver_staff = models.ForeignKey(
        Staff, verbose_name=_("receiver"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    receiver_department = models.CharField(_("receiver department"), max_length=50, blank=True)
    read_back = models.BooleanField(_("read back confirmed"), default=False)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        Staff, verbose_name=_("acknowledged by"), on_delete=models.PROTECT, null=True,
        blank=True, related_name="+",
    )  # fmt: skip
    # The clinician's own electronic signature when they acknowledge in Yiji.
    signature = models.ForeignKey(
        "core.ElectronicSignature", on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    action_taken = models.CharField(_("action taken"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("critical result")
        verbose_name_plural = _("critical results")
        ordering = ["-found_at"]
        indexes = [models.Index(fields=["found_at"]), models.Index(fields=["notified_at"])]

    def __str__(self) -> str:
        return f"{self.exam} 危急值 {self.finding[:40]}"


class ReportTemplate(models.Model):
    """A report template for an item, or for a modality and body part (a blank body part: any
    of the modality's), or (with an owner) a personal phrase."""

    name = models.CharField(_("template name"), max_length=100)
    item = models.ForeignKey(
        "orders.ExamItem", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    modality = models.CharField(_("modality"), max_length=8, blank=True)
    body_part = models.CharField(_("body part"), max_length=50, blank=True)
    owner = models.ForeignKey(
        Staff, on_delete=models.CASCADE, null=True, blank=True, related_name="phrases"
    )
    findings = models.TextField(_("findings"), blank=True)
    impression = models.TextField(_("impression"), blank=True)

    class Meta:
        verbose_name = _("report template")
        verbose_name_plural = _("report templates and phrases")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ReadingClaim(models.Model):
    """Who is reading a case now: opening it to report claims it; the claim lapses after
    rpt.claim_minutes without a save, or is taken over with a reason."""

    exam = models.OneToOneField(Exam, on_delete=models.CASCADE, related_name="claim")
    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="+")
    claimed_at = models.DateTimeField(default=timezone.now)
    touched_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("reading claim")
        verbose_name_plural = _("reading claims")
