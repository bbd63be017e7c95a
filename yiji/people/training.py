"""Education and training. STF-6: residents rotate between modalities, technologists between
devices, seniors specialise by body system. STF-7: CME credits per year (class I and II) for
the titles the policy names, study sessions (the policy number a month, topic, speaker,
attendance) with the monthly department-wide meeting's attendance target, papers per year by
title (senior, intermediate) and a review for juniors. STF-8: a training plan per person with
periodic assessments filed for promotion; new graduates with a mentor, quarterly assessments
and the one-year assessment before appointment; trainees and interns with a supervisor; a
report after external training. Who is behind target is listed for the department."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from yiji.core import audit, notices, policy
from yiji.core.accounts import home_department, staff_of
from yiji.core.calendar import add_months
from yiji.core.models import AuditAction, Department, Role, Staff
from yiji.core.permissions import Action, may, require
from yiji.core.rulebook import RuleViolation, carries_out
from yiji.people.models import (
    AssessmentKind,
    CmeCredit,
    CreditClass,
    ExternalTraining,
    PlanKind,
    Publication,
    PublicationKind,
    Rotation,
    RotationKind,
    StudyAttendance,
    StudyKind,
    StudySession,
    TrainingAssessment,
    TrainingPlan,
)

GRADES = ("junior", "intermediate", "senior")
PAPER_TARGETS = {"senior": "stf.papers_senior", "intermediate": "stf.papers_intermediate"}
# Plans that need a mentor or supervisor named (STF-8).
SUPERVISED = (PlanKind.NEW_GRADUATE, PlanKind.RESIDENT, PlanKind.VISITING, PlanKind.INTERN)


def grade(staff: Staff) -> str:
    """Junior (住院医师, 技士/技师), intermediate (主治医师, 主管技师) or senior (副主任 and up)."""
    physician = {1: "junior", 2: "intermediate", 3: "senior", 4: "senior"}
    technologist = {1: "junior", 2: "junior", 3: "intermediate", 4: "senior", 5: "senior"}
    found = [
        physician.get(staff.physician_title or 0),
        technologist.get(staff.technologist_title or 0),
    ]
    found = [g for g in found if g]
    return max(found, key=GRADES.index) if found else "junior"


def _self_or_manager(actor, staff: Staff, rule: str) -> Staff:
    me = staff_of(actor, rule)
    if me.pk != staff.pk and not may(actor, Action.MANAGE_TRAINING):
        raise RuleViolation(rule, "只能登记本人的记录。", "You record your own entries only.")
    return me


# ------------------------------------------------------------------------- STF-7 records


@carries_out("STF-7")
def record_credit(
    actor, staff: Staff, credit_class: int, credits: Decimal, activity: str, earned_on: dt.date
) -> CmeCredit:
    require(actor, Action.VIEW_ROSTER)
    me = _self_or_manager(actor, staff, "STF-7")
    if credit_class not in CreditClass.values or credits is None or not (0 < credits <= 50):
        raise RuleViolation(
            "STF-7", "请选择学分类别并填写0至50的学分。", "Choose the class; 0-50 credits."
        )
    if not activity.strip() or earned_on is None or earned_on > timezone.localdate():
        raise RuleViolation(
            "STF-7", "请填写项目名称和获得日期。", "Give the activity and the date."
        )
    credit = CmeCredit.objects.create(
        staff=staff, year=earned_on.year, credit_class=credit_class, credits=credits,
        activity=activity.strip()[:200], earned_on=earned_on, recorded_by=me,
    )  # fmt: skip
    audit.record(actor, AuditAction.CREATE, credit)
    return credit


@carries_out("STF-7")
def record_publication(actor, staff: Staff, kind: str, year: int, title: str, journal: str = ""):
    require(actor, Action.VIEW_ROSTER)
    me = _self_or_manager(actor, staff, "STF-7")
    if kind not in PublicationKind.values or not title.strip() or not (1950 <= year <= 2100):
        raise RuleViolation("STF-7", "请填写类别、年份和题目。", "Give the kind, year and title.")
    item = Publication.objects.create(
        staff=staff, kind=kind, year=year, title=title.strip()[:300],
        journal=journal.strip()[:200], recorded_by=me,
    )  # fmt: skip
    audit.record(actor, AuditAction.CREATE, item)
    return item


@carries_out("STF-7")
def hold_study(
    actor, department: Department, kind: str, held_on: dt.date, topic: str, speaker: str
) -> StudySession:
    """A study session, with the department's roll to mark."""
    require(actor, Action.MANAGE_TRAINING)
    if kind not in StudyKind.values or not topic.strip() or not speaker.strip() or held_on is None:
        raise RuleViolation(
            "STF-7", "请填写类别、日期、主题和主讲人。", "Give the kind, date, topic and speaker."
        )
    with transaction.atomic():
        session = StudySession.objects.create(
            department=department, kind=kind, held_on=held_on, topic=topic.strip()[:200],
            speaker=speaker.strip()[:50], recorded_by=staff_of(actor, "STF-7"),
        )  # fmt: skip
        members = Staff.objects.filter(memberships__department=department, active=True).distinct()
        StudyAttendance.objects.bulk_create(
            [StudyAttendance(session=session, staff=person) for person in members]
        )
        audit.record(actor, AuditAction.CREATE, session)
    return session


