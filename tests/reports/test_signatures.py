"""Who may write, submit, co-sign and amend: every author/reviewer combination, with the rule
ID in each refusal (RPT-1, RPT-2, RPT-3, RPT-7, RPT-8, RPT-9, RPT-13, RAD-1)."""

from __future__ import annotations

import pytest

from tests.conftest import PASSWORD
from tests.orders.fixtures import _item
from yiji.core import policy
from yiji.core.models import Room
from yiji.core.permissions import PermissionRefused
from yiji.core.rulebook import RuleViolation
from yiji.orders.models import EventKind
from yiji.reports import services
from yiji.reports.models import ReportStatus

FINDINGS = "双肺纹理清晰，未见实变。心影不大。"


def _draft(author, exam, impression="胸部未见明显异常。", **flags):
    return services.save_draft(
        author.user, exam, services.Draft(FINDINGS, impression, **flags), expected_version=0
    )


# (author, reviewer, difficult, refused by rule or None). "same" = the author himself.
TABLE = [
    ("attending", "attending", False, None),
    ("attending", "same", False, "RPT-1"),
    ("resident", "attending", False, None),
    ("resident", "resident", False, "RPT-3"),
    ("resident", "attending", True, "RPT-3"),
    ("resident", "associate_chief", True, None),
    ("resident", "chief", True, None),
    ("attending", "resident", False, "RPT-3"),
    ("associate_chief", "attending", False, "RPT-3"),
    ("associate_chief", "chief", False, None),
    ("visiting", "attending", False, None),
    ("intern", "attending", False, None),
    ("residency", "associate_chief", True, None),
    ("attending", "attending-expired", False, "RAD-1"),
    ("attending", "attending-unlicensed", False, "RAD-1"),
    ("attending", "trainee", False, "RPT-2"),
]

TRAINEES = {
    "visiting": ("resident", "visiting"),
    "intern": (None, "intern"),
    "residency": ("resident", "residency"),
}


def _person(doctor, who):
    if who in TRAINEES:
        title, kind = TRAINEES[who]
        return doctor(title, licence="none", trainee=kind)
    if who == "trainee":
        return doctor("resident", licence="none", trainee="residency")
    title, _, licence = who.partition("-")
    return doctor(title, licence={"expired": "expired", "unlicensed": "none"}.get(licence, "valid"))


@pytest.mark.rules("RPT-1", "RPT-2", "RPT-3", "RAD-1")
@pytest.mark.parametrize(("author", "reviewer", "difficult", "refused"), TABLE)
def test_who_may_co_sign(doctor, completed, items, author, reviewer, difficult, refused):
    writer = _person(doctor, author)
    report = _draft(writer, completed(items["chest"]), difficult=difficult)
    report = services.submit(writer.user, report, PASSWORD)
    assert report.status == ReportStatus.SUBMITTED
    signer = writer if reviewer == "same" else _person(doctor, reviewer)
    if refused is None:
        report = services.sign_final(signer.user, report, PASSWORD)
        assert report.status == ReportStatus.FINAL and report.reviewer == signer
        assert report.author_signature.signer == writer
        assert report.reviewer_signature.licence_number.startswith("L")
        assert report.exam.events.filter(kind=EventKind.REPORT_FINAL).exists()
    else:
        with pytest.raises((RuleViolation, PermissionRefused)) as caught:
            services.sign_final(signer.user, report, PASSWORD)
        rule = getattr(caught.value, "rule_id", None) or caught.value.decision.rule
        assert rule == refused
        report.refresh_from_db()
        assert report.status == ReportStatus.SUBMITTED


@pytest.mark.rules("RPT-1")
def test_signing_needs_re_authentication(doctor, completed, items):
    writer, reviewer = doctor("resident"), doctor("attending")
    report = services.submit(writer.user, _draft(writer, completed(items["chest"])), PASSWORD)
    with pytest.raises(RuleViolation):
        services.sign_final(reviewer.user, report, "wrong password")
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED


@pytest.mark.rules("RPT-7", "RPT-8")
@pytest.mark.parametrize(
    ("priority", "who", "refused"),
    [
        ("urgent", "resident", None),
        ("routine", "resident", "RPT-7"),
        ("urgent", "trainee", "RPT-2"),
        ("urgent", "resident-expired", "RAD-1"),
    ],
)
def test_emergencies_go_out_preliminary_on_one_signature(
    doctor, completed, items, priority, who, refused
):
    writer = _person(doctor, who)
    report = _draft(writer, completed(items["ct_head"], priority=priority))
    if refused:
        with pytest.raises((RuleViolation, PermissionRefused)) as caught:
            services.issue_preliminary(writer.user, report, PASSWORD)
        rule = getattr(caught.value, "rule_id", None) or caught.value.decision.rule
        assert rule == refused
        return
    report = services.issue_preliminary(writer.user, report, PASSWORD)
    assert report.status == ReportStatus.PRELIMINARY
    final = services.sign_final(doctor("attending").user, report, PASSWORD)
    assert final.status == ReportStatus.FINAL and final.preliminary_at <= final.final_at
    kinds = list(report.exam.events.values_list("kind", flat=True))
    assert kinds.index(EventKind.REPORT_PRELIMINARY) < kinds.index(EventKind.REPORT_FINAL)


