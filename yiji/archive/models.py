"""The archive: backups and restore tests (ARC-6), where each exam's films or CDs are kept
(ARC-1), and loans and copies of them (ARC-2, ARC-3)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


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
