"""Posts, shift types, the monthly duty roster, its duties and their handovers (STF-4)."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yiji.core.models import Department, Staff


class Post(models.TextChoices):
    """A post (岗位); what credentials each needs is a policy setting (RAD-1)."""

    DIAGNOSIS = "diagnosis", _("Diagnostic reporting")
    RADIOGRAPHY = "radiography", _("X-ray operation")
    LARGE_EQUIPMENT = "large_equipment", _("CT / MRI / DSA operation")
    ULTRASOUND = "ultrasound", _("Ultrasound")
    ECG = "ecg", _("ECG")
    NURSING = "nursing", _("Nursing")
    REGISTRATION = "registration", _("Registration desk")
    LAB = "lab", _("Laboratory")


class ShiftKind(models.TextChoices):
    DAY = "day", _("Day shift")
    EVENING = "evening", _("Evening shift")
    NIGHT = "night", _("Night shift")
    DUTY_24 = "duty24", _("24-hour duty")
    EMERGENCY = "emergency", _("Emergency duty")
    OUTPATIENT = "outpatient", _("Outpatient duty")
    ON_CALL = "on_call", _("On call")


# After these the person rests for `stf.post_night_duty_rest_hours` (STF-4).
NIGHT_KINDS = (ShiftKind.NIGHT, ShiftKind.DUTY_24)


class ShiftType(models.Model):
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="shifts")
    code = models.CharField(_("code"), max_length=16)
    name = models.CharField(_("shift name"), max_length=50)
    kind = models.CharField(_("kind"), max_length=12, choices=ShiftKind.choices)
    post = models.CharField(_("post"), max_length=20, choices=Post.choices)
    starts = models.TimeField(_("starts at"))
    hours = models.PositiveSmallIntegerField(_("hours"))
    # A handover is written when the shift ends (STF-4).
    handover = models.BooleanField(_("handover at the end"), default=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("shift type")
        verbose_name_plural = _("shift types")
        ordering = ["department", "starts", "code"]
        constraints = [
            models.UniqueConstraint(fields=["department", "code"], name="shift_code_unique"),
            models.CheckConstraint(
                condition=models.Q(hours__gte=1, hours__lte=24), name="shift_hours_range"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def bounds(self, day: dt.date) -> tuple[dt.datetime, dt.datetime]:
        start = timezone.make_aware(dt.datetime.combine(day, self.starts))
        return start, start + dt.timedelta(hours=self.hours)

    @property
    def is_night(self) -> bool:
        return self.kind in NIGHT_KINDS


class RosterStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class Roster(models.Model):
    """One department's duty roster (排班表) for one month."""

    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="rosters")
    month = models.DateField(_("month"))  # the first day
    status = models.CharField(
        _("status"), max_length=12, choices=RosterStatus.choices, default=RosterStatus.DRAFT
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("duty roster")
        verbose_name_plural = _("duty rosters")
        ordering = ["-month", "department"]
        constraints = [
            models.UniqueConstraint(fields=["department", "month"], name="roster_once"),
            models.CheckConstraint(condition=models.Q(month__day=1), name="roster_first_day"),
        ]

    def __str__(self) -> str:
        return f"{self.department} {self.month:%Y-%m}"

    @property
    def published(self) -> bool:
        return self.status == RosterStatus.PUBLISHED


class Duty(models.Model):
    """One person on one shift on one day; its times are fixed when it is rostered."""

    roster = models.ForeignKey(Roster, on_delete=models.CASCADE, related_name="duties")
    staff = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="duties")
    shift = models.ForeignKey(ShiftType, on_delete=models.PROTECT, related_name="+")
    day = models.DateField(_("day"))
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    created_by = models.ForeignKey(
        Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("duty")
        verbose_name_plural = _("duties")
        ordering = ["day", "shift__starts", "staff__employee_no"]
        constraints = [
            models.UniqueConstraint(fields=["staff", "shift", "day"], name="duty_once"),
        ]
        indexes = [
            models.Index(fields=["staff", "starts_at"]),
            models.Index(fields=["ends_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.shift} {self.staff}"


class Handover(models.Model):
    """The handover (交接班记录) written by the outgoing person at the end of a duty, with the
    open work listed by Yiji at that moment, confirmed by the incoming person (STF-4)."""

    duty = models.OneToOneField(Duty, on_delete=models.PROTECT, related_name="handover")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    outgoing = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    incoming = models.ForeignKey(
        Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    written_at = models.DateTimeField(_("written at"), default=timezone.now)
    notes = models.TextField(_("handover notes"))
    items = models.JSONField(_("open items"), default=list)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    confirmation_note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("handover")
        verbose_name_plural = _("handovers")
        ordering = ["-written_at"]

    def __str__(self) -> str:
        return f"{self.duty}"
