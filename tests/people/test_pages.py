"""The people pages through the web: a leader builds and publishes the roster, staff see it
once published, a handover is written and confirmed, leave is requested and approved, and the
dose keeper imports an agency file — refusals shown with their rule ID, never a server error."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.conftest import PASSWORD
from yiji.core import policy
from yiji.core.models import CredentialKind, Refusal, Role
from yiji.people.models import DoseRecord, Duty, Handover, LeaveRequest, LeaveStatus

from .conftest import credentialed


@pytest.mark.rules("STF-4", "RAD-1")
def test_the_roster_is_built_published_and_printed(
    client_for, leader, shifts, ct_tech, imaging, make_staff, director
):
    tech = ct_tech("张技师")
    bare = make_staff(Role.TECHNOLOGIST, name="无证技师")
    web = client_for(leader)
    url = f"/people/roster/?department={imaging.pk}&month=2026-12"
    base = {"department": imaging.pk, "month": "2026-12"}
    web.post(
        "/people/roster/",
        {
            **base,
            "action": "assign",
            "staff": tech.pk,
            "shift": shifts["day"].pk,
            "day": "2026-12-02",
        },
    )
    response = web.post(
        "/people/roster/",
        {
            **base,
            "action": "assign",
            "staff": bare.pk,
            "shift": shifts["day"].pk,
            "day": "2026-12-02",
        },
        follow=True,
    )
    assert "【RAD-1】" in response.content.decode()
    assert Refusal.objects.filter(rule="RAD-1").count() == 1
    # Bad input: an impossible date, a tampered primary key.
    response = web.post(
        "/people/roster/",
        {
            **base,
            "action": "assign",
            "staff": tech.pk,
            "shift": shifts["day"].pk,
            "day": "2026-02-30",
        },
        follow=True,
    )
    assert response.status_code == 200 and "【STF-4】" in response.content.decode()
    assert (
        web.post(
            "/people/roster/", {**base, "action": "assign", "staff": "x", "shift": shifts["day"].pk}
        ).status_code
        == 404
    )
    staff_view = client_for(tech).get(url).content.decode()
    assert '<span class="tag">张技师' not in staff_view  # a draft is the makers' only
    # One day shift is not 24-hour duty: the page lists the gaps and publishing is refused.
    assert 'id="coverage-gaps"' in web.get(url).content.decode()
    refused = web.post("/people/roster/", {**base, "action": "publish"}, follow=True)
    assert "【STF-4】" in refused.content.decode() and "无人在岗" in refused.content.decode()
    # A department that keeps no post staffed round the clock publishes it.
    policy.change(
        director.user,
        "stf.round_the_clock_posts",
        [],
        hospital=imaging.hospital,
        department=imaging,
        reason="无夜班",
    )
    web.post("/people/roster/", {**base, "action": "publish"})
    page = client_for(tech).get(url).content.decode()
    assert '<span class="tag">张技师' in page and "CT白班" in page
    assert Duty.objects.filter(staff=tech).count() == 1


@pytest.mark.rules("STF-4")
def test_a_shift_type_is_added_from_the_page(client_for, leader, imaging):
    web = client_for(leader)
    base = {"department": imaging.pk, "month": "2026-12", "action": "shift"}
    web.post(
        "/people/roster/",
        {
            **base,
            "code": "MR-D",
            "name": "MR白班",
            "kind": "day",
            "post": "large_equipment",
            "starts": "08:00",
            "hours": "8",
            "handover": "on",
        },
    )
    response = web.post(
        "/people/roster/",
        {
            **base,
            "code": "BAD",
            "name": "坏",
            "kind": "day",
            "post": "large_equipment",
            "starts": "",
            "hours": "8",
        },
        follow=True,
    )
    assert "【STF-4】" in response.content.decode()
    assert (
        "MR白班"
        in web.get(f"/people/roster/?department={imaging.pk}&month=2026-12").content.decode()
    )


@pytest.mark.rules("STF-4")
def test_a_handover_is_written_and_confirmed_on_the_page(
    client_for, leader, shifts, ct_tech, imaging
):
    from yiji.people import roster

    november = roster.roster_for(imaging, dt.date(2026, 11, 1))
    outgoing, incoming = ct_tech("夜班人"), ct_tech("白班人")
    duty = roster.assign(leader.user, november, outgoing, shifts["night"], dt.date(2026, 11, 22))
    page = client_for(outgoing).get(f"/people/handover/?department={imaging.pk}").content.decode()
    assert "CT夜班" in page
    client_for(outgoing).post(
        "/people/handover/",
        {"action": "write", "duty": duty.pk, "department": imaging.pk, "notes": "平安无事"},
    )
    record = Handover.objects.get(duty=duty)
    assert (
        "平安无事"
        in client_for(incoming).get(f"/people/handover/?department={imaging.pk}").content.decode()
    )
    client_for(incoming).post(
        "/people/handover/", {"action": "confirm", "handover": record.pk, "department": imaging.pk}
    )
    record.refresh_from_db()
    assert record.incoming == incoming


@pytest.mark.rules("STF-3")
def test_leave_is_requested_and_approved_on_the_page(client_for, leader, make_staff):
    tech = make_staff(Role.TECHNOLOGIST, name="请假人")
    web = client_for(tech)
    response = web.post(
        "/people/leave/",
        {
            "action": "request",
            "kind": "personal",
            "first_day": "2026-11-23",
            "last_day": "2026-11-23",
            "reason": "事",
        },
        follow=True,
    )
    assert "【STF-3】" in response.content.decode()
    web.post(
        "/people/leave/",
        {
            "action": "request",
            "kind": "personal",
            "first_day": "2026-11-25",
            "last_day": "2026-11-25",
            "reason": "办事",
        },
    )
    request = LeaveRequest.objects.get(staff=tech)
    assert "请假人" in client_for(leader).get("/people/leave/").content.decode()
    client_for(leader).post(
        "/people/leave/", {"action": "approve", "request": request.pk, "secret": PASSWORD}
    )
    request.refresh_from_db()
    assert request.status == LeaveStatus.APPROVED


@pytest.mark.rules("RAD-2")
def test_the_dose_keeper_imports_a_file_after_the_preview(client_for, make_staff):
    from django.core.files.uploadedfile import SimpleUploadedFile

    keeper = make_staff(Role.QC_OFFICER, whole_hospital=True)
    worker = credentialed(
        make_staff(Role.TECHNOLOGIST, name="甲"), CredentialKind.RADIATION_TRAINING
    )
    content = (
        "工号,姓名,开始日期,结束日期,Hp(10),Hp(0.07)\n"
        f"{worker.employee_no},甲,2026-09-01,2026-09-30,0.1,0.1\n"
        "X1,乙,2026-09-01,2026-09-30,0.1,0.1\n"
    ).encode()
    web = client_for(keeper)
    response = web.post(
        "/people/dosimetry/", {"action": "upload", "file": SimpleUploadedFile("q3.csv", content)}
    )
    preview = web.get(response["Location"]).content.decode()
    assert "工号X1不存在" in preview and DoseRecord.objects.count() == 0
    web.post(response["Location"])
    assert DoseRecord.objects.count() == 1
    assert "0.100" in client_for(worker).get(f"/people/{worker.pk}/dose/").content.decode()
    # Someone else's dose history is not open to a colleague.
    assert (
        client_for(make_staff(Role.TECHNOLOGIST)).get(f"/people/{worker.pk}/dose/").status_code
        == 403
    )
    bad = web.post(
        "/people/dosimetry/",
        {"action": "upload", "file": SimpleUploadedFile("x.xlsx", b"junk")},
        follow=True,
    )
    assert bad.status_code == 200 and "【RAD-2】" in bad.content.decode()


def test_the_pages_open_for_their_users(client_for, leader, director, make_staff):
    keeper = make_staff(Role.QC_OFFICER, whole_hospital=True)
    for who, url in [(leader, "/people/"), (director, "/people/"), (keeper, "/people/dosimetry/"),
                     (leader, f"/people/{leader.pk}/"), (leader, "/people/handover/")]:  # fmt: skip
        assert client_for(who).get(url).status_code == 200, url
    assert client_for(make_staff(Role.TECHNOLOGIST)).get("/people/dosimetry/").status_code == 403


@pytest.mark.rules("STF-2", "STF-9")
def test_sign_in_and_the_month_sheet_on_the_page(client_for, leader, director, imaging, make_staff):
    clerk = make_staff(Role.CLERK, name="登记员")
    web = client_for(clerk)
    page = web.post(
        "/people/attendance/", {"action": "sign_in", "department": imaging.pk}, follow=True
    )
    assert "签到" in page.content.decode()
    again = web.post(
        "/people/attendance/", {"action": "sign_in", "department": imaging.pk}, follow=True
    )
    assert "【STF-2】" in again.content.decode()
    sheet = client_for(leader).get(f"/people/attendance/?department={imaging.pk}&month=2026-11")
    assert "登记员" in sheet.content.decode()
    export = client_for(leader).get(
        f"/people/attendance/?department={imaging.pk}&month=2026-11&format=xlsx"
    )
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "Excel" not in web.get(f"/people/attendance/?department={imaging.pk}").content.decode()


@pytest.mark.rules("STF-7", "STF-8")
def test_training_records_from_the_pages(client_for, make_staff, imaging):
    from yiji.people.models import CmeCredit, StudySession, TrainingPlan

    deputy = make_staff(Role.DEPUTY_DIRECTOR, name="副主任")
    person = make_staff(Role.TECHNOLOGIST, name="技师甲")
    mine = client_for(person)
    mine.post(
        f"/people/{person.pk}/",
        {
            "action": "credit",
            "credit_class": "1",
            "credits": "5",
            "activity": "学术年会",
            "earned_on": "2026-11-01",
        },
    )
    assert CmeCredit.objects.filter(staff=person).count() == 1
    bad = mine.post(
        f"/people/{person.pk}/",
        {
            "action": "credit",
            "credit_class": "x",
            "credits": "abc",
            "activity": "",
            "earned_on": "2026-02-30",
        },
        follow=True,
    )
    assert "【STF-7】" in bad.content.decode()
    web = client_for(deputy)
    web.post(
        "/people/training/",
        {
            "action": "study",
            "department": imaging.pk,
            "kind": "department",
            "held_on": "2026-11-20",
            "topic": "院感",
            "speaker": "王主任",
        },
    )
    session = StudySession.objects.get()
    web.post(
        "/people/training/",
        {
            "action": "attendance",
            "department": imaging.pk,
            "session": session.pk,
            "present": [person.pk],
        },
    )
    assert session.attendance.filter(present=True).count() == 1
    refused = web.post(
        f"/people/{person.pk}/",
        {"action": "plan", "kind": "new_graduate", "start": "2026-09-01", "goals": "见习"},
        follow=True,
    )
    assert "【STF-8】" in refused.content.decode() and not TrainingPlan.objects.exists()
    page = web.get(f"/people/training/?department={imaging.pk}").content.decode()
    assert "技师甲" in page and "院感" in page
