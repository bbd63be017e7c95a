"""Errors and accidents. INC-1: reported at once by the person involved (anonymously only for
a near miss), taken up by the superior or the medical officer, investigated, and reported in
writing by the director — in that order, each step within its policy time and reminded
when late. INC-2: a serious event freezes the related exam's records until the director
releases them. INC-3: registered, discussed, its root cause analysed, preventive measures set
with owners and followed up to verification before it closes."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from yiji.core import accounts, audit, notices, policy
from yiji.core.accounts import staff_of
from yiji.core.models import AuditAction, Department, Role, Staff
from yiji.core.permissions import Action, require, roles_of
from yiji.core.rulebook import RuleViolation, carries_out
from yiji.incidents.models import (
    Category,
    Freeze,
    Incident,
    IncidentKind,
    Measure,
    Severity,
    Stage,
)
from yiji.orders.services import exam_by_accession


@dataclass
class IncidentReport:
    department: Department | None
    kind: str
    category: str
    severity: int
    occurred_at: dt.datetime
    description: str
    immediate_action: str = ""
    accession: str = ""
    anonymous: bool = False


def _handlers(department: Department) -> list[Staff]:
    """Who takes a report up: the department's superiors and the medical officers."""
    return (
        notices.holders(Role.GROUP_LEADER, department)
        + notices.holders(Role.DEPUTY_DIRECTOR, department)
        + notices.holders(Role.QC_OFFICER, department)
        + notices.holders(Role.MEDICAL_AFFAIRS)
    )


def _url(incident: Incident) -> str:
    return f"/incidents/{incident.pk}/"


def _check(data: IncidentReport) -> None:
    if data.department is None:
        raise RuleViolation("INC-1", "请选择科室。", "Choose the department.", field="department")
    if data.kind not in IncidentKind.values or data.category not in Category.values:
        raise RuleViolation("INC-1", "请选择类别和性质。", "Choose the kind and category.")
    if data.severity not in Severity.values:
        raise RuleViolation("INC-1", "请选择严重程度。", "Choose the severity.", field="severity")
    if not data.description.strip():
        raise RuleViolation("INC-1", "请描述经过。", "Describe what happened.", field="description")
    if data.occurred_at is None or data.occurred_at > timezone.now():
        raise RuleViolation(
            "INC-1", "发生时间不能晚于现在。", "It cannot have happened in the future."
        )
    near_miss = data.kind == IncidentKind.NEAR_MISS or data.severity == Severity.HAZARD
    if data.anonymous and not near_miss:
        raise RuleViolation(
            "INC-1",
            "差错和事故须由当事人实名报告，只有未遂事件（隐患）可以匿名。",
            "Errors and accidents are reported by name; only near misses may be anonymous.",
            field="anonymous",
        )


@carries_out("INC-1", "INC-2")
def report(actor, data: IncidentReport) -> Incident:
    """Anyone reports; the superiors and medical officers are told at once, and for a serious
    event the director too, and the related exam's records are frozen (INC-2)."""
    require(actor, Action.REPORT_INCIDENT)
    _check(data)
    exam = exam_by_accession(data.accession, "INC-1") if data.accession.strip() else None
    reporter = None if data.anonymous else staff_of(actor, "INC-1")
    with transaction.atomic():
        incident = Incident.objects.create(
            department=data.department, kind=data.kind, category=data.category,
            severity=data.severity, occurred_at=data.occurred_at, reporter=reporter,
            description=data.description.strip(), immediate_action=data.immediate_action.strip(),
            exam=exam,
        )  # fmt: skip
        # An anonymous report leaves no name, not even in the audit log.
        audit.record(None if data.anonymous else actor, AuditAction.CREATE, incident)
        if incident.serious and exam is not None:
            _freeze(incident, exam, reporter, actor)
    people = _handlers(incident.department)
    if incident.serious:
        people += notices.holders(Role.DIRECTOR, incident.department)
    notices.notify(
        people, "INC-1", f"inc:{incident.pk}",
        f"{incident.get_kind_display()}报告{incident.number}（{incident.get_severity_display()}）："
        f"{incident.description[:80]}", _url(incident),
    )  # fmt: skip
    return incident


def reported_late(incident: Incident) -> bool:
    hours = policy.value("inc.report_hours", department=incident.department)
    return incident.reported_at - incident.occurred_at > dt.timedelta(hours=hours)


