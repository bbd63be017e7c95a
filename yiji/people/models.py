"""People of the department: posts, the duty roster and handovers (STF-4), leave (STF-3),
personal dosimetry and health checks (RAD-2, RAD-3)."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yiji.core.models import Department, ElectronicSignature, Staff


class Post(models.TextChoices):
    """A post (岗位); what credentials each needs is a policy setting (RAD-1)."""

    DIAGNOSIS = "diagnosis", _("Diagnostic reporting")
    RADIOGRAPHY = "radiography", _("X-ray operation")
    LARGE_EQUIPMENT = "large_equipment", _("CT / MRI / DSA operation")
    ULTRASOUND = "ultrasound", _("Ultrasound")
    ECG = "ecg", _("ECG")
    NURSING = "nursing", _("Nursing")
    REGISTRATION = "registration", _("Registration desk")
    LAB = "lab", _("Laboratory")


class ShiftKind(models.TextChoices):
    DAY = "day", _("Day shift")
    EVENING = "evening", _("Evening shift")
    NIGHT = "night", _("Night shift")
    DUTY_24 = "duty24", _("24-hour duty")
    EMERGENCY = "emergency", _("Emergency duty")
    OUTPATIENT = "outpatient", _("Outpatient duty")
    ON_CALL = "on_call", _("On call")


# After these the person rests for `stf.post_night_duty_rest_hours` (STF-4).
NIGHT_KINDS = (ShiftKind.NIGHT, ShiftKind.DUTY_24)


class ShiftType(models.Model):
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="shifts")
    code = models.CharField(_("code"), max_length=16)
    name = models.CharField(_("shift name"), max_length=50)
    kind = models.CharField(_("kind"), max_length=12, choices=ShiftKind.choices)
    post = models.CharField(_("post"), max_length=20, choices=Post.choices)
    starts = models.TimeField(_("starts at"))
    hours = models.PositiveSmallIntegerField(_("hours"))
    # A handover is written when the shift ends (STF-4).
    handover = models.BooleanField(_("handover at the end"), default=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("shift type")
        verbose_name_plural = _("shift types")
        ordering = ["department", "starts", "code"]
        constraints = [
            models.UniqueConstraint(fields=["department", "code"], name="shift_code_unique"),
            models.CheckConstraint(
                condition=models.Q(hours__gte=1, hours__lte=24), name="shift_hours_range"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def bounds(self, day: dt.date) -> tuple[dt.datetime, dt.datetime]:
        start = timezone.make_aware(dt.datetime.combine(day, self.starts))
        return start, start + dt.timedelta(hours=self.hours)

    @property
    def is_night(self) -> bool:
        return self.kind in NIGHT_KINDS


class RosterStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class Roster(models.Model):
    """One department's duty roster (排班表) for one month."""

    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="rosters")
    month = models.DateField(_("month"))  # the first day
    status = models.CharField(
        _("status"), max_length=12, choices=RosterStatus.choices, default=RosterStatus.DRAFT
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("duty roster")
        verbose_name_plural = _("duty rosters")
        ordering = ["-month", "department"]
        constraints = [
            models.UniqueConstraint(fields=["department", "month"], name="roster_once"),
            models.CheckConstraint(condition=models.Q(month__day=1), name="roster_first_day"),
        ]

    def __str__(self) -> str:
        return f"{self.department} {self.month:%Y-%m}"

    @property
    def published(self) -> bool:
        return self.status == RosterStatus.PUBLISHED


class Duty(models.Model):
    """One person on one shift on one day; its times are fixed when it is rostered."""

    roster = models.ForeignKey(Roster, on_delete=models.CASCADE, related_name="duties")
    staff = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="duties")
    shift = models.ForeignKey(ShiftType, on_delete=models.PROTECT, related_name="+")
    day = models.DateField(_("day"))
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    created_by = models.ForeignKey(
        Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("duty")
        verbose_name_plural = _("duties")
        ordering = ["day", "shift__starts", "staff__employee_no"]
        constraints = [
            models.UniqueConstraint(fields=["staff", "shift", "day"], name="duty_once"),
        ]
        indexes = [
            models.Index(fields=["staff", "starts_at"]),
            models.Index(fields=["ends_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.shift} {self.staff}"


class Handover(models.Model):
    """The handover (交接班记录) written by the outgoing person at the end of a duty, with the
    open work listed by Yiji at that moment, confirmed by the incoming person (STF-4)."""

    duty = models.OneToOneField(Duty, on_delete=models.PROTECT, related_name="handover")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    outgoing = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    incoming = models.ForeignKey(
        Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    written_at = models.DateTimeField(_("written at"), default=timezone.now)
    notes = models.TextField(_("handover notes"))
    items = models.JSONField(_("open items"), default=list)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    confirmation_note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("handover")
        verbose_name_plural = _("handovers")
        ordering = ["-written_at"]

    def __str__(self) -> str:
        return f"{self.duty}"


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


class DosimeterPosition(models.TextChoices):
    CHEST = "chest", _("Chest (single dosimeter)")
    OVER_APRON = "over_apron", _("Over the apron at the collar")
    UNDER_APRON = "under_apron", _("Under the apron")


class DoseImport(models.Model):
    """A file from the monitoring agency, kept as received with what was imported from it."""

    filename = models.CharField(_("file"), max_length=200)
    sha256 = models.CharField(max_length=64)
    content = models.BinaryField()
    agency = models.CharField(_("monitoring agency"), max_length=100, blank=True)
    uploaded_by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)
    imported_at = models.DateTimeField(_("imported at"), null=True, blank=True)
    imported_rows = models.PositiveIntegerField(default=0)
    rejected_rows = models.JSONField(default=list)

    class Meta:
        verbose_name = _("dose file")
        verbose_name_plural = _("dose files")
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return self.filename


class DoseRecord(models.Model):
    """One dosimeter's reading for one monitoring period (RAD-2), kept for life."""

    staff = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="doses")
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    position = models.CharField(
        _("worn"), max_length=12, choices=DosimeterPosition.choices,
        default=DosimeterPosition.CHEST,
    )  # fmt: skip
    hp10 = models.DecimalField("Hp(10) mSv", max_digits=9, decimal_places=3)
    hp007 = models.DecimalField("Hp(0.07) mSv", max_digits=9, decimal_places=3)
    hp3 = models.DecimalField("Hp(3) mSv", max_digits=9, decimal_places=3, null=True, blank=True)
    source = models.ForeignKey(
        DoseImport, on_delete=models.PROTECT, null=True, blank=True, related_name="records"
    )
    recorded_by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("personal dose record")
        verbose_name_plural = _("personal dose records")
        ordering = ["staff", "period_start", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["staff", "period_start", "position"], name="dose_once_per_period"
            ),
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")), name="dose_period"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.staff} {self.period_start}–{self.period_end} Hp(10) {self.hp10}"


class DoseCheck(models.TextChoices):
    PERIOD = "period", _("Period above the pro-rata quarterly warning")
    INVESTIGATION = "investigation", _("Year above the investigation level")
    YEAR = "year", _("Year above the single-year limit")
    FIVE_YEARS = "five_years", _("Five years above the averaged limit")
    LENS = "lens", _("Lens of the eye above its limit")
    SKIN = "skin", _("Skin above its limit")


class DoseInvestigation(models.Model):
    """A dose above a warning, investigation level or limit, and what the investigation
    found (RAD-2)."""

    staff = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="dose_investigations")
    trigger = models.CharField(_("trigger"), max_length=16, choices=DoseCheck.choices)
    key = models.CharField(max_length=60, unique=True)  # the person, trigger and period
    year = models.PositiveSmallIntegerField(_("year"))
    value = models.DecimalField(_("dose (mSv)"), max_digits=9, decimal_places=3)
    level = models.DecimalField(_("level (mSv)"), max_digits=9, decimal_places=3)
    opened_at = models.DateTimeField(default=timezone.now)
    findings = models.TextField(_("findings"), blank=True)
    conclusion = models.TextField(_("conclusion and measures"), blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("dose investigation")
        verbose_name_plural = _("dose investigations")
        ordering = ["-opened_at"]

    def __str__(self) -> str:
        return f"{self.staff} {self.get_trigger_display()} {self.value} mSv"


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


class DayStatus(models.TextChoices):
    PRESENT = "present", _("Present")
    LATE = "late", _("Late")
    LEAVE = "leave", _("On leave")
    ABSENT = "absent", _("Absent at the roll")
    OFF = "off", _("Not on duty")


class DayRecord(models.Model):
    """One person's attendance on one day (STF-2): expected hours from the roster or the
    working hours, sign-in and sign-out, lateness and early leave, and the roll's verdict."""

    staff = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="day_records")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    day = models.DateField(_("day"))
    expected_start = models.DateTimeField(null=True, blank=True)
    expected_end = models.DateTimeField(null=True, blank=True)
    signed_in_at = models.DateTimeField(_("signed in"), null=True, blank=True)
    signed_out_at = models.DateTimeField(_("signed out"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=8, choices=DayStatus.choices)
    late_minutes = models.PositiveIntegerField(default=0)
    early_minutes = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("attendance record")
        verbose_name_plural = _("attendance records")
        ordering = ["day", "staff__employee_no"]
        constraints = [models.UniqueConstraint(fields=["staff", "day"], name="day_record_once")]
        indexes = [models.Index(fields=["department", "day"])]

    def __str__(self) -> str:
        return f"{self.staff} {self.day} {self.get_status_display()}"


class Whereabouts(models.Model):
    """Leaving the post during work (STF-5): where to, the phone, the substitute or notice."""

    staff = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="whereabouts")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    left_at = models.DateTimeField(_("left at"), default=timezone.now)
    place = models.CharField(_("where"), max_length=100)
    phone = models.CharField(_("phone"), max_length=32)
    substitute = models.ForeignKey(
        Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    notice_posted = models.BooleanField(_("notice posted at the window"), default=False)
    returned_at = models.DateTimeField(_("back at"), null=True, blank=True)
    recorded_by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("whereabouts")
        verbose_name_plural = _("whereabouts")
        ordering = ["-left_at"]

    def __str__(self) -> str:
        return f"{self.staff} {self.place}"


class InfractionKind(models.TextChoices):
    LEFT_POST = "left_post", _("Left the post without reporting")
    ROOM_ENTRY = "room_entry", _("Let unrelated people into an exam room")


class Infraction(models.Model):
    """A breach the rules deduct bonus for (STF-5, STF-9, EXM-4), kept for the month's sheet."""

    staff = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="infractions")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    day = models.DateField(_("day"))
    kind = models.CharField(_("kind"), max_length=12, choices=InfractionKind.choices)
    note = models.CharField(_("note"), max_length=300)
    amount = models.DecimalField(_("deduction (yuan)"), max_digits=9, decimal_places=2)
    recorded_by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("bonus deduction")
        verbose_name_plural = _("bonus deductions")
        ordering = ["-day"]

    def __str__(self) -> str:
        return f"{self.staff} {self.day} {self.get_kind_display()}"


class MonthSheet(models.Model):
    """A department's month of attendance and deductions, closed and signed by the designated
    person (STF-9); the figures are kept as they were signed."""

    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    month = models.DateField(_("month"))
    lines = models.JSONField(default=list)
    kept_by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    signature = models.ForeignKey(ElectronicSignature, on_delete=models.PROTECT, related_name="+")
    closed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("monthly attendance sheet")
        verbose_name_plural = _("monthly attendance sheets")
        constraints = [models.UniqueConstraint(fields=["department", "month"], name="sheet_once")]

    def __str__(self) -> str:
        return f"{self.department} {self.month:%Y-%m}"


class Roll(models.Model):
    """The attendance taken at the policy time in a department on a day (STF-2)."""

    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    day = models.DateField()
    taken_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("roll")
        verbose_name_plural = _("rolls")
        constraints = [models.UniqueConstraint(fields=["department", "day"], name="roll_once")]

    def __str__(self) -> str:
        return f"{self.department} {self.day}"


class CreditClass(models.IntegerChoices):
    CLASS_I = 1, _("Class I")
    CLASS_II = 2, _("Class II")


class CmeCredit(models.Model):
    """Continuing-education credits earned (STF-7)."""

    staff = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="cme_credits")
    year = models.PositiveSmallIntegerField(_("year"))
    credit_class = models.PositiveSmallIntegerField(_("class"), choices=CreditClass.choices)
    credits = models.DecimalField(_("credits"), max_digits=5, decimal_places=1)
    activity = models.CharField(_("activity"), max_length=200)
    earned_on = models.DateField(_("earned on"))
    recorded_by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("CME credit")
        verbose_name_plural = _("CME credits")
        ordering = ["-earned_on"]

    def __str__(self) -> str:
        return f"{self.staff} {self.activity} {self.credits}"


class StudyKind(models.TextChoices):
    GROUP = "group", _("Collective study session")
    DEPARTMENT = "department", _("Department-wide study meeting")


class StudySession(models.Model):
    """A study session with its topic, speaker and attendance (STF-7)."""

    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=12, choices=StudyKind.choices)
    held_on = models.DateField(_("held on"))
    topic = models.CharField(_("topic"), max_length=200)
    speaker = models.CharField(_("speaker"), max_length=50)
    recorded_by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("study session")
        verbose_name_plural = _("study sessions")
        ordering = ["-held_on"]

    def __str__(self) -> str:
        return f"{self.held_on} {self.topic}"


