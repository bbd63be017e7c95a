"""In a real browser: log in, switch the language, open the rules page."""

from __future__ import annotations

import pytest

from yiji.core import rulebook
from yiji.site.demo import hospital as demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_site(live_server):
    demo.load()  # the hospital, its people and patients: all these pages need
    return live_server.url


def test_log_in_switch_language_and_open_the_rules(page, demo_site):
    page.goto(demo_site + "/")
    assert page.locator("h1").inner_text() == "登录医技系统"
    page.fill("#id_username", "director")
    page.fill("#id_password", demo.DEMO_PASSWORD)
    page.click("button.primary")
    page.wait_for_url(demo_site + "/")
    nav = page.locator("nav.main")
    assert "系统管理" in nav.inner_text()  # the menus, at most eight
    page.click("nav.main summary:text('系统管理')")  # a menu opens on a click
    assert "制度规则" in nav.inner_text() and "审计日志" in nav.inner_text()

    with page.expect_navigation():
        page.select_option("select[name=language]", "en")
    assert "Administration" in page.locator("nav.main").inner_text()
    assert page.locator("html").get_attribute("lang") == "en"

    page.click("nav.main summary:text('Administration')")
    page.click("nav.main >> text=Rules")
    page.wait_for_url("**/rules/")
    assert page.locator("tr#ORD-1").is_visible()
    assert "Every exam needs a requisition" in page.locator("tr#ORD-1").inner_text()
    assert page.locator("table.rules tbody tr").count() == len(rulebook.all_rules())

    page.select_option("#status", "planned")
    page.click("form.filters button")
    page.wait_for_url("**status=planned**")
    assert page.locator("tr#ORD-7").count() == 0  # every rule is carried out now
    page.select_option("#status", "implemented")
    page.click("form.filters button")
    page.wait_for_url("**status=implemented**")
    assert page.locator("tr#LAB-5").is_visible()


def test_htmx_filters_the_patient_list_without_a_page_load(page, demo_site):
    page.goto(demo_site + "/login/")
    page.fill("#id_username", "clerk")
    page.fill("#id_password", demo.DEMO_PASSWORD)
    page.click("button.primary")
    page.goto(demo_site + "/patients/")
    marker = page.evaluate("window.__marker = 1")
    assert marker == 1
    page.select_option("#id_source", "emergency")
    page.wait_for_url("**source=emergency**")
    page.wait_for_function("document.querySelectorAll('#rows tbody tr').length > 0")
    assert page.evaluate("window.__marker") == 1  # htmx swapped rows; the page stayed
    assert "急诊" in page.locator("#rows").inner_text()
    assert "门诊" not in page.locator("#rows tbody").inner_text()
