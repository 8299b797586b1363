"""The session cookie is re-sent when the session changes or once per hour, not on every page
(elearn/core/sessions.py; docs/ARCHITECTURE.md, "Speed")."""
import pytest

from elearn.core import sessions


def _session_cookies(resp):
    return [c for c in resp.headers.getlist("Set-Cookie") if c.startswith("elearn_session=")]


@pytest.fixture
def hour(monkeypatch):
    now = {"step": 1000}
    monkeypatch.setattr(sessions, "_now_step", lambda: now["step"])
    return now


def test_signed_in_pages_do_not_resend_the_cookie_within_the_hour(client, auth, make_user, hour):
    user = make_user()
    assert _session_cookies(auth.login(user.email))  # signing in writes the session
    client.get("/")  # shows (and so removes from the session) the sign-in message
    again = client.get("/")
    assert again.status_code == 200
    assert _session_cookies(again) == []
    assert _session_cookies(client.get("/account")) == []


def test_cookie_is_resent_with_a_new_expiry_when_the_hour_turns(client, auth, make_user, hour):
    user = make_user()
    auth.login(user.email)
    client.get("/")
    assert _session_cookies(client.get("/")) == []
    hour["step"] += 1
    resent = _session_cookies(client.get("/"))
    assert len(resent) == 1 and "Expires=" in resent[0]
    assert _session_cookies(client.get("/")) == []  # then quiet again for that hour
    assert client.get("/account").status_code == 200  # and the re-sent cookie still signs the user in


def test_a_changed_session_is_sent_at_once(client, auth, make_user, hour):
    user = make_user()
    auth.login(user.email)
    client.get("/")
    assert _session_cookies(client.get("/")) == []
    changed = auth.post("/lang", {"lang": "en", "next": "/"}, page="/")
    assert len(_session_cookies(changed)) == 1  # same hour, but the session changed
    assert 'lang="en"' in client.get("/").get_data(as_text=True)  # the new cookie carries the choice