@carries_out("STF-7")
def mark_attendance(actor, session: StudySession, present: set[int]) -> int:
    require(actor, Action.MANAGE_TRAINING)
    rows = list(session.attendance.all())
    for row in rows:
        row.present = row.staff_id in present
    StudyAttendance.objects.bulk_update(rows, ["present"])
    audit.record(actor, AuditAction.UPDATE, session, after={"present": len(present)})
    return sum(row.present for row in rows)


@dataclass(frozen=True)
class StudyMonth:
    month: dt.date
    sessions: int
    department_meetings: int
    best_attendance: float | None  # the department-wide meeting's, in %
    sessions_ok: bool
    meetings_ok: bool
    attendance_ok: bool


def _rate(session: StudySession) -> float | None:
    rows = list(session.attendance.all())
    return 100 * sum(r.present for r in rows) / len(rows) if rows else None


@carries_out("STF-7")
def study_months(department: Department, year: int) -> list[StudyMonth]:
    """Each month of the year so far: sessions against the policy number, the department-wide
    meeting held and its attendance against the target."""
    need = policy.value("stf.study_sessions_per_month", department=department)
    meetings = policy.value("stf.department_study_per_month", department=department)
    floor = float(policy.value("stf.department_study_attendance_min", department=department))
    today = timezone.localdate()
    rows = []
    for number in range(1, 13):
        month = dt.date(year, number, 1)
        if month > today:
            break
        held = list(
            StudySession.objects.filter(department=department, held_on__year=year,
                                        held_on__month=number).prefetch_related("attendance")
        )  # fmt: skip
        wide = [s for s in held if s.kind == StudyKind.DEPARTMENT]
        rates = [r for r in (_rate(s) for s in wide) if r is not None]
        best = max(rates) if rates else None
        rows.append(
            StudyMonth(month, len(held), len(wide), best, len(held) >= need,
                       len(wide) >= meetings, best is not None and best >= floor)
        )  # fmt: skip
    return rows


@dataclass(frozen=True)
class Progress:
    staff: Staff
    grade: str
    class1: Decimal
    class2: Decimal
    class1_target: int
    class2_target: int
    papers: int
    papers_target: int
    reviews: int
    reviews_target: int

    @property
    def shortfalls(self) -> list[str]:
        """What is behind target, done/target, in the user's language."""
        rows = [
            (_("Class I credits"), self.class1, self.class1_target),
            (_("Class II credits"), self.class2, self.class2_target),
            (_("Papers"), self.papers, self.papers_target),
            (_("Reviews"), self.reviews, self.reviews_target),
        ]
        return [
            _("%(what)s %(done)s/%(target)s") % {"what": what, "done": done, "target": target}
            for what, done, target in rows
            if done < target
        ]


