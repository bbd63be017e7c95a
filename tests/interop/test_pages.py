"""The interface pages: the monitor's figures, a failed message fixed by a mapping and
reprocessed from its page, the delivery log's resend; closed to those without the role."""

from __future__ import annotations

import pytest

from tests.interop.hl7_messages import order
from tests.interop.test_hl7_inbound import send
from yiji.core.models import Role
from yiji.interop.models import CodeMapping, InboundMessage, OutboundMessage, Outcome
from yiji.orders.models import Exam

pytestmark = [pytest.mark.django_db(transaction=True)]


def listed(page) -> list[str]:
    """The control IDs the list page shows (the page text also holds tokens, so not that)."""
    return sorted(m.control_id for m in page.context["page"])


@pytest.fixture
def admin_client(make_staff, client_for):
    return client_for(make_staff(Role.ADMIN, whole_hospital=True))


def test_failed_message_is_listed_mapped_and_reprocessed(listener, items, ward, admin_client):
    send(listener, order("U1", items=[("250301001", "颅脑CT", "P9")]))
    send(listener, order("OK1", items=[("CT-HEAD", "头颅CT平扫", "P10")]))
    page = admin_client.get("/interfaces/inbound/")
    assert page.status_code == 200
    assert listed(page) == ["U1"]
    message = InboundMessage.objects.get(control_id="U1")
    detail = admin_client.get(f"/interfaces/inbound/{message.pk}/")
    assert "250301001" in detail.content.decode() and "OBR^1^4" in detail.content.decode()

    bad = admin_client.post(
        f"/interfaces/inbound/{message.pk}/",
        {"kind": "item", "external_code": "250301001", "internal_code": "NOPE"},
    )
    assert bad.status_code == 200 and not CodeMapping.objects.exists()
    done = admin_client.post(
        f"/interfaces/inbound/{message.pk}/",
        {"kind": "item", "external_code": "250301001", "internal_code": "CT-HEAD"},
        follow=True,
    )
    assert done.status_code == 200
    message.refresh_from_db()
    assert message.outcome == Outcome.ACCEPTED
    assert Exam.objects.filter(placer_number="P9", item__code="CT-HEAD").exists()
    assert listed(admin_client.get("/interfaces/inbound/")) == []
    assert listed(admin_client.get("/interfaces/inbound/?show=all")) == ["OK1", "U1"]


def test_monitor_shows_senders_endpoints_and_traffic(
    listener, items, ward, admin_client, endpoint, his, completed, doctor
):
    send(listener, order("M1"))
    send(listener, order("M2", purpose=""))
    page = admin_client.get("/interfaces/")
    assert page.status_code == 200
    senders = page.context["inbound"]
    assert [(s.name, s.last_day, s.failures, s.waiting) for s in senders] == [("HIS", 2, 1, 1)]
    assert sum(page.context["chart"]["received"]) == 2
    assert page.context["outbound"][0].name.startswith("HIS")


def test_resend_from_the_delivery_log(endpoint, his, completed, items, doctor, admin_client):
    from tests.interop.test_hl7_outbound import _final

    report = _final(doctor, completed(items["chest"]))
    message = OutboundMessage.objects.get(exam=report.exam)
    log = admin_client.get("/interfaces/outbound/")
    assert message.control_id in log.content.decode()
    admin_client.post(f"/interfaces/outbound/{message.pk}/resend/")
    assert len(his.received) == 2


@pytest.mark.parametrize("role", [Role.CLERK, Role.PHYSICIAN, Role.INTERFACE])
def test_closed_to_other_roles(role, make_staff, client_for):
    client = client_for(make_staff(role))
    assert client.get("/interfaces/").status_code == 403


@pytest.mark.rules("RPT-11")
def test_monitor_measures_how_long_results_take_to_reach_the_his(
    frozen_clock, endpoint, his, completed, items, doctor, admin_client
):
    from tests.interop.test_hl7_outbound import _final
    from yiji.interop.hl7 import outbound

    his.answer = "AE"  # the HIS refuses at first: the result waits
    _final(doctor, completed(items["chest"]))
    frozen_clock.shift(300)
    (line,) = admin_client.get("/interfaces/").context["results"]
    assert (line.delivered, line.waiting, line.oldest_waiting_seconds) == (0, 1, 300)

    his.answer = "AA"
    assert outbound.deliver_due() == 1
    page = admin_client.get("/interfaces/")
    (line,) = page.context["results"]
    assert (line.delivered, line.waiting, line.median_seconds, line.max_seconds) == (1, 0, 300, 300)
    assert "5.0 分" in page.content.decode()