@pytest.mark.rules("RPT-9")
def test_negative_ultrasound_is_final_on_the_sonographers_signature(
    doctor, completed, items, ultrasound
):
    sonographer = doctor("attending", department=ultrasound)
    report = _draft(sonographer, completed(items["us_thyroid"]), positive=False)
    assert services.submit(sonographer.user, report, PASSWORD).status == ReportStatus.FINAL


@pytest.mark.rules("RPT-9")
def test_positive_ultrasound_is_rechecked_by_a_second_physician(
    doctor, completed, items, ultrasound
):
    sonographer = doctor("attending", department=ultrasound)
    report = _draft(
        sonographer, completed(items["us_thyroid"]), "甲状腺右叶结节，TI-RADS 3类。", positive=True
    )
    report = services.submit(sonographer.user, report, PASSWORD)
    assert report.status == ReportStatus.SUBMITTED
    senior = doctor("associate_chief", department=ultrasound)
    assert services.sign_final(senior.user, report, PASSWORD).status == ReportStatus.FINAL


@pytest.mark.rules("RPT-13")
def test_a_signed_report_is_amended_never_edited(doctor, completed, items):
    writer, reviewer = doctor("resident"), doctor("attending")
    exam = completed(items["chest"])
    report = services.sign_final(
        reviewer.user, services.submit(writer.user, _draft(writer, exam), PASSWORD), PASSWORD
    )
    with pytest.raises(RuleViolation) as refused:
        services.save_draft(
            writer.user, exam, services.Draft("改", "改"), expected_version=report.version
        )
    assert refused.value.rule_id == "RPT-13"
    with pytest.raises(RuleViolation, match="RPT-13"):
        services.amend(reviewer.user, report, "补充：右肺下叶小结节。", "", PASSWORD)
    addendum = services.amend(reviewer.user, report, "补充：右肺下叶小结节。", "漏描述", PASSWORD)
    report.refresh_from_db()
    assert report.status == ReportStatus.AMENDED and report.findings == FINDINGS
    assert addendum.signature.signer == reviewer
    assert [v.status for v in report.versions.all()][-1] == ReportStatus.FINAL


def test_two_editors_never_overwrite_each_other(doctor, completed, items):
    first, second = doctor("resident"), doctor("attending")
    exam = completed(items["chest"])
    report = _draft(first, exam)
    opened_at = report.version
    services.save_draft(
        first.user, exam, services.Draft("第一位医师的修改", "印象一"), expected_version=opened_at
    )
    with pytest.raises(services.EditConflict):
        services.save_draft(
            second.user,
            exam,
            services.Draft("第二位医师的修改", "印象二"),
            expected_version=opened_at,
        )
    report.refresh_from_db()
    assert report.findings == "第一位医师的修改"
    assert [v.findings for v in report.versions.all()] == [FINDINGS, "第一位医师的修改"]


def test_an_empty_impression_cannot_be_submitted(doctor, completed, items):
    writer = doctor("attending")
    report = services.save_draft(
        writer.user, completed(items["chest"]), services.Draft(FINDINGS, "  "), expected_version=0
    )
    with pytest.raises(RuleViolation, match="RPT-10"):
        services.submit(writer.user, report, PASSWORD)


def test_no_report_before_the_exam_is_complete(doctor, order, items):
    writer = doctor("attending")
    with pytest.raises(RuleViolation):
        _draft(writer, order(items["chest"])[0])


@pytest.mark.rules("RPT-7")
def test_mri_double_check_is_the_hospital_s_setting(doctor, completed, imaging, director, hospital):
    Room.objects.create(department=imaging, code="MR1", name="磁共振一室", modalities=["MR"])
    head = _item(imaging, "MR-HEAD", "MR", name="头颅MRI平扫")
    attending = doctor("attending")
    report = services.submit(attending.user, _draft(attending, completed(head)), PASSWORD)
    assert report.status == ReportStatus.SUBMITTED  # by default a second physician checks
    policy.change(
        director.user, "rpt.mri_double_check", False, hospital=hospital, reason="本院单签"
    )
    report = services.submit(attending.user, _draft(attending, completed(head)), PASSWORD)
    assert report.status == ReportStatus.FINAL
