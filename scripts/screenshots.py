"""`make screenshots`: the daily screens at 1366×768, in Chinese, as their users see them,
from a scratch demo database (var/screenshots/db), into var/screenshots/*.png.

Needs Debian's Chromium (apt-get install chromium fonts-noto-cjk); nothing is downloaded."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "var" / "screenshots"
YIJI = str(ROOT / ".venv" / "bin" / "yiji")
SIZE = {"width": 1366, "height": 768}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _prepare(env: dict) -> None:
    shutil.rmtree(OUT / "db", ignore_errors=True)
    (OUT / "db").mkdir(parents=True)
    for command in (
        ["migrate", "--noinput", "-v0"],
        ["demo"],
        ["collectstatic", "--noinput", "-v0"],
    ):
        subprocess.run([YIJI, *command], env=env, check=True, stdout=subprocess.DEVNULL)


def _wait(url: str) -> None:
    for _ in range(100):
        try:
            urllib.request.urlopen(url, timeout=1)
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"the server did not answer at {url}")


def _shoot(site: str) -> list[Path]:
    import django
    from playwright.sync_api import sync_playwright

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yiji.settings")
    django.setup()
    from yiji.site.demo.hospital import DEMO_PASSWORD

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        raise SystemExit("Chromium is needed: apt-get install chromium fonts-noto-cjk")
    shots = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])

        def page_as(username: str):
            context = browser.new_context(viewport=SIZE, locale="zh-CN")
            page = context.new_page()
            page.goto(f"{site}/login/")
            page.fill("#id_username", username)
            page.fill("#id_password", DEMO_PASSWORD)
            page.click("button.primary")
            page.wait_for_url(f"{site}/")
            return page

        def shoot(page, name: str) -> None:
            page.wait_for_load_state("networkidle")
            path = OUT / f"{name}.png"
            page.screenshot(path=str(path))
            shots.append(path)

        director = page_as("director")
        director.goto(f"{site}/quality/cockpit/")
        director.wait_for_timeout(800)  # the charts' drawing
        shoot(director, "cockpit")
        clerk = page_as("clerk")
        clerk.goto(f"{site}/desk/")
        clerk.fill("#desk-q", "王")
        clerk.wait_for_selector("[data-action=choose-patient]")
        clerk.click("[data-action=choose-patient]")
        shoot(clerk, "desk")
        tech = page_as("tech")
        tech.goto(f"{site}/worklist/")
        room = tech.locator("a[href*='/queue/']:has-text('CT')").first.get_attribute("href")
        tech.goto(f"{site}{room}")
        if not tech.locator(".identity").count():
            tech.keyboard.press("n")  # call the next patient: one key
            tech.wait_for_load_state("load")
        shoot(tech, "room")
        screen = browser.new_context(viewport=SIZE, locale="zh-CN").new_page()
        screen.goto(f"{site}{room.replace('/rooms/', '/screen/').replace('/queue/', '/')}")
        shoot(screen, "queue-screen")
        browser.close()
    return shots


def main() -> None:
    port = _free_port()
    os.environ.update({"YIJI_VAR_DIR": str(OUT / "db"), "YIJI_PORT": str(port)})
    os.environ.pop("DATABASE_URL", None)
    env = dict(os.environ)
    _prepare(env)
    server = subprocess.Popen([YIJI, "serve", "--port", str(port), "--workers", "1"], env=env)
    try:
        site = f"http://127.0.0.1:{port}"
        _wait(f"{site}/login/")
        for path in _shoot(site):
            print(path.relative_to(ROOT))
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
