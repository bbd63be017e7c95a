"""Organisation, people, patients, policy values, audit log, signatures and API tokens."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class HospitalLevel(models.TextChoices):
    TOWNSHIP = "township", _("Township health centre")
    PRIMARY = "primary", _("Primary hospital")
    SECONDARY = "secondary", _("Secondary hospital")
    TERTIARY = "tertiary", _("Tertiary hospital")


class Hospital(models.Model):
    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("hospital name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    level = models.CharField(_("level"), max_length=16, choices=HospitalLevel.choices)
    address = models.CharField(_("address"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("hospital")
        verbose_name_plural = _("hospitals")

    def __str__(self) -> str:
        return self.name


class DepartmentKind(models.TextChoices):
    IMAGING = "imaging", _("Medical imaging")
    ULTRASOUND = "ultrasound", _("Ultrasound")
    ECG = "ecg", _("ECG")
    LAB = "lab", _("Clinical laboratory")
    CLINICAL = "clinical", _("Clinical department")
    ADMINISTRATION = "admin", _("Administration")


MEDTECH_KINDS = (
    DepartmentKind.IMAGING,
    DepartmentKind.ULTRASOUND,
    DepartmentKind.ECG,
    DepartmentKind.LAB,
)


class DepartmentQuerySet(models.QuerySet):
    def medtech(self):
        """The active medical-technology departments (imaging, ultrasound, ECG, lab)."""
        return self.filter(active=True, kind__in=MEDTECH_KINDS).order_by("code")


class Department(models.Model):
    hospital = models.ForeignKey(Hospital, on_delete=models.PROTECT, related_name="departments")
    code = models.CharField(_("code"), max_length=32)
    name = models.CharField(_("department name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=DepartmentKind.choices)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    active = models.BooleanField(_("active"), default=True)

    objects = DepartmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["kind", "code"]
        constraints = [
            models.UniqueConstraint(fields=["hospital", "code"], name="department_code_unique")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_medtech(self) -> bool:
        return self.kind in MEDTECH_KINDS


class WorkGroup(models.Model):
    """A group inside a department (STF-1): general radiography, CT, MRI, interventional."""

    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="groups")
    code = models.CharField(_("code"), max_length=32)
    name = models.CharField(_("group name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("work group")
        verbose_name_plural = _("work groups")
        ordering = ["department", "code"]
        constraints = [
            models.UniqueConstraint(fields=["department", "code"], name="group_code_unique")
        ]

    def __str__(self) -> str:
        return f"{self.department.name} · {self.name}"


class Room(models.Model):
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="rooms")
    group = models.ForeignKey(
        WorkGroup, on_delete=models.SET_NULL, null=True, blank=True, related_name="rooms"
    )
    code = models.CharField(_("code"), max_length=32)
    name = models.CharField(_("room name"), max_length=100)
    location = models.CharField(_("location"), max_length=100, blank=True)
    # Catalogue modality codes (DR, CT, US, ...) the room's equipment performs.
    modalities = models.JSONField(_("modalities"), default=list, blank=True)
    # The DICOM application entity of the room's modality: its worklist is the room's, and
    # only configured AE titles may associate with Yiji's DICOM service.
    ae_title = models.CharField(_("modality AE title"), max_length=16, blank=True, db_index=True)
    dicom_charset = models.CharField(
        _("DICOM character set"),
        max_length=16,
        choices=[("ISO_IR 192", "UTF-8 (ISO_IR 192)"), ("GB18030", "GB18030")],
        default="ISO_IR 192",
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("room")
        verbose_name_plural = _("rooms")
        ordering = ["department", "code"]
        constraints = [
            models.UniqueConstraint(fields=["department", "code"], name="room_code_unique")
        ]

    def __str__(self) -> str:
        return self.name


class PhysicianTitle(models.IntegerChoices):
    """The physician ladder; a higher number is a higher title (RPT-3)."""

    RESIDENT = 1, _("Resident physician")
    ATTENDING = 2, _("Attending physician")
    ASSOCIATE_CHIEF = 3, _("Associate chief physician")
    CHIEF = 4, _("Chief physician")


class TechnologistTitle(models.IntegerChoices):
    """The technologist ladder; a higher number is a higher title (CNF-2)."""

    TECHNICIAN = 1, _("Technician")
    TECHNOLOGIST = 2, _("Technologist")
    SUPERVISOR = 3, _("Supervisor technologist")
    ASSOCIATE_CHIEF = 4, _("Associate chief technologist")
    CHIEF = 5, _("Chief technologist")


class TraineeKind(models.TextChoices):
    VISITING = "visiting", _("Visiting physician (进修)")
    INTERN = "intern", _("Intern (实习)")
    RESIDENCY = "residency", _("Standardised residency (规培)")


class Sex(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")
    UNKNOWN = "U", _("Unknown")


class Role(models.TextChoices):
    DIRECTOR = "director", _("Department director")
    DEPUTY_DIRECTOR = "deputy", _("Deputy director")
    GROUP_LEADER = "group_leader", _("Group leader")
    PHYSICIAN = "physician", _("Diagnostic physician")
    TRAINEE = "trainee", _("Trainee")
    TECHNOLOGIST = "technologist", _("Technologist")
    CLERK = "clerk", _("Registration clerk")
    NURSE = "nurse", _("Nurse")
    ENGINEER = "engineer", _("Equipment engineer")
    QC_OFFICER = "qc_officer", _("QC officer")
    CLINICIAN = "clinician", _("Clinician")
    MEDICAL_AFFAIRS = "medical_affairs", _("Medical-affairs officer")
    LAB_TECHNOLOGIST = "lab_technologist", _("Lab technologist")
    LAB_REVIEWER = "lab_reviewer", _("Lab reviewer")
    ADMIN = "admin", _("System administrator")
    # The account a hospital system (HIS, PACS, modality) acts as over HL7, DICOM or FHIR.
    INTERFACE = "interface", _("Interface account")


class Staff(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="staff"
    )
    hospital = models.ForeignKey(Hospital, on_delete=models.PROTECT, related_name="staff")
    employee_no = models.CharField(_("employee number"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=50)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, default=Sex.UNKNOWN)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    physician_title = models.PositiveSmallIntegerField(
        _("physician title"), choices=PhysicianTitle.choices, null=True, blank=True
    )
    technologist_title = models.PositiveSmallIntegerField(
        _("technologist title"), choices=TechnologistTitle.choices, null=True, blank=True
    )
    trainee_kind = models.CharField(
        _("trainee kind"), max_length=16, choices=TraineeKind.choices, blank=True
    )
    supervisor = models.ForeignKey(
        "self",
        verbose_name=_("supervisor"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="trainees",
    )
    departments = models.ManyToManyField(
        Department, through="Membership", related_name="members", verbose_name=_("departments")
    )
    signing_pin = models.CharField(_("signing PIN"), max_length=128, blank=True, editable=False)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff")
        ordering = ["employee_no"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_trainee(self) -> bool:
        return bool(self.trainee_kind)

    @property
    def title_display(self) -> str:
        parts = []
        if self.physician_title:
            parts.append(str(self.get_physician_title_display()))
        if self.technologist_title:
            parts.append(str(self.get_technologist_title_display()))
        if self.trainee_kind:
            parts.append(str(self.get_trainee_kind_display()))
        return " / ".join(parts)


class Membership(models.Model):
    """A person works in a department (and maybe a group); a person may work in several."""

    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="memberships")
    department = models.ForeignKey(Department, on_delete=models.PROTECT)
    group = models.ForeignKey(WorkGroup, on_delete=models.PROTECT, null=True, blank=True)
    primary = models.BooleanField(_("primary department"), default=False)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["staff", "department", "group"], name="membership_unique"
            )
        ]


class RoleAssignment(models.Model):
    """A role held by a person, optionally limited to one department or group."""

    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    department = models.ForeignKey(Department, on_delete=models.PROTECT, null=True, blank=True)
    group = models.ForeignKey(WorkGroup, on_delete=models.PROTECT, null=True, blank=True)

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["staff", "role", "department", "group"], name="role_assignment_unique"
            )
        ]

    def __str__(self) -> str:
        where = self.group or self.department
        return f"{self.get_role_display()} ({where})" if where else str(self.get_role_display())


class Responsibility(models.Model):
    """What a role is responsible for (STF-1), per department or, without one, for all."""

    department = models.ForeignKey(Department, on_delete=models.CASCADE, null=True, blank=True)
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    text = models.TextField(_("responsibilities"))
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("post responsibilities")
        verbose_name_plural = _("post responsibilities")
        constraints = [
            models.UniqueConstraint(fields=["department", "role"], name="responsibility_once")
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} {self.department or ''}".strip()


class CredentialKind(models.TextChoices):
    PRACTISING_LICENCE = "practising_licence", _("Practising licence")
    LARGE_EQUIPMENT = "large_equipment", _("Large-equipment operator certificate")
    RADIATION_TRAINING = "radiation_training", _("Radiation-safety training")
    PRE_JOB_MEDICAL = "pre_job_medical", _("Pre-job medical examination")
    RADIATION_WORK_PERMIT = "radiation_work_permit", _("Radiation worker's permit")


class Credential(models.Model):
    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="credentials")
    kind = models.CharField(_("kind"), max_length=32, choices=CredentialKind.choices)
    number = models.CharField(_("number"), max_length=64)
    scope = models.CharField(_("scope"), max_length=100, blank=True)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)

    class Meta:
        verbose_name = _("credential")
        verbose_name_plural = _("credentials")
        ordering = ["staff", "kind"]
        indexes = [models.Index(fields=["kind", "expires_on"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"

    def is_valid_on(self, day) -> bool:
        return self.expires_on is None or self.expires_on >= day


class PatientSource(models.TextChoices):
    OUTPATIENT = "outpatient", _("Outpatient")
    INPATIENT = "inpatient", _("Inpatient")
    EMERGENCY = "emergency", _("Emergency")
    CHECKUP = "checkup", _("Health check-up")


class Patient(models.Model):
    patient_id = models.CharField(_("patient ID"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=50)
    # The parts of the name as the HIS sends them (PID-5), or split by the desk; a compound
    # surname such as 欧阳 stays whole.
    family_name = models.CharField(_("family name"), max_length=30, blank=True)
    given_name = models.CharField(_("given name"), max_length=30, blank=True)
    # Pinyin initials of the name (王建国 → wjg), what the desk types to find a patient.
    name_initials = models.CharField(_("name initials"), max_length=16, blank=True)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    id_card = models.CharField(_("ID-card number"), max_length=18, blank=True)
    # A number from the HIS that fails its check digit is kept, flagged, not refused: the
    # HIS is the master of identity and refusing its patient would block every order.
    id_card_unverified = models.BooleanField(_("ID-card number unverified"), default=False)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    allergy_history = models.TextField(_("allergy history"), blank=True)
    source = models.CharField(_("source"), max_length=16, choices=PatientSource.choices)
    # How far the patient lives from the hospital: those from afar are booked first (SCH-5).
    residence_distance_km = models.PositiveIntegerField(
        _("distance from home (km)"), null=True, blank=True
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)
    # A duplicate record merged into another (HL7 ADT^A40): kept, never shown as a live patient.
    merged_into = models.ForeignKey(
        "self", verbose_name=_("merged into"), on_delete=models.PROTECT, null=True, blank=True
    )

    class Meta:
        verbose_name = _("patient")
        verbose_name_plural = _("patients")
        indexes = [
            models.Index(fields=["name"]),
            models.Index(fields=["id_card"]),
            # ORD-7's search (services.search_patients): a surname prefix (LIKE '王%', which
            # PostgreSQL's plain index cannot serve outside the C collation), an exact phone,
            # and the newest first, which a common surname walks until it has a page.
            models.Index(
                fields=["name"], name="patient_name_prefix", opclasses=["varchar_pattern_ops"]
            ),
            models.Index(fields=["phone"], name="patient_phone"),
            models.Index(
                fields=["name_initials"],
                name="patient_initials_prefix",
                opclasses=["varchar_pattern_ops"],
            ),  # fmt: skip
            models.Index(fields=["-created_at", "-id"], name="patient_newest_first"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.patient_id})"

    def age_on(self, day) -> int | None:
        """Age in whole years on a day, or None without a birth date."""
        born = self.birth_date
        if born is None:
            return None
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))

    @property
    def id_card_masked(self) -> str:
        """The ID-card number as shown on screen: first 6 and last 4 digits only."""
        card = self.id_card
        if len(card) <= 10:
            return "*" * len(card)
        return card[:6] + "*" * (len(card) - 10) + card[-4:]


class AllergyCategory(models.TextChoices):
    CONTRAST = "contrast", _("Contrast medium")
    DRUG = "drug", _("Drug")
    FOOD = "food", _("Food")
    ENVIRONMENT = "environment", _("Environment")
    OTHER = "other", _("Other")


class AllergySeverity(models.TextChoices):
    SEVERE = "severe", _("Severe")
    MODERATE = "moderate", _("Moderate")
    MILD = "mild", _("Mild")
    UNKNOWN = "unknown", _("Unknown")


# Words that name a contrast medium in a free-text allergen (碘海醇, 钆喷酸葡胺, "iodinated").
CONTRAST_WORDS = ("造影", "碘", "钆", "contrast", "iod", "gadolin")


class Allergy(models.Model):
    """One recorded allergy of a patient (ORD-6), from the HIS's AL1 segments or the desk."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="allergies")
    category = models.CharField(_("category"), max_length=12, choices=AllergyCategory.choices)
    substance = models.CharField(_("substance"), max_length=100)
    code = models.CharField(_("code"), max_length=32, blank=True)
    severity = models.CharField(
        _("severity"), max_length=10, choices=AllergySeverity.choices,
        default=AllergySeverity.UNKNOWN,
    )  # fmt: skip
    reaction = models.CharField(_("reaction"), max_length=200, blank=True)
    noted_on = models.DateField(_("noted on"), null=True, blank=True)
    from_his = models.BooleanField(_("from the HIS"), default=False)
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("allergy")
        verbose_name_plural = _("allergies")
        ordering = ["patient", "pk"]

    def __str__(self) -> str:
        return f"{self.substance}（{self.get_severity_display()}）"

    @property
    def is_contrast(self) -> bool:
        text = f"{self.substance} {self.code}".lower()
        return self.category == AllergyCategory.CONTRAST or any(w in text for w in CONTRAST_WORDS)


