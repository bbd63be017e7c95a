"""Exam catalogue, requisitions (申请单), and exams with their event history.

One requisition holds one exam per item; each exam is one state machine whose every transition
is an ExamEvent with actor and time, so turnaround times come from recorded events.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from yiji.core.models import Department, Patient, Room, Staff


class Modality(models.TextChoices):
    DR = "DR", _("Digital radiography")
    CR = "CR", _("Computed radiography")
    CT = "CT", "CT"
    MR = "MR", _("MRI")
    DSA = "DSA", _("DSA / interventional")
    MG = "MG", _("Mammography")
    RF = "RF", _("Fluoroscopy / barium")
    US = "US", _("Ultrasound")
    ECG = "ECG", _("ECG")
    LAB = "LAB", _("Clinical laboratory")


class ContrastRoute(models.TextChoices):
    NONE = "none", _("No contrast")
    IV = "iv", _("Intravenous")
    ORAL = "oral", _("Oral")
    RECTAL = "rectal", _("Rectal")
    INTRA_CAVITARY = "intra_cavitary", _("Intracavitary")
    INTRA_ARTERIAL = "intra_arterial", _("Intra-arterial")


def in_page_language(name: str, name_en: str) -> str:
    """A catalogue name as the page shows it: the English name on English pages where the
    catalogue keeps one, else the hospital's own."""
    return name_en if name_en and (get_language() or "").startswith("en") else name


