"""Equipment: each device's file with its custodian, licences and technical-change log
(EQP-1, EQP-5), and its faults with the repair record and the downtime they caused (EQP-3,
EQP-4)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yiji.core.models import Department, Room, Staff


class DeviceStatus(models.TextChoices):
    IN_USE = "in_use", _("In use")
    FAULT = "fault", _("Fault")
    MAINTENANCE = "maintenance", _("Under maintenance")
    RETIRED = "retired", _("Retired")


class Device(models.Model):
    """One device's file (设备档案)."""

    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("device name"), max_length=100)
    kind = models.CharField(_("device type"), max_length=50)
    modality = models.CharField(_("modality"), max_length=8, blank=True)
    manufacturer = models.CharField(_("manufacturer"), max_length=100)
    model = models.CharField(_("model"), max_length=100)
    serial = models.CharField(_("serial number"), max_length=64, unique=True)
    installed_on = models.DateField(_("installed on"), null=True, blank=True)
    room = models.ForeignKey(
        Room, verbose_name=_("room"), on_delete=models.PROTECT, null=True, blank=True
    )
    ae_title = models.CharField(_("DICOM AE title"), max_length=16, blank=True)
    custodian = models.ForeignKey(
        Staff, verbose_name=_("custodian"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=12, choices=DeviceStatus.choices, default=DeviceStatus.IN_USE
    )
    large = models.BooleanField(_("large medical equipment"), default=False)
    hours_per_day = models.DecimalField(
        _("working hours per day"), max_digits=4, decimal_places=1, default=8
    )
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("device")
        verbose_name_plural = _("devices")
        ordering = ["department__code", "name"]
        indexes = [models.Index(fields=["room", "status"])]

    def __str__(self) -> str:
        return f"{self.name}（{self.serial}）"


class DeviceDocument(models.Model):
    """A document or photo in the device's file (manuals, acceptance reports, certificates,
    nameplate photos); its checksum is kept so a changed file is noticed."""

    device = models.ForeignKey(Device, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("title"), max_length=100)
    file = models.FileField(_("file"), upload_to="devices/%Y/%m/")
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("device document")
        verbose_name_plural = _("device documents")
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return f"{self.device.name} {self.title}"


class LicenceKind(models.TextChoices):
    LARGE_EQUIPMENT = "large_equipment", _("Large-equipment configuration licence")
    RADIATION_SAFETY = "radiation_safety", _("Radiation-safety licence")
    METROLOGY = "metrology", _("Metrology verification certificate")


class DeviceLicence(models.Model):
    device = models.ForeignKey(Device, on_delete=models.CASCADE, related_name="licences")
    kind = models.CharField(_("kind"), max_length=20, choices=LicenceKind.choices)
    number = models.CharField(_("number"), max_length=64)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)

    class Meta:
        verbose_name = _("device licence")
        verbose_name_plural = _("device licences")
        ordering = ["expires_on"]
        indexes = [models.Index(fields=["expires_on"])]

    def __str__(self) -> str:
        return f"{self.device.name} {self.get_kind_display()} {self.number}"


class ChangeKind(models.TextChoices):
    WIRING = "wiring", _("Wiring")
    SOFTWARE = "software", _("Software")
    CONFIGURATION = "configuration", _("Configuration")
    PARTS = "parts", _("Parts replaced")


