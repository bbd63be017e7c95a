"""The clinical laboratory: its catalogue (panels, analytes, reference ranges), specimens with
their tracking, results with verification and release, and internal and external QC.

A lab order is a requisition like any other (ORD-1): each panel ordered is one Exam of
modality LAB, so requisitions, urgency, critical results and turnaround events are shared
with imaging. This app adds what a lab needs around that exam.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yiji.core.models import ElectronicSignature, Staff
from yiji.equipment.models import Device
from yiji.orders.models import Exam, ExamItem


class SpecimenType(models.TextChoices):
    SERUM = "serum", _("Serum")
    PLASMA = "plasma", _("Plasma")
    WHOLE_BLOOD = "whole_blood", _("Whole blood")
    URINE = "urine", _("Urine")
    BLOOD_CULTURE = "blood_culture", _("Blood for culture")
    STOOL = "stool", _("Stool")


class Container(models.TextChoices):
    GEL = "gel", _("Yellow-top gel tube")
    EDTA = "edta", _("Purple-top EDTA tube")
    CITRATE = "citrate", _("Blue-top citrate tube")
    FLUORIDE = "fluoride", _("Grey-top fluoride tube")
    URINE_CUP = "urine_cup", _("Urine cup")
    CULTURE_BOTTLE = "culture_bottle", _("Blood-culture bottle")
    STOOL_CUP = "stool_cup", _("Stool container")


class Section(models.TextChoices):
    """The lab section, which sets the urgent turnaround target (LAB-2)."""

    CLINICAL = "clinical", _("Clinical chemistry of body fluids (haematology, urine)")
    BIOCHEMISTRY = "biochemistry", _("Biochemistry and immunology")
    MICROBIOLOGY = "microbiology", _("Microbiology")


class LabItem(models.Model):
    """The lab side of a catalogue item (a panel such as CBC or liver function)."""

    item = models.OneToOneField(ExamItem, on_delete=models.CASCADE, related_name="lab")
    section = models.CharField(_("section"), max_length=16, choices=Section.choices)
    specimen_type = models.CharField(
        _("specimen type"), max_length=16, choices=SpecimenType.choices
    )
    container = models.CharField(_("container"), max_length=16, choices=Container.choices)
    volume_ml = models.DecimalField(_("volume (mL)"), max_digits=5, decimal_places=1)
    # LAB-4: kept for the policy hours after the report, then disposed with a record.
    special = models.BooleanField(_("special specimen (kept after the report)"), default=False)
    instrument = models.ForeignKey(
        Device,
        verbose_name=_("instrument"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    tests = models.ManyToManyField("LabTest", through="PanelTest", related_name="panels")

    class Meta:
        verbose_name = _("lab panel")
        verbose_name_plural = _("lab panels")

    def __str__(self) -> str:
        return self.item.name


class LabTest(models.Model):
    """One analyte, with its unit and limits."""

    code = models.CharField(_("code"), max_length=16, unique=True)
    name = models.CharField(_("test name"), max_length=60)
    name_en = models.CharField(_("English name"), max_length=100)
    loinc = models.CharField("LOINC", max_length=16, blank=True)
    unit = models.CharField(_("unit"), max_length=24, blank=True)
    decimals = models.PositiveSmallIntegerField(_("decimals"), default=1)
    method = models.CharField(_("method"), max_length=60, blank=True)
    # Positive / negative tests (culture, HBsAg): a positive is flagged, not a number.
    qualitative = models.BooleanField(_("qualitative (positive/negative)"), default=False)
    # Critical limits; a policy setting named here overrides these catalogue values.
    critical_low = models.DecimalField(
        _("critical low"), max_digits=10, decimal_places=3, null=True, blank=True
    )
    critical_high = models.DecimalField(
        _("critical high"), max_digits=10, decimal_places=3, null=True, blank=True
    )
    critical_policy = models.CharField(_("critical policy key"), max_length=40, blank=True)
    # Delta check: a change from the patient's previous result larger than this is queried.
    delta_percent = models.DecimalField(
        _("delta check (%)"), max_digits=5, decimal_places=1, null=True, blank=True
    )

    class Meta:
        verbose_name = _("lab test")
        verbose_name_plural = _("lab tests")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class PanelTest(models.Model):
    panel = models.ForeignKey(LabItem, on_delete=models.CASCADE, related_name="lines")
    test = models.ForeignKey(LabTest, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [models.UniqueConstraint(fields=["panel", "test"], name="panel_test_once")]


class Sex(models.TextChoices):
    ANY = "", _("Either sex")
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


class ReferenceRange(models.Model):
    """A reference interval for a sex and an age band [age_from, age_to) in years."""

    test = models.ForeignKey(LabTest, on_delete=models.CASCADE, related_name="ranges")
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, blank=True)
    age_from = models.PositiveSmallIntegerField(_("from age (years)"), default=0)
    age_to = models.PositiveSmallIntegerField(_("to age (years, exclusive)"), null=True, blank=True)
    low = models.DecimalField(_("low"), max_digits=10, decimal_places=3, null=True, blank=True)
    high = models.DecimalField(_("high"), max_digits=10, decimal_places=3, null=True, blank=True)

    class Meta:
        verbose_name = _("reference range")
        verbose_name_plural = _("reference ranges")
        ordering = ["test", "sex", "age_from"]

    def __str__(self) -> str:
        return f"{self.test.code} {self.sex or '*'} {self.age_from}-{self.age_to or ''}"


class SpecimenStatus(models.TextChoices):
    LABELLED = "labelled", _("Label printed")
    COLLECTED = "collected", _("Collected")
    RECEIVED = "received", _("Received")
    STORED = "stored", _("Stored")
    REJECTED = "rejected", _("Rejected at reception")
    TESTED = "tested", _("Tested")
    DISPOSED = "disposed", _("Disposed")


class Specimen(models.Model):
    """One tube or container for one lab exam, tracked from its label to its disposal."""

    barcode = models.CharField(_("barcode"), max_length=20, unique=True)
    exam = models.ForeignKey(Exam, on_delete=models.PROTECT, related_name="specimens")
    status = models.CharField(
        _("status"), max_length=12, choices=SpecimenStatus.choices, default="labelled"
    )
    specimen_type = models.CharField(
        _("specimen type"), max_length=16, choices=SpecimenType.choices
    )
    container = models.CharField(_("container"), max_length=16, choices=Container.choices)
    labelled_at = models.DateTimeField(default=timezone.now)
    collected_at = models.DateTimeField(_("collected at"), null=True, blank=True)
    collected_by = models.ForeignKey(
        Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    received_by = models.ForeignKey(
        Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    rejected_at = models.DateTimeField(_("rejected at"), null=True, blank=True)
    rejected_by = models.ForeignKey(
        Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    rejection_reason = models.CharField(_("rejection reason"), max_length=24, blank=True)
    rejection_note = models.CharField(_("note"), max_length=300, blank=True)
    # A non-conforming specimen tested anyway, with the reason (让步检验).
    concession_reason = models.CharField(_("concession"), max_length=24, blank=True)
    concession_note = models.CharField(_("concession note"), max_length=300, blank=True)
    recollection_of = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="recollection"
    )
    location = models.CharField(_("storage location"), max_length=60, blank=True)
    keep_until = models.DateTimeField(_("keep until"), null=True, blank=True)
    disposed_at = models.DateTimeField(_("disposed at"), null=True, blank=True)
    disposed_by = models.ForeignKey(
        Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    disposal_method = models.CharField(_("disposal"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("specimen")
        verbose_name_plural = _("specimens")
        indexes = [
            models.Index(fields=["status", "received_at"]),
            models.Index(fields=["exam", "status"]),
            # The laboratory indicators count specimens by collection time: the days not yet
            # rolled up are read live on every indicator page (a full scan at 20M exams).
            models.Index(fields=["collected_at"], name="specimen_collected"),
            models.Index(
                fields=["keep_until"],
                condition=Q(disposed_at__isnull=True),
                name="specimen_to_dispose",
            ),
        ]

    def __str__(self) -> str:
        return self.barcode


class SpecimenEvent(models.Model):
    """The specimen's track: every step with who, when and where."""

    specimen = models.ForeignKey(Specimen, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=12, choices=SpecimenStatus.choices)
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(Staff, on_delete=models.PROTECT, null=True, related_name="+")
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["at", "pk"]


