"""Demo people records: shift types, this month's roster published (nights and 24-hour duty
in fair rotation, then the day shifts), handovers for the duties already over (one left
unwritten), leave waiting for approval, a year of dose readings (four quarters), the last
imported from the agency's file, health checks, two incidents, and the training records —
all through the services."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from yiji.core.calendar import next_working_day
from yiji.core.models import Department, Role, Staff
from yiji.incidents import services as incidents
from yiji.incidents.models import Category, IncidentKind, Severity
from yiji.people import dosimetry, handover, leave, roster, training
from yiji.people.models import (
    CreditClass,
    Fitness,
    HealthCheckKind,
    LeaveKind,
    PlanKind,
    Post,
    PublicationKind,
    ShiftKind,
    ShiftType,
    StudyKind,
)

SHIFTS = {
    # department: (code, name, kind, post, starts, hours, handover, group or None)
    "RAD": [
        ("ZB", "影像诊断24小时值班", ShiftKind.DUTY_24, Post.DIAGNOSIS, dt.time(8), 24, True, None),
        ("CT-N", "CT夜班", ShiftKind.NIGHT, Post.LARGE_EQUIPMENT, dt.time(17), 15, True, "CT"),
        ("CT-D", "CT白班", ShiftKind.DAY, Post.LARGE_EQUIPMENT, dt.time(8), 9, True, "CT"),
        ("DR-D", "DR白班", ShiftKind.DAY, Post.RADIOGRAPHY, dt.time(8), 9, True, "XR"),
        ("DJ-D", "登记白班", ShiftKind.DAY, Post.REGISTRATION, dt.time(8), 9, False, None),
    ],
    "US": [
        ("US-D", "超声白班", ShiftKind.DAY, Post.ULTRASOUND, dt.time(8), 9, True, None),
        ("US-N", "超声急诊夜班", ShiftKind.EMERGENCY, Post.ULTRASOUND, dt.time(17), 15, True, None),
    ],
}
POST_ROLES = {
    Post.DIAGNOSIS: {Role.PHYSICIAN}, Post.ULTRASOUND: {Role.PHYSICIAN},
    Post.LARGE_EQUIPMENT: {Role.TECHNOLOGIST}, Post.RADIOGRAPHY: {Role.TECHNOLOGIST},
    Post.REGISTRATION: {Role.CLERK},
}  # fmt: skip


def _eligible(department: Department, post: str, group_code: str | None) -> list[Staff]:
    people = Staff.objects.filter(
        memberships__department=department, active=True,
        role_assignments__role__in=POST_ROLES[post],
    ).distinct().order_by("employee_no")  # fmt: skip
    if group_code and post == Post.LARGE_EQUIPMENT:
        people = people.filter(memberships__group__code__in=[group_code, "MR"])
    elif group_code:
        people = people.filter(memberships__group__code=group_code)
    return [p for p in people if not p.is_trainee]


def load(seed: int = 13) -> bool:
    """Idempotent: nothing is added once a shift type exists."""
    if ShiftType.objects.exists():
        return False
    users = get_user_model().objects.in_bulk(
        ["director", "leader", "qc", "medaffairs", "tech", "physician"], field_name="username"
    )
    if len(users) < 6:
        return False
    rng = random.Random(seed)
    today = timezone.localdate()
    with transaction.atomic():
        _roster(users["director"], today)
        _handovers(today)
        _leave(users, today)
        _doses(rng, users["qc"], today)
        _incidents(users, today)
        _training(users, today)
    return True


def _roster(director, today: dt.date) -> None:
    month = roster.month_start(today)
    for code, shifts in SHIFTS.items():
        department = Department.objects.get(code=code)
        plan = roster.roster_for(department, month)
        made = [
            (roster.add_shift_type(director, department, c, n, k, p, s, h, ho), g)
            for c, n, k, p, s, h, ho, g in shifts
        ]
        # The night before the month (last month's roster) covers its first morning (STF-4).
        eve = month - dt.timedelta(days=1)
        for shift, group in made:
            if shift.kind != ShiftKind.DAY:
                before = roster.roster_for(department, eve)
                roster.assign(director, before, _eligible(department, shift.post, group)[-1],
                              shift, eve)  # fmt: skip
        # Nights and 24-hour duty first, so the day shifts fit round the rest after them.
        for shift, group in sorted(made, key=lambda pair: pair[0].kind == ShiftKind.DAY):
            roster.fill_rotation(director, plan, shift, _eligible(department, shift.post, group))
        roster.publish(director, plan)


def _handovers(today: dt.date) -> None:
    ended = roster.duties_between(today - dt.timedelta(days=3), today).filter(
        shift__handover=True, ends_at__lte=timezone.now()
    )
    for n, duty in enumerate(ended.order_by("ends_at")):
        if n == 0:
            continue  # one handover left unwritten: the reminder and the count show it
        record = handover.write(duty.staff.user, duty, "交班：仪器运行正常，未完成事项见清单。")
        successors = handover.rostered_next(record)
        if successors and successors[0].user_id:
            handover.confirm(successors[0].user, record, "已接班")


def _leave(users, today: dt.date) -> None:
    tech = users["tech"]
    start = next_working_day(today + dt.timedelta(days=9))
    leave.request_leave(tech, tech.staff, LeaveKind.ANNUAL, start, start, "家中有事")
    physician = users["physician"]
    later = today + dt.timedelta(days=20)
    request = leave.request_leave(
        physician, physician.staff, LeaveKind.PERSONAL, later, later, "孩子家长会"
    )
    from yiji.site.demo.hospital import DEMO_PASSWORD

    leave.decide(users["leader"], request, True, DEMO_PASSWORD, "同意")


def _quarters(today: dt.date, count: int) -> list[tuple[dt.date, dt.date]]:
    """The last `count` whole calendar quarters before today."""
    start = dt.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    periods = []
    for _ in range(count):
        end = start - dt.timedelta(days=1)
        start = dt.date(end.year, 3 * ((end.month - 1) // 3) + 1, 1)
        periods.append((start, end))
    return list(reversed(periods))


def _doses(rng: random.Random, keeper, today: dt.date) -> None:
    workers = list(dosimetry.radiation_workers().order_by("employee_no"))
    *history, last = _quarters(today, 4)
    for person in workers:
        interventional = person.memberships.filter(group__code="IR").exists()
        for start, end in history:
            dose = Decimal(rng.randrange(5, 60 if interventional else 25)) / 100
            dosimetry.record_dose(keeper, person, start, end, dose, dose + Decimal("0.02"))
        dosimetry.record_health_check(
            keeper, person, HealthCheckKind.PERIODIC,
            today - dt.timedelta(days=rng.randrange(60, 700)), "云州市职业病防治院", Fitness.FIT,
        )  # fmt: skip
    lines = ["工号,姓名,开始日期,结束日期,佩戴位置,Hp(10),Hp(0.07)"]
    for n, person in enumerate(workers):
        dose = "1.42" if n == 0 else f"{rng.randrange(5, 30) / 100:.2f}"  # one above the warning
        lines.append(f"{person.employee_no},{person.name},{last[0]},{last[1]},,{dose},{dose}")
    lines.append(f"E0000,查无此人,{last[0]},{last[1]},,0.10,0.10")  # the agency's typo
    source, _checked = dosimetry.upload(
        keeper, "\n".join(lines).encode("gb18030"), f"{last[1]:%Y}Q{(last[1].month + 2) // 3}.csv",
        "云州市疾病预防控制中心",
    )  # fmt: skip
    dosimetry.confirm_import(keeper, source)


def _incidents(users, today: dt.date) -> None:
    imaging = Department.objects.get(code="RAD")
    now = timezone.now()
    near = incidents.report(
        users["tech"],
        incidents.IncidentReport(
            department=imaging, kind=IncidentKind.NEAR_MISS, category=Category.IDENTIFICATION,
            severity=Severity.HAZARD, occurred_at=now - dt.timedelta(days=20),
            description="登记时两名同名患者申请单放错，检查前双核对发现。",
            immediate_action="暂停检查，重新核对身份后检查。",
        ),
    )  # fmt: skip
    incidents.take_up(users["medaffairs"], near)
    incidents.record_investigation(
        users["medaffairs"], near, "同名患者同时候检，登记员未核对出生日期。",
        "登记只核对姓名一项。",
    )  # fmt: skip
    incidents.discuss(users["medaffairs"], near, "科内讨论：登记核对姓名、出生日期两项。")
    incidents.add_measure(
        users["medaffairs"], near, "登记界面提示同名患者", users["leader"].staff,
        today + dt.timedelta(days=14),
    )  # fmt: skip
    incidents.report(
        users["tech"],
        incidents.IncidentReport(
            department=imaging, kind=IncidentKind.ERROR, category=Category.REPORT,
            severity=Severity.NO_HARM, occurred_at=now - dt.timedelta(hours=5),
            description="胸部DR报告左右侧写反，临床电话告知后发现。",
            immediate_action="通知临床，书写更正说明。",
        ),
    )  # fmt: skip


def _training(users, today: dt.date) -> None:
    """A study meeting this month, credits and a paper, a new graduate on probation with a
    mentor, a physician back from external training without a report yet."""
    imaging = Department.objects.get(code="RAD")
    director, leader = users["director"], users["leader"]
    held = today.replace(day=1)
    meeting = training.hold_study(
        director, imaging, StudyKind.DEPARTMENT, held, "对比剂不良反应的识别与处理", "王建国"
    )
    members = list(meeting.attendance.values_list("staff_id", flat=True))
    training.mark_attendance(director, meeting, set(members[: len(members) * 9 // 10]))
    physician = users["physician"]
    training.record_credit(
        physician, physician.staff, CreditClass.CLASS_I, Decimal("6"), "中华医学会放射学年会",
        today - dt.timedelta(days=40),
    )  # fmt: skip
    training.record_publication(
        physician, physician.staff, PublicationKind.PAPER, today.year, "低剂量CT肺结节随访的效果"
    )
    graduate = (
        Staff.objects.filter(memberships__group__code="CT", technologist_title=1)
        .order_by("employee_no")
        .first()
    )
    if graduate is not None:
        training.start_plan(
            leader, graduate, PlanKind.NEW_GRADUATE, today - dt.timedelta(days=200),
            "CT常规扫描、增强检查与对比剂安全；设备日常质控。", mentor=users["tech"].staff,
        )  # fmt: skip
    deputy = Staff.objects.get(user__username="deputy")
    training.record_external(
        director, deputy, "上海交通大学医学院附属瑞金医院", "心脏MR临床应用",
        today - dt.timedelta(days=90), today - dt.timedelta(days=40),
    )  # fmt: skip
