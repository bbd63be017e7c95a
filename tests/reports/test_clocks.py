"""Report deadlines (RPT-5, RPT-6, RPT-8) and the reminders and escalations the task queue
sends, on a frozen clock across the cut-offs and midnight."""

from __future__ import annotations

import pytest

from tests.conftest import PASSWORD
from tests.orders.fixtures import at
from yiji.core.models import Notice, Role
from yiji.exams import clocks as exam_clocks
from yiji.reports import clocks, services, tasks


@pytest.fixture
def chain(make_staff, imaging):
    leader = make_staff(Role.GROUP_LEADER)
    director = make_staff(Role.DIRECTOR)
    reader = make_staff(Role.PHYSICIAN)
    return leader, director, reader


def _finished_at(frozen_clock, completed, item, when, **fields):
    frozen_clock.move_to(when)
    return completed(item, **fields)


@pytest.mark.rules("RPT-5")
def test_emergency_ct_is_due_in_30_minutes(frozen_clock, completed, items):
    exam = _finished_at(frozen_clock, completed, items["ct_head"], at(10, 0), priority="urgent")
    assert exam_clocks.deadline(exam) == (at(10, 30), "RPT-5")


@pytest.mark.rules("RPT-6")
def test_routine_x_ray_is_due_the_same_day(frozen_clock, completed, items):
    morning = _finished_at(frozen_clock, completed, items["chest"], at(10, 0))
    assert exam_clocks.deadline(morning) == (at(18, 0), "RPT-6")
    late = _finished_at(frozen_clock, completed, items["chest"], at(18, 30))
    assert exam_clocks.deadline(late)[0] == at(0, 0, days=1)  # by midnight


@pytest.mark.rules("RPT-5")
def test_the_task_reminds_then_escalates_to_the_leader_then_the_director(
    frozen_clock, completed, items, chain
):
    leader, director, reader = chain
    exam = _finished_at(frozen_clock, completed, items["ct_head"], at(10, 0), priority="urgent")
    frozen_clock.move_to(at(10, 15))
    assert tasks.report_deadlines.call_local() == 0
    frozen_clock.move_to(at(10, 21))  # 9 minutes left: remind the readers
    tasks.report_deadlines.call_local()
    assert Notice.objects.filter(recipient=reader, key=f"report-warn-{exam.pk}").exists()
    assert not Notice.objects.filter(recipient=leader).exists()
    frozen_clock.move_to(at(10, 31))  # late: the group leader is told
    tasks.report_deadlines.call_local()
    assert Notice.objects.get(recipient=leader).rule == "RPT-5"
    assert not Notice.objects.filter(recipient=director).exists()
    frozen_clock.move_to(at(11, 1))  # 30 minutes later: the director
    tasks.report_deadlines.call_local()
    assert Notice.objects.filter(recipient=director, key=f"report-late-director-{exam.pk}").exists()
    tasks.report_deadlines.call_local()
    # one notice each, however often the task runs
    assert sorted(n.recipient_id for n in Notice.objects.all()) == sorted(
        [reader.pk, leader.pk, director.pk]
    )


@pytest.mark.rules("RPT-8")
def test_a_released_report_stops_the_clock(frozen_clock, completed, items, chain, doctor):
    exam = _finished_at(frozen_clock, completed, items["ct_head"], at(10, 0), priority="urgent")
    writer = doctor("resident")
    report = services.save_draft(
        writer.user, exam, services.Draft("所见", "意见"), expected_version=0
    )
    services.issue_preliminary(writer.user, report, PASSWORD)
    frozen_clock.move_to(at(12, 0))
    assert tasks.report_deadlines.call_local() == 0


def test_no_deadline_before_completion(order, items):
    assert exam_clocks.deadline(order(items["chest"])[0]) == (None, "")