@carries_out("STF-7")
def progress(staff: Staff, year: int) -> Progress:
    """The year's credits and writing against the targets of the person's title grade."""
    department = home_department(staff)
    level = grade(staff)
    needs_cme = GRADES.index(level) >= GRADES.index(policy.value("stf.cme_from_grade", department))
    credits = dict(
        CmeCredit.objects.filter(staff=staff, year=year)
        .values_list("credit_class")
        .annotate(total=Sum("credits"))
    )
    written = Publication.objects.filter(staff=staff, year=year)
    return Progress(
        staff=staff,
        grade=level,
        class1=credits.get(CreditClass.CLASS_I, Decimal(0)),
        class2=credits.get(CreditClass.CLASS_II, Decimal(0)),
        class1_target=policy.value("stf.cme_class1_credits", department) if needs_cme else 0,
        class2_target=policy.value("stf.cme_class2_credits", department) if needs_cme else 0,
        papers=written.filter(kind=PublicationKind.PAPER).count(),
        papers_target=policy.value(PAPER_TARGETS[level], department) if level in PAPER_TARGETS
        else 0,
        reviews=written.filter(kind=PublicationKind.REVIEW).count(),
        reviews_target=policy.value("stf.reviews_junior", department) if level == "junior" else 0,
    )  # fmt: skip


def professionals(department: Department):
    """The department's physicians and technologists (not clerks, nurses or engineers)."""
    return (
        Staff.objects.filter(memberships__department=department, active=True)
        .filter(role_assignments__role__in=[Role.PHYSICIAN, Role.TECHNOLOGIST, Role.TRAINEE,
                                            Role.LAB_TECHNOLOGIST, Role.LAB_REVIEWER])
        .exclude(trainee_kind__in=["visiting", "intern"])
        .distinct()
        .order_by("employee_no")
    )  # fmt: skip


@carries_out("STF-7")
def behind_target(department: Department, year: int) -> list[Progress]:
    return [p for p in (progress(s, year) for s in professionals(department)) if p.shortfalls]


# ---------------------------------------------------------------------------- STF-6


@carries_out("STF-6")
def add_rotation(
    actor, staff: Staff, kind: str, area: str, start: dt.date, end: dt.date | None = None,
    supervisor: Staff | None = None, evaluation: str = "",
) -> Rotation:  # fmt: skip
    require(actor, Action.MANAGE_TRAINING)
    if kind not in RotationKind.values or not area.strip() or start is None:
        raise RuleViolation(
            "STF-6", "请填写轮转类别、科目和开始日期。", "Give the kind, area and start."
        )
    if end is not None and end < start:
        raise RuleViolation("STF-6", "结束日期早于开始日期。", "It ends before it starts.")
    clash = Rotation.objects.filter(staff=staff, kind=kind, start__lte=end or dt.date.max).filter(
        Q(end__isnull=True) | Q(end__gte=start)
    )
    if kind != RotationKind.SYSTEM and clash.exists():
        raise RuleViolation("STF-6", "与已有轮转时间重叠。", "This overlaps another rotation.")
    rotation = Rotation.objects.create(
        staff=staff, kind=kind, area=area.strip()[:100], start=start, end=end,
        supervisor=supervisor, evaluation=evaluation.strip(),
    )  # fmt: skip
    audit.record(actor, AuditAction.CREATE, rotation)
    return rotation


@carries_out("STF-6")
def coverage(
    department: Department, kind: str = RotationKind.MODALITY
) -> list[tuple[Staff, list[str]]]:
    """Who has rotated through what: residents across modalities, technologists across
    devices — the figure STF-6 names."""
    rows = []
    for person in professionals(department):
        areas = sorted(set(person.rotations.filter(kind=kind).values_list("area", flat=True)))
        rows.append((person, areas))
    return rows


# ---------------------------------------------------------------------------- STF-8


