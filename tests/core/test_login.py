"""Log-in, lockout after repeated failures, idle timeout, log-out, CSRF."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.test import Client

from tests.conftest import PASSWORD
from yiji.core import policy
from yiji.core.models import AuditAction, AuditEntry


def _login(client, username, password):
    return client.post("/login/", {"username": username, "password": password})


def test_login_page_is_chinese_by_default(db):
    response = Client().get("/login/")
    assert response.status_code == 200
    assert "登录" in response.text and 'lang="zh-hans"' in response.text


def test_pages_need_login(db):
    response = Client().get("/patients/")
    assert response.status_code == 302 and response.url.startswith("/login/")


def test_login_and_logout_are_audited(clerk):
    client = Client()
    response = _login(client, "clerk", PASSWORD)
    assert response.status_code == 302 and response.url == "/"
    assert client.get("/").status_code == 200
    assert client.get("/logout/").status_code == 405  # log-out is a POST, with CSRF
    client.post("/logout/")
    assert client.get("/").status_code == 302
    actions = list(AuditEntry.objects.order_by("seq").values_list("action", flat=True))
    assert actions[-2:] == [AuditAction.LOGIN, AuditAction.LOGOUT]


def test_wrong_password_is_refused_without_saying_which_part(clerk):
    response = _login(Client(), "clerk", "wrong")
    assert response.status_code == 200 and "用户名或密码错误" in response.text
    assert AuditEntry.objects.filter(action=AuditAction.LOGIN_FAILED, object_id="clerk").exists()


def test_lockout_after_the_policy_number_of_failures(clerk):
    limit = policy.value("sec.lockout_failures")
    minutes = policy.value("sec.lockout_minutes")
    start = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        for _ in range(limit):
            _login(Client(), "clerk", "wrong")
        response = _login(Client(), "clerk", PASSWORD)
        assert "锁定" in response.text
        assert AuditEntry.objects.filter(action=AuditAction.LOCKED_OUT).count() == 1
    with time_machine.travel(start + dt.timedelta(minutes=minutes - 1), tick=False):
        assert "锁定" in _login(Client(), "clerk", PASSWORD).text
    with time_machine.travel(start + dt.timedelta(minutes=minutes + 1), tick=False):
        assert _login(Client(), "clerk", PASSWORD).status_code == 302


def test_a_success_resets_the_failure_count(clerk):
    limit = policy.value("sec.lockout_failures")
    for _ in range(limit - 1):
        _login(Client(), "clerk", "wrong")
    assert _login(Client(), "clerk", PASSWORD).status_code == 302
    for _ in range(limit - 1):
        _login(Client(), "clerk", "wrong")
    assert _login(Client(), "clerk", PASSWORD).status_code == 302


def test_idle_session_times_out(clerk):
    idle = policy.value("sec.session_idle_minutes")
    start = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)
    client = Client()
    with time_machine.travel(start, tick=False):
        _login(client, "clerk", PASSWORD)
        assert client.get("/").status_code == 200
    with time_machine.travel(start + dt.timedelta(minutes=idle - 1), tick=False):
        assert client.get("/").status_code == 200  # activity restarts the clock
    with time_machine.travel(start + dt.timedelta(minutes=2 * idle - 1), tick=False):
        assert client.get("/").status_code == 200
    with time_machine.travel(start + dt.timedelta(minutes=3 * idle + 1), tick=False):
        response = client.get("/")
        assert response.status_code == 302 and response.url == "/login/"


def test_the_shortest_idle_limit_holds_though_the_setting_is_read_only_past_it(
    clerk, director, hospital
):
    """The stored limit is read only once a session has been idle for the setting's minimum:
    set to that minimum (one minute), it still logs out at one minute and a second."""
    shortest = policy.setting("sec.session_idle_minutes").minimum
    policy.change(director.user, "sec.session_idle_minutes", shortest, hospital=hospital)
    start = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)
    client = Client()
    with time_machine.travel(start, tick=False):
        _login(client, "clerk", PASSWORD)
        assert client.get("/").status_code == 200  # last seen now
    with time_machine.travel(start + dt.timedelta(minutes=shortest, seconds=-1), tick=False):
        assert client.get("/").status_code == 200
    later = start + dt.timedelta(minutes=shortest, seconds=1)
    with time_machine.travel(later, tick=False):
        response = client.get("/")
        assert response.status_code == 302 and response.url == "/login/"


def test_forms_need_a_csrf_token(clerk):
    client = Client(enforce_csrf_checks=True)
    assert _login(client, "clerk", PASSWORD).status_code == 403


def test_a_safe_next_url_is_followed_and_a_foreign_one_ignored(clerk):
    client = Client()
    ok = client.post("/login/", {"username": "clerk", "password": PASSWORD, "next": "/patients/"})
    assert ok.url == "/patients/"
    client = Client()
    evil = client.post(
        "/login/", {"username": "clerk", "password": PASSWORD, "next": "https://evil.example/"}
    )
    assert evil.url == "/"


def test_password_rules(clerk, client_for):
    client = client_for(clerk)
    weak = client.post(
        "/account/",
        {
            "form": "password",
            "old_password": PASSWORD,
            "new_password1": "abcdefgh",
            "new_password2": "abcdefgh",
        },
    )
    assert weak.status_code == 200 and "字母和数字" in weak.text
    good = client.post(
        "/account/",
        {
            "form": "password",
            "old_password": PASSWORD,
            "new_password1": "Xk39vbq2Lm",
            "new_password2": "Xk39vbq2Lm",
        },
    )
    assert good.status_code == 302
    clerk.user.refresh_from_db()
    assert clerk.user.check_password("Xk39vbq2Lm")


def test_the_lock_is_per_address_so_one_machine_cannot_lock_a_user_out_everywhere(clerk, director):
    from yiji.core.models import Notice

    limit = policy.value("sec.lockout_failures")
    start = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        ward_pc, office_pc = Client(REMOTE_ADDR="10.0.8.31"), Client(REMOTE_ADDR="10.0.1.5")
        for _ in range(limit):
            _login(ward_pc, "director", "wrong")
        assert "锁定" in _login(ward_pc, "director", PASSWORD).text
        assert _login(office_pc, "director", PASSWORD).status_code == 302  # elsewhere: in
        told = Notice.objects.get(recipient=director)
        assert "10.0.8.31" in told.message  # the person learns of it
        locked = AuditEntry.objects.get(action=AuditAction.LOCKED_OUT)
        assert locked.object_id == "director" and locked.ip == "10.0.8.31"


def test_an_address_guessing_many_names_is_slowed_down(clerk, director):
    limit = policy.value("sec.lockout_failures")
    start = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        guesser = Client(REMOTE_ADDR="10.9.9.9")
        for n in range(4 * limit):
            _login(guesser, f"user{n}", "wrong")  # never the same name twice
        assert "锁定" in _login(guesser, "clerk", PASSWORD).text
        assert _login(Client(REMOTE_ADDR="10.0.1.6"), "clerk", PASSWORD).status_code == 302
