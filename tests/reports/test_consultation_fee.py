"""RPT-14: emergency CT reports carry the emergency consultation fee, once."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.conftest import PASSWORD
from yiji.core import policy
from yiji.orders.models import ExamCharge
from yiji.reports import services


def _signed(doctor, exam, preliminary=False):
    writer = doctor("resident")
    report = services.save_draft(
        writer.user, exam, services.Draft("所见", "意见"), expected_version=0
    )
    if preliminary:
        report = services.issue_preliminary(writer.user, report, PASSWORD)
    else:
        report = services.submit(writer.user, report, PASSWORD)
    return services.sign_final(doctor("attending").user, report, PASSWORD)


@pytest.mark.rules("RPT-14")
def test_an_emergency_ct_report_is_charged_once(doctor, completed, items, director, imaging):
    policy.change(
        director.user,
        "rpt.emergency_consultation_fee",
        "50",
        hospital=imaging.hospital,
        reason="物价调整",
    )
    report = _signed(doctor, completed(items["ct_head"], priority="urgent"), preliminary=True)
    charge = ExamCharge.objects.get(exam=report.exam)
    assert charge.name == "急会诊费" and charge.amount == Decimal("50")


@pytest.mark.rules("RPT-14")
def test_routine_ct_and_emergency_x_ray_are_not_charged(doctor, completed, items):
    _signed(doctor, completed(items["ct_head"]))
    _signed(doctor, completed(items["chest"], priority="urgent"))
    assert not ExamCharge.objects.exists()
