"""RPT-11: results reach the HIS. ORU^R01 for preliminary, final and amended reports, sent
when the report is released (RPT-4), retried with pauses while the HIS is down, a patient's
messages in order, every attempt logged; order status back to the HIS that placed the order."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.conftest import PASSWORD
from tests.orders.fixtures import at
from yiji.interop.hl7 import outbound
from yiji.interop.models import Delivery, OutboundMessage
from yiji.reports import services

pytestmark = [pytest.mark.django_db(transaction=True)]


def _draft(doctor, exam, findings="双肺纹理清晰。", impression="胸部未见异常。"):
    writer = doctor("resident")
    return writer, services.save_draft(
        writer.user, exam, services.Draft(findings, impression), expected_version=0
    )


def _final(doctor, exam):
    writer, report = _draft(doctor, exam)
    report = services.submit(writer.user, report, PASSWORD)
    return services.sign_final(doctor("attending").user, report, PASSWORD)


@pytest.mark.rules("RPT-11", "RPT-4")
def test_final_report_goes_to_the_his_when_released(
    frozen_clock, endpoint, his, completed, items, doctor
):
    frozen_clock.move_to(at(15, 0))
    exam = completed(items["ct_head"])
    report = _final(doctor, exam)
    message = OutboundMessage.objects.get(message_type="ORU^R01")
    assert message.due_at == report.released_at == at(10, 0, days=1)
    assert outbound.deliver_due() == 0 and his.received == []  # held until the session

    frozen_clock.move_to(at(10, 1, days=1))
    assert outbound.deliver_due() == 1
    obr = his.segment(0, "OBR")
    assert obr[3] == exam.accession and obr[25] == "F"
    assert obr[24] == "CT"  # HL7 table 0074
    orderer = exam.requisition.ordering_physician
    assert obr[16] == f"{orderer.employee_no}^{orderer.name}"  # XCN: ID number^name
    signer = report.reviewer
    assert obr[32] == f"{signer.employee_no}&{signer.name}"  # OBR-32 NDL: ID & name (CNN)
    hospital = exam.department.hospital.code
    assert his.segment(0, "PID")[3] == f"P100^^^{hospital}^PI"  # with its assigning authority
    assert "双肺纹理清晰。" in his.received[0] and "胸部未见异常。" in his.received[0]
    message.refresh_from_db()
    assert (message.state, message.ack_code, message.attempts) == (Delivery.SENT, "AA", 1)


@pytest.mark.rules("RPT-11", "RPT-7", "RPT-13")
def test_preliminary_final_and_amended_go_in_order_with_their_status(
    frozen_clock, endpoint, his, completed, items, doctor
):
    exam = completed(items["ct_head"], priority="urgent")
    writer, report = _draft(doctor, exam)
    report = services.issue_preliminary(writer.user, report, PASSWORD)
    reviewer = doctor("attending")
    report = services.sign_final(reviewer.user, report, PASSWORD)
    services.amend(reviewer.user, report, "补充：左侧额叶小片低密度影。", "漏写", PASSWORD)
    outbound.deliver_due()
    assert [his.segment(i, "OBR")[25] for i in range(3)] == ["P", "F", "C"]
    assert "补充：左侧额叶小片低密度影。" in his.received[2]


@pytest.mark.rules("RPT-11")
def test_his_down_retries_with_growing_pauses_and_keeps_order(
    frozen_clock, endpoint, his, completed, items, doctor
):
    his.answer = "AE"  # the HIS refuses for now
    first = _final(doctor, completed(items["chest"]))
    message = OutboundMessage.objects.get(exam=first.exam, message_type="ORU^R01")
    message.refresh_from_db()
    assert message.state == Delivery.FAILED and "ACK AE" in message.last_error
    assert message.next_attempt_at == at(7, 30) + dt.timedelta(seconds=30)

    second = _final(doctor, completed(items["ct_head"], priority="urgent"))
    later = OutboundMessage.objects.get(exam=second.exam, message_type="ORU^R01")
    assert later.state == Delivery.PENDING  # waits behind the patient's earlier message

    frozen_clock.move_to(at(7, 31))
    outbound.deliver_due()
    message.refresh_from_db()
    assert message.attempts == 2
    assert message.next_attempt_at == at(7, 31) + dt.timedelta(seconds=60)

    his.answer = "AA"
    frozen_clock.move_to(at(7, 33))
    assert outbound.deliver_due() == 2
    assert [his.segment(i, "OBR")[3] for i in range(2)] == [
        first.exam.accession,
        second.exam.accession,
    ]


def test_resend_sends_the_same_message_again(frozen_clock, endpoint, his, completed, items, doctor):
    report = _final(doctor, completed(items["chest"]))
    message = OutboundMessage.objects.get(exam=report.exam, message_type="ORU^R01")
    assert len(his.received) == 1
    outbound.resend(message)
    assert len(his.received) == 2 and his.received[0] == his.received[1]


def test_unreachable_endpoint_is_logged_not_raised(
    frozen_clock, endpoint, his, completed, items, doctor
):
    endpoint.port = 1  # nothing listens there
    endpoint.save()
    report = _final(doctor, completed(items["chest"]))
    message = OutboundMessage.objects.get(exam=report.exam, message_type="ORU^R01")
    assert message.state == Delivery.FAILED and "ConnectionRefused" in message.last_error
