"""Policy settings: typed defaults, hospital and department values, director-only, audited."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pytest

from yiji.core import policy
from yiji.core.models import AuditAction, AuditEntry, Role
from yiji.core.permissions import PermissionRefused
from yiji.core.policy_types import SettingError

RULES_MD = Path(__file__).resolve().parents[2] / "docs" / "RULES.md"


def test_every_default_parses_and_every_setting_names_real_rules():
    rule_ids = set(re.findall(r"\| ([A-Z]{3}-\d+) \|", RULES_MD.read_text()))
    for spec in policy.catalogue().values():
        assert spec.parse(spec.default) is not None or spec.kind == "text"
        assert spec.zh and spec.en, spec.key
        assert set(spec.rules) <= rule_ids, spec.key


def test_the_documented_defaults(db):
    assert policy.value("rpt.emergency_ct_report_minutes") == 30
    assert policy.value("crit.notify_minutes") == 10
    assert policy.value("sch.inpatient_cutoff_minutes") == 60
    assert policy.value("sch.morning_start") == dt.time(8, 0)
    assert policy.value("qlt.grade_a_film_rate_min") == Decimal("40")
    assert policy.value("rad.safety_training_validity_years") == 5
    assert policy.value("cnf.personal_leaves_per_month") == 2


def test_department_value_overrides_hospital_value_overrides_default(director, imaging, lab):
    key = "rpt.emergency_ct_report_minutes"
    hospital = imaging.hospital
    policy.change(director.user, key, 25, hospital=hospital, reason="院内要求")
    policy.change(director.user, key, "20", hospital=hospital, department=imaging, reason="急诊")
    assert policy.value(key, department=imaging) == 20
    assert policy.value(key, department=lab) == 25
    assert policy.value(key) == 25
    policy.change(director.user, key, None, hospital=hospital, department=imaging, reason="恢复")
    assert policy.value(key, department=imaging) == 25


def test_every_change_is_audited_with_before_and_after(director, imaging):
    key = "cnf.extra_absence_deduction"
    policy.change(director.user, key, "80", hospital=imaging.hospital, reason="科务会决定")
    policy.change(director.user, key, "60", hospital=imaging.hospital, reason="再议")
    entries = AuditEntry.objects.filter(action=AuditAction.SETTING).order_by("seq")
    assert [e.after["value"] for e in entries] == ["80", "60"]
    assert [e.before["value"] for e in entries] == [None, "80"]
    assert entries[1].reason == "再议" and entries[1].actor == director.user


@pytest.mark.parametrize(
    ("key", "bad"),
    [
        ("rpt.emergency_ct_report_minutes", "soon"),
        ("rpt.emergency_ct_report_minutes", 0),
        ("sch.morning_start", "25:00"),
        ("rpt.difficult_case_min_title", "professor"),
        ("eqp.block_without_daily_check", "maybe"),
    ],
)
def test_bad_values_are_refused_and_nothing_is_stored(director, imaging, key, bad):
    with pytest.raises(SettingError):
        policy.change(director.user, key, bad, hospital=imaging.hospital)
    assert not AuditEntry.objects.filter(action=AuditAction.SETTING).exists()


def test_hospital_wide_settings_have_no_department_value(director, imaging):
    with pytest.raises(SettingError):
        policy.change(
            director.user, "sec.lockout_failures", 3, hospital=imaging.hospital, department=imaging
        )


def test_only_a_director_changes_settings(make_staff, imaging):
    deputy = make_staff(Role.DEPUTY_DIRECTOR)
    with pytest.raises(PermissionRefused) as refused:
        policy.change(deputy.user, "crit.notify_minutes", 5, hospital=imaging.hospital)
    assert refused.value.decision.rule == "STF-1"
    assert policy.value("crit.notify_minutes") == 10


def _post(client, key, **data):
    return client.post(f"/policy/{key}/", {"reason": "测试", **data})


def test_the_director_changes_a_setting_from_the_page_with_a_signature(director, client_for):
    from tests.conftest import PASSWORD

    client = client_for(director)
    assert client.get("/policy/").status_code == 200
    response = _post(client, "crit.notify_minutes", value="8", signature="wrong")
    assert response.status_code == 200 and policy.value("crit.notify_minutes") == 10
    assert AuditEntry.objects.filter(action=AuditAction.SIGN_FAILED).count() == 1
    response = _post(client, "crit.notify_minutes", value="8", signature=PASSWORD)
    assert response.status_code == 302
    assert policy.value("crit.notify_minutes") == 8
    assert AuditEntry.objects.filter(action=AuditAction.SIGN).count() == 1
    assert "8" in client.get("/policy/crit.notify_minutes/").text


def test_a_bad_value_on_the_page_is_an_error_not_a_crash(director, client_for):
    from tests.conftest import PASSWORD

    client = client_for(director)
    response = _post(client, "sch.morning_start", value="nonsense", signature=PASSWORD)
    assert response.status_code == 200
    assert policy.value("sch.morning_start") == dt.time(8, 0)
    assert client.get("/policy/no.such.key/").status_code == 404


def test_the_page_refuses_a_deputy_naming_the_rule(make_staff, client_for):
    client = client_for(make_staff(Role.DEPUTY_DIRECTOR))
    assert client.get("/policy/").status_code == 200  # may read
    response = client.get("/policy/crit.notify_minutes/")
    assert response.status_code == 403 and "STF-1" in response.text


def test_a_batch_answers_as_single_lookups_do_with_one_query(
    director, imaging, lab, django_assert_num_queries
):
    key = "rpt.emergency_ct_report_minutes"
    policy.change(director.user, key, 25, hospital=imaging.hospital, reason="院内")
    policy.change(
        director.user, key, 20, hospital=imaging.hospital, department=imaging, reason="科"
    )
    single = [policy.value(key, department=d) for d in (imaging, lab, None)]
    with django_assert_num_queries(1), policy.batch():
        batched = [policy.value(key, department=d) for d in (imaging, lab, None)]
        assert policy.value("crit.notify_minutes", department=lab) == 10
    assert batched == single == [20, 25, 25]
