"""Attendance records: days, rolls, whereabouts, infractions and month sheets (STF-2, -5, -9)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yiji.core.models import Department, ElectronicSignature, Staff


class DayStatus(models.TextChoices):
    PRESENT = "present", _("Present")
    LATE = "late", _("Late")
    LEAVE = "leave", _("On leave")
    ABSENT = "absent", _("Absent at the roll")
    OFF = "off", _("Not on duty")


class DayRecord(models.Model):
    """One person's attendance on one day (STF-2): expected hours from the roster or the
    working hours, sign-in and sign-out, lateness and early leave, and the roll's verdict."""

    staff = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="day_records")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    day = models.DateField(_("day"))
    expected_start = models.DateTimeField(null=True, blank=True)
    expected_end = models.DateTimeField(null=True, blank=True)
    signed_in_at = models.DateTimeField(_("signed in"), null=True, blank=True)
    signed_out_at = models.DateTimeField(_("signed out"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=8, choices=DayStatus.choices)
    late_minutes = models.PositiveIntegerField(default=0)
    early_minutes = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("attendance record")
        verbose_name_plural = _("attendance records")
        ordering = ["day", "staff__employee_no"]
        constraints = [models.UniqueConstraint(fields=["staff", "day"], name="day_record_once")]
        indexes = [models.Index(fields=["department", "day"])]

    def __str__(self) -> str:
        return f"{self.staff} {self.day} {self.get_status_display()}"


class Whereabouts(models.Model):
    """Leaving the post during work (STF-5): where to, the phone, the substitute or notice."""

    staff = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="whereabouts")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    left_at = models.DateTimeField(_("left at"), default=timezone.now)
    place = models.CharField(_("where"), max_length=100)
    phone = models.CharField(_("phone"), max_length=32)
    substitute = models.ForeignKey(
        Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    notice_posted = models.BooleanField(_("notice posted at the window"), default=False)
    returned_at = models.DateTimeField(_("back at"), null=True, blank=True)
    recorded_by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("whereabouts")
        verbose_name_plural = _("whereabouts")
        ordering = ["-left_at"]

    def __str__(self) -> str:
        return f"{self.staff} {self.place}"


class InfractionKind(models.TextChoices):
    LEFT_POST = "left_post", _("Left the post without reporting")
    ROOM_ENTRY = "room_entry", _("Let unrelated people into an exam room")


class Infraction(models.Model):
    """A breach the rules deduct bonus for (STF-5, STF-9, EXM-4), kept for the month's sheet."""

    staff = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="infractions")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    day = models.DateField(_("day"))
    kind = models.CharField(_("kind"), max_length=12, choices=InfractionKind.choices)
    note = models.CharField(_("note"), max_length=300)
    amount = models.DecimalField(_("deduction (yuan)"), max_digits=9, decimal_places=2)
    recorded_by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("bonus deduction")
        verbose_name_plural = _("bonus deductions")
        ordering = ["-day"]

    def __str__(self) -> str:
        return f"{self.staff} {self.day} {self.get_kind_display()}"


class MonthSheet(models.Model):
    """A department's month of attendance and deductions, closed and signed by the designated
    person (STF-9); the figures are kept as they were signed."""

    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    month = models.DateField(_("month"))
    lines = models.JSONField(default=list)
    kept_by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    signature = models.ForeignKey(ElectronicSignature, on_delete=models.PROTECT, related_name="+")
    closed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("monthly attendance sheet")
        verbose_name_plural = _("monthly attendance sheets")
        constraints = [models.UniqueConstraint(fields=["department", "month"], name="sheet_once")]

    def __str__(self) -> str:
        return f"{self.department} {self.month:%Y-%m}"


class Roll(models.Model):
    """The attendance taken at the policy time in a department on a day (STF-2)."""

    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    day = models.DateField()
    taken_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("roll")
        verbose_name_plural = _("rolls")
        constraints = [models.UniqueConstraint(fields=["department", "day"], name="roll_once")]

    def __str__(self) -> str:
        return f"{self.department} {self.day}"
