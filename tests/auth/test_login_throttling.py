"""Login throttling that an attacker cannot turn against a colleague (OWASP): per (account, IP) pair,
per IP, and per account a short wait that doubles with each failure up to a cap.

Time is frozen and moved on by the test (``time.time``, which the limiter store reads): no sleeping.
"""
import logging
import re
import time

import pytest

from tests.conftest import csrf_token

ATTACKER = "203.0.113.66"
VICTIM = "198.51.100.7"


@pytest.fixture
def clock(monkeypatch):
    """Time stands still (so a slow machine cannot let a wait run out) until the test moves it."""
    start = time.time()
    offset = [0.0]
    monkeypatch.setattr(time, "time", lambda: start + offset[0])

    def advance(seconds):
        offset[0] += seconds

    return advance


def _login(client, email, password, ip):
    token = csrf_token(client)
    return client.post("/login", data={"email": email, "password": password, "csrf_token": token},
                       environ_base={"REMOTE_ADDR": ip})


def _retry_after(resp):
    assert resp.status_code == 429, resp.status_code
    wait = int(resp.headers["Retry-After"])
    assert f"Hãy đợi {wait} giây" in resp.get_data(as_text=True)
    return wait


def test_attacker_cannot_lock_a_colleague_out(make_app, make_user, clock):
    app = make_app()
    attacker, victim = app.test_client(), app.test_client()
    user = make_user(email="lan@example.vn")
    for _ in range(5):
        assert _login(attacker, user.email, "sai-mat-khau", ATTACKER).status_code == 200
    # The owner, from her own desk, waits at most the short backoff (not 10 minutes) ...
    wait = _retry_after(_login(victim, user.email, "mat-khau-dung-1", VICTIM))
    assert wait <= app.config["LOGIN_BACKOFF_BASE"]
    clock(wait + 1)
    assert _login(victim, user.email, "mat-khau-dung-1", VICTIM).status_code == 302
    # ... while the attacker's address stays throttled for this account, even with the right password.
    assert _login(attacker, user.email, "mat-khau-dung-1", ATTACKER).status_code == 429
    clock(60)
    assert _login(attacker, user.email, "mat-khau-dung-1", ATTACKER).status_code == 429


def test_the_wait_doubles_with_each_failure_up_to_the_cap(make_app, make_user, clock):
    app = make_app(LOGIN_BACKOFF_AFTER=2, LOGIN_BACKOFF_BASE=2, LOGIN_BACKOFF_CAP=8)
    client = app.test_client()
    user = make_user()
    waits = []
    for i in range(6):  # each from a new address: the per-pair limit never applies
        assert _login(client, user.email, "sai-mat-khau", f"192.0.2.{i + 1}").status_code == 200
        if i + 1 < 2:
            continue  # before LOGIN_BACKOFF_AFTER failures nobody waits (checked by the other tests)
        wait = _retry_after(_login(client, user.email, "mat-khau-dung-1", "192.0.2.200"))
        # Trying during the wait neither signs in nor makes the wait longer.
        assert _retry_after(_login(client, user.email, "mat-khau-dung-1", "192.0.2.201")) <= wait
        waits.append(wait)
        clock(wait + 0.5)
    assert waits == [2, 4, 8, 8, 8]


def test_throttled_unknown_and_known_accounts_answer_alike(make_app, make_user, clock, monkeypatch):
    from elearn.auth import services

    app = make_app()
    client = app.test_client()
    user = make_user()
    for email in (user.email, "khong-ton-tai@example.vn"):
        for _ in range(5):
            _login(client, email, "sai-mat-khau", ATTACKER)
    checks = []
    real = services.check_password_hash
    monkeypatch.setattr(services, "check_password_hash", lambda h, p: checks.append(h) or real(h, p))
    known = _login(client, user.email, "sai-mat-khau", ATTACKER)
    unknown = _login(client, "khong-ton-tai@example.vn", "sai-mat-khau", ATTACKER)
    assert known.status_code == unknown.status_code == 429
    def strip(resp):  # the CSRF token, the typed address and the seconds differ
        return re.sub(r'value="[^"]*"|\d+ giây', "", resp.get_data(as_text=True))

    assert strip(known) == strip(unknown)
    assert checks == []  # throttled: no password is looked at, for either


def test_a_success_clears_the_backoff(make_app, make_user, clock):
    app = make_app(LOGIN_BACKOFF_AFTER=3)
    client = app.test_client()
    user = make_user()
    for _ in range(3):
        _login(client, user.email, "sai-mat-khau", VICTIM)
    clock(_retry_after(_login(client, user.email, "mat-khau-dung-1", VICTIM)) + 1)
    assert _login(client, user.email, "mat-khau-dung-1", VICTIM).status_code == 302
    client.post("/logout", data={"csrf_token": csrf_token(client, "/account")})
    # One more mistake right after is not punished with the old, longer wait.
    assert _login(client, user.email, "sai-mat-khau", VICTIM).status_code == 200
    assert _login(client, user.email, "mat-khau-dung-1", VICTIM).status_code == 302


def test_lockouts_are_in_the_security_log(make_app, make_user, caplog, clock):
    caplog.set_level(logging.INFO, logger="elearn.security")
    app = make_app()
    client = app.test_client()
    user = make_user()
    for _ in range(5):
        _login(client, user.email, "sai-mat-khau", ATTACKER)
    _login(client, user.email, "sai-mat-khau", ATTACKER)
    lines = [r.getMessage() for r in caplog.records if r.name == "elearn.security"]
    assert sum(line.startswith("event=login_failed") for line in lines) == 5
    lockout = [line for line in lines if line.startswith("event=lockout")]
    assert lockout and f'email="{user.email}"' in lockout[-1] and f'ip="{ATTACKER}"' in lockout[-1]
    assert 'pair="True"' in lockout[-1]
    assert any(line.startswith("event=login_throttled") for line in lines)
    assert not any("sai-mat-khau" in line for line in lines)
