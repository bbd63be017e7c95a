"""Personal dosimetry: imported dose files, dose records and dose investigations (RAD-2)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yiji.core.models import Staff


class DosimeterPosition(models.TextChoices):
    CHEST = "chest", _("Chest (single dosimeter)")
    OVER_APRON = "over_apron", _("Over the apron at the collar")
    UNDER_APRON = "under_apron", _("Under the apron")


class DoseImport(models.Model):
    """A file from the monitoring agency, kept as received with what was imported from it."""

    filename = models.CharField(_("file"), max_length=200)
    sha256 = models.CharField(max_length=64)
    content = models.BinaryField()
    agency = models.CharField(_("monitoring agency"), max_length=100, blank=True)
    uploaded_by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)
    imported_at = models.DateTimeField(_("imported at"), null=True, blank=True)
    imported_rows = models.PositiveIntegerField(default=0)
    rejected_rows = models.JSONField(default=list)

    class Meta:
        verbose_name = _("dose file")
        verbose_name_plural = _("dose files")
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return self.filename


class DoseRecord(models.Model):
    """One dosimeter's reading for one monitoring period (RAD-2), kept for life."""

    staff = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="doses")
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    position = models.CharField(
        _("worn"), max_length=12, choices=DosimeterPosition.choices,
        default=DosimeterPosition.CHEST,
    )  # fmt: skip
    hp10 = models.DecimalField("Hp(10) mSv", max_digits=9, decimal_places=3)
    hp007 = models.DecimalField("Hp(0.07) mSv", max_digits=9, decimal_places=3)
    hp3 = models.DecimalField("Hp(3) mSv", max_digits=9, decimal_places=3, null=True, blank=True)
    source = models.ForeignKey(
        DoseImport, on_delete=models.PROTECT, null=True, blank=True, related_name="records"
    )
    recorded_by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("personal dose record")
        verbose_name_plural = _("personal dose records")
        ordering = ["staff", "period_start", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["staff", "period_start", "position"], name="dose_once_per_period"
            ),
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")), name="dose_period"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.staff} {self.period_start}–{self.period_end} Hp(10) {self.hp10}"


class DoseCheck(models.TextChoices):
    PERIOD = "period", _("Period above the pro-rata quarterly warning")
    INVESTIGATION = "investigation", _("Year above the investigation level")
    YEAR = "year", _("Year above the single-year limit")
    FIVE_YEARS = "five_years", _("Five years above the averaged limit")
    LENS = "lens", _("Lens of the eye above its limit")
    SKIN = "skin", _("Skin above its limit")


class DoseInvestigation(models.Model):
    """A dose above a warning, investigation level or limit, and what the investigation
    found (RAD-2)."""

    staff = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="dose_investigations")
    trigger = models.CharField(_("trigger"), max_length=16, choices=DoseCheck.choices)
    key = models.CharField(max_length=60, unique=True)  # the person, trigger and period
    year = models.PositiveSmallIntegerField(_("year"))
    value = models.DecimalField(_("dose (mSv)"), max_digits=9, decimal_places=3)
    level = models.DecimalField(_("level (mSv)"), max_digits=9, decimal_places=3)
    opened_at = models.DateTimeField(default=timezone.now)
    findings = models.TextField(_("findings"), blank=True)
    conclusion = models.TextField(_("conclusion and measures"), blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("dose investigation")
        verbose_name_plural = _("dose investigations")
        ordering = ["-opened_at"]

    def __str__(self) -> str:
        return f"{self.staff} {self.get_trigger_display()} {self.value} mSv"
