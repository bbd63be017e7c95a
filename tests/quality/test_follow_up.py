"""QLT-1, QLT-2, QLT-8: positive, suspicious and critical cases are followed up; the final
diagnosis is graded against the report; a missed diagnosis or misdiagnosis needs its cause and
goes to the next reading session; overdue follow-ups are reminded; the rates match a hand count."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.conftest import PASSWORD
from tests.orders.fixtures import _item, at
from yiji.core.models import Notice
from yiji.core.rulebook import RuleViolation
from yiji.quality import followup, sessions
from yiji.quality.models import CaseReason, FollowUp, FollowUpReason
from yiji.reports import critical, services

MONDAY = dt.date(2026, 11, 23)


@pytest.fixture
def readers(doctor):
    return doctor("attending"), doctor("attending"), doctor("associate_chief")


def _signed(readers, exam, *, positive=None, category=""):
    writer, other, senior = readers
    draft = services.Draft("所见。", "诊断。", positive=positive, category=category)
    report = services.save_draft(writer.user, exam, draft, expected_version=0)
    report = services.submit(writer.user, report, PASSWORD)
    return services.sign_final(other.user if writer != other else senior.user, report, PASSWORD)


@pytest.fixture
def cases(readers, completed, items, imaging, doctor):
    """Four released reports: positive, suspicious (Lung-RADS 4A), critical, negative."""
    ldct = _item(imaging, "CT-LDCT", "CT", name="低剂量胸部CT", radiation=True)
    positive = _signed(readers, completed(items["chest"]), positive=True)
    suspicious = _signed(readers, completed(ldct), category="4A")
    flagged = completed(items["chest"])
    critical.flag_critical(readers[0].user, flagged, "massive_thorax", "大量气胸")
    with_critical = _signed(readers, flagged, positive=False)
    negative = _signed(readers, completed(items["chest"]), positive=False)
    return positive, suspicious, with_critical, negative


@pytest.mark.rules("QLT-1")
def test_follow_ups_open_when_reports_go_out(frozen_clock, cases):
    positive, suspicious, with_critical, negative = cases
    assert followup.open_follow_ups() == 2  # the CT report waits for tomorrow's release (RPT-4)
    frozen_clock.move_to(at(10, 0, days=1))
    assert followup.open_follow_ups() == 1
    assert followup.open_follow_ups() == 0
    reasons = dict(FollowUp.objects.values_list("exam_id", "reason"))
    assert reasons == {
        positive.exam_id: FollowUpReason.POSITIVE,
        suspicious.exam_id: FollowUpReason.SUSPICIOUS,
        with_critical.exam_id: FollowUpReason.CRITICAL,
    }
    case = FollowUp.objects.get(exam=positive.exam)
    assert case.due_at == positive.released_at + dt.timedelta(days=30)
    assert case.reader == positive.author


@pytest.mark.rules("QLT-1", "QLT-2")
def test_outcomes_are_graded_and_errors_need_a_cause(frozen_clock, cases, readers, imaging):
    frozen_clock.move_to(at(10, 0, days=1))
    followup.open_follow_ups()
    positive, suspicious, with_critical, _negative = cases
    user = readers[0].user
    case = FollowUp.objects.get(exam=positive.exam)
    with pytest.raises(RuleViolation, match="QLT-1"):
        followup.record_outcome(
            user, case, final_diagnosis="", source="pathology", concordance="full"
        )
    with pytest.raises(RuleViolation, match="QLT-2"):
        followup.record_outcome(
            user,
            case,
            final_diagnosis="肺癌",
            source="pathology",
            concordance="full",
            error="missed",
            cause="x",
        )
    with pytest.raises(RuleViolation, match="QLT-2"):
        followup.record_outcome(
            user,
            case,
            final_diagnosis="肺癌",
            source="pathology",
            concordance="none",
            error="missed",
        )
    followup.record_outcome(
        user, case, final_diagnosis="肺炎", source="clinical", concordance="full"
    )
    followup.record_outcome(
        user,
        FollowUp.objects.get(exam=suspicious.exam),
        final_diagnosis="腺癌",
        source="pathology",
        concordance="partial",
    )
    followup.record_outcome(
        user,
        FollowUp.objects.get(exam=with_critical.exam),
        final_diagnosis="张力性气胸合并肋骨骨折",
        source="surgery",
        concordance="none",
        error="missed",
        cause="未观察骨窗",
    )

    # 3 cases, 3 followed; 2 of 3 concordant or partly; 1 missed.
    (line,) = followup.follow_up_rates(MONDAY, MONDAY + dt.timedelta(days=1), "month")
    assert (line.cases, line.followed, line.full, line.partial, line.missed) == (3, 3, 1, 1, 1)
    assert line.follow_up_rate == 100.0 and round(line.concordance_rate, 1) == 66.7
    by_modality = {
        r.key: r
        for r in followup.follow_up_rates(MONDAY, MONDAY + dt.timedelta(days=1), "modality")
    }
    assert (by_modality["DR"].cases, by_modality["CT"].cases) == (2, 1)
    assert by_modality["DR"].missed_rate == 50.0

    # The missed diagnosis goes to the next reading session, once.
    session = sessions.open_session(readers[2].user, imaging, MONDAY + dt.timedelta(days=1))
    error_cases = session.cases.filter(reason=CaseReason.ERROR)
    assert [c.exam_id for c in error_cases] == [with_critical.exam_id]
    assert FollowUp.objects.get(exam=with_critical.exam).discussed_in == session


@pytest.mark.rules("QLT-8")
def test_overdue_follow_ups_are_reminded_once(frozen_clock, cases, readers):
    followup.open_follow_ups()
    assert followup.remind_overdue() == 0
    frozen_clock.move_to(at(10, 0, days=31))
    followup.open_follow_ups()
    assert followup.remind_overdue() == 2  # the two released Monday are past 30 days
    assert followup.remind_overdue() == 0
    notice = Notice.objects.filter(rule="QLT-8").first()
    assert notice.recipient == readers[0] and "/quality/follow-ups/" in notice.url


def test_follow_up_pages(frozen_clock, cases, readers, client_for, make_staff):
    from yiji.core.models import Role

    client = client_for(readers[0])
    listing = client.get("/quality/follow-ups/")
    assert listing.status_code == 200 and len(listing.context["page"]) == 2
    case = FollowUp.objects.first()
    refused = client.post(f"/quality/follow-ups/{case.pk}/", {"final_diagnosis": ""}, follow=True)
    assert "QLT-1" in refused.content.decode()
    client.post(
        f"/quality/follow-ups/{case.pk}/",
        {"final_diagnosis": "肺炎", "source": "clinical", "concordance": "full"},
    )
    case.refresh_from_db()
    assert case.concordance == "full" and case.recorded_by == readers[0]
    manager = client_for(make_staff(Role.QC_OFFICER))
    page = manager.get(
        "/quality/follow-ups/", {"show": "done", "by": "reader", "from": "2026-11-23"}
    )
    (rate,) = page.context["rates"]
    assert (rate.cases, rate.followed) == (2, 1) and page.context["chart"]["follow_up"] == [50.0]


@pytest.mark.rules("QLT-1", "QLT-2")
def test_a_negative_report_is_followed_up_and_a_missed_diagnosis_counts(
    frozen_clock, cases, readers, client_for
):
    negative = cases[3]
    followup.open_follow_ups()
    assert not FollowUp.objects.filter(exam=negative.exam).exists()  # nothing opens it alone
    client = client_for(readers[1])
    page = client.get(f"/exams/{negative.exam_id}/report/")
    assert f"/exams/{negative.exam_id}/follow-up/" in page.text
    opened = client.post(f"/exams/{negative.exam_id}/follow-up/")
    case = FollowUp.objects.get(exam=negative.exam)
    assert opened.url == f"/quality/follow-ups/{case.pk}/"
    assert case.reason == FollowUpReason.REQUESTED and case.reader == negative.author
    assert client.post(f"/exams/{negative.exam_id}/follow-up/").url == opened.url  # one only
    client.post(
        opened.url,
        {"final_diagnosis": "右肺下叶结节，病理证实腺癌", "source": "pathology",
         "concordance": "none", "error": "missed", "cause": "结节位于心影后"},
    )  # fmt: skip
    rates = followup.follow_up_rates(MONDAY, MONDAY, "reader")
    writer = next(r for r in rates if r.label == negative.author.name)
    assert writer.missed >= 1
