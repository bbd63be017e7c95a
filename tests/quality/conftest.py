import datetime as dt

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


@pytest.fixture
def week(day, frozen_clock, order, clerk, technologist, physician, doctor, ultrasound, imaging):
    """The same Monday, plus enhanced CTs, a prostate MR, inpatient ultrasound read within and
    after 48 hours with a critical finding, and follow-ups recorded on Monday's positives."""
    from decimal import Decimal

    from tests.orders.fixtures import _item
    from yiji.core.models import Patient, Room
    from yiji.exams import services as room
    from yiji.orders.checkin import Identifiers, check_in
    from yiji.quality import followup
    from yiji.quality.models import FollowUp

    frozen_clock.move_to(at(10, 30))
    inpatient = Patient.objects.create(
        patient_id="P300", name="王五", sex="M", birth_date=dt.date(1960, 1, 1), source="inpatient"
    )
    enhanced = _item(imaging, "CT-E", "CT", name="胸部CT增强", radiation=True, important=True,
                     contrast_route="iv")  # fmt: skip
    prostate = _item(imaging, "MR-PROS", "MR", name="前列腺MRI平扫+增强")
    Room.objects.create(department=imaging, code="MR1", name="磁共振一室", modalities=["MR"])
    liver = _item(ultrasound, "US-L", "US", name="肝胆脾超声")

    def perform(item, who, **details):
        exam = order(item, patient=inpatient, priority="urgent", allergy_screen="clear")[0]
        ids = Identifiers(name=inpatient.name, patient_id=inpatient.patient_id)
        exam = check_in(clerk.user, exam, ids, accompanying_physician="王医生", consent_by=clerk)
        if item.important:
            room.confirm_technique(technologist.user, exam)
            room.confirm_technique(physician.user, exam)
        room.start_exam(who.user, exam)
        if item.radiation:
            details |= {"kv": Decimal("120"), "shielding": "铅围脖"}
        if details:
            room.record_details(who.user, exam, details)
        if item.important:
            room.accept_images(who.user, exam)
        return room.complete_exam(who.user, exam)

    contrast = {"contrast_agent": "碘海醇", "contrast_ml": Decimal("80"), "contrast_route": "iv",
                "reaction": "none"}  # fmt: skip
    ct = [perform(enhanced, technologist, **contrast, extravasation=flag) for flag in (True, False)]
    writer, senior = doctor("attending"), doctor("associate_chief")
    mr = perform(prostate, technologist)
    # no PI-RADS: a warning
    sign_report(writer, senior, mr, positive=True, impression="前列腺增生。")
    sonographer = doctor("attending", department=ultrasound)
    us_senior = doctor("associate_chief", department=ultrasound)
    us = [perform(liver, sonographer) for _ in range(2)]
    found = critical.flag_critical(sonographer.user, us[0], "solid_organ_rupture", "脾破裂出血")
    frozen_clock.move_to(at(10, 36))
    critical.record_notification(
        sonographer.user, found, receiver="赵护士", department="外科", channel="phone",
        read_back=True,
    )  # fmt: skip
    sign_report(sonographer, us_senior, us[0], positive=True)
    frozen_clock.move_to(at(13, 0, days=2))  # Wednesday: 50.5 h after the order
    sign_report(sonographer, us_senior, us[1], positive=False)

    followup.open_follow_ups()
    chest = day["chest"]
    outcomes = {
        chest[0].pk: dict(concordance="full"),
        chest[2].pk: dict(concordance="none", error="missed", cause="未观察肋骨"),
    }
    for case in FollowUp.objects.filter(exam_id__in=outcomes):
        followup.record_outcome(
            writer.user,
            case,
            final_diagnosis="手术证实",
            source="surgery",
            **outcomes[case.exam_id],
        )
    return {**day, "ct_enhanced": ct, "mr": mr, "us": us, "sonographer": sonographer}