@carries_out("STF-8")
def start_plan(
    actor, staff: Staff, kind: str, start: dt.date, goals: str, mentor: Staff | None = None,
    end: dt.date | None = None,
) -> TrainingPlan:  # fmt: skip
    """A training plan; new graduates, residents, visiting physicians and interns have a
    named mentor or supervisor, and a new graduate's plan runs the probation months."""
    require(actor, Action.MANAGE_TRAINING)
    if kind not in PlanKind.values or start is None or not goals.strip():
        raise RuleViolation(
            "STF-8", "请填写计划类别、开始日期和培训内容。", "Give the kind, start and goals."
        )
    if kind in SUPERVISED and mentor is None:
        raise RuleViolation(
            "STF-8", "新毕业生、进修、规培和实习人员须指定带教老师。",
            "New graduates and trainees have a named mentor or supervisor.", field="mentor",
        )  # fmt: skip
    if mentor is not None and mentor.pk == staff.pk:
        raise RuleViolation("STF-8", "带教老师不能是本人。", "Nobody mentors themselves.")
    if kind == PlanKind.NEW_GRADUATE:
        end = add_months(start, policy.value("stf.probation_months", home_department(staff)))
    plan = TrainingPlan.objects.create(
        staff=staff, kind=kind, start=start, end=end, goals=goals.strip(), mentor=mentor
    )
    audit.record(actor, AuditAction.CREATE, plan)
    return plan


@carries_out("STF-8")
def assess(
    actor, plan: TrainingPlan, kind: str, held_on: dt.date, passed: bool,
    score: Decimal | None = None, notes: str = "",
) -> TrainingAssessment:  # fmt: skip
    require(actor, Action.MANAGE_TRAINING)
    assessor = staff_of(actor, "STF-8")
    if assessor.pk == plan.staff_id:
        raise RuleViolation("STF-8", "不能考核本人。", "Nobody assesses themselves.")
    if kind not in AssessmentKind.values or held_on is None or held_on > timezone.localdate():
        raise RuleViolation(
            "STF-8", "请选择考核类别和日期（不晚于今天）。", "Give the kind and a past date."
        )
    if score is not None and not (0 <= score <= 100):
        raise RuleViolation("STF-8", "成绩为0至100分。", "A score is 0 to 100.", field="score")
    if kind == AssessmentKind.APPOINTMENT:
        due = add_months(
            plan.start, policy.value("stf.probation_months", home_department(plan.staff))
        )
        if held_on < due:
            raise RuleViolation(
                "STF-8", f"转正考核须在见习期满（{due}）后进行。",
                f"The appointment assessment comes once the probation ends ({due}).",
            )  # fmt: skip
    record = TrainingAssessment.objects.create(
        plan=plan, kind=kind, held_on=held_on, passed=passed, score=score, assessor=assessor,
        notes=notes.strip(),
    )  # fmt: skip
    audit.record(actor, AuditAction.CREATE, record)
    return record


@carries_out("STF-8")
def appoint(actor, plan: TrainingPlan, on: dt.date | None = None) -> TrainingPlan:
    """A new graduate is appointed (转正) only after passing the one-year assessment."""
    require(actor, Action.MANAGE_TRAINING)
    if plan.kind != PlanKind.NEW_GRADUATE:
        raise RuleViolation(
            "STF-8", "只有新毕业生见习计划需要转正。", "Only a probation plan ends in appointment."
        )
    passed = plan.assessments.filter(kind=AssessmentKind.APPOINTMENT, passed=True).exists()
    if not passed:
        raise RuleViolation(
            "STF-8", "须通过一年见习期满的科内考核方可转正。",
            "Appointment follows a passed one-year assessment.",
        )  # fmt: skip
    plan.appointed_on = on or timezone.localdate()
    plan.save(update_fields=["appointed_on"])
    audit.record(actor, AuditAction.UPDATE, plan, after={"appointed_on": str(plan.appointed_on)})
    return plan


@dataclass(frozen=True)
class Due:
    plan: TrainingPlan
    kind: str
    due: dt.date