class ExamItem(models.Model):
    """A catalogue item with the flags the rules read (SCH-1/3/4, EXM-1/2/4/7)."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("item name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="items")
    modality = models.CharField(_("modality"), max_length=8, choices=Modality.choices)
    body_part = models.CharField(_("body part"), max_length=50, blank=True)
    body_part_en = models.CharField(_("body part (English)"), max_length=100, blank=True)
    duration_minutes = models.PositiveSmallIntegerField(_("duration (min)"), default=10)
    price = models.DecimalField(_("price (yuan)"), max_digits=9, decimal_places=2, default=0)
    preparation = models.TextField(_("preparation"), blank=True)
    preparation_en = models.TextField(_("preparation (English)"), blank=True)
    needs_appointment = models.BooleanField(_("needs appointment"), default=False)
    fasting = models.BooleanField(_("fasting item"), default=False)
    non_fasting_us = models.BooleanField(_("non-fasting ultrasound item"), default=False)
    contrast_route = models.CharField(
        _("contrast route"), max_length=16, choices=ContrastRoute.choices, default="none"
    )
    important = models.BooleanField(_("important / special exam"), default=False)
    radiation = models.BooleanField(_("uses ionising radiation"), default=False)
    exercise = models.BooleanField(_("exercise test"), default=False)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("exam item")
        verbose_name_plural = _("exam catalogue")
        ordering = ["department", "modality", "code"]
        indexes = [models.Index(fields=["modality", "active"])]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        return in_page_language(self.name, self.name_en)

    @property
    def uses_contrast(self) -> bool:
        return self.contrast_route != ContrastRoute.NONE


class Priority(models.TextChoices):
    ROUTINE = "routine", _("Routine")
    URGENT = "urgent", _("Emergency (急)")


class Pregnancy(models.TextChoices):
    NOT_APPLICABLE = "na", _("Not applicable")
    NOT_PREGNANT = "no", _("Not pregnant")
    POSSIBLE = "possible", _("Possibly pregnant")
    PREGNANT = "yes", _("Pregnant")


class AllergyScreen(models.TextChoices):
    NOT_DONE = "not_done", _("Not screened")
    CLEAR = "clear", _("No allergy or contraindication")
    CONTRAINDICATED = "contraindicated", _("Allergy or contraindication found")


class OrderSource(models.TextChoices):
    WEB = "web", _("Web form")
    API = "api", _("API")
    HL7 = "hl7", "HL7"
    FHIR = "fhir", "FHIR"


class Requisition(models.Model):
    """The clinician's request (申请单, ORD-1). Cancelling keeps the record with its reason."""

    number = models.CharField(_("requisition number"), max_length=32, unique=True)
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="requisitions")
    ordering_physician = models.ForeignKey(
        Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    ordering_physician_name = models.CharField(_("ordering physician"), max_length=50)
    ordering_department = models.ForeignKey(
        Department, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    clinical_history = models.TextField(_("clinical history"), blank=True)
    clinical_diagnosis = models.CharField(_("clinical diagnosis"), max_length=200, blank=True)
    purpose = models.CharField(_("purpose of the exam"), max_length=200, blank=True)
    priority = models.CharField(
        _("priority"), max_length=8, choices=Priority.choices, default=Priority.ROUTINE
    )
    bedside = models.BooleanField(_("bedside exam"), default=False)
    critically_ill = models.BooleanField(_("critically ill"), default=False)
    infectious = models.BooleanField(_("notifiable infectious disease"), default=False)
    infectious_disease = models.CharField(_("infectious disease"), max_length=100, blank=True)
    pregnancy = models.CharField(
        _("pregnancy status"), max_length=8, choices=Pregnancy.choices, default="na"
    )
    allergy_screen = models.CharField(
        _("contrast allergy screen"),
        max_length=16,
        choices=AllergyScreen.choices,
        default=AllergyScreen.NOT_DONE,
    )
    allergy_note = models.CharField(_("allergy screen note"), max_length=200, blank=True)
    allergy_screened_by = models.ForeignKey(
        Staff, verbose_name=_("screened by"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    allergy_screened_at = models.DateTimeField(_("screened at"), null=True, blank=True)
    source = models.CharField(max_length=8, choices=OrderSource.choices, default="web")
    external_id = models.CharField(_("external order number"), max_length=64, blank=True)
    # One key per form or API submission: a resent submission finds the first, adds nothing.
    submission_key = models.CharField(max_length=64, null=True, blank=True, unique=True)  # noqa: DJ001
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancel_reason = models.CharField(_("cancel reason"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("requisition")
        verbose_name_plural = _("requisitions")
        indexes = [models.Index(fields=["patient", "created_at"])]

    def __str__(self) -> str:
        return self.number


class ExamStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    BOOKED = "booked", _("Booked")
    ARRIVED = "arrived", _("Checked in")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")
    NO_SHOW = "no_show", _("No-show")
    DISCONTINUED = "discontinued", _("Discontinued")


OPEN_STATUSES = (
    ExamStatus.REQUESTED,
    ExamStatus.BOOKED,
    ExamStatus.ARRIVED,
    ExamStatus.IN_PROGRESS,
)


class Exam(models.Model):
    """One item of a requisition, and the state machine it moves through."""

    requisition = models.ForeignKey(Requisition, on_delete=models.PROTECT, related_name="exams")
    item = models.ForeignKey(ExamItem, on_delete=models.PROTECT, related_name="+")
    # Copied from the requisition and item so worklists filter on one indexed table.
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="exams")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    modality = models.CharField(_("modality"), max_length=8, choices=Modality.choices)
    priority = models.CharField(_("priority"), max_length=8, choices=Priority.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=ExamStatus.choices, default=ExamStatus.REQUESTED
    )
    # NULL until check-in: many exams have none yet, and NULLs do not collide in UNIQUE.
    accession = models.CharField(_("accession number"), max_length=32, null=True, unique=True)  # noqa: DJ001
    # The HIS's own number for this order (HL7 ORC-2 placer order number, FHIR identifier).
    placer_number = models.CharField(
        _("placer order number"), max_length=64, blank=True, db_index=True
    )
    room = models.ForeignKey(Room, on_delete=models.PROTECT, null=True, blank=True)
    scheduled_start = models.DateTimeField(_("appointment"), null=True, blank=True)
    scheduled_end = models.DateTimeField(null=True, blank=True)
    queue_number = models.PositiveIntegerField(_("queue number"), null=True, blank=True)
    accompanying_physician = models.CharField(
        _("accompanying physician"), max_length=50, blank=True
    )
    # EXM-8: informed consent taken at check-in, and who explained the exam to the patient.
    consent_explained_by = models.ForeignKey(
        Staff, verbose_name=_("consent explained by"), on_delete=models.PROTECT, null=True,
        blank=True, related_name="+",
    )  # fmt: skip
    consent_at = models.DateTimeField(_("consent given at"), null=True, blank=True)
    # Bowel preparation, fasting etc. confirmed done (SCH-5 orders special contrast by it).
    preparation_done = models.BooleanField(_("preparation done"), default=False)
    created_at = models.DateTimeField(default=timezone.now)
    arrived_at = models.DateTimeField(null=True, blank=True)
    # Place in the room's queue: the arrival time, moved to the back when a patient is skipped.
    queued_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    # Who started it, copied from the STARTED event so per-technologist figures (grade-A and
    # reject rates, workload) group by a column instead of searching events row by row.
    performed_by = models.ForeignKey(
        Staff,
        verbose_name=_("performed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    completed_at = models.DateTimeField(null=True, blank=True)
    # The report deadline as the policy set it when the exam was completed (RPT-5/6/8).
    report_due_at = models.DateTimeField(null=True, blank=True)
    report_due_rule = models.CharField(max_length=8, blank=True)
    # Set in the transaction that creates the exam's report (Report, or LabReport at the lab's
    # release): the reading list finds the completed exams without one through an index
    # instead of anti-joining every completed exam ever with every report (2 s at 1M exams;
    # docs/performance.md).
    has_report = models.BooleanField(default=False, editable=False)

    class Meta:
        verbose_name = _("exam")
        verbose_name_plural = _("exams")
        indexes = [
            models.Index(fields=["status", "department", "created_at"]),
            models.Index(fields=["room", "scheduled_start"]),
            models.Index(fields=["patient", "created_at"]),
            models.Index(fields=["modality", "status", "created_at"]),
            models.Index(fields=["room", "status", "queued_at"]),
            # The quality figures count completed exams by completion time (day to year).
            models.Index(fields=["status", "completed_at"]),
            models.Index(fields=["status", "has_report"]),
            # The reading list's "to report": a few thousand rows among millions, which the
            # planner cannot tell from (status, has_report) (it guessed a million at 20M
            # exams and scanned the table, 2.1 s), in the list's own order.
            models.Index(
                fields=["-priority", "completed_at", "id"],
                condition=Q(status="completed", has_report=False),
                name="exam_to_report",
            ),
            # A day's bookings (SCH-6's same-day figure on the worklist) across all rooms.
            models.Index(fields=["scheduled_start"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(scheduled_end__isnull=True)
                | Q(scheduled_end__gt=models.F("scheduled_start")),
                name="exam_schedule_ordered",
            )
        ]

    def __str__(self) -> str:
        return f"{self.accession or self.pk} {self.item.name}"


class EventKind(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    BOOKED = "booked", _("Booked")
    RESCHEDULED = "rescheduled", _("Rescheduled")
    DIVERTED = "diverted", _("Moved to another room's queue")
    ARRIVED = "arrived", _("Checked in")
    CALLED = "called", _("Called")
    STARTED = "started", _("Exam started")
    COMPLETED = "completed", _("Exam completed")
    MODALITY_FINISHED = "modality_finished", _("Modality finished: images to accept")
    CANCELLED = "cancelled", _("Cancelled")
    NO_SHOW = "no_show", _("No-show")
    DISCONTINUED = "discontinued", _("Discontinued")
    OVERRIDE = "override", _("Rule overridden")
    TECHNIQUE = "technique", _("Technique confirmed")
    IMAGES_ACCEPTED = "images_accepted", _("Images accepted")
    # The archive holds the exam's images (found by a QIDO-RS query), with the counts.
    IMAGES_AVAILABLE = "images_available", _("Images in the archive")
    PREPARED = "prepared", _("Preparation confirmed")
    SKIPPED = "skipped", _("Skipped in the queue")
    REPORT_PRELIMINARY = "report_preliminary", _("Preliminary report issued")
    REPORT_FINAL = "report_final", _("Final report signed")
    REPORT_AMENDED = "report_amended", _("Report amended")
    # A modality reported (MPPS) a step that a rule would have refused from the screen.
    RULE_EXCEPTION = "rule_exception", _("Done against a rule")
    SPECIMEN_COLLECTED = "specimen_collected", _("Specimen collected")
    SPECIMEN_REJECTED = "specimen_rejected", _("Specimen rejected")


class ExamEvent(models.Model):
    exam = models.ForeignKey(Exam, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=24, choices=EventKind.choices)
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    note = models.CharField(max_length=500, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["exam", "kind"])]


class ExamCharge(models.Model):
    """A charge item raised on an exam by a rule (RPT-14: the emergency consultation fee)."""

    exam = models.ForeignKey(Exam, on_delete=models.PROTECT, related_name="charges")
    code = models.CharField(_("charge code"), max_length=32)
    name = models.CharField(_("charge"), max_length=100)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=9, decimal_places=2)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("charge")
        verbose_name_plural = _("charges")
        constraints = [models.UniqueConstraint(fields=["exam", "code"], name="charge_once")]

    def __str__(self) -> str:
        return f"{self.name} {self.amount}"


class WindowSession(models.Model):
    """A window (registration desk, exam room) opened and closed on one day (SCH-8): it opens
    the policy minutes before clinic opening and does not close before the working day ends."""

    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    window = models.CharField(_("window"), max_length=50)
    day = models.DateField(_("day"))
    opened_at = models.DateTimeField(_("opened at"))
    opened_by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    opened_late = models.BooleanField(_("opened late"), default=False)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_early = models.BooleanField(_("closed early"), default=False)
    close_reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("window session")
        verbose_name_plural = _("window sessions")
        ordering = ["-day", "window"]
        constraints = [
            models.UniqueConstraint(
                fields=["department", "window", "day"], name="window_once_a_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.window} {self.day}"