class PolicyValue(models.Model):
    """A hospital's (or one department's) value for a policy setting; absent means default."""

    hospital = models.ForeignKey(Hospital, on_delete=models.CASCADE)
    department = models.ForeignKey(Department, on_delete=models.CASCADE, null=True, blank=True)
    key = models.CharField(max_length=100)
    value = models.JSONField()
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["hospital", "key"],
                condition=Q(department__isnull=True),
                name="policy_hospital_value_unique",
            ),
            models.UniqueConstraint(
                fields=["hospital", "department", "key"],
                condition=Q(department__isnull=False),
                name="policy_department_value_unique",
            ),
        ]


class AuditAction(models.TextChoices):
    CREATE = "create", _("Create")
    UPDATE = "update", _("Update")
    DELETE = "delete", _("Delete")
    VIEW = "view", _("View")
    SEARCH = "search", _("Search")
    LOGIN = "login", _("Log in")
    LOGIN_FAILED = "login_failed", _("Failed log-in")
    LOCKED_OUT = "locked_out", _("Locked out")
    LOGOUT = "logout", _("Log out")
    SIGN = "sign", _("Electronic signature")
    SIGN_FAILED = "sign_failed", _("Failed signature")
    SETTING = "setting", _("Policy setting change")
    TOKEN = "token", _("API token")
    EXPORT = "export", _("Export")


class AuditEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("The audit log is append-only")

    def delete(self):
        raise PermissionError("The audit log is append-only")


class AuditEntry(models.Model):
    """One append-only, hash-chained line of the audit log (ORD-7, ARC-5)."""

    seq = models.BigIntegerField(unique=True)
    at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    actor_name = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=16, choices=AuditAction.choices)
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(max_length=200, blank=True)
    patient = models.ForeignKey(
        Patient, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    reason = models.TextField(blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ["-seq"]
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            models.Index(fields=["patient", "at"]),
            models.Index(fields=["actor", "at"]),
        ]

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("The audit log is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("The audit log is append-only")

    @property
    def object_label(self) -> str:
        """The kind of record in words ("报告", "user"), not its internal name."""
        from django.apps import apps

        try:
            return str(apps.get_model(self.object_type)._meta.verbose_name)
        except (LookupError, ValueError):
            return self.object_type


class AuditHead(models.Model):
    """The single row that serialises appends and remembers the chain's last link."""

    last_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)


class LoginThrottle(models.Model):
    """Failed attempts per user name and source address (and per address alone), for lockout
    after repeated failures."""

    username = models.CharField(max_length=250, unique=True)
    failures = models.PositiveIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)


class ElectronicSignature(models.Model):
    """A re-authenticated signature: who, with what title and licence, on what, when."""

    signer = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="signatures")
    signer_name = models.CharField(_("signer"), max_length=50)
    title = models.CharField(_("title"), max_length=100, blank=True)
    licence_number = models.CharField(_("licence number"), max_length=64, blank=True)
    meaning = models.CharField(_("meaning"), max_length=100)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, null=True)
    object_id = models.CharField(max_length=64, blank=True)
    signed_at = models.DateTimeField(_("signed at"), default=timezone.now)
    method = models.CharField(_("method"), max_length=16)

    class Meta:
        verbose_name = _("electronic signature")
        verbose_name_plural = _("electronic signatures")
        indexes = [models.Index(fields=["content_type", "object_id"])]


