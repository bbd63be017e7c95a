"""What happens in the exam room: technique, parameters and dose, contrast, image acceptance
(EXM-1..4, EXM-6, EXM-7) and room disinfection after infectious patients (EXM-5)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yiji.core.models import Room, Staff
from yiji.orders.models import ContrastRoute, Exam


class Reaction(models.TextChoices):
    NONE = "none", _("No reaction")
    MILD = "mild", _("Mild")
    MODERATE = "moderate", _("Moderate")
    SEVERE = "severe", _("Severe")


class AsepticItem(models.TextChoices):
    """What the aseptic checklist of an interventional procedure confirms (EXM-9)."""

    ROOM = "room", _("Cath lab air disinfected, doors shut, people in the room limited")
    SCRUB = "scrub", _("Operators' surgical hand antisepsis")
    GOWN = "gown", _("Sterile gowns, gloves, caps and masks on")
    INSTRUMENTS = "instruments", _("Instrument packs' sterilisation indicators passed, in date")
    SKIN = "skin", _("Puncture site prepared with antiseptic over a wide enough area")
    DRAPES = "drapes", _("Sterile drapes laid; C-arm and controls covered")


class ExamRecord(models.Model):
    exam = models.OneToOneField(Exam, on_delete=models.PROTECT, related_name="record")
    protocol = models.CharField(_("protocol"), max_length=200, blank=True)
    # EXM-1: for important/special exams a physician and a technologist agree the technique.
    technique_physician = models.ForeignKey(
        Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    technique_technologist = models.ForeignKey(
        Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # EXM-3: parameters and dose. (0018,0060) KVP, (0018,1152) Exposure (mAs),
    # CTDIvol (0018,9345), DLP (TID 10011), DAP (0018,115E).
    kv = models.DecimalField("kV", max_digits=6, decimal_places=1, null=True, blank=True)
    mas = models.DecimalField("mAs", max_digits=8, decimal_places=2, null=True, blank=True)
    ctdi_vol = models.DecimalField(
        "CTDIvol (mGy)", max_digits=8, decimal_places=2, null=True, blank=True
    )
    dlp = models.DecimalField("DLP (mGy·cm)", max_digits=9, decimal_places=2, null=True, blank=True)
    dap = models.DecimalField("DAP (Gy·cm²)", max_digits=9, decimal_places=3, null=True, blank=True)
    # EXM-4: protection of the patient.
    shielding = models.CharField(_("shielding used"), max_length=100, blank=True)
    pregnancy_checked = models.BooleanField(_("pregnancy checked"), default=False)
    # EXM-6: contrast given and what followed.
    contrast_agent = models.CharField(_("contrast agent"), max_length=100, blank=True)
    contrast_ml = models.DecimalField(
        _("contrast dose (ml)"), max_digits=6, decimal_places=1, null=True, blank=True
    )
    contrast_route = models.CharField(
        _("contrast route"), max_length=16, choices=ContrastRoute.choices, blank=True
    )
    reaction = models.CharField(_("reaction"), max_length=16, choices=Reaction.choices, blank=True)
    extravasation = models.BooleanField(_("extravasation"), default=False)
    # EXM-7: the physician present at an exercise test.
    physician_present = models.ForeignKey(
        Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # EXM-2: the technologist confirms the images acceptable before the patient leaves.
    images_accepted_by = models.ForeignKey(
        Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    images_accepted_at = models.DateTimeField(null=True, blank=True)
    # Films printed for the exam, for the film line of the supplies ledger (EQP-9).
    films = models.PositiveSmallIntegerField(_("films printed"), null=True, blank=True)
    discontinue_reason = models.CharField(_("reason discontinued"), max_length=200, blank=True)
    # EXM-9: the aseptic checklist of an interventional procedure, before it starts.
    aseptic_checklist = models.JSONField(_("aseptic checklist"), default=list, blank=True)
    aseptic_checked_by = models.ForeignKey(
        Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    aseptic_checked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("exam record")
        verbose_name_plural = _("exam records")


class Disinfection(models.Model):
    """A room disinfected: after an infectious patient, required at once (EXM-5), or in the
    routine schedule (EQP-7), when it was done, how, with what and by whom."""

    room = models.ForeignKey(Room, on_delete=models.PROTECT, related_name="disinfections")
    after_exam = models.ForeignKey(Exam, on_delete=models.PROTECT, null=True, related_name="+")
    required_at = models.DateTimeField(default=timezone.now)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    method = models.CharField(_("method"), max_length=200, blank=True)
    agent = models.CharField(_("disinfectant"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("disinfection")
        verbose_name_plural = _("disinfections")
        indexes = [
            models.Index(
                fields=["room"], condition=Q(done_at__isnull=True), name="disinfection_pending"
            )
        ]
