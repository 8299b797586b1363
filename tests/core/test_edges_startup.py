"""Production start-up checks (base URL, trusted hosts, proxies, Redis for several workers, secret
entropy) and security headers on every error page and download."""
import logging
import secrets

import pytest
from flask import abort, request, url_for

from elearn import create_app
from elearn.config import from_environ
from elearn.core.security import estimated_entropy_bits, gunicorn_workers

BASE = "https://hoctap.example.vn"


def _prod(tmp_path, **extra):
    cfg = {"ENV": "production", "SECRET_KEY": secrets.token_urlsafe(48), "INSTANCE_PATH": str(tmp_path),
           "SQLALCHEMY_DATABASE_URI": "sqlite://", "BASE_URL": BASE}
    cfg.update(extra)
    return create_app(cfg)


@pytest.fixture(autouse=True)
def _no_gunicorn_env(monkeypatch):
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    monkeypatch.delenv("GUNICORN_CMD_ARGS", raising=False)


# --- base URL and trusted hosts ------------------------------------------------------------------------

def test_production_refuses_to_start_without_base_url(tmp_path):
    with pytest.raises(RuntimeError, match="ELEARN_BASE_URL"):
        _prod(tmp_path, BASE_URL=None)
    with pytest.raises(RuntimeError, match="ELEARN_BASE_URL"):
        _prod(tmp_path, BASE_URL="hoctap.example.vn")  # no scheme


def test_development_keeps_the_local_default(make_app):
    assert make_app(BASE_URL=None).config["BASE_URL"] == "http://127.0.0.1:5000"


def test_production_trusts_only_the_base_url_host(tmp_path):
    app = _prod(tmp_path)
    assert app.config["TRUSTED_HOSTS"] == ["hoctap.example.vn"]
    client = app.test_client()
    assert client.get("/login", base_url=BASE).status_code == 200
    resp = client.get("/login", base_url="https://evil.example")
    assert resp.status_code == 400
    assert "Yêu cầu không hợp lệ" in resp.get_data(as_text=True)
    assert resp.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in resp.headers["Content-Security-Policy"]
    # A forged Host on the password-reset form is refused before any mail is made.
    assert client.post("/forgot", base_url="https://evil.example", data={"email": "a@b.vn"}).status_code == 400


def test_trusted_hosts_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("ELEARN_TRUSTED_HOSTS", "hoctap.example.vn, .thuvien.example.vn")
    assert from_environ()["TRUSTED_HOSTS"] == ["hoctap.example.vn", ".thuvien.example.vn"]
    app = _prod(tmp_path, **from_environ())
    client = app.test_client()
    assert client.get("/login", base_url="https://langson.thuvien.example.vn").status_code == 200
    assert client.get("/login", base_url="https://evil.example").status_code == 400


# --- behind a proxy ------------------------------------------------------------------------------------

def _probe_app(app):
    @app.get("/_probe")
    def probe():
        return {"ip": request.remote_addr, "scheme": request.scheme, "url": url_for("auth.login_view", _external=True)}

    return app.test_client()


