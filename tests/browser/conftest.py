"""Browser tests drive Debian's Chromium through Playwright (no downloaded browser).

Without Chromium they are skipped with a clear reason, except in CI (YIJI_REQUIRE_BROWSER=1),
where a missing browser fails the run.
"""

from __future__ import annotations

import os
import shutil

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def browser():
    if CHROMIUM is None:
        if os.environ.get("YIJI_REQUIRE_BROWSER") == "1":
            pytest.fail("Chromium is required (YIJI_REQUIRE_BROWSER=1) but not installed")
        pytest.skip("Chromium not installed: browser tests skipped (apt-get install chromium)")
    # Playwright's sync API runs an event loop in this thread; Django's ORM guard would
    # otherwise refuse the test's own database calls.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    """A page that fails its test when the Content-Security-Policy blocks anything: every
    script and handler a page needs must be allowed by the policy the server sends."""
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15000)
    blocked: list[str] = []
    page.on(
        "console",
        lambda message: "Content Security Policy" in message.text and blocked.append(message.text),
    )
    yield page
    context.close()
    assert blocked == []


@pytest.fixture
def login(page):
    """login(site, username): log in through the form with the demo password."""
    from yiji.site.demo import hospital as demo

    def sign_in(site: str, username: str) -> None:
        page.goto(site + "/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", demo.DEMO_PASSWORD)
        page.click("button.primary")
        page.wait_for_url(site + "/")

    return sign_in
