"""Occupational health checks and the fitness conclusions drawn from them (RAD-3)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yiji.core.models import Staff


class HealthCheckKind(models.TextChoices):
    PRE_JOB = "pre_job", _("Pre-job")
    PERIODIC = "periodic", _("Periodic (on the job)")
    LEAVING = "leaving", _("On leaving the post")
    EMERGENCY = "emergency", _("After an accident or overexposure")


class Fitness(models.TextChoices):
    FIT = "fit", _("Fit for radiation work")
    LIMITED = "limited", _("Fit under conditions")
    REVIEW = "review", _("Off radiation work pending review")
    UNFIT = "unfit", _("Unfit for radiation work")


# Conclusions that keep a person off radiation posts (RAD-3).
OFF_RADIATION = (Fitness.REVIEW, Fitness.UNFIT)


class HealthCheck(models.Model):
    """An occupational health examination (GBZ 98) and its fitness conclusion (RAD-3)."""

    staff = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="health_checks")
    kind = models.CharField(_("kind"), max_length=12, choices=HealthCheckKind.choices)
    checked_on = models.DateField(_("examined on"))
    institution = models.CharField(_("institution"), max_length=100)
    findings = models.TextField(_("findings"), blank=True)
    conclusion = models.CharField(_("conclusion"), max_length=12, choices=Fitness.choices)
    recorded_by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("health check")
        verbose_name_plural = _("health checks")
        ordering = ["-checked_on"]

    def __str__(self) -> str:
        return f"{self.staff} {self.checked_on} {self.get_conclusion_display()}"
