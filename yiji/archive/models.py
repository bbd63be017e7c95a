"""The archive: backups and restore tests (ARC-6), where each exam's films or CDs are kept
(ARC-1), and loans and copies of them (ARC-2, ARC-3)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yiji.core.models import ElectronicSignature, Sex, Staff


class Backup(models.Model):
    """One backup taken: where it is, whether it verified, its manifest's checksum (ARC-6)."""

    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    path = models.CharField(_("folder"), max_length=500)
    engine = models.CharField(_("database"), max_length=16)
    scheduled = models.BooleanField(_("scheduled"), default=False)
    ok = models.BooleanField(_("verified"), default=False)
    size_bytes = models.BigIntegerField(_("size"), default=0)
    manifest_sha256 = models.CharField(max_length=64, blank=True)
    problem = models.TextField(_("problem"), blank=True)
    removed_at = models.DateTimeField(_("removed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("backup")
        verbose_name_plural = _("backups")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return self.path


class RestoreTest(models.Model):
    """A restore of a backup into an empty database, with what it found (ARC-6)."""

    at = models.DateTimeField(default=timezone.now)
    path = models.CharField(_("folder"), max_length=500)
    ok = models.BooleanField(_("restored and verified"))
    report = models.TextField(_("report"), blank=True)

    class Meta:
        verbose_name = _("restore test")
        verbose_name_plural = _("restore tests")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d} {self.path}"


class Medium(models.TextChoices):
    FILM = "film", _("Film")
    CD = "cd", _("CD / DVD")
    DIGITAL = "digital", _("Digital copy")


class FilmLocation(models.Model):
    """Where an exam's films or CD are kept, where they still are (ARC-1)."""

    exam = models.OneToOneField("orders.Exam", on_delete=models.PROTECT, related_name="location")
    medium = models.CharField(_("medium"), max_length=8, choices=Medium.choices)
    room = models.CharField(_("archive room"), max_length=50)
    cabinet = models.CharField(_("cabinet"), max_length=20)
    box = models.CharField(_("box"), max_length=20, blank=True)
    filed_at = models.DateTimeField(default=timezone.now)
    filed_by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("archive location")
        verbose_name_plural = _("archive locations")
        indexes = [models.Index(fields=["room", "cabinet", "box"])]

    def __str__(self) -> str:
        return f"{self.room} {self.cabinet} {self.box}".strip()


class LoanKind(models.TextChoices):
    BORROW = "borrow", _("Borrow films or CD")
    COPY = "copy", _("Copy images")


class LoanStatus(models.TextChoices):
    REQUESTED = "requested", _("Awaiting signature or approval")
    APPROVED = "approved", _("Approved, to hand out")
    HANDED_OUT = "handed_out", _("Handed out")
    RETURNED = "returned", _("Returned")
    REFUSED = "refused", _("Refused")
    CANCELLED = "cancelled", _("Cancelled")


class Loan(models.Model):
    """A request to borrow an exam's films or CD, or to copy its images, from request to
    return (ARC-2, ARC-3)."""

    exam = models.ForeignKey("orders.Exam", on_delete=models.PROTECT, related_name="loans")
    kind = models.CharField(_("kind"), max_length=8, choices=LoanKind.choices)
    medium = models.CharField(_("medium"), max_length=8, choices=Medium.choices)
    borrower = models.ForeignKey(
        Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="loans"
    )
    borrower_name = models.CharField(_("borrower"), max_length=50)
    borrower_unit = models.CharField(_("department or institution"), max_length=100)
    outside = models.BooleanField(_("outside the hospital"), default=False)
    purpose = models.CharField(_("purpose"), max_length=300)
    writer_name = models.CharField(_("report written by"), max_length=50, blank=True)
    reviewer_name = models.CharField(_("report reviewed by"), max_length=50, blank=True)
    due_on = models.DateField(_("due back"), null=True, blank=True)
    steps = models.JSONField(default=list)  # signatures still needed, in order
    status = models.CharField(
        _("status"), max_length=12, choices=LoanStatus.choices, default=LoanStatus.REQUESTED
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    requested_by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    handed_out_at = models.DateTimeField(_("handed out at"), null=True, blank=True)
    handed_out_by = models.ForeignKey(
        Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    returned_to = models.ForeignKey(
        Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    return_note = models.CharField(_("condition on return"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("loan or copy")
        verbose_name_plural = _("loans and copies")
        ordering = ["-requested_at"]
        indexes = [models.Index(fields=["status", "due_on"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.exam} {self.borrower_name}"

    @property
    def number(self) -> str:
        return f"JY{self.requested_at:%Y}-{self.pk:05d}"


class LoanSignature(models.Model):
    """One signature on a loan: the borrower's request, medical affairs', the director's."""

    loan = models.ForeignKey(Loan, on_delete=models.CASCADE, related_name="signatures")
    step = models.CharField(max_length=16)
    signer = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    approved = models.BooleanField()
    note = models.CharField(_("note"), max_length=300, blank=True)
    signature = models.ForeignKey(ElectronicSignature, on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["signed_at"]

    def __str__(self) -> str:
        return f"{self.loan} {self.step} {self.signer}"


class BodySystem(models.TextChoices):
    NEURO = "neuro", _("Head and nervous system")
    HEAD_NECK = "head_neck", _("Head and neck")
    CHEST = "chest", _("Chest")
    CARDIOVASCULAR = "cardio", _("Heart and vessels")
    ABDOMEN = "abdomen", _("Abdomen")
    PELVIS = "pelvis", _("Pelvis and urogenital")
    MUSCULOSKELETAL = "msk", _("Bones and joints")
    BREAST = "breast", _("Breast")
    PAEDIATRIC = "paediatric", _("Paediatric")
    OTHER = "other", _("Other")


class CaseValue(models.TextChoices):
    TEACHING = "teaching", _("Teaching")
    RESEARCH = "research", _("Research")
    CARE = "care", _("Clinical value")


class TeachingCase(models.Model):
    """A case registered for teaching or research (ARC-4): a de-identified copy of the report,
    with tags, shared with trainees; the exam stays the original record."""

    exam = models.OneToOneField("orders.Exam", on_delete=models.PROTECT, related_name="+")
    value = models.CharField(_("of value for"), max_length=10, choices=CaseValue.choices)
    body_system = models.CharField(_("body system"), max_length=12, choices=BodySystem.choices)
    modality = models.CharField(_("modality"), max_length=8)
    diagnosis = models.CharField(_("diagnosis"), max_length=200)
    keywords = models.CharField(_("keywords"), max_length=200, blank=True)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    age_band = models.CharField(_("age"), max_length=20, blank=True)
    findings = models.TextField(_("findings"))
    impression = models.TextField(_("impression"))
    note = models.TextField(_("teaching note"), blank=True)
    marked_by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    marked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("teaching case")
        verbose_name_plural = _("teaching file")
        ordering = ["-marked_at"]

    def __str__(self) -> str:
        return self.diagnosis
