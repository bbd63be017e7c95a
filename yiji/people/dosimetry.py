"""Personal dose monitoring (RAD-2) and occupational health checks (RAD-3).

Every radiation worker wears a dosimeter for periods of at most three months (GBZ 128); each
period's Hp(10) and Hp(0.07) come from the monitoring agency's file (checked row by row,
previewed, bad rows never imported) or by hand. Each new reading is judged against the policy
levels: the period against the pro-rata quarterly warning, the calendar year against the
investigation level and the single-year limit, the five years ending with it against five
times the averaged annual limit, the lens and skin against theirs. Anything above opens an
investigation and tells the person, the director and the dose keepers. Health checks are due
at the policy interval; a conclusion of unfit or pending review keeps the person off
radiation posts."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from yiji.core import audit, notices, policy
from yiji.core.accounts import staff_of
from yiji.core.calendar import add_months
from yiji.core.models import AuditAction, CredentialKind, Role, Staff
from yiji.core.permissions import Action, require
from yiji.core.rulebook import RuleViolation, carries_out
from yiji.people.models import (
    OFF_RADIATION,
    DoseCheck,
    DoseImport,
    DoseInvestigation,
    DoseRecord,
    DosimeterPosition,
    Fitness,
    HealthCheck,
    HealthCheckKind,
)

MAX_FILE_BYTES = 10 * 1024 * 1024
# GBZ 128-2019: effective dose from two dosimeters, under and over the apron (no collar).
UNDER_WEIGHT, OVER_WEIGHT = Decimal("0.79"), Decimal("0.051")


def radiation_workers():
    return Staff.objects.filter(
        active=True, credentials__kind=CredentialKind.RADIATION_TRAINING
    ).distinct()


def effective_dose(readings: list[DoseRecord]) -> Decimal:
    """One period's effective dose: the chest dosimeter, or for two dosimeters the GBZ 128
    weighting of the under- and over-apron readings; a collar dosimeter alone counts as is."""
    by_position = {r.position: r.hp10 for r in readings}
    if DosimeterPosition.CHEST in by_position:
        return by_position[DosimeterPosition.CHEST]
    under = by_position.get(DosimeterPosition.UNDER_APRON)
    over = by_position.get(DosimeterPosition.OVER_APRON)
    if under is not None and over is not None:
        return (UNDER_WEIGHT * under + OVER_WEIGHT * over).quantize(Decimal("0.001"))
    return over if over is not None else under or Decimal(0)


@dataclass(frozen=True)
class YearDose:
    year: int
    effective: Decimal
    lens: Decimal
    skin: Decimal
    periods: int


def history(staff: Staff) -> list[YearDose]:
    """The person's dose per calendar year (a period counts in the year it ends)."""
    periods: dict[tuple[dt.date, dt.date], list[DoseRecord]] = defaultdict(list)
    for record in DoseRecord.objects.filter(staff=staff):
        periods[(record.period_start, record.period_end)].append(record)
    years: dict[int, dict] = {}
    for (_start, end), readings in sorted(periods.items()):
        row = years.setdefault(end.year, {"effective": Decimal(0), "lens": Decimal(0),
                                          "skin": Decimal(0), "periods": 0})  # fmt: skip
        row["effective"] += effective_dose(readings)
        row["skin"] += max(r.hp007 for r in readings)
        row["lens"] += max(r.hp3 if r.hp3 is not None else r.hp007 for r in readings)
        row["periods"] += 1
    return [YearDose(year, **row) for year, row in sorted(years.items())]


def five_year_total(rows: list[YearDose], year: int) -> Decimal:
    return sum((r.effective for r in rows if year - 4 <= r.year <= year), Decimal(0))


@dataclass(frozen=True)
class Finding:
    check: str
    key: str
    year: int
    value: Decimal
    level: Decimal