class TechnicalChange(models.Model):
    """The device's technical file: every wiring, software or configuration change (EQP-5)."""

    device = models.ForeignKey(Device, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(_("kind"), max_length=16, choices=ChangeKind.choices)
    description = models.TextField(_("description"))
    changed_on = models.DateField(_("changed on"))
    recorded_by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("technical change")
        verbose_name_plural = _("technical changes")
        ordering = ["-changed_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.device.name} {self.get_kind_display()} {self.changed_on}"


class Responsibility(models.TextChoices):
    WEAR = "wear", _("Wear and ageing")
    MISUSE = "misuse", _("Misuse")
    QUALITY = "quality", _("Product quality")
    ENVIRONMENT = "environment", _("Power or environment")
    UNKNOWN = "unknown", _("Not determined")


class Fault(models.Model):
    """A fault (故障) from report to return to service: the downtime clock runs from the
    report to the return; the repair record says who fixed what, with which parts, at what cost,
    why it failed and whose responsibility it was (EQP-3, EQP-4)."""

    device = models.ForeignKey(Device, on_delete=models.PROTECT, related_name="faults")
    description = models.TextField(_("fault"))
    reported_by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    reported_at = models.DateTimeField(_("reported at"), default=timezone.now)
    exam = models.ForeignKey(
        "orders.Exam", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    engineer = models.CharField(_("engineer"), max_length=100, blank=True)
    repair = models.TextField(_("repair done"), blank=True)
    parts = models.CharField(_("parts replaced"), max_length=300, blank=True)
    cost = models.DecimalField(
        _("cost (yuan)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    cause = models.CharField(_("cause"), max_length=300, blank=True)
    responsibility = models.CharField(
        _("responsibility"), max_length=12, choices=Responsibility.choices, blank=True
    )
    repaired_at = models.DateTimeField(_("repaired at"), null=True, blank=True)
    returned_at = models.DateTimeField(_("returned to service at"), null=True, blank=True)
    return_check = models.CharField(_("check before return"), max_length=300, blank=True)
    returned_by = models.ForeignKey(
        Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("fault")
        verbose_name_plural = _("faults")
        ordering = ["-reported_at"]
        indexes = [models.Index(fields=["device", "returned_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(returned_at__isnull=True) | Q(returned_at__gte=models.F("reported_at")),
                name="fault_returns_after_report",
            )
        ]

    def __str__(self) -> str:
        return f"{self.device.name} 故障 {timezone.localtime(self.reported_at):%Y-%m-%d %H:%M}"


class PlanKind(models.TextChoices):
    DAILY_CHECK = "daily", _("Start-of-day check")
    MAINTENANCE = "maintenance", _("Maintenance")
    QC = "qc", _("Quality control test")
    CALIBRATION = "calibration", _("Calibration")


class MaintenancePlan(models.Model):
    """A checklist done on a device at a fixed interval (EQP-2 maintenance, EQP-8 calibration
    and QC): a daily check, every N months, or every N days."""

    device = models.ForeignKey(Device, on_delete=models.CASCADE, related_name="plans")
    name = models.CharField(_("plan"), max_length=100)
    kind = models.CharField(_("kind"), max_length=12, choices=PlanKind.choices)
    interval_months = models.PositiveSmallIntegerField(_("every (months)"), null=True, blank=True)
    interval_days = models.PositiveSmallIntegerField(_("every (days)"), null=True, blank=True)
    starts_on = models.DateField(_("first due"))
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("maintenance plan")
        verbose_name_plural = _("maintenance plans")
        ordering = ["device", "kind", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="daily")
                | Q(interval_months__isnull=False)
                | Q(interval_days__isnull=False),
                name="plan_has_an_interval",
            )
        ]

    def __str__(self) -> str:
        return f"{self.device.name} {self.name}"


class ItemKind(models.TextChoices):
    NUMERIC = "numeric", _("Measured value")
    PASS_FAIL = "pass_fail", _("Pass / fail")


class PlanItem(models.Model):
    """One test of a plan. A measured value is judged against its reference: within the
    tolerance it passes; beyond the tolerance but within the action level it passes with a
    warning; beyond the action level (or the tolerance when no action level is set) it fails,
    and a failed test opens a fault."""

    plan = models.ForeignKey(MaintenancePlan, on_delete=models.CASCADE, related_name="items")
    name = models.CharField(_("test"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=ItemKind.choices)
    unit = models.CharField(_("unit"), max_length=16, blank=True)
    reference = models.DecimalField(
        _("reference"), max_digits=10, decimal_places=3, null=True, blank=True
    )
    tolerance = models.DecimalField(
        _("tolerance (±)"), max_digits=10, decimal_places=3, null=True, blank=True
    )
    action = models.DecimalField(
        _("action level (±)"), max_digits=10, decimal_places=3, null=True, blank=True
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("plan test")
        verbose_name_plural = _("plan tests")
        ordering = ["plan", "position", "pk"]

    def __str__(self) -> str:
        return self.name


class Outcome(models.TextChoices):
    PASS = "pass", _("Pass")
    WARNING = "warning", _("Pass with warning")
    FAIL = "fail", _("Fail")


class PlanRecord(models.Model):
    """One time a plan was done, with each test's result."""

    plan = models.ForeignKey(MaintenancePlan, on_delete=models.PROTECT, related_name="records")
    done_on = models.DateField(_("done on"))
    done_at = models.DateTimeField(default=timezone.now)
    done_by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(_("outcome"), max_length=8, choices=Outcome.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)
    fault = models.ForeignKey(
        Fault, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("maintenance record")
        verbose_name_plural = _("maintenance records")
        ordering = ["-done_at"]
        indexes = [models.Index(fields=["plan", "done_on"])]

    def __str__(self) -> str:
        return f"{self.plan} {self.done_on}"


class ItemResult(models.Model):
    record = models.ForeignKey(PlanRecord, on_delete=models.CASCADE, related_name="results")
    item = models.ForeignKey(PlanItem, on_delete=models.PROTECT, related_name="results")
    value = models.DecimalField(max_digits=10, decimal_places=3, null=True, blank=True)
    passed = models.BooleanField(null=True)
    outcome = models.CharField(max_length=8, choices=Outcome.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["record", "item"], name="one_result_per_test")
        ]

    def __str__(self) -> str:
        return f"{self.item.name} {self.value if self.value is not None else self.passed}"


class ProtectiveKind(models.TextChoices):
    APRON = "apron", _("Lead apron")
    COLLAR = "collar", _("Thyroid collar")
    GLASSES = "glasses", _("Lead glasses")
    GONAD = "gonad", _("Gonad shield")
    SHIELD = "shield", _("Mobile shield")


class ProtectiveItem(models.Model):
    """A piece of protective equipment (RAD-4), inspected at the policy interval; one that
    fails its inspection is withdrawn."""

    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=10, choices=ProtectiveKind.choices)
    label = models.CharField(_("label"), max_length=50, unique=True)
    lead_mm = models.DecimalField(_("lead equivalent (mmPb)"), max_digits=4, decimal_places=2)
    room = models.ForeignKey(Room, on_delete=models.PROTECT, null=True, blank=True)
    acquired_on = models.DateField(_("acquired on"))
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)

    class Meta:
        verbose_name = _("protective item")
        verbose_name_plural = _("protective items")
        ordering = ["department", "kind", "label"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.label}"


class ProtectiveInspection(models.Model):
    item = models.ForeignKey(ProtectiveItem, on_delete=models.CASCADE, related_name="inspections")
    inspected_on = models.DateField(_("inspected on"))
    passed = models.BooleanField(_("passed"))
    method = models.CharField(_("method"), max_length=100)
    finding = models.CharField(_("finding"), max_length=300, blank=True)
    inspected_by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("protective equipment inspection")
        verbose_name_plural = _("protective equipment inspections")
        ordering = ["-inspected_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.item} {self.inspected_on}"


class AreaMeasurement(models.Model):
    """Area radiation monitoring (辐射监测, RAD-6): a dose rate measured at a point of a room
    against the limit in force when it was measured."""

    room = models.ForeignKey(Room, on_delete=models.PROTECT, related_name="+")
    measured_on = models.DateField(_("measured on"))
    point = models.CharField(_("measuring point"), max_length=100)
    dose_rate = models.DecimalField(_("dose rate (μSv/h)"), max_digits=8, decimal_places=3)
    limit = models.DecimalField(_("limit (μSv/h)"), max_digits=8, decimal_places=3)
    instrument = models.CharField(_("instrument"), max_length=100, blank=True)
    measured_by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("area radiation measurement")
        verbose_name_plural = _("area radiation measurements")
        ordering = ["-measured_on", "room", "point"]

    def __str__(self) -> str:
        return f"{self.room} {self.point} {self.measured_on}"

    @property
    def exceeded(self) -> bool:
        return self.dose_rate > self.limit


class EmergencyPlan(models.Model):
    """The radiation-accident emergency plan (RAD-5) as a document, with its drills."""

    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=100)
    version = models.CharField(_("version"), max_length=20)
    text = models.TextField(_("plan"))
    approved_on = models.DateField(_("approved on"))

    class Meta:
        verbose_name = _("emergency plan")
        verbose_name_plural = _("emergency plans")
        ordering = ["-approved_on"]

    def __str__(self) -> str:
        return f"{self.title} {self.version}"


class Drill(models.Model):
    plan = models.ForeignKey(EmergencyPlan, on_delete=models.PROTECT, related_name="drills")
    held_on = models.DateField(_("held on"))
    scenario = models.CharField(_("scenario"), max_length=200)
    participants = models.CharField(_("participants"), max_length=300)
    findings = models.TextField(_("findings and improvements"), blank=True)
    recorded_by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("emergency drill")
        verbose_name_plural = _("emergency drills")
        ordering = ["-held_on"]

    def __str__(self) -> str:
        return f"{self.plan.title} {self.held_on}"


class SupplyCategory(models.TextChoices):
    CONTRAST = "contrast", _("Contrast medium")
    FILM = "film", _("Film and media")
    CONSUMABLE = "consumable", _("Consumable")
    REAGENT = "reagent", _("Reagent")
    DRUG = "drug", _("Emergency drug")
    HAZARDOUS = "hazardous", _("Hazardous material")


class SupplyItem(models.Model):
    """An item of the department's supplies ledger (台帐, EQP-9); a hazardous or valuable item
    has a custodian and periodic checks (EQP-10)."""

    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("item"), max_length=100)
    category = models.CharField(_("category"), max_length=12, choices=SupplyCategory.choices)
    unit = models.CharField(_("unit"), max_length=16)
    min_stock = models.DecimalField(_("minimum stock"), max_digits=10, decimal_places=2, default=0)
    hazardous = models.BooleanField(_("hazardous or valuable"), default=False)
    custodian = models.ForeignKey(
        Staff, verbose_name=_("custodian"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("supply item")
        verbose_name_plural = _("supply items")
        ordering = ["department", "category", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(hazardous=False) | Q(custodian__isnull=False),
                name="hazardous_item_has_custodian",
            )
        ]

    def __str__(self) -> str:
        return self.name


class MovementKind(models.TextChoices):
    RECEIPT = "receipt", _("Received")
    CONSUMPTION = "consumption", _("Used")
    STOCKTAKE = "stocktake", _("Stock-taking difference")
    DISPOSAL = "disposal", _("Disposed of")


class StockMovement(models.Model):
    """One line of the ledger: quantity in (positive) or out (negative) of a lot."""

    item = models.ForeignKey(SupplyItem, on_delete=models.PROTECT, related_name="movements")
    lot = models.CharField(_("lot"), max_length=50)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    kind = models.CharField(_("kind"), max_length=12, choices=MovementKind.choices)
    quantity = models.DecimalField(_("quantity"), max_digits=10, decimal_places=2)
    exam = models.ForeignKey(
        "orders.Exam", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("stock movement")
        verbose_name_plural = _("stock movements")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["item", "lot"])]

    def __str__(self) -> str:
        return f"{self.item} {self.lot} {self.quantity}"


class HazardCheck(models.Model):
    """The periodic check of a hazardous or valuable item by its custodian (EQP-10)."""

    item = models.ForeignKey(SupplyItem, on_delete=models.CASCADE, related_name="checks")
    checked_on = models.DateField(_("checked on"))
    in_order = models.BooleanField(_("in order"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("hazardous item check")
        verbose_name_plural = _("hazardous item checks")
        ordering = ["-checked_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.item} {self.checked_on}"
