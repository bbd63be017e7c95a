"""Internal quality control (LAB-5, WS/T 641): control materials with lot, mean and SD;
each run's controls judged by the Westgard multi-rules across levels and runs; a rejected
run blocks releasing that test's patient results from that instrument until a corrective
action is recorded. External quality assessment (WS/T 644) rounds and pass rates."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from yiji.core import audit, notices, policy
from yiji.core.accounts import staff_of
from yiji.core.models import AuditAction, Role
from yiji.core.permissions import Action, require
from yiji.core.rulebook import RuleViolation, carries_out
from yiji.equipment.models import Device
from yiji.lab.models import (
    ControlMaterial,
    EqaRecord,
    LabTest,
    QcException,
    QcResult,
    QcRun,
    RunStatus,
)

WARNING_RULE = "1_2s"
HISTORY_RUNS = 10  # enough earlier runs for 10x on a single level


@dataclass(frozen=True)
class Point:
    """One control result: its run (0 = oldest), its level and its z-score."""

    run: int
    level: int
    z: float


def _same_side(values: list[float], limit: float) -> bool:
    return all(v > limit for v in values) or all(v < -limit for v in values)


def _series(points: list[Point], level: int | None = None) -> list[float]:
    chosen = [p for p in points if level is None or p.level == level]
    return [p.z for p in sorted(chosen, key=lambda p: (p.run, p.level))]


@carries_out("LAB-5")
def westgard(points: list[Point], rules: list[str]) -> list[str]:
    """The rules the newest run violates, given it and the earlier runs' points. A rule only
    counts when the newest run takes part in it (an old violation was judged then)."""
    if not points:
        return []
    newest = max(p.run for p in points)
    current = [p for p in points if p.run == newest]
    in_run = sorted({p.level for p in current})
    found = []

    def check(rule: str, hit: bool) -> None:
        if rule in rules and hit and rule not in found:
            found.append(rule)

    check("1_3s", any(abs(p.z) > 3 for p in current))
    # 2-2s: two controls beyond 2 SD on the same side, in this run across levels, or on one
    # level in this run and the one before.
    within = [p.z for p in current]
    across = any(len(s := _series(points, lv)) >= 2 and _same_side(s[-2:], 2) for lv in in_run)
    check("2_2s", any(_same_side([a, b], 2) for i, a in enumerate(within) for b in within[i + 1:])
          or across)  # fmt: skip
    # R-4s: within the run, one control above +2 SD and another below -2 SD.
    check("R_4s", any(z > 2 for z in within) and any(z < -2 for z in within))
    for rule, count, limit in (("4_1s", 4, 1.0), ("10x", 10, 0.0)):
        runs = [_series(points, lv) for lv in in_run] + [_series(points)]
        check(rule, any(len(s) >= count and _same_side(s[-count:], limit) for s in runs))
    if not found:
        check(WARNING_RULE, any(abs(p.z) > 2 for p in current))
    return found


def _history(test: LabTest, instrument: Device, before: dt.datetime) -> list[list[QcResult]]:
    runs = QcRun.objects.filter(test=test, instrument=instrument, run_at__lt=before).order_by(
        "-run_at", "-pk"
    )[:HISTORY_RUNS]
    results = QcResult.objects.filter(run__in=list(runs)).select_related("material", "run")
    by_run: dict[int, list[QcResult]] = {}
    for r in results:
        by_run.setdefault(r.run_id, []).append(r)
    return [by_run[r.pk] for r in reversed(runs) if r.pk in by_run]


def _z(value: Decimal, material: ControlMaterial) -> Decimal:
    return ((value - material.mean) / material.sd).quantize(Decimal("0.01"))


def _parse(text: str, material: ControlMaterial) -> Decimal:
    try:
        value = Decimal(str(text).strip())
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite():
        raise RuleViolation(
            "LAB-5", f"质控品{material.level}水平的结果不是数值。",
            f"The level {material.level} control result is not a number.",
            field=f"material_{material.pk}",
        )  # fmt: skip
    return value


def materials_for(test: LabTest, instrument: Device, on: dt.date | None = None):
    on = on or timezone.localdate()
    return ControlMaterial.objects.filter(test=test, instrument=instrument, active=True).filter(
        Q(expires_on__isnull=True) | Q(expires_on__gte=on)
    )


def _require_pair(test: LabTest | None, instrument: Device | None) -> None:
    if test is None or instrument is None:
        raise RuleViolation(
            "LAB-5", "请选择项目和仪器。", "Choose the test and the instrument.", field="test"
        )


@carries_out("LAB-5")
def record_run(actor, test: LabTest, instrument: Device, values: dict[int, str]) -> QcRun:
    """One run's control results (material pk → value), judged at once."""
    require(actor, Action.PROCESS_SPECIMEN)
    staff = staff_of(actor, "LAB-5")
    _require_pair(test, instrument)
    department = instrument.department
    usable = {m.pk: m for m in materials_for(test, instrument)}
    given = {pk: text for pk, text in values.items() if str(text).strip()}
    unknown = [pk for pk in given if pk not in usable]
    if unknown:
        raise RuleViolation(
            "LAB-5", "质控品不属于该项目与仪器，或已过期、停用。",
            "A control material is not for this test and instrument, or expired.",
        )  # fmt: skip
    needed = policy.value("lab.qc_levels_per_run", department=department)
    if len({usable[pk].level for pk in given}) < needed:
        raise RuleViolation(
            "LAB-5", f"每批室内质控至少需要{needed}个水平的质控品结果。",
            f"Each run needs control results at {needed} levels at least.",
        )  # fmt: skip
    rules = policy.value("lab.westgard_rules", department=department)
    now = timezone.now()
    with transaction.atomic():
        parsed = {pk: _parse(text, usable[pk]) for pk, text in given.items()}
        history = _history(test, instrument, now)
        points = [
            Point(i, r.material.level, float(r.z)) for i, run in enumerate(history) for r in run
        ]
        zs = {pk: _z(v, usable[pk]) for pk, v in parsed.items()}
        points += [Point(len(history), usable[pk].level, float(z)) for pk, z in zs.items()]
        violated = westgard(points, rules)
        status = (
            RunStatus.REJECTED if any(r != WARNING_RULE for r in violated)
            else RunStatus.WARNING if violated else RunStatus.ACCEPTED
        )  # fmt: skip
        run = QcRun.objects.create(
            test=test, instrument=instrument, run_at=now, recorded_by=staff, status=status,
            violations=violated,
        )  # fmt: skip
        QcResult.objects.bulk_create(
            QcResult(run=run, material=usable[pk], value=v, z=zs[pk]) for pk, v in parsed.items()
        )
        audit.record(actor, AuditAction.CREATE, run, after={"status": status, "rules": violated})
        if status == RunStatus.REJECTED:
            _tell_rejected(run)
    return run