def test_proxy_fix_applies_only_when_proxy_count_is_set(make_app):
    headers = {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"}
    direct = _probe_app(make_app()).get("/_probe", headers=headers).get_json()
    assert direct["ip"] == "127.0.0.1" and direct["scheme"] == "http"  # a client cannot claim another address
    behind = _probe_app(make_app(PROXY_COUNT=1)).get("/_probe", headers=headers).get_json()
    assert behind["ip"] == "203.0.113.9" and behind["scheme"] == "https"
    assert behind["url"].startswith("https://")
    # Two proxies: the address the outer proxy saw, not what the client wrote in front of it.
    two = _probe_app(make_app(PROXY_COUNT=2)).get(
        "/_probe", headers={"X-Forwarded-For": "6.6.6.6, 203.0.113.9, 10.0.0.2", "X-Forwarded-Proto": "https,http"})
    assert two.get_json()["ip"] == "203.0.113.9"


def test_per_ip_login_limit_uses_the_forwarded_address(make_app, make_user):
    from tests.conftest import csrf_token

    app = make_app(PROXY_COUNT=1, LOGIN_LIMIT_PER_IP="3 per 10 minutes")
    client = app.test_client()

    def fail(ip, i):
        return client.post("/login", headers={"X-Forwarded-For": ip},
                           data={"email": f"khong-co-{i}@example.vn", "password": "x", "csrf_token": csrf_token(client)})

    for i in range(3):
        assert fail("203.0.113.9", i).status_code == 200
    assert fail("203.0.113.9", 9).status_code == 429
    assert fail("198.51.100.4", 10).status_code == 200  # another library behind the same proxy


# --- Redis for several workers ---------------------------------------------------------------------------

@pytest.mark.parametrize("argv, environ, expected", [
    (["gunicorn", "-w", "4", "app:app"], {}, 4),
    (["/srv/.venv/bin/gunicorn", "--workers=3", "app:app"], {}, 3),
    (["gunicorn", "-w2", "app:app"], {}, 2),
    (["flask", "run"], {"GUNICORN_CMD_ARGS": "--bind 0:80 --workers 5"}, 5),
    (["flask", "run"], {"WEB_CONCURRENCY": "6"}, 6),
    (["gunicorn", "app:app"], {}, None),
])
def test_gunicorn_workers_are_detected(argv, environ, expected):
    assert gunicorn_workers(environ, argv) == expected


def test_production_refuses_several_workers_without_redis(tmp_path, monkeypatch):
    monkeypatch.setenv("WEB_CONCURRENCY", "4")
    with pytest.raises(RuntimeError, match="4 workers without ELEARN_REDIS_URL"):
        _prod(tmp_path)
    monkeypatch.delenv("WEB_CONCURRENCY")
    monkeypatch.setenv("ELEARN_WORKERS", "3")
    with pytest.raises(RuntimeError, match="3 workers without ELEARN_REDIS_URL"):
        _prod(tmp_path, **from_environ())


def test_production_with_redis_or_one_worker_starts(tmp_path, monkeypatch, caplog):
    monkeypatch.setenv("WEB_CONCURRENCY", "4")
    assert _prod(tmp_path, REDIS_URL="redis://127.0.0.1:6379/5").config["RATELIMIT_STORAGE_URI"].startswith("redis://")
    monkeypatch.delenv("WEB_CONCURRENCY")
    with caplog.at_level(logging.WARNING, logger="elearn.config"):
        _prod(tmp_path, WORKERS=1)
    assert "per worker" in caplog.text and "ELEARN_REDIS_URL" in caplog.text


# --- secret key entropy ------------------------------------------------------------------------------

@pytest.mark.parametrize("key", [
    "a" * 32, "a" * 64, "abc" * 16, "abcdefghijklmnopqrstuvwxyz012345", "0123456789" * 4,
    "Password1Password1Password1Password1", "thuvienhoctap-thuvienhoctap-thuvienhoctap",
])
def test_production_refuses_low_entropy_secret_keys(key, tmp_path):
    with pytest.raises(RuntimeError, match="entropy"):
        _prod(tmp_path, SECRET_KEY=key)


@pytest.mark.parametrize("make_key", [lambda: secrets.token_urlsafe(48), lambda: secrets.token_hex(32),
                                      lambda: secrets.token_urlsafe(32)])
def test_random_secret_keys_pass(make_key, tmp_path):
    key = make_key()
    assert estimated_entropy_bits(key) >= 128
    assert _prod(tmp_path, SECRET_KEY=key).config["SECRET_KEY"] == key


# --- headers on every error page and download -----------------------------------------------------------

def _error_app(make_app):
    app = make_app(MAX_CONTENT_LENGTH=1024)
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.get("/_e/<int:code>")
    def fail(code):
        if code == 500:
            raise ValueError("boom")
        abort(code)

    return app


def _assert_security_headers(resp):
    assert "frame-ancestors 'none'" in resp.headers.get("Content-Security-Policy", ""), resp.status_code
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert resp.headers["X-Frame-Options"] == "DENY"
    assert resp.headers["Referrer-Policy"] == "same-origin"
    assert resp.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("method, path, kw, status", [
    ("get", "/khong-co-trang-nay", {}, 404),
    ("delete", "/login", {}, 405),
    ("post", "/login", {"data": {"email": "x" * 4096}}, 413),
    ("get", "/_e/429", {}, 429),
    ("get", "/_e/500", {}, 500),
    ("get", "/_e/503", {}, 503),
])
def test_error_pages_carry_the_security_headers(make_app, method, path, kw, status):
    client = _error_app(make_app).test_client()
    resp = getattr(client, method)(path, **kw)
    assert resp.status_code == status
    _assert_security_headers(resp)
    assert "Lỗi" in resp.get_data(as_text=True)


def test_503_has_its_own_vietnamese_message(make_app):
    resp = _error_app(make_app).test_client().get("/_e/503")
    assert "tạm thời chưa sẵn sàng" in resp.get_data(as_text=True)


def test_error_page_still_answers_with_headers_when_it_cannot_render(make_app, caplog):
    """The database is down: the page, and then the error page, fail to render; the answer is still
    a generic 500 with the security headers and an incident id in the log, not the server's own page."""
    app = _error_app(make_app)

    @app.context_processor
    def broken():
        raise ConnectionError("database is down")

    resp = app.test_client().get("/login")
    assert resp.status_code == 500
    _assert_security_headers(resp)
    text = resp.get_data(as_text=True)
    assert "Đã có lỗi ở máy chủ" in text and "database is down" not in text
    incident = text.rsplit("(", 1)[1].split(")")[0]
    assert incident in caplog.text


def test_api_errors_carry_the_security_headers(make_app):
    resp = _error_app(make_app).test_client().get("/api/v1/khong-co")
    assert resp.status_code == 404 and resp.is_json
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors 'none'" in resp.headers["Content-Security-Policy"]


def test_downloads_cannot_be_framed(make_app, tmp_path):
    from tests.core.test_uploads import fs, png

    from elearn.core.uploads import send_stored, store_upload

    app = make_app(INSTANCE_PATH=str(tmp_path / "instance"))
    with app.app_context():
        stored = store_upload(fs(png(4, 4), "anh.png"))

    @app.get("/_dl/<name>")
    def download(name):
        return send_stored(name, stored.original_name, stored.mime)

    resp = app.test_client().get(f"/_dl/{stored.stored_name}")
    csp = resp.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp and "sandbox" in csp and "default-src 'none'" in csp
    assert resp.headers["X-Frame-Options"] == "DENY"
    resp.close()