def deadlines(incident: Incident) -> dict[str, dt.datetime]:
    """When each INC-1 step is due, counted from the report."""
    department = incident.department
    start = incident.reported_at
    return {
        Stage.INVESTIGATING: start
        + dt.timedelta(hours=policy.value("inc.take_up_hours", department)),
        Stage.INVESTIGATED: start
        + dt.timedelta(days=policy.value("inc.investigation_days", department)),
        Stage.DIRECTOR_REPORTED: start
        + dt.timedelta(days=policy.value("inc.director_report_days", department)),
    }


ORDER = [Stage.REPORTED, Stage.INVESTIGATING, Stage.INVESTIGATED, Stage.DIRECTOR_REPORTED]


def _advance(incident: Incident, expected: str, zh: str, en: str) -> Incident:
    """INC-1 is a sequence: a step is refused unless the one before it is done."""
    locked = Incident.objects.select_for_update().get(pk=incident.pk)
    if locked.stage != expected:
        raise RuleViolation("INC-1", zh, en)
    return locked


@carries_out("INC-1")
def take_up(actor, incident: Incident) -> Incident:
    """The superior or medical officer takes the report up and investigates it."""
    require(actor, Action.HANDLE_INCIDENT)
    with transaction.atomic():
        incident = _advance(
            incident, Stage.REPORTED, "该报告已受理。", "This report is already taken up."
        )
        incident.stage = Stage.INVESTIGATING
        incident.acknowledged_at = timezone.now()
        incident.investigator = staff_of(actor, "INC-1")
        incident.save(update_fields=["stage", "acknowledged_at", "investigator"])
        audit.record(actor, AuditAction.UPDATE, incident, after={"stage": incident.stage})
    return incident


@carries_out("INC-1", "INC-3")
def record_investigation(actor, incident: Incident, findings: str, root_cause: str) -> Incident:
    require(actor, Action.HANDLE_INCIDENT)
    if not findings.strip() or not root_cause.strip():
        raise RuleViolation(
            "INC-3", "请填写调查经过和根本原因。", "Give the findings and the root cause."
        )
    with transaction.atomic():
        incident = _advance(
            incident, Stage.INVESTIGATING, "须先受理报告再调查。",
            "The report is taken up before it is investigated.",
        )  # fmt: skip
        incident.investigation = findings.strip()
        incident.root_cause = root_cause.strip()
        incident.investigated_at = timezone.now()
        incident.stage = Stage.INVESTIGATED
        incident.save(update_fields=["investigation", "root_cause", "investigated_at", "stage"])
        audit.record(actor, AuditAction.UPDATE, incident, after={"stage": incident.stage})
    notices.notify(
        notices.holders(Role.DIRECTOR, incident.department), "INC-1", f"inc-inv:{incident.pk}",
        f"{incident.number}调查完毕，待科主任书面报告。", _url(incident),
    )  # fmt: skip
    return incident


@carries_out("INC-1")
def director_report(actor, incident: Incident, text: str, secret: str) -> Incident:
    """The director's written report on the investigated event, signed electronically."""
    require(actor, Action.HANDLE_INCIDENT)
    if Role.DIRECTOR not in roles_of(actor):
        raise RuleViolation("INC-1", "书面报告由科主任签发。", "The director signs the report.")
    if not text.strip():
        raise RuleViolation("INC-1", "请填写书面报告。", "Write the report.", field="text")
    with transaction.atomic():
        incident = _advance(
            incident, Stage.INVESTIGATED, "须先完成调查，科主任才能书面报告。",
            "The investigation comes before the director's report.",
        )  # fmt: skip
        try:
            signature = accounts.sign(actor, secret, "差错事故书面报告", incident)
        except accounts.SignatureRefused as exc:
            raise RuleViolation("INC-1", str(exc), str(exc), field="signature") from exc
        incident.director_report = text.strip()
        incident.director_signature = signature
        incident.director_reported_at = signature.signed_at
        incident.stage = Stage.DIRECTOR_REPORTED
        incident.save(
            update_fields=["director_report", "director_signature", "director_reported_at",
                           "stage"]
        )  # fmt: skip
        audit.record(actor, AuditAction.UPDATE, incident, after={"stage": incident.stage})
    return incident


def _open(incident: Incident) -> Incident:
    """The incident as it stands now, refused once closed."""
    incident = Incident.objects.select_related("department").get(pk=incident.pk)
    if incident.closed_at:
        raise RuleViolation("INC-3", "该事件已结案。", "This incident is closed.")
    return incident