def _tell_rejected(run: QcRun) -> None:
    rules = "、".join(run.violation_names)
    dept = run.instrument.department
    notices.notify(
        notices.holders(Role.LAB_REVIEWER, dept) + notices.holders(Role.LAB_TECHNOLOGIST, dept),
        "LAB-5",
        f"qc-rejected-{run.pk}",
        f"【LAB-5】{run.instrument.name} {run.test.name}室内质控失控（{rules}），"
        "记录纠正措施前不能发布该项目的患者结果。",
        reverse("lab_qc_chart", args=[run.test_id, run.instrument_id]),
    )


@carries_out("LAB-5")
def correct(actor, run: QcRun, action: str) -> QcRun:
    """The corrective action for a rejected run; it lifts the block on releasing results."""
    require(actor, Action.PROCESS_SPECIMEN)
    staff = staff_of(actor, "LAB-5")
    if not action.strip():
        raise RuleViolation(
            "LAB-5", "请记录失控原因分析与纠正措施。", "Record the cause and corrective action.",
            field="action",
        )  # fmt: skip
    with transaction.atomic():
        run = QcRun.objects.select_for_update().get(pk=run.pk)
        if run.status != RunStatus.REJECTED:
            raise RuleViolation(
                "LAB-5", "只有失控的质控批需要纠正措施。", "Only a rejected run needs one.",
            )  # fmt: skip
        run.corrective_action = action.strip()
        run.corrected_at, run.corrected_by = timezone.now(), staff
        run.save(update_fields=["corrective_action", "corrected_at", "corrected_by"])
        audit.record(
            actor, AuditAction.UPDATE, run, after={"corrective_action": run.corrective_action}
        )
    return run