class Flag(models.TextChoices):
    NORMAL = "", _("Normal")
    LOW = "L", _("Low")
    HIGH = "H", _("High")
    CRITICAL_LOW = "LL", _("Critical low")
    CRITICAL_HIGH = "HH", _("Critical high")
    POSITIVE = "POS", _("Positive")


CRITICAL_FLAGS = (Flag.CRITICAL_LOW, Flag.CRITICAL_HIGH)
# Qualitative results are stored as these codes and shown in the reader's language.
QUALITATIVE = {"positive": _("Positive"), "negative": _("Negative")}


class ResultSource(models.TextChoices):
    MANUAL = "manual", _("Entered by hand")
    FILE = "file", _("Analyser file")
    HL7 = "hl7", "HL7 ORU"


class CallReason(models.TextChoices):
    UNEXPECTED_POSITIVE = "unexpected_positive", _("Unexpected positive result")
    CLINICAL_MISMATCH = "clinical_mismatch", _("At odds with the clinical picture")
    DELTA = "delta", _("Large change from the previous result")


class LabResult(models.Model):
    """One analyte's result on one lab exam (re-entry before release replaces the value and
    is kept in the audit log)."""

    exam = models.ForeignKey(Exam, on_delete=models.PROTECT, related_name="lab_results")
    specimen = models.ForeignKey(Specimen, on_delete=models.PROTECT, related_name="results")
    test = models.ForeignKey(LabTest, on_delete=models.PROTECT, related_name="+")
    value = models.CharField(_("result"), max_length=40)
    numeric = models.DecimalField(max_digits=12, decimal_places=4, null=True, blank=True)
    unit = models.CharField(_("unit"), max_length=24, blank=True)
    reference = models.CharField(_("reference range"), max_length=40, blank=True)
    flag = models.CharField(_("flag"), max_length=3, choices=Flag.choices, blank=True)
    previous = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    delta_percent = models.DecimalField(max_digits=8, decimal_places=1, null=True, blank=True)
    delta_failed = models.BooleanField(_("delta check failed"), default=False)
    instrument = models.ForeignKey(
        Device, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    source = models.CharField(max_length=8, choices=ResultSource.choices, default="manual")
    entered_at = models.DateTimeField(default=timezone.now)
    entered_by = models.ForeignKey(Staff, on_delete=models.PROTECT, null=True, related_name="+")
    # LAB-3: to be rechecked with the clinic before release, and what the clinic said.
    call_reason = models.CharField(
        _("call the clinic"), max_length=24, choices=CallReason.choices, blank=True
    )
    call_note = models.CharField(_("clinic call"), max_length=300, blank=True)
    called_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("lab result")
        verbose_name_plural = _("lab results")
        ordering = ["exam", "pk"]
        constraints = [models.UniqueConstraint(fields=["exam", "test"], name="lab_result_once")]
        indexes = [models.Index(fields=["test", "entered_at"])]

    def __str__(self) -> str:
        return f"{self.test.code} {self.display_value}"

    @property
    def critical(self) -> bool:
        return self.flag in CRITICAL_FLAGS

    @property
    def display_value(self) -> str:
        return str(QUALITATIVE.get(self.value, self.value))

    @property
    def call_open(self) -> bool:
        return bool(self.call_reason) and self.called_at is None


class LabReport(models.Model):
    """The verified, signed and released result of one lab exam (LAB-3)."""

    exam = models.OneToOneField(Exam, on_delete=models.PROTECT, related_name="lab_report")
    verified_by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    released_at = models.DateTimeField(_("released at"), default=timezone.now)
    signature = models.ForeignKey(
        ElectronicSignature, on_delete=models.PROTECT, null=True, related_name="+"
    )
    comment = models.CharField(_("comment"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("lab report")
        verbose_name_plural = _("lab reports")
        indexes = [models.Index(fields=["released_at"])]

    def __str__(self) -> str:
        return f"{self.exam}"


# ------------------------------------------------------------------ quality control


class ControlMaterial(models.Model):
    """A control material's lot at one level for one test on one instrument."""

    test = models.ForeignKey(LabTest, on_delete=models.PROTECT, related_name="controls")
    instrument = models.ForeignKey(Device, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("control material"), max_length=60)
    lot = models.CharField(_("lot"), max_length=30)
    level = models.PositiveSmallIntegerField(_("level"))
    mean = models.DecimalField(_("target mean"), max_digits=10, decimal_places=3)
    sd = models.DecimalField(_("target SD"), max_digits=10, decimal_places=3)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("control material")
        verbose_name_plural = _("control materials")
        ordering = ["instrument", "test", "level"]
        constraints = [
            models.CheckConstraint(condition=Q(sd__gt=0), name="control_sd_positive"),
            models.UniqueConstraint(
                fields=["test", "instrument", "lot", "level"], name="control_lot_level_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.test.code} L{self.level} {self.lot}"


class RunStatus(models.TextChoices):
    ACCEPTED = "accepted", _("In control")
    WARNING = "warning", _("Warning (1-2s)")
    REJECTED = "rejected", _("Out of control")


class QcRun(models.Model):
    """One analytical run's controls for a test on an instrument, judged by the Westgard rules."""

    test = models.ForeignKey(LabTest, on_delete=models.PROTECT, related_name="qc_runs")
    instrument = models.ForeignKey(Device, on_delete=models.PROTECT, related_name="+")
    run_at = models.DateTimeField(_("run at"), default=timezone.now)
    recorded_by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=10, choices=RunStatus.choices)
    violations = models.JSONField(_("rules violated"), default=list, blank=True)
    corrective_action = models.TextField(_("corrective action"), blank=True)
    corrected_at = models.DateTimeField(null=True, blank=True)
    corrected_by = models.ForeignKey(
        Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("QC run")
        verbose_name_plural = _("QC runs")
        ordering = ["-run_at", "-pk"]
        indexes = [models.Index(fields=["instrument", "test", "run_at"])]

    def __str__(self) -> str:
        return f"{self.test.code} {self.run_at:%Y-%m-%d %H:%M}"

    @property
    def blocks_release(self) -> bool:
        return self.status == RunStatus.REJECTED and self.corrected_at is None

    @property
    def violation_names(self) -> list[str]:
        """The Westgard rules violated as written (1-3s, R-4s), not their codes (1_3s)."""
        return [code.replace("_", "-") for code in self.violations]


class QcException(models.Model):
    """A reviewer's documented exception (LAB-5): results of this test on this instrument are
    released in this QC period without an in-control run, for the reason given."""

    test = models.ForeignKey(LabTest, on_delete=models.PROTECT, related_name="+")
    instrument = models.ForeignKey(Device, on_delete=models.PROTECT, related_name="+")
    period_start = models.DateTimeField(_("QC period from"))
    reason = models.CharField(_("reason"), max_length=300)
    recorded_by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("QC exception")
        verbose_name_plural = _("QC exceptions")
        constraints = [
            models.UniqueConstraint(
                fields=["test", "instrument", "period_start"], name="qc_exception_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.test.code} {self.period_start:%Y-%m-%d %H:%M} {self.reason[:30]}"


class QcResult(models.Model):
    run = models.ForeignKey(QcRun, on_delete=models.CASCADE, related_name="results")
    material = models.ForeignKey(ControlMaterial, on_delete=models.PROTECT, related_name="+")
    value = models.DecimalField(_("value"), max_digits=10, decimal_places=3)
    z = models.DecimalField(max_digits=8, decimal_places=2)

    class Meta:
        ordering = ["material__level"]
        constraints = [
            models.UniqueConstraint(fields=["run", "material"], name="qc_level_once_per_run")
        ]


class EqaRecord(models.Model):
    """One external quality assessment round for a test (WS/T 644)."""

    test = models.ForeignKey(LabTest, on_delete=models.PROTECT, related_name="+")
    provider = models.CharField(_("EQA provider"), max_length=100)
    round = models.CharField(_("round"), max_length=30)
    year = models.PositiveSmallIntegerField(_("year"))
    samples = models.PositiveSmallIntegerField(_("samples"))
    acceptable = models.PositiveSmallIntegerField(_("acceptable results"))
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("EQA round")
        verbose_name_plural = _("EQA rounds")
        ordering = ["-year", "-recorded_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(acceptable__lte=models.F("samples")),
                name="eqa_acceptable_within_samples",
            ),
            models.UniqueConstraint(fields=["test", "provider", "round"], name="eqa_round_once"),
        ]

    def __str__(self) -> str:
        return f"{self.test.code} {self.round}"

    @property
    def passed(self) -> bool:
        # WS/T 644: a round passes when at least 80 % of its results are acceptable.
        return self.samples > 0 and self.acceptable * 5 >= self.samples * 4
