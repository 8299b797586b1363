"""The security baseline: each protection has a test that fails when it is removed."""
import os
import time

import pytest
from werkzeug.routing import IntegerConverter

from elearn import create_app
from elearn.core.security import is_safe_next
from tests.conftest import csrf_token


# --- CSRF -----------------------------------------------------------------------------------------

def test_form_post_without_csrf_token_is_refused(client, make_user):
    user = make_user()
    resp = client.post("/login", data={"email": user.email, "password": "mat-khau-dung-1"})
    assert resp.status_code == 400
    assert "Phiên làm việc đã hết hạn" in resp.get_data(as_text=True)
    assert "elearn_session" not in "".join(resp.headers.getlist("Set-Cookie")) or "_user_id" not in resp.get_data(as_text=True)


def test_logout_needs_csrf(client, auth, make_user):
    user = make_user()
    auth.login(user.email)
    assert client.post("/logout").status_code == 400
    assert client.get("/account").status_code == 200  # still signed in


def test_every_state_changing_route_is_csrf_protected(app, client, auth, make_user):
    """POST to every route that accepts it, signed in as an admin, without a token: all refuse."""
    user = make_user(role="admin")
    auth.login(user.email)
    checked = 0
    for rule in app.url_map.iter_rules():
        if not (rule.methods & {"POST", "PUT", "PATCH", "DELETE"}):
            continue
        args = {name: (1 if isinstance(conv, IntegerConverter) else "x")  # also our bounded <int:…>
                for name, conv in rule._converters.items()}
        url = rule.build(args, append_unknown=False)[1]
        method = sorted(rule.methods & {"POST", "PUT", "PATCH", "DELETE"})[0]
        resp = client.open(url, method=method, data={"x": "1"})
        assert resp.status_code == 400, f"{method} {url} answered {resp.status_code} without a CSRF token"
        checked += 1
    assert checked >= 8


# --- next redirects ----------------------------------------------------------------------------------

@pytest.mark.parametrize("target", [
    "//evil.example", "/\\evil.example", "javascript:alert(1)", "http://evil.example/",
    "%2F%2Fevil.example", "/%2F/evil.example", "%2F%5Cevil.example", "/%5Cevil.example",
    "%252F%252Fevil.example", "java%0ascript:alert(1)", "\t//evil.example", "https:evil.example",
])
def test_unsafe_next_is_rejected(target):
    assert not is_safe_next(target)


@pytest.mark.parametrize("target", ["/", "/account", "/admin/users?page=2&q=Mai"])
def test_local_next_is_accepted(target):
    assert is_safe_next(target)


def test_login_ignores_offsite_next(client, make_user):
    user = make_user()
    token = csrf_token(client)
    resp = client.post("/login", data={"email": user.email, "password": "mat-khau-dung-1",
                                       "csrf_token": token, "next": "//evil.example/x"})
    assert resp.status_code == 302
    assert resp.headers["Location"] == "/"


def test_login_follows_local_next(client, make_user):
    user = make_user()
    token = csrf_token(client)
    resp = client.post("/login", data={"email": user.email, "password": "mat-khau-dung-1",
                                       "csrf_token": token, "next": "/account"})
    assert resp.headers["Location"] == "/account"


# --- cookies and sessions ------------------------------------------------------------------------------

def _session_cookie(resp):
    cookies = [c for c in resp.headers.getlist("Set-Cookie") if c.startswith("elearn_session=")]
    assert cookies
    return cookies[-1]


def test_session_cookie_is_httponly_and_lax(client, auth, make_user):
    user = make_user()
    cookie = _session_cookie(auth.login(user.email))
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # development serves plain http


def test_session_cookie_is_secure_in_production(make_app, make_user, monkeypatch):
    app = make_app(ENV="production", BASE_URL="https://localhost")
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["REMEMBER_COOKIE_SECURE"] is True
    client = app.test_client()
    resp = client.get("/login", base_url="https://localhost")
    assert "Secure" in _session_cookie(resp)


def test_session_is_rotated_at_login(client, make_user):
    user = make_user()
    token = csrf_token(client)
    with client.session_transaction() as s:
        s["planted"] = "by-an-attacker"
    client.post("/login", data={"email": user.email, "password": "mat-khau-dung-1", "csrf_token": token})
    with client.session_transaction() as s:
        assert "planted" not in s
        assert s["_user_id"].startswith(f"{user.id}:")


def test_logout_ends_other_sessions(make_app, app, make_user):
    user = make_user()
    from tests.conftest import AuthActions

    phone, pc = make_app().test_client(), make_app().test_client()
    AuthActions(phone).login(user.email)
    AuthActions(pc).login(user.email)
    assert phone.get("/account").status_code == 200
    AuthActions(pc).logout()
    assert phone.get("/account").status_code == 302  # the phone's session ended too


def test_password_change_ends_other_sessions_but_keeps_this_one(make_app, make_user):
    user = make_user()
    from tests.conftest import AuthActions

    phone, pc = make_app().test_client(), make_app().test_client()
    AuthActions(phone).login(user.email)
    pc_auth = AuthActions(pc)
    pc_auth.login(user.email)
    resp = pc_auth.post("/account/password", page="/account",
                        data={"current": "mat-khau-dung-1", "password": "mat-khau-moi-2", "confirm": "mat-khau-moi-2"})
    assert resp.status_code == 302
    assert pc.get("/account").status_code == 200
    assert phone.get("/account").status_code == 302


# --- login throttling ----------------------------------------------------------------------------------

def _fail_login(client, email):
    return client.post("/login", data={"email": email, "password": "sai-mat-khau", "csrf_token": csrf_token(client)})


