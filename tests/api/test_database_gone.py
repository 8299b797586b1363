"""With the database gone under a signed-in user, the app still answers with its own error page:
503, an incident id, the security headers, in Vietnamese; never gunicorn's bare English page.

Against a real gunicorn: sign in on the test database, then serve the same secret key (so the
session cookie is still valid) on a database that is not there any more.
"""
import re

import requests
from sqlalchemy.engine import make_url

from elearn.auth import services as accounts
from tests.api.live import gunicorn, sign_in


def _gone(database_url, tmp_path):
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        return "sqlite:///" + str(tmp_path / "removed-folder" / "elearn.sqlite")  # cannot be opened
    return url.set(database=(url.database or "elearn") + "_gone_for_test").render_as_string(hide_password=False)


def test_signed_in_user_gets_503_page_when_the_database_is_gone(db, make_user, database_url, instance_dir,
                                                                 tmp_path):
    user = make_user(name="Hoàng Thị Mai")
    _t, raw = accounts.create_token(user, "t")
    db.session.commit()
    log = tmp_path / "gunicorn.log"
    with gunicorn(database_url, instance_dir, log) as base:
        browser = sign_in(base, user.email)
        assert "Hoàng Thị Mai" in browser.get(base + "/", timeout=10).text
    with gunicorn(_gone(database_url, tmp_path), instance_dir, log) as base:
        page = browser.get(base + "/", timeout=30)
        assert page.status_code == 503, page.text[:300]
        assert "Internal Server Error" not in page.text
        assert "Cơ sở dữ liệu tạm thời không truy cập được" in page.text
        incident = re.search(r"Mã sự cố\s*:\s*<code>([0-9A-F]{8})</code>", page.text)
        assert incident, page.text[:1000]
        assert "default-src 'self'" in page.headers["Content-Security-Policy"]
        assert page.headers["X-Content-Type-Options"] == "nosniff"
        assert page.headers["Retry-After"]
        # the incident id is in the log, with the cause, for the administrator
        assert incident.group(1) in log.read_text()
        # the API, by cookie and by token, answers its JSON error
        for resp in (browser.get(base + "/api/v1/me", timeout=30),
                     requests.get(base + "/api/v1/me", headers={"Authorization": f"Bearer {raw}"}, timeout=30)):
            assert resp.status_code == 503
            body = resp.json()["error"]
            assert body["code"] == "unavailable" and re.fullmatch(r"[0-9A-F]{8}", body["incident"])
            assert resp.headers["X-Content-Type-Options"] == "nosniff"
