"""Quality management: the collective reading session (集体阅片, CNF-1) with its cases and
attendance (CNF-5); the reject and error register (QLT-3) and film grades (CNF-6); follow-up
(QLT-1, -2, -8); consultations (CNF-4); half-yearly and yearly assessments with the ethics
evaluation and patient satisfaction surveys (QLT-4, QLT-6)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yiji.core.models import Department, ElectronicSignature, Room, Staff
from yiji.orders.models import Exam
from yiji.reports.models import Addendum, ImageGrade


class SessionStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    CLOSED = "closed", _("Closed")


class ReadingSession(models.Model):
    """One working morning's collective reading session of a department."""

    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    day = models.DateField(_("date"))
    starts_at = models.DateTimeField(_("starts at"))
    chair = models.ForeignKey(
        Staff,
        verbose_name=_("chair"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    minutes = models.TextField(_("minutes"), blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=SessionStatus.choices, default=SessionStatus.PLANNED
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("reading session")
        verbose_name_plural = _("reading sessions")
        ordering = ["-day"]
        constraints = [
            models.UniqueConstraint(fields=["department", "day"], name="one_session_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.department} {self.day}"


class CaseReason(models.TextChoices):
    DIFFICULT = "difficult", _("Difficult case")
    DISPUTED = "disputed", _("Disputed (report amended)")
    CRITICAL = "critical", _("Critical result")
    ERROR = "error", _("Missed diagnosis or misdiagnosis")
    ADDED = "added", _("Added by the duty physician")


class SessionCase(models.Model):
    session = models.ForeignKey(ReadingSession, on_delete=models.CASCADE, related_name="cases")
    exam = models.ForeignKey(Exam, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("why listed"), max_length=10, choices=CaseReason.choices)
    added_by = models.ForeignKey(
        Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    conclusion = models.TextField(_("conclusion"), blank=True)
    changes_diagnosis = models.BooleanField(_("changes the diagnosis"), default=False)
    addendum = models.ForeignKey(
        Addendum, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    concluded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("session case")
        verbose_name_plural = _("session cases")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["session", "exam"], name="case_once_a_session")
        ]

    def __str__(self) -> str:
        return f"{self.session} {self.exam}"


class Presence(models.TextChoices):
    PRESENT = "present", _("Present")
    LATE = "late", _("Late")
    PERSONAL_LEAVE = "personal", _("Personal leave")
    SICK_LEAVE = "sick", _("Sick leave")
    ON_DUTY = "duty", _("On duty / official business")
    ABSENT = "absent", _("Absent without reason")


class Attendance(models.Model):
    session = models.ForeignKey(ReadingSession, on_delete=models.CASCADE, related_name="attendance")
    staff = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    presence = models.CharField(_("attendance"), max_length=8, choices=Presence.choices, blank=True)
    note = models.CharField(_("note"), max_length=100, blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        ordering = ["staff__employee_no"]
        constraints = [models.UniqueConstraint(fields=["session", "staff"], name="attendance_once")]

    def __str__(self) -> str:
        return f"{self.session} {self.staff}"


class RejectReason(models.TextChoices):
    POSITIONING = "positioning", _("Positioning")
    EXPOSURE = "exposure", _("Exposure")
    MOTION = "motion", _("Motion")
    ARTEFACT = "artefact", _("Artefact")
    MARKER = "marker", _("Wrong side marker")
    WRONG_PART = "wrong_part", _("Wrong or missed body part")
    EQUIPMENT = "equipment", _("Equipment")
    OTHER = "other", _("Other")


# Reasons that are errors (差错), not only rejects, and those that make an artefact (R1).
ERROR_REASONS = (RejectReason.MARKER, RejectReason.WRONG_PART)
ARTEFACT_REASONS = (RejectReason.ARTEFACT, RejectReason.MOTION)


class RejectedImage(models.Model):
    """The reject and error register (废片、差错登记, QLT-3): one rejected image or series."""

    exam = models.ForeignKey(Exam, on_delete=models.PROTECT, related_name="rejects")
    technologist = models.ForeignKey(
        Staff, verbose_name=_("technologist"), on_delete=models.PROTECT, related_name="+"
    )
    room = models.ForeignKey(
        Room, verbose_name=_("device"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    modality = models.CharField(_("modality"), max_length=8)
    reason = models.CharField(_("reason"), max_length=12, choices=RejectReason.choices)
    retaken = models.BooleanField(_("retaken"), default=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("rejected image")
        verbose_name_plural = _("reject and error register")
        ordering = ["-recorded_at"]

    def __str__(self) -> str:
        return f"废片 {self.exam} {self.get_reason_display()}"


class FilmGrade(models.Model):
    """A film graded at the periodic film review (评片, CNF-6); it stands over the grade the
    reading physician gave on the report."""

    exam = models.OneToOneField(Exam, on_delete=models.PROTECT, related_name="film_grade")
    grade = models.CharField(_("image quality grade"), max_length=8, choices=ImageGrade.choices)
    graded_by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    graded_at = models.DateTimeField(default=timezone.now)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("film grade")
        verbose_name_plural = _("film grades")

    def __str__(self) -> str:
        return f"评片 {self.exam} {self.get_grade_display()}"


class FollowUpReason(models.TextChoices):
    POSITIVE = "positive", _("Positive finding")
    SUSPICIOUS = "suspicious", _("Suspicious category")
    CRITICAL = "critical", _("Critical result")
    REQUESTED = "requested", _("Opened by a physician")


class EvidenceSource(models.TextChoices):
    PATHOLOGY = "pathology", _("Pathology")
    SURGERY = "surgery", _("Surgery")
    CLINICAL = "clinical", _("Clinical course")
    OTHER_IMAGING = "imaging", _("Later imaging")


class Concordance(models.TextChoices):
    FULL = "full", _("Concordant (符合)")
    PARTIAL = "partial", _("Partly concordant (基本符合)")
    NONE = "none", _("Discordant (不符合)")


class DiagnosticError(models.TextChoices):
    NONE = "", _("None")
    MISSED = "missed", _("Missed diagnosis (漏诊)")
    MISDIAGNOSIS = "misdiagnosis", _("Misdiagnosis (误诊)")


class FollowUp(models.Model):
    """Follow-up of a positive, suspicious or critical case (QLT-1, QLT-8): the final diagnosis
    from pathology, surgery or the clinical course, graded against the report; a missed
    diagnosis or misdiagnosis is registered with its cause and goes to a session (QLT-2)."""

    exam = models.OneToOneField(Exam, on_delete=models.PROTECT, related_name="follow_up")
    reason = models.CharField(_("why followed up"), max_length=10, choices=FollowUpReason.choices)
    reader = models.ForeignKey(
        Staff, verbose_name=_("reader"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    due_at = models.DateTimeField(_("due"), db_index=True)
    final_diagnosis = models.TextField(_("final diagnosis"), blank=True)
    source = models.CharField(
        _("evidence"), max_length=10, choices=EvidenceSource.choices, blank=True
    )
    concordance = models.CharField(
        _("concordance"), max_length=8, choices=Concordance.choices, blank=True
    )
    error = models.CharField(
        _("diagnostic error"), max_length=12, choices=DiagnosticError.choices, blank=True
    )
    cause = models.CharField(_("cause"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), null=True, blank=True)
    discussed_in = models.ForeignKey(
        ReadingSession, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["due_at", "pk"]
        indexes = [models.Index(fields=["recorded_at", "due_at"])]

    def __str__(self) -> str:
        return f"随访 {self.exam}"


class ConsultationKind(models.TextChoices):
    INTERNAL = "internal", _("Within the department")
    CLINICAL = "clinical", _("With invited clinicians")
    REFERRAL = "referral", _("Referral to a higher-level hospital")


class Consultation(models.Model):
    """A consultation on a case (会诊, CNF-4): the request, who took part, the opinion and
    what came of it."""

    exam = models.ForeignKey(Exam, on_delete=models.PROTECT, related_name="consultations")
    kind = models.CharField(_("kind"), max_length=10, choices=ConsultationKind.choices)
    question = models.TextField(_("question"))
    referred_to = models.CharField(_("referred to (hospital)"), max_length=100, blank=True)
    requested_by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    participants = models.CharField(_("participants"), max_length=300, blank=True)
    opinion = models.TextField(_("opinion"), blank=True)
    outcome = models.TextField(_("outcome"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(
        Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"会诊 {self.exam} {self.get_kind_display()}"


class TechnicalSession(models.Model):
    """A technical session (技术读片会, CNF-2): chaired by a senior technologist, it reviews
    image quality and technique problems; the rejects and grades of its films are registered
    in the register and the grades (QLT-3, CNF-6)."""

    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    day = models.DateField(_("date"))
    chair = models.ForeignKey(
        Staff, verbose_name=_("chair"), on_delete=models.PROTECT, related_name="+"
    )
    films_reviewed = models.PositiveIntegerField(_("films reviewed"), default=0)
    problems = models.TextField(_("technique problems found"), blank=True)
    measures = models.TextField(_("measures agreed"), blank=True)
    recorded_by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("technical session")
        verbose_name_plural = _("technical sessions")
        ordering = ["-day", "-pk"]

    def __str__(self) -> str:
        return f"{self.department} 技术读片会 {self.day}"


class AssessmentKind(models.TextChoices):
    HALF_YEAR = "half_year", _("Half-yearly")
    YEAR = "year", _("Yearly")


class Assessment(models.Model):
    """A department's quality assessment for a half-year or a year (QLT-4): the indicator
    figures as they stood when it was drawn up, the satisfaction surveys, each person's line
    with the ethics evaluation (QLT-6), the conclusion, and the director's signature."""

    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=10, choices=AssessmentKind.choices)
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    figures = models.JSONField(default=list)
    satisfaction = models.JSONField(default=dict)
    summary = models.TextField(_("assessment and conclusion"), blank=True)
    improvements = models.TextField(_("rectification measures"), blank=True)
    created_by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    signed_by = models.ForeignKey(
        Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    signature = models.ForeignKey(
        ElectronicSignature, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("quality assessment")
        verbose_name_plural = _("quality assessments")
        ordering = ["-period_start", "department__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["department", "kind", "period_start"], name="assessment_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.department} {self.period_start}–{self.period_end}"


class EthicsGrade(models.TextChoices):
    EXCELLENT = "excellent", _("Excellent (优秀)")
    GOOD = "good", _("Good (良好)")
    PASS = "pass", _("Pass (合格)")
    FAIL = "fail", _("Fail (不合格)")


class StaffAssessment(models.Model):
    """One person's line of an assessment: their own figures and the medical-ethics
    evaluation (医德医风考评, QLT-6): four parts scored out of 25, and red envelopes taken,
    any one of which fails the evaluation whatever the score."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="lines")
    staff = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    figures = models.JSONField(default=dict)
    attitude = models.PositiveSmallIntegerField(_("service attitude"), null=True, blank=True)
    quality = models.PositiveSmallIntegerField(_("quality of work"), null=True, blank=True)
    satisfaction = models.PositiveSmallIntegerField(
        _("patient satisfaction"), null=True, blank=True
    )
    discipline = models.PositiveSmallIntegerField(_("discipline"), null=True, blank=True)
    red_envelopes = models.PositiveSmallIntegerField(_("red envelopes taken"), default=0)
    grade = models.CharField(_("grade"), max_length=10, choices=EthicsGrade.choices, blank=True)
    comment = models.CharField(_("comment"), max_length=300, blank=True)
    evaluated_by = models.ForeignKey(
        Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    evaluated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("staff assessment")
        verbose_name_plural = _("staff assessments")
        ordering = ["staff__employee_no"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "staff"], name="assessment_line_once")
        ]

    def __str__(self) -> str:
        return f"{self.assessment} {self.staff}"

    @property
    def score(self) -> int | None:
        parts = (self.attitude, self.quality, self.satisfaction, self.discipline)
        return None if None in parts else sum(parts)


class Respondent(models.TextChoices):
    PATIENT = "patient", _("Patient or family")
    CLINICIAN = "clinician", _("Clinical department")


class SatisfactionSurvey(models.Model):
    """One returned satisfaction questionnaire (满意度调查, QLT-6), each question scored 1-5;
    a respondent may name a member of staff."""

    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    day = models.DateField(_("date"))
    respondent = models.CharField(_("respondent"), max_length=10, choices=Respondent.choices)
    overall = models.PositiveSmallIntegerField(_("overall"))
    waiting = models.PositiveSmallIntegerField(_("waiting time"))
    attitude = models.PositiveSmallIntegerField(_("attitude"))
    explanation = models.PositiveSmallIntegerField(_("explanation"))
    environment = models.PositiveSmallIntegerField(_("environment"))
    staff = models.ForeignKey(
        Staff,
        verbose_name=_("staff named"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    comment = models.CharField(_("comment"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("satisfaction survey")
        verbose_name_plural = _("satisfaction surveys")
        ordering = ["-day", "-pk"]
        indexes = [models.Index(fields=["department", "day"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(overall__gte=1, overall__lte=5)
                & models.Q(waiting__gte=1, waiting__lte=5)
                & models.Q(attitude__gte=1, attitude__lte=5)
                & models.Q(explanation__gte=1, explanation__lte=5)
                & models.Q(environment__gte=1, environment__lte=5),
                name="survey_scores_1_to_5",
            )
        ]

    def __str__(self) -> str:
        return f"{self.department} 满意度调查 {self.day}"


class AnnualSummary(models.Model):
    """The department's written annual work summary (年度工作总结, QLT-7). Its figures are
    counted from the exams when shown or printed; the text is what the director writes."""

    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    work = models.TextField(_("work done"), blank=True)
    problems = models.TextField(_("problems and shortcomings"), blank=True)
    plans = models.TextField(_("plans for next year"), blank=True)
    updated_by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("annual summary")
        verbose_name_plural = _("annual summaries")
        constraints = [
            models.UniqueConstraint(fields=["department", "year"], name="annual_summary_once")
        ]

    def __str__(self) -> str:
        return f"{self.department} {self.year}年度工作总结"


class IndicatorDay(models.Model):
    """One settled day's count of a quality indicator (QLT-4) for one department and
    modality: the nightly roll-up (quality.rollup), so that a year's figure adds up a few
    thousand of these rows instead of scanning a year of exams. The numerator and
    denominator are the figure's own (after any register counted into it)."""

    indicator = models.CharField(max_length=16)
    day = models.DateField()
    department = models.ForeignKey(
        Department, null=True, on_delete=models.CASCADE, related_name="+"
    )
    modality = models.CharField(max_length=8, blank=True)
    # Only for a per-head figure (US-HR-01): its heads are counted across the period's days.
    person = models.ForeignKey(Staff, null=True, on_delete=models.CASCADE, related_name="+")
    numerator = models.PositiveIntegerField(default=0)
    denominator = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["day", "indicator", "department", "modality", "person"],
                name="indicator_day_once",
            )
        ]


class RolledDay(models.Model):
    """A day whose indicators are all in IndicatorDay: the summary reads the roll-up for it
    and counts any other day from the records."""

    day = models.DateField(unique=True)
    rolled_at = models.DateTimeField(default=timezone.now)


class QcArea(models.TextChoices):
    EQUIPMENT = "equipment", _("Equipment performance")
    IMAGE = "image", _("Image quality")
    REPORT = "report", _("Report quality")
    PROCESS = "process", _("Work process")
    RADIATION = "radiation", _("Radiation protection")
    INFECTION = "infection", _("Infection control")


class QcInspection(models.Model):
    """A quality-control inspection by the department's QA/QC group (质控检查, QLT-5): what was
    checked, what was found; each problem found is a rectification with an owner and a date."""

    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    day = models.DateField(_("date"))
    area = models.CharField(_("area"), max_length=10, choices=QcArea.choices)
    inspectors = models.ManyToManyField(Staff, verbose_name=_("inspectors"), related_name="+")
    findings = models.TextField(_("findings"))
    recorded_by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("QC inspection")
        verbose_name_plural = _("QC inspections")
        ordering = ["-day", "-pk"]

    def __str__(self) -> str:
        return f"{self.department} 质控检查 {self.day} {self.get_area_display()}"


class Rectification(models.Model):
    """One problem found and its rectification (整改): done by its owner, verified by the QC
    group; a verification that does not accept it sends it back."""

    inspection = models.ForeignKey(
        QcInspection, on_delete=models.CASCADE, related_name="rectifications"
    )
    problem = models.CharField(_("problem"), max_length=300)
    measure = models.CharField(_("measure required"), max_length=300)
    owner = models.ForeignKey(
        Staff, verbose_name=_("responsible"), on_delete=models.PROTECT, related_name="+"
    )
    due = models.DateField(_("due"))
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_note = models.CharField(_("what was done"), max_length=300, blank=True)
    verified_by = models.ForeignKey(
        Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    verify_note = models.CharField(_("verification note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("rectification")
        verbose_name_plural = _("rectifications")
        ordering = ["due", "pk"]
        indexes = [models.Index(fields=["verified_at", "due"])]

    def __str__(self) -> str:
        return f"整改：{self.problem[:60]}"


class NoveltyKind(models.TextChoices):
    TECHNIQUE = "technique", _("New technique")
    PROJECT = "project", _("New project")
    LAB_TEST = "lab_test", _("New laboratory test")


class NewTechnique(models.Model):
    """A new technique, project or test (新技术、新项目、新检验项目, QLT-9): proposed, approved by
    the director with their signature, the staff trained for it named, and started."""

    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=10, choices=NoveltyKind.choices)
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description and expected benefit"))
    proposed_by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField(_("proposed at"), default=timezone.now)
    approved_by = models.ForeignKey(
        Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approval_signature = models.ForeignKey(
        ElectronicSignature, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    trained_staff = models.ManyToManyField(
        Staff, verbose_name=_("staff trained"), blank=True, related_name="+"
    )
    started_on = models.DateField(_("started on"), null=True, blank=True)

    class Meta:
        verbose_name = _("new technique or project")
        verbose_name_plural = _("new techniques and projects")
        ordering = ["-proposed_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.name}"