def test_login_is_throttled_per_account(client, make_user, make_app):
    """Five failures lock this (account, address) pair, even for the right password; other
    addresses only wait a short backoff (tests/auth/test_login_throttling.py)."""
    user = make_user()
    for _ in range(5):
        assert _fail_login(client, user.email).status_code == 200
    token = csrf_token(client)
    resp = client.post("/login", data={"email": user.email, "password": "mat-khau-dung-1", "csrf_token": token})
    assert resp.status_code == 429
    assert "quá nhiều lần" in resp.get_data(as_text=True)


def test_login_is_throttled_per_ip(make_app, make_user):
    app = make_app(LOGIN_LIMIT_PER_IP="3 per 10 minutes")
    client = app.test_client()
    for i in range(3):
        assert _fail_login(client, f"khong-co-{i}@example.vn").status_code == 200
    user = make_user()
    token = csrf_token(client)
    resp = client.post("/login", data={"email": user.email, "password": "mat-khau-dung-1", "csrf_token": token})
    assert resp.status_code == 429


def test_unknown_account_and_wrong_password_answer_alike(client, make_user, monkeypatch):
    """Same message, and the same password-hash work, for an unknown account and a wrong password."""
    from elearn.auth import services

    user = make_user()
    calls = []
    real = services.check_password_hash
    monkeypatch.setattr(services, "check_password_hash", lambda h, p: calls.append(h) or real(h, p))
    wrong = _fail_login(client, user.email).get_data(as_text=True)
    unknown = _fail_login(client, "khong-ton-tai@example.vn").get_data(as_text=True)
    assert len(calls) == 2  # one scrypt check each: unknown accounts are not faster
    assert calls[1].startswith("scrypt:")
    msg = "Email hoặc mật khẩu không đúng."
    assert msg in wrong and msg in unknown


def test_rate_limits_are_shared_through_redis(make_app, make_user):
    """With ELEARN_REDIS_URL, a block set by one worker is seen by another process."""
    import subprocess
    import sys

    redis = pytest.importorskip("redis")
    url = os.environ.get("ELEARN_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    try:
        redis.Redis.from_url(url).ping()
    except Exception:
        pytest.skip("no Redis on 127.0.0.1:6379")
    redis.Redis.from_url(url).flushdb()
    app = make_app(REDIS_URL=url, RATELIMIT_STORAGE_URI=None)
    assert app.config["RATELIMIT_STORAGE_URI"] == url
    client = app.test_client()
    # an address of this run's own: CI runs the SQLite and PostgreSQL suites side by side on one Redis
    user = make_user(email=f"redis-{os.getpid()}-{time.time_ns()}@example.vn")
    for _ in range(5):
        _fail_login(client, user.email)
    code = (
        "from elearn import create_app\n"
        "from elearn.core.ratelimit import login_blocked\n"
        f"app = create_app({{'SECRET_KEY': 'x' * 40, 'REDIS_URL': '{url}', 'SQLALCHEMY_DATABASE_URI': 'sqlite://'}})\n"
        "with app.test_request_context():\n"
        f"    print(login_blocked('127.0.0.1', '{user.email}'))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    redis.Redis.from_url(url).flushdb()
    assert out.stdout.strip().endswith("True"), out.stderr


# --- headers, secrets, errors ----------------------------------------------------------------------------

def test_security_headers(client):
    resp = client.get("/login")
    csp = resp.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert resp.headers["Referrer-Policy"] == "same-origin"


def test_pages_carry_no_inline_script(client, auth, make_user):
    auth.login(make_user(role="admin").email)
    for path in ("/login", "/", "/account", "/admin/users", "/admin/orgs/"):
        html = client.get(path).get_data(as_text=True)
        assert "<script>" not in html and " onclick=" not in html and " onload=" not in html, path


@pytest.mark.parametrize("key", [None, "", "dev", "change-me", "short"])
def test_production_refuses_missing_or_sample_secret(key, tmp_path):
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app({"ENV": "production", "SECRET_KEY": key, "INSTANCE_PATH": str(tmp_path),
                    "SQLALCHEMY_DATABASE_URI": "sqlite://"})


def test_production_starts_with_a_real_secret(tmp_path):
    import secrets

    app = create_app({"ENV": "production", "SECRET_KEY": secrets.token_urlsafe(48), "INSTANCE_PATH": str(tmp_path),
                      "SQLALCHEMY_DATABASE_URI": "sqlite://", "BASE_URL": "https://hoctap.example.vn"})
    assert app.config["SESSION_COOKIE_SECURE"]


def test_server_error_page_is_generic_with_incident_id(make_app, caplog):
    app = make_app()

    @app.route("/boom")
    def boom():
        raise ValueError("secret internal detail")

    app.config["PROPAGATE_EXCEPTIONS"] = False
    resp = app.test_client().get("/boom")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 500
    assert "Mã sự cố" in html
    assert "secret internal detail" not in html and "Traceback" not in html
    incident = html.split("<code>")[1].split("</code>")[0]
    assert incident in caplog.text and "secret internal detail" in caplog.text


def test_max_content_length_is_set_and_enforced(make_app):
    app = make_app(MAX_CONTENT_LENGTH=1024)
    client = app.test_client()
    resp = client.post("/login", data={"email": "x" * 4096})
    assert resp.status_code == 413
    assert "quá lớn" in resp.get_data(as_text=True)
    from elearn.config import Defaults

    assert Defaults.MAX_CONTENT_LENGTH and Defaults.MAX_CONTENT_LENGTH <= 100 * 1024 * 1024
