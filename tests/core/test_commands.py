"""The `yiji` command and `yiji serve`: a real production server answering on loopback."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

import pytest


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _yiji(*args, env, timeout=120):
    return subprocess.run(
        [sys.executable, "-m", "yiji", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@pytest.fixture(scope="session")
def migrated_site(tmp_path_factory):
    """One site migrated by `yiji migrate` for the whole session (migrating takes seconds);
    each test that needs a migrated site gets its own copy of it."""
    var = tmp_path_factory.mktemp("migrated")
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["YIJI_VAR_DIR"] = str(var)
    done = _yiji("migrate", "-v0", env=env)
    assert done.returncode == 0, done.stderr
    return var


@pytest.fixture
def migrated(site_env, tmp_path, migrated_site):
    shutil.copytree(migrated_site, tmp_path, dirs_exist_ok=True)
    return site_env


@pytest.fixture
def site_env(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        YIJI_VAR_DIR=str(tmp_path),
        YIJI_PORT=str(_free_port()),
        YIJI_HL7_PORT=str(_free_port()),
        YIJI_DICOM_PORT=str(_free_port()),
    )
    return env


def test_serve_runs_gunicorn_with_a_chinese_login_page(migrated, tmp_path):
    site_env = migrated
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0  # owner-only key file
    server = subprocess.Popen(
        [sys.executable, "-m", "yiji", "serve", "--workers", "1"],
        env=site_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{site_env['YIJI_PORT']}/login/"
    try:
        body = ""
        for _ in range(100):
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    body = response.read().decode()
                    server_header = response.headers.get("Server", "")
                break
            except OSError:
                time.sleep(0.2)
        assert "登录" in body and 'lang="zh-hans"' in body
        assert "gunicorn" in server_header.lower()
        with urllib.request.urlopen(url.replace("/login/", "/static/vendor/htmx.min.js")) as js:
            assert js.status == 200
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_sqlite_runs_in_wal_mode(migrated):
    site_env = migrated
    out = _yiji(
        "shell",
        "-c",
        "from django.db import connection; c = connection.cursor(); "
        "c.execute('PRAGMA journal_mode'); print(c.fetchone()[0])",
        env=site_env,
    )
    assert out.stdout.strip().splitlines()[-1] == "wal"


@pytest.mark.parametrize(
    ("name", "value"), [("YIJI_DEBUG", "yes"), ("YIJI_PORT", "eighty"), ("DATABASE_URL", "nope")]
)
def test_a_bad_setting_stops_start_up_naming_the_variable(site_env, name, value):
    site_env[name] = value
    out = _yiji("check", env=site_env)
    assert out.returncode != 0 and name in out.stderr
    assert "Traceback" not in out.stderr.splitlines()[-1]


def test_audit_verify_exit_codes(migrated):
    site_env = migrated
    assert _yiji("audit", "verify", env=site_env).returncode == 0
    script = (
        "from yiji.core import audit; audit.record(None, 'create', reason='a'); "
        "audit.record(None, 'create', reason='b'); "
        "from django.db import connection; "
        "connection.cursor().execute(\"UPDATE core_auditentry SET reason='x' WHERE seq=1\")"
    )
    _yiji("shell", "-c", script, env=site_env)
    broken = _yiji("audit", "verify", env=site_env)
    assert broken.returncode != 0 and "entry 1" in broken.stderr


def test_https_mode_makes_cookies_secure(site_env):
    script = (
        "from django.conf import settings; "
        "print(settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE, "
        "settings.SECURE_HSTS_SECONDS > 0)"
    )
    site_env["YIJI_HTTPS"] = "True"
    assert _yiji("shell", "-c", script, env=site_env).stdout.split()[-3:] == ["True"] * 3
    site_env["YIJI_HTTPS"] = "False"
    assert (
        "True"
        not in _yiji(
            "shell", "-c", script.replace(", settings.SECURE_HSTS_SECONDS > 0", ""), env=site_env
        ).stdout.split()[-2:]
    )


def test_up_starts_every_process_and_ctrl_c_stops_them_all(migrated):
    import signal

    site_env = migrated
    up = subprocess.Popen(
        [sys.executable, "-m", "yiji", "up"],
        env=site_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{site_env['YIJI_PORT']}/login/"
    try:
        # A minute: on a loaded machine the processes take far longer than their usual seconds.
        for _ in range(300):
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    assert response.status == 200
                break
            except OSError:
                time.sleep(0.2)
        else:
            output = up.stdout.read() if up.poll() is not None else "(still running)"
            pytest.fail(f"yiji up did not start the web server: {output[-2000:]}")
        for name in ("YIJI_HL7_PORT", "YIJI_DICOM_PORT"):  # the listeners are up as well
            for _ in range(100):
                with socket.socket() as sock:
                    if sock.connect_ex(("127.0.0.1", int(site_env[name]))) == 0:
                        break
                time.sleep(0.2)
            else:
                pytest.fail(f"yiji up did not start the listener on {name}")
        os.killpg(up.pid, signal.SIGINT)  # what Ctrl-C in the terminal sends
        output, _ = up.communicate(timeout=30)
    finally:
        if up.poll() is None:
            os.killpg(up.pid, signal.SIGKILL)
    assert "Yiji stopped." in output
    with pytest.raises(OSError):
        urllib.request.urlopen(url, timeout=2)