@carries_out("INC-3")
def discuss(actor, incident: Incident, text: str) -> Incident:
    """The department's discussion of the event (after the investigation)."""
    require(actor, Action.HANDLE_INCIDENT)
    incident = _open(incident)
    if ORDER.index(incident.stage) < ORDER.index(Stage.INVESTIGATED):
        raise RuleViolation("INC-3", "调查完成后再讨论。", "Discuss it once investigated.")
    if not text.strip():
        raise RuleViolation("INC-3", "请填写讨论意见。", "Write the discussion.", field="text")
    incident.discussion = text.strip()
    incident.discussed_at = timezone.now()
    incident.save(update_fields=["discussion", "discussed_at"])
    audit.record(actor, AuditAction.UPDATE, incident, after={"discussed": True})
    return incident


@carries_out("INC-3")
def add_measure(actor, incident: Incident, text: str, owner: Staff, due: dt.date) -> Measure:
    require(actor, Action.HANDLE_INCIDENT)
    incident = _open(incident)
    if not text.strip() or owner is None or due is None:
        raise RuleViolation(
            "INC-3", "请填写整改措施、责任人和期限。", "Give the measure, its owner and due date."
        )
    if due < timezone.localdate():
        raise RuleViolation("INC-3", "期限不能早于今天。", "The due date has passed.", field="due")
    measure = Measure.objects.create(incident=incident, text=text.strip()[:300], owner=owner,
                                     due=due)  # fmt: skip
    audit.record(actor, AuditAction.CREATE, measure)
    notices.notify(
        [owner], "INC-3", f"measure:{measure.pk}",
        f"{incident.number}整改措施由您负责，{due}前完成：{measure.text}", _url(incident),
    )  # fmt: skip
    return measure


@carries_out("INC-3")
def complete_measure(actor, measure: Measure, note: str) -> Measure:
    """The owner reports the measure done."""
    if staff_of(actor, "INC-3").pk != measure.owner_id:
        raise RuleViolation("INC-3", "由责任人报告完成。", "The owner reports it done.")
    if not note.strip():
        raise RuleViolation("INC-3", "请说明完成情况。", "Say what was done.", field="note")
    measure.done_at = timezone.now()
    measure.done_note = note.strip()[:300]
    measure.save(update_fields=["done_at", "done_note"])
    audit.record(actor, AuditAction.UPDATE, measure, after={"done": True})
    return measure


@carries_out("INC-3")
def verify_measure(actor, measure: Measure) -> Measure:
    require(actor, Action.HANDLE_INCIDENT)
    verifier = staff_of(actor, "INC-3")
    if measure.done_at is None:
        raise RuleViolation("INC-3", "措施尚未完成。", "The measure is not done yet.")
    if verifier.pk == measure.owner_id:
        raise RuleViolation("INC-3", "不能验证本人的措施。", "Another person verifies it.")
    measure.verified_at = timezone.now()
    measure.verified_by = verifier
    measure.save(update_fields=["verified_at", "verified_by"])
    audit.record(actor, AuditAction.UPDATE, measure, after={"verified": True})
    return measure


@carries_out("INC-1", "INC-3")
def close(actor, incident: Incident) -> Incident:
    """Closed once the written report (errors and accidents), the discussion and verified
    preventive measures are on record."""
    require(actor, Action.HANDLE_INCIDENT)
    incident = _open(incident)
    needed = (
        Stage.INVESTIGATED if incident.kind == IncidentKind.NEAR_MISS else Stage.DIRECTOR_REPORTED
    )
    if ORDER.index(incident.stage) < ORDER.index(needed):
        raise RuleViolation(
            "INC-1", "科主任书面报告前不能结案。", "It closes after the director's report."
        )
    if not incident.discussed_at:
        raise RuleViolation("INC-3", "尚未讨论。", "It has not been discussed.")
    measures = list(incident.measures.all())
    if not measures or any(m.verified_at is None for m in measures):
        raise RuleViolation(
            "INC-3",
            "须制定整改措施并全部验证落实后结案。",
            "Preventive measures are set and all verified before it closes.",
        )
    if Freeze.objects.filter(incident=incident, released_at__isnull=True).exists():
        raise RuleViolation(
            "INC-2", "封存的资料解除前不能结案。", "Release the frozen records before closing."
        )
    incident.closed_at = timezone.now()
    incident.stage = Stage.CLOSED
    incident.save(update_fields=["closed_at", "stage"])
    audit.record(actor, AuditAction.UPDATE, incident, after={"stage": incident.stage})
    return incident


def _freeze(incident: Incident, exam, by: Staff | None, actor=None) -> Freeze:
    freeze, _ = Freeze.objects.get_or_create(
        incident=incident, exam=exam, released_at=None, defaults={"frozen_by": by}
    )
    audit.record(actor, AuditAction.UPDATE, exam, after={"frozen_for": incident.number})
    return freeze


