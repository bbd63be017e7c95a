"""The roster and the handover in a real browser (STF-4): the CT group leader builds next
month's roster by copying this month's and adding a duty, publishes it; the physician on
24-hour duty writes the handover, with the open work listed, and a colleague confirms it."""

from __future__ import annotations

import datetime as dt

import pytest

from yiji.people import handover
from yiji.site.demo import hospital as demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def site(live_server):
    from yiji.site.demo import people

    demo.load()
    assert people.load()
    return live_server.url


def _second_context(browser, site, username):
    page = browser.new_context(locale="zh-CN").new_page()
    page.set_default_timeout(15000)
    page.goto(site + "/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", demo.DEMO_PASSWORD)
    page.click("button.primary")
    page.wait_for_url(site + "/")
    return page


def test_next_months_roster_is_built_and_published_then_a_handover_is_confirmed(
    page, browser, site, login
):
    from django.utils import timezone

    from yiji.core.models import Department, Staff
    from yiji.people import roster
    from yiji.people.models import Duty, Handover, Post, Roster, RosterStatus, ShiftKind, ShiftType
    from yiji.site.demo import people as demo_people

    imaging = Department.objects.get(code="RAD")
    month = roster.next_month(roster.month_start(timezone.localdate()))
    this_month = Duty.objects.filter(roster__department=imaging, roster__month__lt=month).count()

    login(site, "leader")
    page.goto(f"{site}/people/roster/?department={imaging.pk}&month={month:%Y-%m}")
    page.click("button[name=action][value=copy]")
    page.wait_for_load_state()
    assert "已从上月复制" in page.content()
    copied = Duty.objects.filter(roster__department=imaging, roster__month=month).count()
    assert copied > this_month // 2  # rest rules and month lengths leave some out
    # One more duty by hand: the registration desk on the month's last day.
    clerk = Staff.objects.get(user__username="clerk")
    last_day = roster.next_month(month) - dt.timedelta(days=1)
    Duty.objects.filter(staff=clerk, day=last_day).delete()
    page.select_option("#assign select[name=staff]", str(clerk.pk))
    page.select_option("#assign select[name=shift]", label="登记白班")
    page.fill("#assign input[name=day]", last_day.isoformat())
    page.click("#assign button")
    page.wait_for_load_state()
    assert "已排班" in page.content()
    # A copied month leaves hours of the 24-hour posts uncovered: listed, and not published.
    assert page.locator("#coverage-gaps li").count() > 0
    page.click("button[name=action][value=publish]")
    page.wait_for_load_state()
    assert "【STF-4】" in page.content() and "无人在岗" in page.content()
    plan = Roster.objects.get(department=imaging, month=month)
    leader = Staff.objects.get(user__username="leader")
    for shift in ShiftType.objects.filter(department=imaging).exclude(kind=ShiftKind.DAY):
        group = "CT" if shift.post == Post.LARGE_EQUIPMENT else None
        roster.fill_rotation(leader.user, plan, shift, demo_people._eligible(imaging, shift.post,
                                                                             group))  # fmt: skip
    roster.fill_rotation(
        leader.user,
        plan,
        ShiftType.objects.get(department=imaging, code="CT-D"),
        demo_people._eligible(imaging, Post.LARGE_EQUIPMENT, "CT"),
    )
    page.reload()
    assert page.locator("#coverage-gaps").count() == 0
    page.click("button[name=action][value=publish]")
    page.wait_for_load_state()
    assert "排班表已发布" in page.content()
    plan = Roster.objects.get(department=imaging, month=month)
    assert plan.status == RosterStatus.PUBLISHED
    assert plan.duties.filter(staff=clerk, day=last_day).exists()

    now = timezone.now()
    duty = Duty.objects.get(
        roster__department=imaging, shift__code="ZB", starts_at__lte=now, ends_at__gt=now
    )
    on_duty = _second_context(browser, site, duty.staff.user.username)
    on_duty.goto(f"{site}/people/handover/?department={imaging.pk}")
    assert "影像诊断24小时值班" in on_duty.content()
    on_duty.fill(f"#notes{duty.pk}", "夜间急诊CT两例已出报告；CT二室注射器待维修。")
    on_duty.click(f"form:has(#notes{duty.pk}) button.primary")
    on_duty.wait_for_load_state()
    assert "已交班" in on_duty.content()
    record = Handover.objects.get(duty=duty)

    successors = handover.rostered_next(record)  # the next shift confirms (STF-4)
    colleague = (
        successors[0].user.username
        if successors
        else next(n for n in ("physician", "deputy", "leader") if n != duty.staff.user.username)
    )
    incoming = _second_context(browser, site, colleague)
    incoming.goto(f"{site}/people/handover/?department={imaging.pk}")
    row = incoming.locator("tr", has=incoming.locator(f"input[name=handover][value='{record.pk}']"))
    assert "注射器待维修" in row.inner_text()
    row.locator("button.primary").click()
    incoming.wait_for_load_state()
    assert "已确认接班" in incoming.content()
    record.refresh_from_db()
    assert record.confirmed_at is not None and record.incoming.user.username == colleague
