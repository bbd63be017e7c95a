"""CNF-4: consultations within the department, with clinicians, or by referral, with request,
participants, opinion and outcome. CNF-3: the week's difficult, missed and misdiagnosed cases
and consultations, for the discussion on the policy weekday."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.conftest import PASSWORD
from yiji.core.rulebook import RuleViolation
from yiji.quality import consultations, followup
from yiji.quality.models import Consultation, FollowUp
from yiji.reports import services

MONDAY = dt.date(2026, 11, 23)


@pytest.mark.rules("CNF-4")
def test_consultation_request_and_opinion(doctor, completed, items):
    exam = completed(items["chest"])
    reader = doctor("attending")
    with pytest.raises(RuleViolation, match="CNF-4"):
        consultations.request_consultation(reader.user, exam, "referral", "请会诊", "")
    with pytest.raises(RuleViolation, match="CNF-4"):
        consultations.request_consultation(reader.user, exam, "internal", "  ")
    asked = consultations.request_consultation(
        reader.user, exam, "referral", "右肺占位性质待定", "省人民医院"
    )
    with pytest.raises(RuleViolation, match="CNF-4"):
        consultations.record_opinion(reader.user, asked, "", "考虑周围型肺癌", "")
    consultations.record_opinion(
        reader.user, asked, "省人民医院 李主任", "考虑周围型肺癌", "建议穿刺活检"
    )
    asked.refresh_from_db()
    assert asked.answered_by == reader and asked.outcome == "建议穿刺活检"


@pytest.mark.rules("CNF-3")
def test_the_weekly_list(frozen_clock, doctor, completed, items, imaging):
    writer, senior = doctor("attending"), doctor("associate_chief")
    draft = services.Draft("所见。", "诊断。", difficult=True, positive=True)
    report = services.save_draft(writer.user, completed(items["chest"]), draft, expected_version=0)
    report = services.sign_final(
        senior.user, services.submit(writer.user, report, PASSWORD), PASSWORD
    )
    consultations.request_consultation(writer.user, report.exam, "internal", "请科内会诊")
    followup.open_follow_ups()
    followup.record_outcome(
        writer.user,
        FollowUp.objects.get(),
        final_diagnosis="肺结核",
        source="clinical",
        concordance="none",
        error="misdiagnosis",
        cause="影像表现不典型",
    )
    week = consultations.weekly_list(imaging, MONDAY + dt.timedelta(days=3))
    assert (week.first, week.last) == (MONDAY, MONDAY + dt.timedelta(days=6))
    assert week.discussion_day == MONDAY + dt.timedelta(days=1)  # Tuesday by default
    assert [r.pk for r in week.difficult] == [report.pk]
    assert [f.exam_id for f in week.errors] == [report.exam_id]
    assert len(week.consultations) == 1
    assert consultations.weekly_list(imaging, MONDAY + dt.timedelta(days=7)).difficult == []


def test_consultation_pages(doctor, completed, items, client_for):
    exam = completed(items["chest"])
    client = client_for(doctor("attending"))
    bad = client.post(
        "/quality/consultations/",
        {"accession": exam.accession, "kind": "referral", "question": "?"},
        follow=True,
    )
    assert "CNF-4" in bad.content.decode() and not Consultation.objects.exists()
    made = client.post(
        "/quality/consultations/",
        {"accession": exam.accession, "kind": "clinical", "question": "请胸外科会诊"},
    )
    consultation = Consultation.objects.get()
    assert made.url == f"/quality/consultations/{consultation.pk}/"
    client.post(made.url, {"participants": "胸外科王主任", "opinion": "建议手术", "outcome": ""})
    consultation.refresh_from_db()
    assert consultation.opinion == "建议手术"
    week = client_for(doctor("chief")).get("/quality/difficult/", {"day": "2026-11-25"})
    assert week.status_code == 200 and len(week.context["week"].consultations) == 1
