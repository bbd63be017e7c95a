"""Errors and accidents (差错事故): the report, the INC-1 workflow (superior or medical officer →
investigation → the director's written report), the freeze of a serious event's records
(INC-2), and the discussion, root cause and preventive measures followed up (INC-3)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yiji.core.models import Department, ElectronicSignature, Staff


class IncidentKind(models.TextChoices):
    NEAR_MISS = "near_miss", _("Near miss")
    ERROR = "error", _("Error")
    ACCIDENT = "accident", _("Accident")


class Category(models.TextChoices):
    IDENTIFICATION = "identification", _("Patient identification")
    WRONG_EXAM = "wrong_exam", _("Wrong exam, side or site")
    REPORT = "report", _("Report error")
    RADIATION = "radiation", _("Radiation exposure")
    CONTRAST = "contrast", _("Contrast reaction or extravasation")
    EQUIPMENT = "equipment", _("Equipment")
    FALL = "fall", _("Fall or injury")
    RECORDS = "records", _("Images or records lost or mixed up")
    SPECIMEN = "specimen", _("Specimen")
    OTHER = "other", _("Other")


class Severity(models.IntegerChoices):
    """The four levels of medical-safety adverse events (医疗安全不良事件分级)."""

    SENTINEL = 1, _("Level I: sentinel event")
    HARM = 2, _("Level II: adverse event with harm")
    NO_HARM = 3, _("Level III: event without harm")
    HAZARD = 4, _("Level IV: near miss")


# A serious event freezes its records (INC-2) and goes to the director at once.
SERIOUS = (Severity.SENTINEL, Severity.HARM)


class Stage(models.TextChoices):
    REPORTED = "reported", _("Reported")
    INVESTIGATING = "investigating", _("Under investigation")
    INVESTIGATED = "investigated", _("Investigated")
    DIRECTOR_REPORTED = "director_reported", _("Director's written report")
    CLOSED = "closed", _("Closed")


class Incident(models.Model):
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=12, choices=IncidentKind.choices)
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    severity = models.PositiveSmallIntegerField(_("severity"), choices=Severity.choices)
    occurred_at = models.DateTimeField(_("occurred at"))
    reported_at = models.DateTimeField(_("reported at"), default=timezone.now)
    # None for an anonymous near-miss report: nobody, not even the audit log, knows who.
    reporter = models.ForeignKey(
        Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    description = models.TextField(_("what happened"))
    immediate_action = models.TextField(_("immediate action"), blank=True)
    exam = models.ForeignKey(
        "orders.Exam", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    stage = models.CharField(
        _("stage"), max_length=20, choices=Stage.choices, default=Stage.REPORTED
    )
    acknowledged_at = models.DateTimeField(_("taken up at"), null=True, blank=True)
    investigator = models.ForeignKey(
        Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    investigation = models.TextField(_("investigation"), blank=True)
    root_cause = models.TextField(_("root cause"), blank=True)
    investigated_at = models.DateTimeField(_("investigated at"), null=True, blank=True)
    director_report = models.TextField(_("director's written report"), blank=True)
    director_signature = models.ForeignKey(
        ElectronicSignature, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    director_reported_at = models.DateTimeField(_("reported by the director at"), null=True,
                                                blank=True)  # fmt: skip
    discussion = models.TextField(_("department discussion"), blank=True)
    discussed_at = models.DateTimeField(_("discussed at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("error or accident")
        verbose_name_plural = _("errors and accidents")
        ordering = ["-reported_at"]
        indexes = [models.Index(fields=["stage", "reported_at"])]

    def __str__(self) -> str:
        return f"{self.number} {self.get_category_display()}"

    @property
    def number(self) -> str:
        return f"INC{self.reported_at:%Y}-{self.pk:05d}"

    @property
    def serious(self) -> bool:
        return self.severity in SERIOUS


class Freeze(models.Model):
    """An exam's records (exam, report, images) held unchanged for a serious event (INC-2)."""

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="freezes")
    exam = models.ForeignKey("orders.Exam", on_delete=models.PROTECT, related_name="+")
    frozen_at = models.DateTimeField(default=timezone.now)
    frozen_by = models.ForeignKey(
        Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    released_at = models.DateTimeField(_("released at"), null=True, blank=True)
    released_by = models.ForeignKey(
        Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    release_reason = models.CharField(_("reason for release"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("record freeze")
        verbose_name_plural = _("record freezes")
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "exam"],
                condition=models.Q(released_at__isnull=True),
                name="one_active_freeze",
            )
        ]
        indexes = [models.Index(fields=["exam", "released_at"])]

    def __str__(self) -> str:
        return f"{self.incident} {self.exam}"


class Measure(models.Model):
    """A preventive measure with its owner and due date, reported done and verified (INC-3)."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="measures")
    text = models.CharField(_("preventive measure"), max_length=300)
    owner = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    due = models.DateField(_("due"))
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_note = models.CharField(_("what was done"), max_length=300, blank=True)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    verified_by = models.ForeignKey(
        Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("preventive measure")
        verbose_name_plural = _("preventive measures")
        ordering = ["due", "pk"]

    def __str__(self) -> str:
        return self.text
