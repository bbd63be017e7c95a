"""Personal dosimetry (RAD-2) against the policy levels over a crafted history — the period's
pro-rata warning, the year's investigation level and limit, the five-year window — the
two-dosimeter weighting, the import of an agency file with bad rows (every bad row reported,
none imported), and health checks (RAD-3): due dates, reminders, unfit keeps a person off
radiation posts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from yiji.core import policy
from yiji.core.models import CredentialKind, Notice, Role
from yiji.core.rulebook import RuleViolation
from yiji.people import dosimetry, roster
from yiji.people.models import (
    DoseCheck,
    DoseImport,
    DoseInvestigation,
    DoseRecord,
    DosimeterPosition,
    Fitness,
    HealthCheckKind,
)

from .conftest import credentialed

D = dt.date
M = Decimal


@pytest.fixture
def keeper(make_staff):
    return make_staff(Role.QC_OFFICER, name="剂量管理员", whole_hospital=True)


@pytest.fixture
def worker(make_staff):
    return credentialed(
        make_staff(Role.TECHNOLOGIST, name="放射技师"), CredentialKind.RADIATION_TRAINING
    )


def _quarter(keeper, worker, year, quarter, hp10, hp007="0.1"):
    start = D(year, 3 * quarter - 2, 1)
    end = (D(year, 3 * quarter, 28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    return dosimetry.record_dose(keeper.user, worker, start, end, M(hp10), M(hp007))


def _triggers(worker):
    rows = DoseInvestigation.objects.filter(staff=worker).values_list("trigger", "key")
    return sorted((trigger, key.rsplit(":", 1)[1]) for trigger, key in rows)


@pytest.mark.rules("RAD-2")
def test_a_period_above_the_pro_rata_warning_is_investigated(keeper, worker, director):
    dosimetry.record_dose(keeper.user, worker, D(2026, 9, 1), D(2026, 9, 30), M("0.40"), M("0.5"))
    assert _triggers(worker) == []  # 30 days: warning 1.25 × 30/90 = 0.417 mSv
    dosimetry.record_dose(keeper.user, worker, D(2026, 10, 1), D(2026, 10, 30), M("0.42"), M("0.5"))
    assert _triggers(worker) == [(DoseCheck.PERIOD, "20261030")]
    notice = Notice.objects.get(rule="RAD-2", recipient=worker)
    assert "0.420" in notice.message and "0.417" in notice.message
    assert Notice.objects.filter(rule="RAD-2", recipient=director).exists()


@pytest.mark.rules("RAD-2")
def test_the_year_and_the_five_year_window_over_a_crafted_history(keeper, worker):
    # 2022-2025: 18 mSv a year, under the single-year limit; four quarters of 4.5 each.
    for year in (2022, 2023, 2024, 2025):
        for quarter in (1, 2, 3, 4):
            _quarter(keeper, worker, year, quarter, "4.5")
    years = {row.year: row.effective for row in dosimetry.history(worker)}
    assert years == {2022: M("18.000"), 2023: M("18.000"), 2024: M("18.000"), 2025: M("18.000")}
    found = {t for t, _k in _triggers(worker)}
    assert DoseCheck.INVESTIGATION in found and DoseCheck.YEAR not in found  # > 5, < 50
    assert DoseCheck.FIVE_YEARS not in found  # 72 mSv over 2021-2025
    # 2026: 28.1 mSv → 2022-2026 is 100.1 mSv, above 5 × 20 mSv.
    _quarter(keeper, worker, 2026, 1, "14")
    assert (DoseCheck.FIVE_YEARS, "2026") not in _triggers(worker)  # 86 so far
    _quarter(keeper, worker, 2026, 2, "14.1")
    assert (DoseCheck.FIVE_YEARS, "2026") in _triggers(worker)
    assert dosimetry.five_year_total(dosimetry.history(worker), 2026) == M("100.100")
    assert (DoseCheck.YEAR, "2026") not in _triggers(worker)  # 28.1 < 50
    _quarter(keeper, worker, 2026, 3, "22")  # 50.1 in 2026
    assert (DoseCheck.YEAR, "2026") in _triggers(worker)
    # The same trigger in the same year is one investigation, raised to the latest dose.
    investigation = DoseInvestigation.objects.get(staff=worker, trigger=DoseCheck.INVESTIGATION,
                                                  key__endswith=":2026")  # fmt: skip
    assert investigation.value == M("50.100")


@pytest.mark.rules("RAD-2")
def test_two_dosimeters_are_weighted_and_skin_has_its_own_limit(keeper, worker):
    start, end = D(2026, 7, 1), D(2026, 9, 28)
    for position, hp10 in (
        (DosimeterPosition.UNDER_APRON, "1"),
        (DosimeterPosition.OVER_APRON, "10"),
    ):
        dosimetry.record_dose(keeper.user, worker, start, end, M(hp10), M("501"), position)
    (year,) = dosimetry.history(worker)
    assert year.effective == M("1.300")  # 0.79 × 1 + 0.051 × 10 = 1.3
    assert (DoseCheck.SKIN, "2026") in _triggers(worker)
    with pytest.raises(RuleViolation, match="RAD-2"):  # the same dosimeter twice
        dosimetry.record_dose(
            keeper.user, worker, start, end, M("1"), M("1"), DosimeterPosition.OVER_APRON
        )
    with pytest.raises(RuleViolation, match="RAD-2"):  # longer than three months
        dosimetry.record_dose(keeper.user, worker, D(2026, 1, 1), D(2026, 4, 30), M("1"), M("1"))


AGENCY_FILE = """工号,姓名,开始日期,结束日期,佩戴位置,Hp(10),Hp(0.07)
{no},放射技师,2026-08-01,2026-08-30,,0.05,0.06
{no},放射技师,2026-08-31,2026-09-29,,MDL,MDL
E99999,不存在,2026-08-01,2026-08-30,,0.05,0.06
{no},张冠李戴,2026-09-30,2026-10-29,,0.05,0.06
{no},放射技师,2026-09-30,2026-10-29,,abc,0.06
{no},放射技师,2026-01-01,2026-06-30,,0.1,0.1
{no},放射技师,2026-08-01,2026-08-30,,0.05,0.06
{no},放射技师,2026-11-01,2026-12-30,,0.05,0.06
"""


@pytest.mark.rules("RAD-2")
def test_an_agency_file_with_bad_rows_reports_every_one_and_imports_none_of_them(keeper, worker):
    content = AGENCY_FILE.format(no=worker.employee_no).encode("gb18030")
    source, checked = dosimetry.upload(keeper.user, content, "2026Q3.csv", "省疾控中心")
    assert [line for line, _zh, _en in checked.errors] == [4, 5, 6, 7, 8, 9]
    reasons = {line: zh for line, zh, _en in checked.errors}
    assert "E99999" in reasons[4] and "不符" in reasons[5] and "数值" in reasons[6]
    assert "3个月" in reasons[7] and "重复" in reasons[8] and "尚未结束" in reasons[9]
    assert DoseRecord.objects.count() == 0  # nothing before confirmation
    assert dosimetry.confirm_import(keeper.user, source) == 2
    assert list(DoseRecord.objects.values_list("hp10", flat=True).order_by("period_start")) == [
        M("0.050"),
        M("0.000"),
    ]
    source.refresh_from_db()
    assert source.imported_rows == 2 and len(source.rejected_rows) == 6
    with pytest.raises(RuleViolation, match="RAD-2"):
        dosimetry.confirm_import(keeper.user, source)
    # The corrected file again: rows on record are recognised, not doubled.
    again, checked = dosimetry.upload(keeper.user, content, "again.csv")
    assert checked.already == 2 and len(checked.rows) == 0
    assert DoseImport.objects.count() == 2


@pytest.mark.rules("RAD-2")
def test_a_file_without_the_columns_or_unreadable_is_refused(keeper):
    with pytest.raises(RuleViolation, match="RAD-2") as refused:
        dosimetry.preview("姓名,剂量\n张三,1\n".encode(), "x.csv")
    assert "工号" in refused.value.zh
    with pytest.raises(RuleViolation, match="RAD-2"):
        dosimetry.preview(b"PK\x03\x04 not really a workbook", "x.xlsx")


@pytest.mark.rules("RAD-2")
def test_workers_without_a_recent_reading_are_listed(keeper, worker):
    assert dosimetry.unmonitored() == [(worker, None)]
    dosimetry.record_dose(keeper.user, worker, D(2026, 10, 1), D(2026, 10, 30), M("0.1"), M("0.1"))
    assert dosimetry.unmonitored() == []


@pytest.mark.rules("RAD-3")
def test_health_checks_fall_due_and_unfit_keeps_off_radiation_posts(
    keeper, worker, director, leader, shifts, december
):
    from yiji.people.models import Post

    assert dosimetry.remind_health_checks() == 2  # never examined: the worker and the director
    dosimetry.record_health_check(
        keeper.user, worker, HealthCheckKind.PERIODIC, D(2025, 1, 10), "市职业病防治院", Fitness.FIT
    )
    assert dosimetry.next_check_due(worker) == D(2027, 1, 10)  # 24 months
    assert dosimetry.remind_health_checks() == 0  # more than a month ahead
    dosimetry.record_health_check(
        keeper.user, worker, HealthCheckKind.EMERGENCY, D(2026, 11, 20), "市职业病防治院",
        Fitness.REVIEW, "白细胞减少",
    )  # fmt: skip
    credentialed(worker, CredentialKind.LARGE_EQUIPMENT, CredentialKind.PRE_JOB_MEDICAL)
    assert shifts["day"].post == Post.LARGE_EQUIPMENT
    with pytest.raises(RuleViolation, match="RAD-3"):
        roster.assign(leader.user, december, worker, shifts["day"], D(2026, 12, 2))
    with pytest.raises(RuleViolation, match="RAD-3"):
        dosimetry.record_health_check(
            keeper.user, worker, HealthCheckKind.PERIODIC, D(2026, 12, 1), "某院", Fitness.FIT
        )  # not in the future


@pytest.mark.rules("RAD-2")
def test_staff_who_do_no_radiation_work_are_held_to_the_public_limit(
    keeper, worker, make_staff, director, hospital
):
    escort = make_staff(Role.NURSE, name="陪检护士")  # no radiation-safety training
    for person in (worker, escort):
        dosimetry.record_dose(keeper.user, person, D(2026, 7, 1), D(2026, 9, 28), M("1.2"), M("1"))
    assert (DoseCheck.YEAR, "2026") in _triggers(escort)  # above 1 mSv for the public
    assert (DoseCheck.YEAR, "2026") not in _triggers(worker)  # a worker's year limit is 50
    policy.change(
        director.user, "rad.public_dose_limit_msv", M("0.5"), hospital=hospital, reason="测试"
    )
    (finding,) = [f for f in dosimetry.judge(escort, D(2026, 9, 28)) if f.check == DoseCheck.YEAR]
    assert finding.level == M("0.5")


INTERVENTIONAL_FILE = """工号,姓名,开始日期,结束日期,佩戴位置,Hp(10),Hp(0.07)
{no},放射技师,2026-07-01,2026-09-28,铅衣外,0.4,0.5
"""


@pytest.mark.rules("RAD-2")
def test_the_policy_decides_how_many_apron_dosimeters_an_interventional_worker_wears(
    keeper, worker, director, hospital
):
    content = INTERVENTIONAL_FILE.format(no=worker.employee_no).encode()
    dosimetry.confirm_import(keeper.user, dosimetry.upload(keeper.user, content, "q3.csv")[0])
    told = Notice.objects.filter(rule="RAD-2", key__startswith="dosimeter:", recipient=worker)
    assert "内外各佩戴" in told.get().message  # by default: under and over the apron
    policy.change(
        director.user, "rad.interventional_dosimeter_mode", "collar", hospital=hospital,
        reason="本院领口单剂量计",
    )  # fmt: skip
    assert dosimetry.dosimeter_gap(worker, D(2026, 9, 28)) is None
