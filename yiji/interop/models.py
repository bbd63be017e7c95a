"""What crosses the hospital interfaces: every inbound HL7 message raw with its outcome, the
outbound queue with its delivery log, modality procedure steps, and the code mappings that
translate another system's codes into Yiji's."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yiji.core.models import Patient, Staff
from yiji.orders.models import Exam


class Outcome(models.TextChoices):
    ACCEPTED = "accepted", _("Accepted")
    ERROR = "error", _("Application error")
    REJECTED = "rejected", _("Rejected")


class InboundMessage(models.Model):
    """One HL7 v2 message as received, stored with its outcome and the ACK sent back. A resent
    message (same sender and MSH-10) finds this row and gets the same ACK again."""

    sending_application = models.CharField(_("sending application"), max_length=64, blank=True)
    sending_facility = models.CharField(_("sending facility"), max_length=64, blank=True)
    control_id = models.CharField(_("message control ID"), max_length=64, blank=True)
    message_type = models.CharField(_("message type"), max_length=24, blank=True)
    encoding = models.CharField(_("character set"), max_length=24, blank=True)
    raw = models.BinaryField(_("raw message"))
    peer = models.CharField(_("peer"), max_length=64, blank=True)
    received_at = models.DateTimeField(_("received at"), default=timezone.now, db_index=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    ack_code = models.CharField(_("ACK code"), max_length=2)
    ack = models.BinaryField(_("ACK sent"))
    error = models.CharField(_("error"), max_length=500, blank=True)
    error_location = models.CharField(_("error location"), max_length=24, blank=True)
    rule = models.CharField(_("rule"), max_length=8, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=1)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    class Meta:
        verbose_name = _("inbound HL7 message")
        verbose_name_plural = _("inbound HL7 messages")
        ordering = ["-received_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["sending_application", "sending_facility", "control_id"],
                condition=~Q(control_id=""),
                name="inbound_message_once",
            )
        ]
        indexes = [models.Index(fields=["outcome", "received_at"])]

    def __str__(self) -> str:
        return f"{self.message_type} {self.control_id}"

    @property
    def text(self) -> str:
        """The message for reading on screen, one segment per line."""
        raw = bytes(self.raw)
        try:
            text = raw.decode(_python_codec(self.encoding))
        except (UnicodeDecodeError, LookupError):
            text = raw.decode("utf-8", errors="replace")
        return text.replace("\r", "\n")


def _python_codec(hl7_charset: str) -> str:
    return {"GB18030": "gb18030", "ASCII": "ascii", "8859/1": "latin-1"}.get(hl7_charset, "utf-8")


class MappingKind(models.TextChoices):
    ITEM = "item", _("Exam item (OBR-4)")
    DEPARTMENT = "department", _("Ordering department (ORC-17)")


class CodeMapping(models.Model):
    """Another system's code for one of Yiji's: the HIS's item code for a catalogue item, say.
    Added from a failed message's page, then the message is reprocessed."""

    kind = models.CharField(_("kind"), max_length=12, choices=MappingKind.choices)
    external_code = models.CharField(_("external code"), max_length=64)
    internal_code = models.CharField(_("Yiji code"), max_length=64)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("code mapping")
        verbose_name_plural = _("code mappings")
        constraints = [
            models.UniqueConstraint(fields=["kind", "external_code"], name="code_mapping_once")
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.external_code} → {self.internal_code}"


class Scope(models.TextChoices):
    """What an interface account may receive beyond its role (ARC-5)."""

    ID_CARD = "id_card", _("Whole resident ID-card numbers")


class InterfaceScope(models.Model):
    """A scope granted to one interface account, in the reference data: a system receives
    only what its work needs (a HIS that matches patients by ID card; others see it masked)."""

    account = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="scopes")
    scope = models.CharField(_("scope"), max_length=16, choices=Scope.choices)

    class Meta:
        verbose_name = _("interface scope")
        verbose_name_plural = _("interface scopes")
        constraints = [
            models.UniqueConstraint(fields=["account", "scope"], name="interface_scope_once")
        ]

    def __str__(self) -> str:
        return f"{self.account} {self.get_scope_display()}"


