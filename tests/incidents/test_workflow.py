"""Errors and accidents: the INC-1 sequence (taken up → investigated → the director's signed
written report) refused out of order and reminded when late; a serious event freezes the
exam's records until the director releases them (INC-2); discussion, root cause and verified
preventive measures before closing, and the register's statistics (INC-3)."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.conftest import PASSWORD
from yiji.core.models import AuditEntry, Notice, Role
from yiji.core.rulebook import RuleViolation
from yiji.exams import services as room
from yiji.incidents import services
from yiji.incidents.models import Category, IncidentKind, Severity, Stage
from yiji.reports import services as reports

BEIJING = dt.timezone(dt.timedelta(hours=8))


@pytest.fixture(autouse=True)
def _monday(frozen_clock):
    yield


@pytest.fixture
def officer(make_staff):
    return make_staff(Role.MEDICAL_AFFAIRS, name="医务科", whole_hospital=True)


@pytest.fixture
def leader(make_staff):
    return make_staff(Role.GROUP_LEADER, name="组长")


def _data(imaging, **fields):
    base = dict(
        department=imaging, kind=IncidentKind.ERROR, category=Category.IDENTIFICATION,
        severity=Severity.NO_HARM, occurred_at=dt.datetime(2026, 11, 23, 7, 0, tzinfo=BEIJING),
        description="核对时发现申请单与患者不符", immediate_action="停止检查，重新核对",
    )  # fmt: skip
    return services.IncidentReport(**{**base, **fields})


@pytest.mark.rules("INC-1")
def test_only_a_near_miss_may_be_reported_anonymously(technologist, imaging, officer):
    with pytest.raises(RuleViolation, match="INC-1"):
        services.report(technologist.user, _data(imaging, anonymous=True))
    near = services.report(
        technologist.user,
        _data(imaging, kind=IncidentKind.NEAR_MISS, severity=Severity.HAZARD, anonymous=True),
    )
    assert near.reporter is None
    entry = AuditEntry.objects.get(object_type="incidents.incident", object_id=str(near.pk))
    assert entry.actor is None and entry.actor_name == ""
    assert Notice.objects.filter(rule="INC-1", recipient=officer).exists()
    with pytest.raises(RuleViolation, match="INC-1"):
        services.report(
            technologist.user,
            _data(imaging, occurred_at=dt.datetime(2026, 11, 24, 7, 0, tzinfo=BEIJING)),
        )


@pytest.mark.rules("INC-1")
def test_the_steps_go_in_order_and_the_director_signs(
    technologist, imaging, officer, director, leader
):
    incident = services.report(technologist.user, _data(imaging))
    with pytest.raises(RuleViolation, match="INC-1"):
        services.record_investigation(officer.user, incident, "经过", "原因")  # not taken up
    with pytest.raises(RuleViolation, match="INC-1"):
        services.director_report(director.user, incident, "报告", PASSWORD)
    services.take_up(officer.user, incident)
    with pytest.raises(RuleViolation, match="INC-1"):
        services.take_up(leader.user, incident)
    services.record_investigation(officer.user, incident, "登记时未双核对", "流程缺少扫码核对")
    with pytest.raises(RuleViolation, match="INC-1"):
        services.director_report(leader.user, incident, "报告", PASSWORD)  # only the director
    with pytest.raises(RuleViolation, match="INC-1"):
        services.director_report(director.user, incident, "报告", "wrong")
    incident = services.director_report(director.user, incident, "已向医务科书面报告", PASSWORD)
    assert incident.stage == Stage.DIRECTOR_REPORTED
    assert incident.director_signature.signer == director


@pytest.mark.rules("INC-1", "INC-3")
def test_late_steps_and_overdue_measures_are_reminded(
    frozen_clock, technologist, imaging, officer, director, leader
):
    incident = services.report(technologist.user, _data(imaging))
    assert services.remind_overdue() == 0
    frozen_clock.move_to(dt.datetime(2026, 11, 24, 7, 31, tzinfo=BEIJING))  # > 24 h
    assert services.remind_overdue() == 2  # the leader and the medical officer
    assert services.remind_overdue() == 0
    services.take_up(officer.user, incident)
    frozen_clock.move_to(dt.datetime(2026, 12, 1, 8, 0, tzinfo=BEIJING))  # > 7 days
    assert services.remind_overdue() == 2  # the investigator and the director
    services.record_investigation(officer.user, incident, "经过", "原因")
    measure = services.add_measure(
        officer.user, incident, "登记处增加扫码核对", technologist, dt.date(2026, 12, 5)
    )
    frozen_clock.move_to(dt.datetime(2026, 12, 6, 8, 0, tzinfo=BEIJING))
    assert Notice.objects.filter(key=f"measure:{measure.pk}", recipient=technologist).exists()
    services.remind_overdue()
    assert Notice.objects.filter(key=f"measure-late:{measure.pk}").count() == 1
    assert not Notice.objects.filter(key=f"inc-late:{incident.pk}:director_reported")
    frozen_clock.move_to(dt.datetime(2026, 12, 8, 7, 31, tzinfo=BEIJING))  # > 15 days
    assert services.remind_overdue() == 1  # the director
    assert Notice.objects.filter(key=f"inc-late:{incident.pk}:director_reported").exists()
    _, stats = services.register(dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    assert (stats.total, stats.open, stats.steps_late) == (1, 1, 2)


@pytest.mark.rules("INC-2")
def test_a_serious_event_freezes_the_exam_report_and_images_until_released(
    technologist, imaging, officer, director, completed, items, doctor
):
    exam = completed(items["ct_head"])
    writer = doctor("attending")
    reports.save_draft(writer.user, exam, reports.Draft("所见", "意见"), expected_version=0)
    incident = services.report(
        technologist.user,
        _data(imaging, kind=IncidentKind.ACCIDENT, category=Category.CONTRAST,
              severity=Severity.HARM, accession=exam.accession),
    )  # fmt: skip
    assert Notice.objects.filter(rule="INC-1", recipient=director).exists()
    with pytest.raises(RuleViolation, match="INC-2"):
        reports.save_draft(writer.user, exam, reports.Draft("改", "改"), expected_version=1)
    with pytest.raises(RuleViolation, match="INC-2"):
        room.record_details(technologist.user, exam, {"kv": 100})
    (frozen,) = incident.freezes.all()
    with pytest.raises(RuleViolation, match="INC-2"):
        services.release(officer.user, frozen, "调查完毕")  # only the director
    with pytest.raises(RuleViolation, match="INC-2"):
        services.release(director.user, frozen, "")
    services.release(director.user, frozen, "资料已复制留存，调查完毕")
    reports.save_draft(writer.user, exam, reports.Draft("改", "改"), expected_version=1)


@pytest.mark.rules("INC-3")
def test_closing_needs_discussion_and_verified_measures(
    technologist, imaging, officer, director, leader
):
    incident = services.report(
        technologist.user, _data(imaging, kind=IncidentKind.NEAR_MISS, severity=Severity.HAZARD)
    )
    services.take_up(officer.user, incident)
    with pytest.raises(RuleViolation, match="INC-3"):
        services.discuss(officer.user, incident, "讨论")  # before the investigation
    services.record_investigation(officer.user, incident, "经过", "双核对缺失")
    with pytest.raises(RuleViolation, match="INC-3"):
        services.close(officer.user, incident)  # not discussed
    services.discuss(officer.user, incident, "科内讨论：加强核对")
    measure = services.add_measure(
        officer.user, incident, "扫码核对", leader, dt.date(2026, 11, 30)
    )
    with pytest.raises(RuleViolation, match="INC-3"):
        services.close(officer.user, incident)  # measure not verified
    with pytest.raises(RuleViolation, match="INC-3"):
        services.complete_measure(technologist.user, measure, "完成")  # not the owner
    services.complete_measure(leader.user, measure, "已上线扫码核对")
    with pytest.raises(RuleViolation, match="INC-3"):
        services.verify_measure(leader.user, measure)  # not by its owner
    services.verify_measure(officer.user, measure)
    incident = services.close(officer.user, incident)  # a near miss needs no director report
    assert incident.stage == Stage.CLOSED
    rows, stats = services.register(dt.date(2026, 11, 1), dt.date(2026, 11, 30), imaging)
    assert rows == [incident]
    assert stats.by_kind == {IncidentKind.NEAR_MISS: 1} and stats.open == 0
