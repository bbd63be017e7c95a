"""Critical results, the clinician's half (RPT-12; issue 23, point 5): a live alert on every
page for the ward's patients until acknowledged, acknowledged in Yiji with the clinician's own
signature (which stops the escalation), the telephone receiver chosen from the staff list, and
inpatients' positive findings on the same path."""

from __future__ import annotations

import pytest

from tests.conftest import PASSWORD
from tests.orders.fixtures import at
from yiji.core.models import Notice, Role
from yiji.reports import critical, services
from yiji.reports.models import CriticalResult, FindingKind


@pytest.fixture
def finding(frozen_clock, completed, items, doctor):
    frozen_clock.move_to(at(9, 0))
    exam = completed(items["ct_head"], priority="urgent")
    reader = doctor("attending")
    result = critical.flag_critical(
        reader.user, exam, "intracerebral_haemorrhage", "左侧基底节区脑出血"
    )
    return result, reader


@pytest.mark.rules("RPT-12")
def test_the_ward_sees_a_live_alert_on_every_page_until_it_acknowledges_with_its_signature(
    finding, clinician, make_staff, client_for, frozen_clock, director
):
    result, _reader = finding
    nurse_station = client_for(clinician)
    for page in ("/", "/results/", "/critical/"):
        assert "左侧基底节区脑出血" in nurse_station.get(page).text
    assert "左侧基底节区脑出血" in nurse_station.get("/critical/alerts/").text  # polled
    other_ward = make_staff(Role.CLINICIAN, name="别科医生")
    assert "左侧基底节区脑出血" not in client_for(other_ward).get("/").text

    refused = nurse_station.post(
        "/critical/",
        {"result": result.pk, "action_taken": "急请神经外科会诊", "signature": "wrong"},
        follow=True,
    )
    result.refresh_from_db()
    assert result.acknowledged_at is None and "RPT-12" in refused.text
    nurse_station.post(
        "/critical/",
        {"result": result.pk, "action_taken": "急请神经外科会诊", "signature": PASSWORD},
    )
    result.refresh_from_db()
    assert result.acknowledged_by == clinician and result.signature.signer == clinician
    assert result.channel == "system" and result.receiver_staff == clinician  # read in Yiji
    assert "左侧基底节区脑出血" not in nurse_station.get("/").text
    frozen_clock.move_to(at(12, 0))  # long past both limits
    critical.escalate()
    assert not Notice.objects.filter(rule="RPT-12").exists()  # the clock stopped


@pytest.mark.rules("RPT-12")
def test_another_ward_cannot_acknowledge(finding, make_staff, client_for):
    result, _reader = finding
    stranger = make_staff(Role.CLINICIAN, name="别科医生")
    client_for(stranger).post(
        "/critical/", {"result": result.pk, "action_taken": "已处理", "signature": PASSWORD}
    )
    result.refresh_from_db()
    assert result.acknowledged_at is None


@pytest.mark.rules("RPT-12")
def test_the_telephone_receiver_is_chosen_from_the_ward_s_staff(finding, clinician, client_for):
    result, reader = finding
    page = client_for(reader).get("/critical/").text
    assert f'<option value="{clinician.pk}">{clinician.name}</option>' in page
    client_for(reader).post(
        "/critical/",
        {"result": result.pk, "action": "notify", "receiver_staff": clinician.pk,
         "channel": "phone", "read_back": "on"},
    )  # fmt: skip
    result.refresh_from_db()
    assert result.receiver_staff == clinician and result.receiver == clinician.name
    assert result.receiver_department == "急诊科"


@pytest.mark.rules("RPT-12")
def test_an_inpatient_s_positive_finding_takes_the_same_path(
    completed, items, doctor, patient, clinician, client_for, frozen_clock
):
    patient.source = "inpatient"
    patient.save()
    exam = completed(items["chest"])
    author, reviewer = doctor("resident"), doctor("attending")
    report = services.save_draft(
        author.user, exam,
        services.Draft("右肺上叶见结节影，直径约12mm。", "右肺上叶结节，建议CT进一步检查。",
                       positive=True),
        expected_version=0,
    )  # fmt: skip
    report = services.submit(author.user, report, PASSWORD)
    services.sign_final(reviewer.user, report, PASSWORD)
    found = CriticalResult.objects.get(exam=exam)
    assert found.kind == FindingKind.POSITIVE and "右肺上叶结节" in found.finding
    assert "右肺上叶结节" in client_for(clinician).get("/").text
    assert critical.rates(exam.created_at.date(), exam.created_at.date()).total == 0