@carries_out("LAB-5")
def blocking_run(test: LabTest, instrument: Device | None) -> QcRun | None:
    """The rejected run, without its corrective action, that stops release."""
    if instrument is None:
        return None
    return (
        QcRun.objects.filter(
            test=test, instrument=instrument, status=RunStatus.REJECTED, corrected_at__isnull=True
        )
        .order_by("-run_at")
        .first()
    )


SHIFT_CHANGES = (dt.time(8, 0), dt.time(20, 0))


def period_start(department, now: dt.datetime | None = None) -> dt.datetime:
    """The start of the QC period `now` falls in: the day, or the shift (by policy)."""
    local = timezone.localtime(now or timezone.now())
    day_start = local.replace(hour=0, minute=0, second=0, microsecond=0)
    if policy.value("lab.qc_release_period", department=department) == "day":
        return day_start
    changes = [
        local.replace(hour=t.hour, minute=t.minute, second=0, microsecond=0) for t in SHIFT_CHANGES
    ]
    started = [c for c in changes if c <= local]
    return started[-1] if started else changes[-1] - dt.timedelta(days=1)


@carries_out("LAB-5")
def missing_run(test: LabTest, instrument: Device | None, department) -> dt.datetime | None:
    """The start of the QC period that lacks an in-control run of the test on the instrument
    (where the lab keeps control materials for them), unless a reviewer recorded an
    exception; None when release may go ahead."""
    if instrument is None or not materials_for(test, instrument).exists():
        return None
    since = period_start(department)
    ran = QcRun.objects.filter(
        test=test, instrument=instrument, run_at__gte=since,
        status__in=[RunStatus.ACCEPTED, RunStatus.WARNING],
    ).exists()  # fmt: skip
    excused = QcException.objects.filter(
        test=test, instrument=instrument, period_start=since
    ).exists()
    return None if ran or excused else since


@carries_out("LAB-5")
def record_exception(actor, test: LabTest, instrument: Device, reason: str) -> QcException:
    """A reviewer documents why this period's results are released without an in-control
    run (the analyser's QC failed to run, the control lot ran out): kept and counted."""
    require(actor, Action.RELEASE_LAB_RESULT)
    staff = staff_of(actor, "LAB-5")
    if len(reason.strip()) < 4:
        raise RuleViolation(
            "LAB-5", "请写明未做质控即发布的理由（至少4个字）。",
            "Give the reason for releasing without QC (at least 4 characters).", field="reason",
        )  # fmt: skip
    since = period_start(instrument.department)
    exception, created = QcException.objects.get_or_create(
        test=test, instrument=instrument, period_start=since,
        defaults={"reason": reason.strip()[:300], "recorded_by": staff},
    )  # fmt: skip
    if created:
        audit.record(actor, AuditAction.CREATE, exception)
    return exception


def chart(test: LabTest, instrument: Device, first: dt.date, last: dt.date) -> dict:
    """Levey-Jennings data: each level's z-scores by run time, with the run statuses."""
    from yiji.core.calendar import day_bounds

    start, end = day_bounds(first, last)
    results = (
        QcResult.objects.filter(
            run__test=test, run__instrument=instrument, run__run_at__gte=start,
            run__run_at__lt=end,
        )
        .select_related("material", "run")
        .order_by("run__run_at", "material__level")
    )  # fmt: skip
    levels: dict[int, list] = {}
    for r in results:
        when = timezone.localtime(r.run.run_at).strftime("%m-%d %H:%M")
        levels.setdefault(r.material.level, []).append([when, float(r.z), str(r.value)])
    return {"levels": [{"level": lv, "points": pts} for lv, pts in sorted(levels.items())]}


