"""Leave requests, their signed decisions and per-person entitlements (STF-3)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yiji.core.models import ElectronicSignature, Staff


class LeaveKind(models.TextChoices):
    ANNUAL = "annual", _("Annual leave")
    SICK = "sick", _("Sick leave")
    PERSONAL = "personal", _("Personal leave")
    MARRIAGE = "marriage", _("Marriage leave")
    MATERNITY = "maternity", _("Maternity leave")
    HEALTH = "health", _("Radiation health leave")


class LeaveStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    CANCELLED = "cancelled", _("Cancelled")


class LeaveRequest(models.Model):
    staff = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="leave_requests")
    kind = models.CharField(_("leave type"), max_length=12, choices=LeaveKind.choices)
    first_day = models.DateField(_("from"))
    last_day = models.DateField(_("to"))
    days = models.PositiveSmallIntegerField(_("days"))
    reason = models.CharField(_("reason"), max_length=300)
    status = models.CharField(
        _("status"), max_length=12, choices=LeaveStatus.choices, default=LeaveStatus.PENDING
    )
    # The approvals still needed, in order: "leader", "director".
    steps = models.JSONField(default=list)
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)

    class Meta:
        verbose_name = _("leave request")
        verbose_name_plural = _("leave requests")
        ordering = ["-first_day"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(last_day__gte=models.F("first_day")), name="leave_order"
            )
        ]
        indexes = [models.Index(fields=["staff", "status", "first_day"])]

    def __str__(self) -> str:
        return f"{self.staff} {self.get_kind_display()} {self.first_day}–{self.last_day}"


class LeaveDecision(models.Model):
    request = models.ForeignKey(LeaveRequest, on_delete=models.CASCADE, related_name="decisions")
    step = models.CharField(max_length=12)
    approver = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    approved = models.BooleanField()
    note = models.CharField(_("note"), max_length=300, blank=True)
    signature = models.ForeignKey(ElectronicSignature, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("leave decision")
        verbose_name_plural = _("leave decisions")
        ordering = ["decided_at"]

    def __str__(self) -> str:
        return f"{self.request} {self.approver}"


class LeaveEntitlement(models.Model):
    """Days of a kind of leave a person has in a year, where it differs from the policy."""

    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    kind = models.CharField(_("leave type"), max_length=12, choices=LeaveKind.choices)
    days = models.PositiveSmallIntegerField(_("days"))

    class Meta:
        verbose_name = _("leave entitlement")
        verbose_name_plural = _("leave entitlements")
        constraints = [
            models.UniqueConstraint(fields=["staff", "year", "kind"], name="entitlement_once")
        ]

    def __str__(self) -> str:
        return f"{self.staff} {self.year} {self.get_kind_display()} {self.days}"