@carries_out("STF-8")
def assessments_due(today: dt.date | None = None) -> list[Due]:
    """New graduates' quarterly assessments and their one-year assessment, when due."""
    today = today or timezone.localdate()
    rows = []
    plans = TrainingPlan.objects.filter(kind=PlanKind.NEW_GRADUATE, appointed_on__isnull=True)
    for plan in plans.select_related("staff", "mentor"):
        department = home_department(plan.staff)
        interval = policy.value("stf.new_graduate_training_interval_months", department)
        last = plan.assessments.filter(kind=AssessmentKind.QUARTERLY).order_by("-held_on").first()
        quarterly = add_months(last.held_on if last else plan.start, interval)
        final = add_months(plan.start, policy.value("stf.probation_months", department))
        if quarterly <= today and quarterly < final:
            rows.append(Due(plan, AssessmentKind.QUARTERLY, quarterly))
        if final <= today and not plan.assessments.filter(kind=AssessmentKind.APPOINTMENT).exists():
            rows.append(Due(plan, AssessmentKind.APPOINTMENT, final))
    return rows


@carries_out("STF-8")
def record_external(actor, staff: Staff, institution: str, topic: str, start, end):
    require(actor, Action.VIEW_ROSTER)
    _self_or_manager(actor, staff, "STF-8")
    if not institution.strip() or not topic.strip() or start is None or end is None or end < start:
        raise RuleViolation(
            "STF-8", "请填写培训单位、内容和起止日期。", "Give the institution, topic and dates."
        )
    item = ExternalTraining.objects.create(
        staff=staff, institution=institution.strip()[:100], topic=topic.strip()[:200],
        start=start, end=end,
    )  # fmt: skip
    audit.record(actor, AuditAction.CREATE, item)
    return item


@carries_out("STF-8")
def file_report(actor, item: ExternalTraining, report: str) -> ExternalTraining:
    """The person back from training reports on it."""
    if staff_of(actor, "STF-8").pk != item.staff_id:
        raise RuleViolation("STF-8", "由培训人本人汇报。", "The person who went reports.")
    if item.end > timezone.localdate():
        raise RuleViolation("STF-8", "培训尚未结束。", "The training has not ended.")
    if not report.strip():
        raise RuleViolation("STF-8", "请填写汇报内容。", "Write the report.", field="report")
    item.report = report.strip()
    item.reported_on = timezone.localdate()
    item.save(update_fields=["report", "reported_on"])
    audit.record(actor, AuditAction.UPDATE, item, after={"reported": True})
    return item


@carries_out("STF-8")
def reports_overdue(today: dt.date | None = None) -> list[tuple[ExternalTraining, dt.date]]:
    today = today or timezone.localdate()
    rows = []
    for item in ExternalTraining.objects.filter(reported_on__isnull=True, end__lt=today):
        due = item.end + dt.timedelta(
            days=policy.value("stf.training_report_days", home_department(item.staff))
        )
        if due < today:
            rows.append((item, due))
    return rows


@carries_out("STF-8")
def remind(today: dt.date | None = None) -> int:
    """Assessments falling due go to the mentor and the director; a report after training
    not given in time goes to the person."""
    today = today or timezone.localdate()
    sent = 0
    for row in assessments_due(today):
        people = [row.plan.mentor] if row.plan.mentor else []
        people += notices.holders(Role.DIRECTOR, home_department(row.plan.staff))
        sent += notices.notify(
            people, "STF-8", f"assess:{row.plan.pk}:{row.kind}:{row.due:%Y%m%d}",
            f"{row.plan.staff.name}的{AssessmentKind(row.kind).label}应于{row.due}进行。",
            f"/people/{row.plan.staff_id}/",
        )  # fmt: skip
    for item, due in reports_overdue(today):
        sent += notices.notify(
            [item.staff], "STF-8", f"ext-report:{item.pk}",
            f"{item.institution}{item.topic}培训归来，应于{due}前向科室汇报。",
            f"/people/{item.staff_id}/",
        )  # fmt: skip
    return sent
