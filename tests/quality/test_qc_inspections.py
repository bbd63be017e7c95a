"""QLT-5: the QC group records inspections; each problem found is a rectification with an
owner and a due date; the owner reports it done, the group accepts it or sends it back;
overdue rectifications are reminded once; the archive pages do the same from forms."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.orders.fixtures import at
from yiji.core.models import Notice, Role
from yiji.core.permissions import PermissionRefused
from yiji.core.rulebook import RuleViolation
from yiji.quality import qc
from yiji.quality.models import QcInspection, Rectification

MONDAY = dt.date(2026, 11, 23)


@pytest.fixture
def officer(make_staff):
    return make_staff(Role.QC_OFFICER, name="质控员")


@pytest.fixture
def inspection(officer, technologist, imaging):
    problem = qc.Problem("胸片左右标记缺失2例", "摄片前核对标记，每周抽查", technologist, MONDAY)
    return qc.record_inspection(
        officer.user, imaging, MONDAY, "image", "抽查胸片50张。", [officer], [problem]
    )


@pytest.mark.rules("QLT-5")
def test_an_inspection_needs_findings_owners_and_future_dates(officer, technologist, imaging):
    good = qc.Problem("问题", "措施", technologist, MONDAY)
    cases = [
        dict(area="nonsense"),
        dict(findings=" "),
        dict(inspectors=[]),
        dict(day=MONDAY + dt.timedelta(days=1)),
        dict(problems=[qc.Problem("问题", "", technologist, MONDAY)]),
        dict(problems=[qc.Problem("问题", "措施", None, MONDAY)]),
        dict(problems=[qc.Problem("问题", "措施", technologist, MONDAY - dt.timedelta(days=1))]),
    ]
    for change in cases:
        spec = dict(
            area="process", findings="所见", inspectors=[officer], day=MONDAY, problems=[good]
        )
        spec.update(change)
        with pytest.raises(RuleViolation, match="QLT-5"):
            qc.record_inspection(
                officer.user, imaging, spec["day"], spec["area"], spec["findings"],
                spec["inspectors"], spec["problems"],
            )  # fmt: skip
    with pytest.raises(PermissionRefused):
        qc.record_inspection(technologist.user, imaging, MONDAY, "process", "所见", [officer], [])
    assert not QcInspection.objects.exists()


@pytest.mark.rules("QLT-5")
def test_rectification_is_done_by_its_owner_and_verified_by_the_group(
    inspection, officer, technologist, physician
):
    (rectification,) = inspection.rectifications.all()
    with pytest.raises(RuleViolation, match="QLT-5"):
        qc.verify(officer.user, rectification, True)  # not reported done yet
    with pytest.raises(RuleViolation, match="QLT-5"):
        qc.report_done(physician.user, rectification, "已整改")  # not the owner
    qc.report_done(technologist.user, rectification, "已培训并张贴核对流程")
    with pytest.raises(RuleViolation, match="QLT-5"):
        qc.verify(officer.user, rectification, False)  # sending back needs a reason
    back = qc.verify(officer.user, rectification, False, "抽查仍有1例缺失")
    assert back.done_at is None and back.verify_note == "抽查仍有1例缺失"
    qc.report_done(technologist.user, rectification, "再次培训")
    with pytest.raises(PermissionRefused):
        qc.verify(technologist.user, rectification, True)
    accepted = qc.verify(officer.user, rectification, True, "复查合格")
    assert accepted.verified_by == officer and not qc.open_rectifications().exists()
    with pytest.raises(RuleViolation, match="QLT-5"):
        qc.report_done(technologist.user, rectification, "again")


@pytest.mark.rules("QLT-5")
def test_overdue_rectifications_are_reminded_once(frozen_clock, inspection, officer, technologist):
    assert qc.remind_overdue() == 0  # due today
    frozen_clock.move_to(at(8, 0, days=1))
    assert qc.remind_overdue() == 2  # the owner and the QC officer
    assert qc.remind_overdue() == 0
    notice = Notice.objects.get(rule="QLT-5", recipient=technologist)
    assert "已过期限" in notice.message and "胸片左右标记缺失" in notice.message


@pytest.mark.rules("QLT-5")
def test_the_archive_pages(officer, technologist, imaging, client_for):
    client = client_for(officer)
    response = client.post(
        "/quality/qc/",
        {"department": imaging.pk, "day": "2026-11-23", "area": "report",
         "findings": "抽查报告30份，2份未写BI-RADS。", "inspectors": [officer.pk],
         "problem_0": "乳腺报告缺分类", "measure_0": "模板加必填项", "owner_0": technologist.pk,
         "due_0": "2026-11-30", "problem_1": "", "measure_1": ""},
    )  # fmt: skip
    inspection = QcInspection.objects.get()
    assert response.url == f"/quality/qc/{inspection.pk}/"
    rectification = Rectification.objects.get()
    assert (rectification.owner, rectification.due) == (technologist, dt.date(2026, 11, 30))
    refused = client.post(
        "/quality/qc/",
        {"department": imaging.pk, "day": "2026-02-30", "area": "report", "findings": "x"},
        follow=True,
    )
    assert "请填写检查日期" in refused.content.decode()
    junk = {"department": "x", "inspectors": ["y"], "rectification": "z"}
    assert client.post("/quality/qc/", junk).status_code == 404
    assert client.post(f"/quality/qc/{inspection.pk}/", junk).status_code == 404
    listing = client.get("/quality/qc/").content.decode()
    assert "乳腺报告缺分类" in listing
    owner = client_for(technologist)
    assert owner.get(f"/quality/qc/{inspection.pk}/").status_code == 403  # not a manager
    client.post(
        f"/quality/qc/{inspection.pk}/",
        {"rectification": rectification.pk, "action": "done", "note": "已修改模板"},
    )
    client.post(
        f"/quality/qc/{inspection.pk}/",
        {"rectification": rectification.pk, "action": "accept", "note": "合格"},
    )
    rectification.refresh_from_db()
    assert rectification.verified_at is not None