class ApiToken(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("token name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=12)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class Counter(models.Model):
    """A per-day sequence (requisition numbers, accession numbers, queue numbers)."""

    name = models.CharField(max_length=32)
    day = models.DateField()
    value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["name", "day"], name="counter_unique")]


class Notice(models.Model):
    """A reminder or escalation addressed to one person, shown on their workbench."""

    recipient = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="notices")
    rule = models.CharField(_("rule"), max_length=8)
    key = models.CharField(max_length=100)  # what it is about, so it is sent once
    message = models.CharField(_("message"), max_length=300)
    message_en = models.CharField(_("message in English"), max_length=300, blank=True)
    url = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["recipient", "key"], name="notice_once")]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    @property
    def text(self) -> str:
        """The notice in the reader's language: stored in Chinese (the department's), and in
        English where the sender wrote it, else the rule it reminds of, in English."""
        if not (get_language() or "").startswith("en"):
            return self.message
        if self.message_en:
            return self.message_en
        from yiji.core.rulebook_data import RULES

        rule = next((r for r in RULES if r.id == self.rule), None)
        return f"[{self.rule}] {rule.en}" if rule else self.message


class RefusalChannel(models.TextChoices):
    WEB = "web", _("Web page")
    API = "api", _("API")
    HL7 = "hl7", "HL7"
    DICOM = "dicom", "DICOM"