@carries_out("INC-2")
def freeze(actor, incident: Incident, accession: str) -> Freeze:
    """Preserve another exam's records for the event."""
    require(actor, Action.HANDLE_INCIDENT)
    incident = _open(incident)
    exam = exam_by_accession(accession, "INC-2")
    with transaction.atomic():
        return _freeze(incident, exam, staff_of(actor, "INC-2"), actor)


@carries_out("INC-2")
def release(actor, frozen: Freeze, reason: str) -> Freeze:
    """Only the director releases frozen records, with the reason."""
    require(actor, Action.HANDLE_INCIDENT)
    if Role.DIRECTOR not in roles_of(actor):
        raise RuleViolation("INC-2", "封存资料由科主任解除。", "The director releases the records.")
    if not reason.strip():
        raise RuleViolation("INC-2", "请说明解除理由。", "Give the reason.", field="reason")
    if frozen.released_at:
        raise RuleViolation("INC-2", "已解除。", "Already released.")
    frozen.released_at = timezone.now()
    frozen.released_by = staff_of(actor, "INC-2")
    frozen.release_reason = reason.strip()[:300]
    frozen.save(update_fields=["released_at", "released_by", "release_reason"])
    audit.record(actor, AuditAction.UPDATE, frozen.exam, after={"released": frozen.incident.number},
                 reason=frozen.release_reason)  # fmt: skip
    return frozen


@carries_out("INC-1", "INC-3")
def remind_overdue(now: dt.datetime | None = None) -> int:
    """A step past its time is told to whoever must take it, once; so is an overdue
    preventive measure."""
    now = now or timezone.now()
    sent = 0
    for incident in Incident.objects.filter(closed_at__isnull=True).select_related(
        "department", "investigator"
    ):
        step = ORDER[ORDER.index(incident.stage) + 1] if incident.stage in ORDER[:-1] else None
        if (
            step is None
            or incident.kind == IncidentKind.NEAR_MISS
            and step == Stage.DIRECTOR_REPORTED
        ):
            continue
        due = deadlines(incident)[step]
        if due >= now:
            continue
        if step == Stage.INVESTIGATING:
            people = _handlers(incident.department)
        elif step == Stage.INVESTIGATED:
            people = [incident.investigator] if incident.investigator else []
            people += notices.holders(Role.DIRECTOR, incident.department)
        else:
            people = notices.holders(Role.DIRECTOR, incident.department)
        sent += notices.notify(
            people, "INC-1", f"inc-late:{incident.pk}:{step}",
            f"{incident.number}应于{timezone.localtime(due):%Y-%m-%d %H:%M}前"
            f"{Stage(step).label}，已逾期。", _url(incident),
        )  # fmt: skip
    today = now.date()
    for measure in Measure.objects.filter(done_at__isnull=True, due__lt=today).select_related(
        "incident", "owner"
    ):
        sent += notices.notify(
            [measure.owner], "INC-3", f"measure-late:{measure.pk}",
            f"{measure.incident.number}整改措施已过期限{measure.due}：{measure.text}",
            _url(measure.incident),
        )  # fmt: skip
    return sent


@dataclass(frozen=True)
class Register:
    total: int
    by_kind: Counter
    by_category: Counter
    by_severity: Counter
    by_month: Counter
    open: int
    reported_late: int
    steps_late: int


def register(first: dt.date, last: dt.date, department=None) -> tuple[list[Incident], Register]:
    """The register of a period and its statistics (INC-3)."""
    rows = Incident.objects.filter(
        occurred_at__date__gte=first, occurred_at__date__lte=last
    ).select_related("department", "reporter", "exam")
    if department is not None:
        rows = rows.filter(department=department)
    rows = list(rows)
    steps_late = 0
    for incident in rows:
        due = deadlines(incident)
        done = {
            Stage.INVESTIGATING: incident.acknowledged_at,
            Stage.INVESTIGATED: incident.investigated_at,
            Stage.DIRECTOR_REPORTED: incident.director_reported_at,
        }
        steps_late += sum(1 for s, at in done.items() if at and at > due[s])
    stats = Register(
        total=len(rows),
        by_kind=Counter(i.kind for i in rows),
        by_category=Counter(i.category for i in rows),
        by_severity=Counter(i.severity for i in rows),
        by_month=Counter(timezone.localtime(i.occurred_at).strftime("%Y-%m") for i in rows),
        open=sum(1 for i in rows if i.closed_at is None),
        reported_late=sum(1 for i in rows if reported_late(i)),
        steps_late=steps_late,
    )
    return rows, stats
