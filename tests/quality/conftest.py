import pytest

from tests.conftest import PASSWORD
from tests.orders.fixtures import at
from yiji.quality import films
from yiji.quality.models import RejectReason
from yiji.reports import critical, services


@pytest.fixture(autouse=True)
def _on_a_monday_morning(frozen_clock):
    """Quality tests run on the frozen Monday 07:30 (Beijing) unless they move the clock."""
    yield


def sign_report(writer, reviewer, exam, *, positive=None, grade="", impression="诊断。"):
    """A report written by `writer`, signed by them and, when it needs review, by `reviewer`."""
    draft = services.Draft("所见。", impression, positive=positive, image_grade=grade)
    report = services.save_draft(writer.user, exam, draft, expected_version=0)
    confirm = impression != "诊断。"
    report = services.submit(writer.user, report, PASSWORD, confirm_warnings=confirm)
    if report.status == "submitted":
        report = services.sign_final(reviewer.user, report, PASSWORD, confirm_warnings=confirm)
    return report


@pytest.fixture
def day(frozen_clock, completed, items, doctor, technologist):
    """Three chest films and two emergency head CTs, read, graded, flagged and notified."""
    writer, other, senior = doctor("attending"), doctor("attending"), doctor("associate_chief")
    chest = [completed(items["chest"]) for _ in range(3)]
    ct = [completed(items["ct_head"], priority="urgent") for _ in range(2)]
    sign_report(writer, senior, chest[0], positive=True, grade="A")
    sign_report(writer, senior, chest[1], positive=False, grade="B")
    sign_report(other, senior, chest[2], positive=True, impression="诊断：待填。")  # an R3 warning
    films.register_reject(technologist.user, ct[0], RejectReason.ARTEFACT)
    found = [
        critical.flag_critical(writer.user, chest[0], "massive_thorax", "大量气胸"),
        critical.flag_critical(writer.user, ct[1], "intracerebral_haemorrhage", "脑出血"),
    ]
    for minutes, result in ((5, found[0]), (15, found[1])):
        frozen_clock.move_to(at(7, 30 + minutes))
        critical.record_notification(
            writer.user, result, receiver="李护士", department="急诊科", channel="phone",
            read_back=True,
        )  # fmt: skip
    frozen_clock.move_to(at(9, 0))  # 1.5 h after the exam started
    sign_report(writer, senior, ct[0])
    frozen_clock.move_to(at(10, 0))  # 2.5 h
    sign_report(writer, senior, ct[1])
    return {"writer": writer, "other": other, "chest": chest, "ct": ct}