@carries_out("RAD-2")
def judge(staff: Staff, period_end: dt.date) -> list[Finding]:
    """What the readings up to now say for the period ending on `period_end` and its year."""
    rows = history(staff)
    year = period_end.year
    this_year = next((r for r in rows if r.year == year), None)
    found: list[Finding] = []
    readings = list(DoseRecord.objects.filter(staff=staff, period_end=period_end))
    if readings:
        days = (period_end - readings[0].period_start).days + 1
        warning = (policy.value("rad.quarterly_warning_msv") * days / 90).quantize(Decimal("0.001"))
        dose = effective_dose(readings)
        if dose > warning:
            found.append(Finding(DoseCheck.PERIOD, f"{period_end:%Y%m%d}", year, dose, warning))
    if this_year is None:
        return found
    # Staff who do no radiation work are members of the public under GB 18871.
    worker = radiation_workers().filter(pk=staff.pk).exists()
    year_limit = "rad.single_year_dose_limit_msv" if worker else "rad.public_dose_limit_msv"
    levels = [
        (DoseCheck.INVESTIGATION, this_year.effective, policy.value("rad.investigation_level_msv")),
        (DoseCheck.YEAR, this_year.effective, policy.value(year_limit)),
        (DoseCheck.FIVE_YEARS, five_year_total(rows, year),
         5 * policy.value("rad.annual_dose_limit_msv")),
        (DoseCheck.LENS, this_year.lens, policy.value("rad.lens_dose_limit_msv")),
        (DoseCheck.SKIN, this_year.skin, policy.value("rad.skin_dose_limit_msv")),
    ]  # fmt: skip
    for check, value, level in levels:
        if value > level:
            found.append(Finding(check, str(year), year, value, level))
    return found


@carries_out("RAD-2")
def dosimeter_gap(staff: Staff, period_end: dt.date) -> tuple[str, str] | None:
    """Whether the period's apron dosimeters match how the policy says interventional staff
    wear them: both under and over the apron, or one over the apron at the collar."""
    worn = set(
        DoseRecord.objects.filter(staff=staff, period_end=period_end).values_list(
            "position", flat=True
        )
    )
    apron = worn & {DosimeterPosition.UNDER_APRON, DosimeterPosition.OVER_APRON}
    if not apron:
        return None
    if policy.value("rad.interventional_dosimeter_mode") == "double":
        if len(apron) < 2:
            return "须在铅围裙内外各佩戴一个剂量计，本周期只有一个读数", (
                "two dosimeters, under and over the apron, are required; one was read"
            )
    elif DosimeterPosition.OVER_APRON not in apron:
        return "剂量计须佩戴在铅围裙外领口处", "the dosimeter is worn over the apron at the collar"
    return None


def _tell_gap(staff: Staff, period_end: dt.date) -> None:
    gap = dosimeter_gap(staff, period_end)
    if gap:
        keepers = notices.holders(Role.QC_OFFICER)
        notices.notify(
            [staff, *keepers], "RAD-2", f"dosimeter:{staff.pk}:{period_end:%Y%m%d}",
            f"{staff.name}（截至{period_end:%Y-%m-%d}）：{gap[0]}。", f"/people/{staff.pk}/dose/",
        )  # fmt: skip


def _open_investigations(actor, staff: Staff, findings: list[Finding]) -> int:
    opened = 0
    keepers = notices.holders(Role.DIRECTOR) + notices.holders(Role.QC_OFFICER)
    for finding in findings:
        key = f"{staff.pk}:{finding.check}:{finding.key}"
        investigation, created = DoseInvestigation.objects.get_or_create(
            key=key,
            defaults={"staff": staff, "trigger": finding.check, "year": finding.year,
                      "value": finding.value, "level": finding.level},
        )  # fmt: skip
        if not created:
            if finding.value > investigation.value:  # a later reading raised the year's dose
                investigation.value = finding.value
                investigation.save(update_fields=["value"])
            continue
        opened += 1
        audit.record(actor, AuditAction.CREATE, investigation)
        notices.notify(
            [staff, *keepers], "RAD-2", f"dose:{key}",
            f"{staff.name}个人剂量{DoseCheck(finding.check).label}：{finding.value} mSv"
            f"（控制值{finding.level} mSv），须调查原因。", f"/people/{staff.pk}/dose/",
        )  # fmt: skip
    return opened


@dataclass
class DoseRow:
    line: int
    staff: Staff
    period_start: dt.date
    period_end: dt.date
    position: str
    hp10: Decimal
    hp007: Decimal
    hp3: Decimal | None = None

    @property
    def position_label(self) -> str:
        return DosimeterPosition(self.position).label


def _check_row(start: dt.date, end: dt.date, values: list[Decimal | None]) -> tuple[str, str]:
    """Why a reading cannot be kept, in Chinese and English, or ("", "")."""
    if end < start:
        return "结束日期早于开始日期", "the period ends before it starts"
    if end >= add_months(start, 3):
        return "监测周期超过3个月", "the period is longer than three months"
    if end > timezone.localdate():
        return "监测周期尚未结束", "the period has not ended"
    if any(v is not None and (v < 0 or v >= 10000) for v in values):
        return "剂量值应在0至10000 mSv之间", "doses are between 0 and 10000 mSv"
    return "", ""