class Endpoint(models.Model):
    """A system that receives Yiji's HL7 messages (results, order status) over MLLP."""

    name = models.CharField(_("name"), max_length=64, unique=True)
    host = models.CharField(_("host"), max_length=128)
    port = models.PositiveIntegerField(_("port"))
    receiving_application = models.CharField(_("receiving application"), max_length=64)
    receiving_facility = models.CharField(_("receiving facility"), max_length=64, blank=True)
    encoding = models.CharField(
        _("character set"),
        max_length=16,
        choices=[("UNICODE UTF-8", "UTF-8"), ("GB18030", "GB18030")],
        default="UNICODE UTF-8",
    )
    send_results = models.BooleanField(_("send results (ORU^R01)"), default=True)
    send_order_status = models.BooleanField(_("send order status (ORM^O01 SC)"), default=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("HL7 endpoint")
        verbose_name_plural = _("HL7 endpoints")

    def __str__(self) -> str:
        return self.name


class Delivery(models.TextChoices):
    PENDING = "pending", _("Waiting")
    SENT = "sent", _("Delivered")
    FAILED = "failed", _("Retrying")


class OutboundMessage(models.Model):
    """One message for one endpoint. Messages of a patient go out in the order they were made:
    a later one waits while an earlier one is undelivered."""

    endpoint = models.ForeignKey(Endpoint, on_delete=models.PROTECT, related_name="messages")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="+")
    exam = models.ForeignKey(Exam, on_delete=models.PROTECT, related_name="+")
    message_type = models.CharField(_("message type"), max_length=16)
    result_status = models.CharField(_("status"), max_length=2, blank=True)
    control_id = models.CharField(_("message control ID"), max_length=32, unique=True)
    payload = models.TextField(_("message"))
    state = models.CharField(
        _("delivery"), max_length=8, choices=Delivery.choices, default=Delivery.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    # When the message may first go: a report's release time (RPT-4), else at once. A
    # patient's messages go in (due_at, pk) order.
    due_at = models.DateTimeField(_("due at"), default=timezone.now)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    sent_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    ack_code = models.CharField(_("ACK code"), max_length=2, blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("outbound HL7 message")
        verbose_name_plural = _("outbound HL7 messages")
        ordering = ["-pk"]
        indexes = [
            models.Index(fields=["state", "next_attempt_at"]),
            models.Index(fields=["endpoint", "patient", "state"]),
        ]

    def __str__(self) -> str:
        return f"{self.message_type} {self.control_id}"


class StepStatus(models.TextChoices):
    IN_PROGRESS = "IN PROGRESS", _("In progress")
    COMPLETED = "COMPLETED", _("Completed")
    DISCONTINUED = "DISCONTINUED", _("Discontinued")


class PerformedStep(models.Model):
    """A Modality Performed Procedure Step (DICOM MPPS) and the exam it moves. An unscheduled
    step (IHE SWF: scanned without a worklist entry, so no accession number) has no exam until
    a person reconciles it with the right order; until then it keeps the patient the modality
    named."""

    sop_instance_uid = models.CharField(max_length=64, unique=True)
    exam = models.ForeignKey(
        Exam, on_delete=models.PROTECT, null=True, blank=True, related_name="performed_steps"
    )
    calling_ae = models.CharField(_("modality AE title"), max_length=16)
    status = models.CharField(_("status"), max_length=12, choices=StepStatus.choices)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    dose = models.JSONField(_("dose"), default=dict, blank=True)
    study_uid = models.CharField(_("Study Instance UID"), max_length=64, blank=True)
    # The series the modality reports having made: [{"uid", "description", "instances"}].
    series = models.JSONField(_("series"), default=list, blank=True)
    # What the modality said of the patient and procedure (an unscheduled step's only clues).
    patient_id = models.CharField(_("patient ID"), max_length=64, blank=True)
    patient_name = models.CharField(_("patient name"), max_length=64, blank=True)
    modality = models.CharField(_("modality"), max_length=16, blank=True)
    description = models.CharField(_("procedure"), max_length=64, blank=True)
    reconciled_at = models.DateTimeField(_("reconciled at"), null=True, blank=True)
    reconciled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("performed procedure step")
        verbose_name_plural = _("performed procedure steps")
        indexes = [
            models.Index(
                fields=["created_at"], condition=Q(exam__isnull=True), name="step_unreconciled"
            )
        ]


class DicomAssociation(models.Model):
    """One association with a modality, logged when it ends: who, what, how it went."""

    calling_ae = models.CharField(max_length=16)
    peer = models.CharField(max_length=64, blank=True)
    started_at = models.DateTimeField(default=timezone.now, db_index=True)
    requests = models.PositiveIntegerField(default=0)
    failures = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    refused = models.BooleanField(default=False)


class ReferenceChange(models.Model):
    """A change to the reference data an HL7 listener keeps in memory (code mappings, exam
    items, departments, staff, hospitals, policy values), one row per changing statement,
    written by database triggers whatever made the change: a page, the admin, an import or
    plain SQL (`hl7.reference`). The listener reads these rows' count, id sum and latest
    time with every message and reads the reference data again when they moved. The nightly
    clean-up keeps only the last row."""

    table = models.CharField(max_length=64)
    at = models.DateTimeField(db_default=Now())
