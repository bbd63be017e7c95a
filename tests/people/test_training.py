"""Education and training: CME credits and papers against the targets of each title grade
(STF-7), study sessions with the department-wide meeting's attendance target, rotations
between modalities (STF-6), new graduates' mentor, quarterly and one-year assessments before
appointment, and the report after external training (STF-8)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from yiji.core.models import Notice, PhysicianTitle, Role, TechnologistTitle
from yiji.core.rulebook import RuleViolation
from yiji.people import training
from yiji.people.models import (
    AssessmentKind,
    CreditClass,
    PlanKind,
    PublicationKind,
    RotationKind,
    StudyKind,
)

D = dt.date


@pytest.fixture
def manager(make_staff):
    return make_staff(Role.DEPUTY_DIRECTOR, name="副主任")


@pytest.mark.rules("STF-7")
def test_targets_follow_the_title_grade(make_staff, manager, imaging):
    senior = make_staff(Role.PHYSICIAN, physician_title=PhysicianTitle.CHIEF, name="主任")
    middle = make_staff(
        Role.TECHNOLOGIST, technologist_title=TechnologistTitle.SUPERVISOR, name="主管"
    )
    junior = make_staff(Role.PHYSICIAN, physician_title=PhysicianTitle.RESIDENT, name="住院")
    assert [training.grade(p) for p in (senior, middle, junior)] == [
        "senior",
        "intermediate",
        "junior",
    ]
    # CME from the intermediate grade (policy): 10 class I and 15 class II credits.
    training.record_credit(
        senior.user, senior, CreditClass.CLASS_I, Decimal("10"), "全国影像学术年会", D(2026, 5, 1)
    )
    training.record_credit(
        senior.user, senior, CreditClass.CLASS_II, Decimal("15"), "院内讲座", D(2026, 6, 1)
    )
    training.record_publication(senior.user, senior, PublicationKind.PAPER, 2026, "肺结节随访研究")
    assert training.progress(senior, 2026).shortfalls == ["论文1/2"]
    training.record_publication(
        manager.user, senior, PublicationKind.PAPER, 2026, "CT灌注成像", "中华放射学杂志"
    )
    assert training.progress(senior, 2026).shortfalls == []
    assert training.progress(junior, 2026).shortfalls == ["综述0/1"]  # no CME below intermediate
    assert training.progress(middle, 2026).shortfalls == ["Ⅰ类学分0/10", "Ⅱ类学分0/15", "论文0/1"]
    behind = {p.staff.name for p in training.behind_target(imaging, 2026)}
    assert behind == {"主管", "住院"}
    with pytest.raises(RuleViolation, match="STF-7"):  # a colleague cannot record for him
        training.record_credit(
            junior.user, middle, CreditClass.CLASS_I, Decimal("1"), "x", D(2026, 1, 1)
        )


@pytest.mark.rules("STF-7")
def test_study_sessions_against_the_monthly_targets(make_staff, manager, imaging, frozen_clock):
    people = [make_staff(Role.TECHNOLOGIST) for _ in range(3)]  # plus the manager: 4 members
    group = training.hold_study(
        manager.user, imaging, StudyKind.GROUP, D(2026, 11, 5), "CT低剂量扫描", "赵磊"
    )
    assert group.attendance.count() == 4
    wide = training.hold_study(
        manager.user, imaging, StudyKind.DEPARTMENT, D(2026, 11, 19), "院感防控", "王主任"
    )
    training.mark_attendance(manager.user, wide, {people[0].pk, people[1].pk, manager.pk})
    november = training.study_months(imaging, 2026)[10]
    assert (november.sessions, november.department_meetings, november.best_attendance) == (
        2,
        1,
        75.0,
    )
    assert november.sessions_ok and november.meetings_ok and not november.attendance_ok  # < 80 %
    training.mark_attendance(manager.user, wide, {p.pk for p in people} | {manager.pk})
    assert training.study_months(imaging, 2026)[10].attendance_ok
    october = training.study_months(imaging, 2026)[9]
    assert not (october.sessions_ok or october.meetings_ok)
    with pytest.raises(RuleViolation, match="STF-7"):
        training.hold_study(manager.user, imaging, StudyKind.GROUP, D(2026, 11, 6), "", "")


@pytest.mark.rules("STF-6")
def test_rotations_across_modalities(make_staff, manager, imaging):
    resident = make_staff(Role.PHYSICIAN, physician_title=PhysicianTitle.RESIDENT, name="规培")
    training.add_rotation(
        manager.user, resident, RotationKind.MODALITY, "DR", D(2026, 1, 1), D(2026, 3, 31)
    )
    training.add_rotation(manager.user, resident, RotationKind.MODALITY, "CT", D(2026, 4, 1))
    with pytest.raises(RuleViolation, match="STF-6"):  # the CT rotation is still running
        training.add_rotation(manager.user, resident, RotationKind.MODALITY, "MR", D(2026, 6, 1))
    training.add_rotation(manager.user, resident, RotationKind.SYSTEM, "胸部", D(2026, 6, 1))
    (row,) = [r for r in training.coverage(imaging) if r[0] == resident]
    assert row[1] == ["CT", "DR"]


@pytest.mark.rules("STF-8")
def test_a_new_graduate_is_appointed_only_after_the_one_year_assessment(
    make_staff, manager, director, frozen_clock
):
    graduate = make_staff(Role.TECHNOLOGIST, name="新毕业生")
    mentor = make_staff(Role.TECHNOLOGIST, name="带教")
    with pytest.raises(RuleViolation, match="STF-8"):
        training.start_plan(
            manager.user, graduate, PlanKind.NEW_GRADUATE, D(2025, 11, 1), "规范化培训"
        )
    plan = training.start_plan(
        manager.user, graduate, PlanKind.NEW_GRADUATE, D(2025, 11, 1), "规范化培训", mentor=mentor
    )
    assert plan.end == D(2026, 11, 1)  # twelve months of probation
    due = training.assessments_due(D(2026, 2, 2))
    assert [(d.kind, d.due) for d in due] == [(AssessmentKind.QUARTERLY, D(2026, 2, 1))]
    training.assess(
        manager.user, plan, AssessmentKind.QUARTERLY, D(2026, 2, 3), True, Decimal("85")
    )
    assert training.assessments_due(D(2026, 2, 4)) == []
    with pytest.raises(RuleViolation, match="STF-8"):
        training.appoint(manager.user, plan)  # no one-year assessment yet
    with pytest.raises(RuleViolation, match="STF-8"):  # before the probation ends
        training.assess(manager.user, plan, AssessmentKind.APPOINTMENT, D(2026, 10, 30), True)
    assert training.remind() >= 2  # 23 Nov: quarterly and one-year due → mentor and director
    assert Notice.objects.filter(rule="STF-8", recipient=mentor).exists()
    training.assess(
        manager.user, plan, AssessmentKind.APPOINTMENT, D(2026, 11, 10), True, Decimal("90")
    )
    training.appoint(manager.user, plan)
    plan.refresh_from_db()
    assert plan.appointed_on == D(2026, 11, 23)
    with pytest.raises(RuleViolation, match="STF-8"):
        training.assess(manager.user, plan, "x", D(2026, 11, 1), True)


@pytest.mark.rules("STF-8")
def test_a_report_is_due_after_external_training(make_staff, manager, frozen_clock):
    person = make_staff(Role.PHYSICIAN, name="进修归来")
    item = training.record_external(
        person.user, person, "北京协和医院", "心脏MR", D(2026, 9, 1), D(2026, 10, 20)
    )
    assert [i for i, _due in training.reports_overdue()] == [item]  # 30 days after 20 Oct
    training.remind()
    assert Notice.objects.filter(recipient=person, key=f"ext-report:{item.pk}").exists()
    with pytest.raises(RuleViolation, match="STF-8"):
        training.file_report(manager.user, item, "汇报")
    training.file_report(person.user, item, "学习了心脏MR的扫描与后处理，已在科内讲课一次。")
    assert training.reports_overdue() == []