@carries_out("RAD-2")
def record_dose(
    actor, staff: Staff, start: dt.date, end: dt.date, hp10: Decimal, hp007: Decimal,
    position: str = DosimeterPosition.CHEST, hp3: Decimal | None = None,
) -> DoseRecord:  # fmt: skip
    """A reading entered by hand."""
    require(actor, Action.MANAGE_DOSIMETRY)
    if start is None or end is None or hp10 is None or hp007 is None:
        raise RuleViolation("RAD-2", "请填写周期和剂量。", "Give the period and the doses.")
    zh, en = _check_row(start, end, [hp10, hp007, hp3])
    if position not in DosimeterPosition.values:
        zh, en = "佩戴位置无效", "not a dosimeter position"
    if DoseRecord.objects.filter(staff=staff, period_start=start, position=position).exists():
        zh, en = "该周期该位置的剂量已登记", "this dosimeter's period is already on record"
    if zh:
        raise RuleViolation("RAD-2", zh + "。", en[0].upper() + en[1:] + ".", field="period")
    row = DoseRow(0, staff, start, end, position, hp10, hp007, hp3)
    return _keep(actor, [row], None)[0]


def _keep(actor, rows: list[DoseRow], source: DoseImport | None) -> list[DoseRecord]:
    by = staff_of(actor, "RAD-2")
    with transaction.atomic():
        records = [
            DoseRecord.objects.create(
                staff=r.staff, period_start=r.period_start, period_end=r.period_end,
                position=r.position, hp10=r.hp10, hp007=r.hp007, hp3=r.hp3, source=source,
                recorded_by=by,
            )
            for r in rows
        ]  # fmt: skip
        for record in records:
            audit.record(actor, AuditAction.CREATE, record)
        for staff_id, end in {(r.staff_id, r.period_end) for r in records}:
            staff = next(r.staff for r in records if r.staff_id == staff_id)
            _open_investigations(actor, staff, judge(staff, end))
            if source is not None:  # an agency file holds all of a period's dosimeters
                _tell_gap(staff, end)
    return records


COLUMNS = {
    "employee_no": ("工号", "employee no", "employee_no"),
    "name": ("姓名", "name"),
    "start": ("开始日期", "监测开始", "start", "period start"),
    "end": ("结束日期", "监测结束", "end", "period end"),
    "position": ("佩戴位置", "position"),
    "hp10": ("hp(10)", "hp10"),
    "hp007": ("hp(0.07)", "hp007"),
    "hp3": ("hp(3)", "hp3"),
}
POSITIONS = {
    "": DosimeterPosition.CHEST, "胸前": DosimeterPosition.CHEST, "chest": DosimeterPosition.CHEST,
    "铅衣外": DosimeterPosition.OVER_APRON, "领口": DosimeterPosition.OVER_APRON,
    "over_apron": DosimeterPosition.OVER_APRON, "铅衣内": DosimeterPosition.UNDER_APRON,
    "under_apron": DosimeterPosition.UNDER_APRON,
}  # fmt: skip


@dataclass
class Preview:
    rows: list[DoseRow] = field(default_factory=list)
    errors: list[tuple[int, str, str]] = field(default_factory=list)  # line, 中文, English
    already: int = 0  # rows already on record with the same values: skipped


def _table(content: bytes, filename: str) -> list[list[str]]:
    if filename.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).active
        return [
            ["" if c is None else str(c) for c in row] for row in sheet.iter_rows(values_only=True)
        ]
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise RuleViolation("RAD-2", "文件编码无法识别。", "The file's encoding is not readable.")
    return list(csv.reader(io.StringIO(text)))


def _header(row: list[str]) -> dict[str, int]:
    names = [cell.strip().lower().replace(" ", "") for cell in row]
    where = {}
    for key, aliases in COLUMNS.items():
        for alias in aliases:
            alias = alias.replace(" ", "")
            if alias in names:
                where[key] = names.index(alias)
                break
    return where


def _date(text: str) -> dt.date | None:
    text = text.strip()[:10].replace("/", "-").replace(".", "-")
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def _dose(text: str) -> Decimal | None:
    text = text.strip()
    if text in ("", "-"):
        return None
    if text.upper() in ("MDL", "<MDL", "ND"):  # below the detection limit: reported as zero
        return Decimal(0)
    try:
        return Decimal(text).quantize(Decimal("0.001"))
    except InvalidOperation:
        return None


