"""The ``elearn.security`` log: who signed in or failed, resets, role changes, tokens; never a
password or a token, and never a forged line from a value the user typed."""
import logging
import re

import pytest

from tests.auth.test_accounts import _reset_link
from tests.conftest import csrf_token


@pytest.fixture
def seclog(caplog):
    caplog.set_level(logging.INFO, logger="elearn.security")

    def lines():
        return [r.getMessage() for r in caplog.records if r.name == "elearn.security"]

    return lines


def test_crlf_in_a_typed_email_cannot_forge_a_log_line(client, make_user, seclog):
    forged = 'mai@example.vn\r\nevent=login_ok email="admin@example.vn" ip="10.0.0.1"\u2028x'
    token = csrf_token(client)
    resp = client.post("/login", data={"email": forged, "password": "bi-mat-123", "csrf_token": token})
    assert resp.status_code == 200
    lines = seclog()
    assert len(lines) == 1
    line = lines[0]
    assert line.startswith("event=login_failed ")
    assert "\r" not in line and "\n" not in line and "\u2028" not in line
    assert "\\x0d\\x0aevent=login_ok email=\\\"admin@example.vn\\\"" in line
    assert "\\u2028" in line
    assert not any(part.startswith("event=login_ok") for part in re.split(r"[\r\n]", line))
    assert "bi-mat-123" not in line


def test_login_success_and_failure_are_logged_without_passwords(client, auth, make_user, seclog):
    user = make_user(email="hoa@example.vn")
    auth.login(user.email, password="sai-mat-khau-9")
    auth.login(user.email)
    lines = seclog()
    assert lines[0].startswith('event=login_failed email="hoa@example.vn" ip="127.0.0.1"')
    assert lines[1].startswith('event=login_ok email="hoa@example.vn" ip="127.0.0.1"')
    assert f'user_id="{user.id}"' in lines[1]
    assert not any("sai-mat-khau-9" in line or "mat-khau-dung-1" in line for line in lines)


def test_password_reset_request_and_use_are_logged_without_the_token(make_app, smtp_server, make_user, seclog):
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port)
    client = app.test_client()
    user = make_user(email="thu@example.vn")
    client.post("/forgot", data={"email": "thu@example.vn", "csrf_token": csrf_token(client, "/forgot")})
    link = _reset_link(smtp_server.messages[0])
    token = link.rsplit("/", 1)[1]
    client.post(link, data={"password": "mat-khau-moi-1", "confirm": "mat-khau-moi-1",
                            "csrf_token": csrf_token(client, link)})
    lines = seclog()
    assert any(line.startswith('event=password_reset_requested email="thu@example.vn"') for line in lines)
    assert any(line.startswith(f'event=password_reset_done user_id="{user.id}"') for line in lines)
    assert not any(token in line or "mat-khau-moi-1" in line for line in lines)


def test_role_changes_and_deactivation_are_logged_with_who_did_it(client, auth, make_user, seclog):
    admin = make_user(role="admin")
    user = make_user(role="trainee")
    auth.login(admin.email)
    resp = auth.post(f"/admin/users/{user.id}", data={"email": user.email, "name": user.name, "role": "manager",
                                                      "org_id": user.org_id})
    assert resp.status_code == 302
    lines = seclog()
    changed = [line for line in lines if line.startswith("event=role_changed")]
    assert changed == [f'event=role_changed user_id="{user.id}" email="{user.email}" old="trainee" new="manager" '
                       f'by="{admin.id}"']
    assert any(line.startswith(f'event=user_deactivated user_id="{user.id}"') for line in lines)  # active unticked


def test_token_creation_and_revocation_are_logged_without_the_token(client, auth, make_user, seclog, db):
    from elearn.auth.models import ApiToken

    user = make_user()
    auth.login(user.email)
    auth.post("/account/tokens", data={"name": "Điện thoại\r\nevent=x"}, page="/account")
    raw = re.search(r"elt_[A-Za-z0-9_-]+", client.get("/account").get_data(as_text=True)).group()
    token = db.session.scalar(db.select(ApiToken))
    auth.post(f"/account/tokens/{token.id}/revoke", page="/account")
    lines = seclog()
    created = [line for line in lines if line.startswith("event=token_created")]
    assert len(created) == 1 and f'token_id="{token.id}"' in created[0] and "\\x0d\\x0a" in created[0]
    assert any(line.startswith(f'event=token_revoked user_id="{user.id}" token_id="{token.id}"') for line in lines)
    assert not any(raw in line for line in lines)


def test_cli_token_creation_is_logged(runner, make_user, seclog):
    user = make_user()
    out = runner.invoke(args=["tokens", "create", user.email])
    assert out.exit_code == 0
    raw = out.output.strip()
    lines = [line for line in seclog() if line.startswith("event=token_created")]
    assert len(lines) == 1 and 'by="cli"' in lines[0] and raw not in lines[0]


def test_clean_escapes_control_characters_and_caps_length():
    from elearn.core.seclog import clean

    assert clean("a\rb\nc\x00d\x1be\x7f\u0085\u2029\"\\") == 'a\\x0db\\x0ac\\x00d\\x1be\\x7f\\x85\\u2029\\"\\\\'
    assert clean("Nguyễn Thị Hoà") == "Nguyễn Thị Hoà"  # Vietnamese stays readable
    assert len(clean("x" * 5000)) <= 201