@pytest.mark.rules("RPT-5")
def test_the_reading_list_shows_each_deadline_in_a_fixed_number_of_queries(
    frozen_clock, completed, items, doctor, client_for
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from yiji.core.models import WorkGroup

    frozen_clock.move_to(at(10, 0))
    completed(items["ct_head"], priority="urgent")
    client = client_for(doctor("attending"))
    client.get("/reading/")

    def queries():
        with CaptureQueriesContext(connection) as captured:
            page = client.get("/reading/")
        return len(captured), page

    few, page = queries()
    assert page.context["rows"][0][1:3] == (at(10, 30), "RPT-5")
    for n in range(5):
        completed(items["ct_head"], priority="urgent")
        completed(items["chest"])
        # The group filter names each group with its department.
        WorkGroup.objects.create(department=items["ct_head"].department, code=f"G{n}", name="组")
    many, page = queries()
    assert len(page.context["rows"]) == 11 and many == few


@pytest.mark.rules("RPT-5")
def test_the_reading_list_and_the_editor_show_the_deadline_the_escalation_runs_against(
    frozen_clock, completed, items, doctor, client_for, director, hospital
):
    """The deadline is fixed when the exam is completed; a policy changed afterwards applies
    to exams completed after it. The reading list and the editor show the recorded deadline,
    the one the reminders and the escalation use, not one worked out again."""
    from yiji.core import policy

    exam = _finished_at(frozen_clock, completed, items["ct_head"], at(10, 0), priority="urgent")
    policy.change(director.user, "rpt.emergency_ct_report_minutes", 60, hospital=hospital)
    client = client_for(doctor("attending"))
    listed = client.get("/reading/").context["rows"]
    assert [row[1:3] for row in listed if row[0].pk == exam.pk] == [(at(10, 30), "RPT-5")]
    assert client.get(f"/exams/{exam.pk}/report/").context["ws"]["deadline"] == at(10, 30)
    later = _finished_at(frozen_clock, completed, items["ct_head"], at(10, 5), priority="urgent")
    listed = client.get("/reading/").context["rows"]
    assert [row[1] for row in listed if row[0].pk == later.pk] == [at(11, 5)]


@pytest.mark.rules("RPT-7")
def test_a_preliminary_report_has_its_own_clock_to_the_final_signature(
    frozen_clock, completed, items, chain, doctor, client_for
):
    leader, director, reader = chain
    exam = _finished_at(frozen_clock, completed, items["ct_head"], at(10, 0), priority="urgent")
    writer = doctor("attending")
    report = services.save_draft(
        writer.user, exam, services.Draft("所见", "意见"), expected_version=0
    )
    report = services.issue_preliminary(writer.user, report, PASSWORD)
    due = clocks.finalise_due(report)
    assert due == at(10, 0, days=1)  # rpt.preliminary_finalise_hours: 24 by default
    frozen_clock.move_to(at(9, 0, days=1))
    tasks.report_deadlines.call_local()
    assert not Notice.objects.filter(rule="RPT-7").exists()
    frozen_clock.move_to(at(9, 55, days=1))  # close to it: the author and physicians
    tasks.report_deadlines.call_local()
    assert Notice.objects.filter(recipient=writer, key=f"preliminary-warn-{report.pk}").exists()
    frozen_clock.move_to(at(10, 1, days=1))  # past it: the group leader
    tasks.report_deadlines.call_local()
    assert Notice.objects.filter(recipient=leader, key=f"preliminary-late-{report.pk}").exists()
    frozen_clock.move_to(at(11, 0, days=1))  # later: the director
    tasks.report_deadlines.call_local()
    assert Notice.objects.filter(recipient=director, rule="RPT-7").exists()

    page = client_for(director).get("/tat/?from=2026-11-23&to=2026-11-24")
    figures = page.context["preliminary"]
    assert (figures.issued, figures.finalised_in_time, figures.overdue_open) == (1, 0, 1)
    services.sign_final(doctor("associate_chief").user, report, PASSWORD)
    figures = client_for(director).get("/tat/?from=2026-11-23&to=2026-11-24").context["preliminary"]
    assert (figures.issued, figures.finalised_in_time, figures.overdue_open) == (1, 0, 0)
    sent = Notice.objects.count()
    tasks.report_deadlines.call_local()  # a final report stops the clock
    assert Notice.objects.count() == sent
