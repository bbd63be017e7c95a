"""Critical results (RPT-12): read-back required, escalation by the task queue, the rates."""

from __future__ import annotations

import pytest

from tests.orders.fixtures import at
from yiji.core.models import Notice, Role
from yiji.core.rulebook import RuleViolation
from yiji.reports import critical, tasks


@pytest.fixture
def finding(frozen_clock, completed, items, doctor):
    frozen_clock.move_to(at(9, 0))
    exam = completed(items["ct_head"], priority="urgent")
    reader = doctor("attending")
    return critical.flag_critical(
        reader.user, exam, "intracerebral_haemorrhage", "左侧基底节区脑出血，约35ml"
    ), reader


@pytest.mark.rules("RPT-12")
def test_only_listed_items_and_a_described_finding(completed, items, doctor):
    exam = completed(items["ct_head"])
    reader = doctor("attending")
    with pytest.raises(RuleViolation, match="RPT-12"):
        critical.flag_critical(reader.user, exam, "not_a_critical_item", "x")
    with pytest.raises(RuleViolation, match="RPT-12"):
        critical.flag_critical(reader.user, exam, "intracerebral_haemorrhage", " ")


@pytest.mark.rules("RPT-12")
def test_notification_needs_read_back(finding):
    result, reader = finding
    with pytest.raises(RuleViolation) as refused:
        critical.record_notification(
            reader.user,
            result,
            receiver="张护士",
            department="神经内科",
            channel="phone",
            read_back=False,
        )
    assert refused.value.field == "read_back"
    critical.record_notification(
        reader.user,
        result,
        receiver="张护士",
        department="神经内科",
        channel="phone",
        read_back=True,
    )
    result.refresh_from_db()
    assert result.notified_at and result.receiver == "张护士"


@pytest.mark.rules("RPT-12")
def test_late_notification_and_acknowledgement_escalate(finding, frozen_clock, make_staff):
    result, reader = finding
    leader = make_staff(Role.DEPUTY_DIRECTOR)
    director = make_staff(Role.DIRECTOR)
    affairs = make_staff(Role.MEDICAL_AFFAIRS, whole_hospital=True)
    frozen_clock.move_to(at(9, 9))
    assert tasks.critical_results.call_local() == 0
    frozen_clock.move_to(at(9, 11))
    tasks.critical_results.call_local()
    assert {n.recipient for n in Notice.objects.all()} == {leader, director}
    critical.record_notification(
        reader.user, result, receiver="李医生", department="急诊科", channel="phone", read_back=True
    )
    frozen_clock.move_to(at(9, 42))  # 31 minutes after notification, not acknowledged
    tasks.critical_results.call_local()
    assert Notice.objects.filter(recipient=affairs, key=f"crit-ack-{result.pk}").exists()


@pytest.mark.rules("RPT-12")
def test_rates_count_in_the_database(finding, frozen_clock, completed, items, doctor):
    result, reader = finding
    frozen_clock.move_to(at(9, 5))
    critical.record_notification(
        reader.user, result, receiver="李医生", department="急诊科", channel="phone", read_back=True
    )
    late = critical.flag_critical(
        reader.user, completed(items["ct_head"]), "subarachnoid_haemorrhage", "蛛网膜下腔出血"
    )
    frozen_clock.move_to(at(9, 30))
    critical.record_notification(
        reader.user, late, receiver="王医生", department="急诊科", channel="phone", read_back=True
    )
    critical.flag_critical(
        reader.user, completed(items["ct_head"]), "subarachnoid_haemorrhage", "再次"
    )
    rates = critical.rates(at(0).date(), at(0).date())
    assert (rates.total, rates.notified, rates.within_limit) == (3, 2, 1)
    assert rates.percent(rates.within_limit) == 33.3


@pytest.mark.rules("RPT-12")
def test_the_register_page_records_notification_and_acknowledgement(finding, client_for):
    result, reader = finding
    client = client_for(reader)
    page = client.get("/critical/")
    assert "脑出血" in page.text and page.context["rates"].total == 1
    refused = client.post(
        "/critical/",
        {"result": result.pk, "action": "notify", "receiver": "张护士", "channel": "phone"},
        follow=True,
    )
    assert "RPT-12" in refused.text
    client.post(
        "/critical/",
        {
            "result": result.pk,
            "action": "notify",
            "receiver": "张护士",
            "department": "神经内科",
            "channel": "phone",
            "read_back": "on",
        },
    )
    client.post(
        "/critical/",
        {"result": result.pk, "action": "acknowledge", "action_taken": "神经外科急会诊"},
    )
    result.refresh_from_db()
    assert result.notified_at and result.acknowledged_at and result.action_taken


@pytest.mark.rules("RPT-12")
def test_escalations_show_on_the_workbench(finding, frozen_clock, make_staff, client_for):
    director = make_staff(Role.DIRECTOR)
    frozen_clock.move_to(at(9, 20))
    tasks.critical_results.call_local()
    home = client_for(director).get("/")
    assert "危急值超时未通知临床" in home.text