@carries_out("RAD-2")
def preview(content: bytes, filename: str) -> Preview:
    """Every row checked; each bad row named with its line and reason."""
    try:
        table = [row for row in _table(content, filename) if any(c.strip() for c in row)]
    except RuleViolation:
        raise
    except Exception as exc:  # a broken spreadsheet is bad input, not a crash
        raise RuleViolation("RAD-2", "无法读取该文件。", "The file cannot be read.") from exc
    if not table:
        raise RuleViolation("RAD-2", "文件为空。", "The file is empty.")
    where = _header(table[0])
    lacking = [key for key in ("employee_no", "start", "end", "hp10", "hp007") if key not in where]
    if lacking:
        names = "、".join(COLUMNS[k][0] for k in lacking)
        raise RuleViolation("RAD-2", f"缺少列：{names}。", f"Missing columns: {lacking}.")
    staff = {s.employee_no: s for s in Staff.objects.all()}
    result, seen = Preview(), set()
    for number, row in enumerate(table[1:], start=2):

        def cell(key: str, row=row) -> str:
            index = where.get(key)
            return row[index].strip() if index is not None and index < len(row) else ""

        person = staff.get(cell("employee_no"))
        start, end = _date(cell("start")), _date(cell("end"))
        hp10, hp007, hp3 = _dose(cell("hp10")), _dose(cell("hp007")), _dose(cell("hp3"))
        position = POSITIONS.get(cell("position").lower())
        problem = ("", "")
        if person is None:
            number_text = cell("employee_no") or "（空）"
            problem = (f"工号{number_text}不存在", f"no employee number {number_text}")
        elif cell("name") and cell("name") != person.name:
            problem = (
                f"姓名{cell('name')}与工号{person.employee_no}（{person.name}）不符",
                f"the name {cell('name')} is not that of {person.employee_no}",
            )
        elif start is None or end is None:
            problem = ("日期无效", "not a date")
        elif hp10 is None or hp007 is None:
            problem = ("Hp(10)或Hp(0.07)不是数值", "Hp(10) or Hp(0.07) is not a number")
        elif position is None:
            problem = (f"佩戴位置{cell('position')}无效", "not a dosimeter position")
        else:
            problem = _check_row(start, end, [hp10, hp007, hp3])
        if not problem[0]:
            key = (person.pk, start, position)
            if key in seen:
                problem = ("文件中重复", "repeated in the file")
            seen.add(key)
        if not problem[0]:
            kept = DoseRecord.objects.filter(
                staff=person, period_start=start, position=position
            ).first()
            if kept and (kept.period_end, kept.hp10, kept.hp007) == (end, hp10, hp007):
                result.already += 1
                continue
            if kept:
                problem = (
                    "该周期已登记不同的剂量，请核实后手工更正",
                    "a different dose is on record for this period: check and correct by hand",
                )
        if problem[0]:
            result.errors.append((number, *problem))
        else:
            result.rows.append(DoseRow(number, person, start, end, position, hp10, hp007, hp3))
    return result


@carries_out("RAD-2")
def upload(actor, content: bytes, filename: str, agency: str = "") -> tuple[DoseImport, Preview]:
    """Keep the agency's file as received and preview it."""
    require(actor, Action.MANAGE_DOSIMETRY)
    if not content or len(content) > MAX_FILE_BYTES:
        raise RuleViolation("RAD-2", "请选择不超过10 MB的文件。", "Choose a file of up to 10 MB.")
    checked = preview(content, filename)
    source = DoseImport.objects.create(
        filename=filename[:200], sha256=hashlib.sha256(content).hexdigest(), content=content,
        agency=agency.strip()[:100], uploaded_by=staff_of(actor, "RAD-2"),
        rejected_rows=[list(e) for e in checked.errors],
    )  # fmt: skip
    return source, checked


@carries_out("RAD-2")
def confirm_import(actor, source: DoseImport) -> int:
    """Import the file's good rows, checked again now; the bad rows are never imported."""
    require(actor, Action.MANAGE_DOSIMETRY)
    if source.imported_at:
        raise RuleViolation("RAD-2", "该文件已导入。", "This file is already imported.")
    checked = preview(bytes(source.content), source.filename)
    with transaction.atomic():
        _keep(actor, checked.rows, source)
        source.imported_at = timezone.now()
        source.imported_rows = len(checked.rows)
        source.rejected_rows = [list(e) for e in checked.errors]
        source.save(update_fields=["imported_at", "imported_rows", "rejected_rows"])
    return len(checked.rows)


