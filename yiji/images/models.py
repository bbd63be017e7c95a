"""What the image archive holds of each exam, as Yiji last saw it, and the archive's own state
(for the interface monitor and the polling back-off)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yiji.orders.models import Exam


class Problem(models.TextChoices):
    NONE = "", _("Matched")
    # IHE SWF "unscheduled / mismatched study": never attached silently, a person decides.
    UNKNOWN_ACCESSION = "unknown", _("Accession number matches no exam")
    OTHER_PATIENT = "patient", _("Patient differs from the exam's")
    DISMISSED = "dismissed", _("Set aside")


class Study(models.Model):
    """One study: what the modality announced over MPPS, what the archive holds (QIDO-RS),
    and whether the two agree. A study with a problem counts for no exam until reconciled."""

    study_uid = models.CharField(_("Study Instance UID"), max_length=64, unique=True)
    exam = models.ForeignKey(
        Exam, on_delete=models.PROTECT, null=True, blank=True, related_name="studies"
    )
    accession = models.CharField(_("accession number"), max_length=64, blank=True)
    patient_id = models.CharField(_("patient ID in the archive"), max_length=64, blank=True)
    patient_name = models.CharField(_("patient name in the archive"), max_length=128, blank=True)
    modalities = models.CharField(_("modalities"), max_length=64, blank=True)
    study_date = models.DateField(_("study date"), null=True, blank=True)
    series_count = models.PositiveIntegerField(_("series in the archive"), default=0)
    instance_count = models.PositiveIntegerField(_("images in the archive"), default=0)
    # The series the archive holds: [{"uid", "modality", "number", "description", "instances"}].
    series = models.JSONField(_("series"), default=list, blank=True)
    # What MPPS said the modality made; None where no MPPS came.
    announced_series = models.PositiveIntegerField(_("series announced"), null=True, blank=True)
    announced_instances = models.PositiveIntegerField(_("images announced"), null=True, blank=True)
    problem = models.CharField(
        _("problem"), max_length=12, choices=Problem.choices, blank=True, default=""
    )
    # No more polling: the archive holds what was announced, or the count held still after
    # the exam ended.
    complete = models.BooleanField(_("complete in the archive"), default=False)
    seen_at = models.DateTimeField(_("first seen in the archive"), null=True, blank=True)
    checked_at = models.DateTimeField(_("last checked"), null=True, blank=True)
    reconciled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reconciled_at = models.DateTimeField(_("reconciled at"), null=True, blank=True)
    reconcile_note = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("imaging study")
        verbose_name_plural = _("imaging studies")
        indexes = [
            models.Index(fields=["exam", "complete"]),
            models.Index(
                fields=["seen_at"],
                condition=Q(problem__in=["unknown", "patient"]),
                name="study_to_reconcile",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.accession or '?'} {self.study_uid}"

    @property
    def mismatch(self) -> bool:
        """The archive holds a different number of images than the modality announced."""
        return self.announced_instances is not None and (
            self.instance_count != self.announced_instances
            or (self.announced_series is not None and self.series_count != self.announced_series)
        )


class DeletionRequest(models.Model):
    """A request to delete a study from the archive (a wrong patient's images, a test scan),
    for the PACS administrator; refused while an incident freezes the exam (INC-2)."""

    study = models.ForeignKey(Study, on_delete=models.PROTECT, related_name="deletion_requests")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    reason = models.CharField(_("reason"), max_length=200)

    class Meta:
        verbose_name = _("deletion request")
        verbose_name_plural = _("deletion requests")


class ArchiveState(models.Model):
    """The archive as the last polling pass found it (one row): the interface monitor shows
    it, and a failing archive is asked again only after a growing pause."""

    ok = models.BooleanField(default=False)
    checked_at = models.DateTimeField(null=True, blank=True)
    last_ok_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)
    failures = models.PositiveIntegerField(default=0)
    retry_at = models.DateTimeField(null=True, blank=True)
    last_pass_exams = models.PositiveIntegerField(default=0)
    last_pass_ms = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("archive state")