class StudyAttendance(models.Model):
    session = models.ForeignKey(StudySession, on_delete=models.CASCADE, related_name="attendance")
    staff = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    present = models.BooleanField(_("present"), default=False)

    class Meta:
        ordering = ["staff__employee_no"]
        constraints = [
            models.UniqueConstraint(fields=["session", "staff"], name="study_attendance_once")
        ]

    def __str__(self) -> str:
        return f"{self.session} {self.staff}"


class PublicationKind(models.TextChoices):
    PAPER = "paper", _("Paper")
    REVIEW = "review", _("Review")


class Publication(models.Model):
    """A paper or review written (STF-7)."""

    staff = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="publications")
    year = models.PositiveSmallIntegerField(_("year"))
    kind = models.CharField(_("kind"), max_length=8, choices=PublicationKind.choices)
    title = models.CharField(_("title"), max_length=300)
    journal = models.CharField(_("journal or meeting"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("paper or review")
        verbose_name_plural = _("papers and reviews")
        ordering = ["-year", "title"]

    def __str__(self) -> str:
        return self.title


class RotationKind(models.TextChoices):
    MODALITY = "modality", _("Modality (residents)")
    DEVICE = "device", _("Device (technologists)")
    SYSTEM = "system", _("Body system (specialisation)")


class Rotation(models.Model):
    """A rotation between modalities or devices, or a senior's specialty (STF-6)."""

    staff = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="rotations")
    kind = models.CharField(_("kind"), max_length=10, choices=RotationKind.choices)
    area = models.CharField(_("modality, device or body system"), max_length=100)
    start = models.DateField(_("from"))
    end = models.DateField(_("to"), null=True, blank=True)
    supervisor = models.ForeignKey(
        Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    evaluation = models.TextField(_("evaluation"), blank=True)

    class Meta:
        verbose_name = _("rotation")
        verbose_name_plural = _("rotations")
        ordering = ["-start"]

    def __str__(self) -> str:
        return f"{self.staff} {self.area}"


class PlanKind(models.TextChoices):
    REGULAR = "regular", _("Staff training plan")
    NEW_GRADUATE = "new_graduate", _("New graduate (probation)")
    RESIDENT = "resident", _("Standardised residency")
    VISITING = "visiting", _("Visiting physician")
    INTERN = "intern", _("Intern")


class TrainingPlan(models.Model):
    """A person's training plan with mentor or supervisor, filed for promotion (STF-8)."""

    staff = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="training_plans")
    kind = models.CharField(_("kind"), max_length=14, choices=PlanKind.choices)
    mentor = models.ForeignKey(
        Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    start = models.DateField(_("from"))
    end = models.DateField(_("to"), null=True, blank=True)
    goals = models.TextField(_("goals and content"))
    appointed_on = models.DateField(_("appointed on"), null=True, blank=True)

    class Meta:
        verbose_name = _("training plan")
        verbose_name_plural = _("training plans")
        ordering = ["-start"]

    def __str__(self) -> str:
        return f"{self.staff} {self.get_kind_display()}"


class AssessmentKind(models.TextChoices):
    PERIODIC = "periodic", _("Periodic assessment")
    QUARTERLY = "quarterly", _("Quarterly assessment")
    APPOINTMENT = "appointment", _("One-year assessment for appointment")
    FINAL = "final", _("Final evaluation")


class TrainingAssessment(models.Model):
    plan = models.ForeignKey(TrainingPlan, on_delete=models.CASCADE, related_name="assessments")
    kind = models.CharField(_("kind"), max_length=12, choices=AssessmentKind.choices)
    held_on = models.DateField(_("held on"))
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=1, null=True, blank=True)
    passed = models.BooleanField(_("passed"))
    assessor = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("training assessment")
        verbose_name_plural = _("training assessments")
        ordering = ["held_on"]

    def __str__(self) -> str:
        return f"{self.plan} {self.get_kind_display()} {self.held_on}"


class ExternalTraining(models.Model):
    """Training outside the hospital and the report the person gives on return (STF-8)."""

    staff = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="external_training")
    institution = models.CharField(_("institution"), max_length=100)
    topic = models.CharField(_("topic"), max_length=200)
    start = models.DateField(_("from"))
    end = models.DateField(_("to"))
    report = models.TextField(_("report"), blank=True)
    reported_on = models.DateField(_("reported on"), null=True, blank=True)

    class Meta:
        verbose_name = _("external training")
        verbose_name_plural = _("external training")
        ordering = ["-start"]

    def __str__(self) -> str:
        return f"{self.staff} {self.institution}"