@carries_out("RAD-2")
def close_investigation(actor, investigation: DoseInvestigation, findings: str, conclusion: str):
    require(actor, Action.MANAGE_DOSIMETRY)
    if not findings.strip() or not conclusion.strip():
        raise RuleViolation(
            "RAD-2", "请填写调查经过与结论措施。", "Give the findings and the conclusion."
        )
    investigation.findings = findings.strip()
    investigation.conclusion = conclusion.strip()
    investigation.closed_at = timezone.now()
    investigation.closed_by = staff_of(actor, "RAD-2")
    investigation.save(update_fields=["findings", "conclusion", "closed_at", "closed_by"])
    audit.record(actor, AuditAction.UPDATE, investigation, after={"closed": True})
    return investigation


@carries_out("RAD-2")
def unmonitored(today: dt.date | None = None) -> list[tuple[Staff, dt.date | None]]:
    """Radiation workers whose last period ended more than two periods ago (or never)."""
    today = today or timezone.localdate()
    gap = dt.timedelta(days=2 * policy.value("rad.dosimetry_period_days"))
    last = dict(
        DoseRecord.objects.values("staff_id")
        .annotate(end=Max("period_end"))
        .values_list("staff_id", "end")
    )
    return [
        (person, last.get(person.pk))
        for person in radiation_workers()
        if last.get(person.pk) is None or last[person.pk] < today - gap
    ]


# ---------------------------------------------------------------- health checks (RAD-3)


@carries_out("RAD-3")
def record_health_check(
    actor, staff: Staff, kind: str, checked_on: dt.date, institution: str, conclusion: str,
    findings: str = "",
) -> HealthCheck:  # fmt: skip
    require(actor, Action.MANAGE_DOSIMETRY)
    if kind not in HealthCheckKind.values or conclusion not in Fitness.values:
        raise RuleViolation("RAD-3", "请选择体检类别和结论。", "Choose the kind and conclusion.")
    if checked_on is None or checked_on > timezone.localdate() or not institution.strip():
        raise RuleViolation(
            "RAD-3", "请填写体检日期（不晚于今天）和体检机构。", "Give the date and institution."
        )
    check = HealthCheck.objects.create(
        staff=staff, kind=kind, checked_on=checked_on, institution=institution.strip()[:100],
        conclusion=conclusion, findings=findings.strip(), recorded_by=staff_of(actor, "RAD-3"),
    )  # fmt: skip
    audit.record(actor, AuditAction.CREATE, check)
    if conclusion in OFF_RADIATION:
        notices.notify(
            notices.holders(Role.DIRECTOR), "RAD-3", f"fitness:{check.pk}",
            f"{staff.name}职业健康检查结论：{check.get_conclusion_display()}，不能安排放射工作。",
            f"/people/{staff.pk}/",
        )  # fmt: skip
    return check


def latest_check(staff: Staff) -> HealthCheck | None:
    return staff.health_checks.order_by("-checked_on", "-pk").first()


def next_check_due(staff: Staff) -> dt.date | None:
    last = latest_check(staff)
    if last is None:
        return None
    return add_months(last.checked_on, policy.value("rad.health_exam_interval_months"))


@carries_out("RAD-3")
def require_fit(staff: Staff, day: dt.date) -> None:
    """A conclusion of unfit or pending review keeps the person off radiation posts."""
    last = latest_check(staff)
    if last is not None and last.checked_on <= day and last.conclusion in OFF_RADIATION:
        raise RuleViolation(
            "RAD-3",
            f"{staff.name}职业健康检查结论为{last.get_conclusion_display()}，不能安排放射工作。",
            f"{staff.name}'s health check keeps them off radiation work.",
            field="staff",
        )


@carries_out("RAD-3")
def remind_health_checks(today: dt.date | None = None) -> int:
    """Radiation workers whose periodic check falls due within a month (or is overdue, or was
    never recorded) are told, with the director, once per due date."""
    today = today or timezone.localdate()
    directors = notices.holders(Role.DIRECTOR)
    sent = 0
    for person in radiation_workers():
        due = next_check_due(person)
        if due is not None and due > today + dt.timedelta(days=30):
            continue
        when = f"应于{due}前" if due else "尚无记录，应尽快"
        sent += notices.notify(
            [person, *directors], "RAD-3", f"health:{person.pk}:{due or 'none'}",
            f"{person.name}的放射工作人员职业健康检查{when}进行。", f"/people/{person.pk}/",
        )  # fmt: skip
    return sent