@carries_out("LAB-5")
def add_material(actor, **fields) -> ControlMaterial:
    require(actor, Action.RELEASE_LAB_RESULT)
    _require_pair(fields.get("test"), fields.get("instrument"))
    material = ControlMaterial(**fields)
    _validate(material, "LAB-5")
    material.save()
    audit.record(actor, AuditAction.CREATE, material)
    return material


def _validate(obj, rule: str) -> None:
    from django.core.exceptions import ValidationError

    try:
        obj.full_clean()
    except ValidationError as exc:
        field, problems = next(iter(exc.message_dict.items()))
        text = " ".join(problems)
        raise RuleViolation(rule, text, text, field=field) from exc


@carries_out("LAB-5")
def record_eqa(actor, **fields) -> EqaRecord:
    """One EQA round's outcome (WS/T 644: passed when ≥ 80 % of results are acceptable)."""
    require(actor, Action.RELEASE_LAB_RESULT)
    if fields.get("test") is None:
        raise RuleViolation("LAB-5", "请选择项目。", "Choose the test.", field="test")
    record = EqaRecord(recorded_by=staff_of(actor, "LAB-5"), **fields)
    if record.samples is not None and record.acceptable is not None:
        if record.acceptable > record.samples:
            raise RuleViolation(
                "LAB-5", "合格结果数不能多于样本数。", "More acceptable results than samples.",
                field="acceptable",
            )  # fmt: skip
    _validate(record, "LAB-5")
    record.save()
    audit.record(actor, AuditAction.CREATE, record)
    return record


@dataclass(frozen=True)
class EqaFigures:
    rounds: int
    passed: int
    tests_in_eqa: int
    tests: int

    @property
    def pass_rate(self) -> float | None:
        return round(100 * self.passed / self.rounds, 1) if self.rounds else None

    @property
    def participation(self) -> float | None:
        return round(100 * self.tests_in_eqa / self.tests, 1) if self.tests else None


@carries_out("LAB-5")
def eqa_figures(year: int) -> EqaFigures:
    """EQA participation (tests with a round this year / tests in the catalogue's panels)
    and pass rate (rounds passed / rounds)."""
    rows = EqaRecord.objects.filter(year=year)
    passed = sum(1 for r in rows.only("samples", "acceptable") if r.passed)
    tests = LabTest.objects.filter(panels__isnull=False).distinct().count()
    return EqaFigures(rows.count(), passed, rows.values("test").distinct().count(), tests)


@dataclass(frozen=True)
class IqcFigures:
    runs: int
    rejected: int
    tests_reported: int
    tests_with_qc: int

    @property
    def coverage(self) -> float | None:
        return (
            round(100 * self.tests_with_qc / self.tests_reported, 1)
            if self.tests_reported
            else None
        )

    @property
    def rejection_rate(self) -> float | None:
        return round(100 * self.rejected / self.runs, 1) if self.runs else None


@carries_out("LAB-5")
def iqc_figures(first: dt.date, last: dt.date) -> IqcFigures:
    """IQC coverage (tests reported in the period that had QC runs / tests reported) and the
    share of runs rejected."""
    from yiji.core.calendar import day_bounds
    from yiji.lab.models import LabResult

    start, end = day_bounds(first, last)
    runs = QcRun.objects.filter(run_at__gte=start, run_at__lt=end).aggregate(
        n=Count("pk"), rejected=Count("pk", filter=Q(status=RunStatus.REJECTED))
    )
    reported = set(
        LabResult.objects.filter(
            exam__lab_report__released_at__gte=start, exam__lab_report__released_at__lt=end
        ).values_list("test", flat=True).distinct()
    )  # fmt: skip
    with_qc = set(
        QcRun.objects.filter(run_at__gte=start, run_at__lt=end, test__in=reported)
        .values_list("test", flat=True).distinct()
    )  # fmt: skip
    return IqcFigures(runs["n"], runs["rejected"] or 0, len(reported), len(with_qc))
