"""Training records: CME credits, study, papers, rotations, plans, external training (STF-6..8)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from yiji.core.models import Department, Staff


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