class Refusal(models.Model):
    """An action a rule refused, kept so the compliance page can count how often each rule
    stopped something, and show what."""

    rule = models.CharField(_("rule"), max_length=8)
    at = models.DateTimeField(_("at"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    channel = models.CharField(_("channel"), max_length=8, choices=RefusalChannel.choices)
    message = models.CharField(_("message"), max_length=300)
    where = models.CharField(_("where"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("rule refusal")
        verbose_name_plural = _("rule refusals")
        ordering = ["-at"]
        indexes = [models.Index(fields=["at", "rule"])]


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", _("Public holiday")
    WORKDAY = "workday", _("Adjusted working day")


class CalendarDay(models.Model):
    """A day that differs from the usual week: a public holiday, or a weekend day worked in
    exchange (调休). Entered per year, as the State Council publishes them."""

    day = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=8, choices=DayKind.choices)
    name = models.CharField(_("name"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("holiday calendar")
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day} {self.get_kind_display()} {self.name}".strip()


class BreakGlass(models.Model):
    """Access to a patient's record outside one's department or patients, with the reason
    given; logged, and reported to the director each day (ARC-5)."""

    staff = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("reason"), max_length=300)
    at = models.DateTimeField(_("at"), default=timezone.now)
    expires_at = models.DateTimeField(_("valid until"))
    ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        verbose_name = _("break-glass access")
        verbose_name_plural = _("break-glass accesses")
        ordering = ["-at"]
        indexes = [models.Index(fields=["staff", "patient", "expires_at"])]

    def __str__(self) -> str:
        return f"{self.staff} {self.patient} {self.at:%Y-%m-%d %H:%M}"
