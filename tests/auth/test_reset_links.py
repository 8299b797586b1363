"""Links in mail are built on ELEARN_BASE_URL, never on the Host header of the request that caused
the mail: a forged Host must not receive a victim's real reset token (password-reset poisoning)."""
import re

import pytest

from tests.conftest import CSRF_RE

BASE = "https://hoctap.example.vn"


@pytest.fixture
def mail_app(make_app, smtp_server):
    return make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port, BASE_URL=BASE)


def _token(client, path, base_url):
    m = CSRF_RE.search(client.get(path, base_url=base_url).get_data(as_text=True))
    return m.group(1) or m.group(2)


def _links(message):
    return re.findall(r"https?://\S+", message.get_body(preferencelist=("plain",)).get_content())


def test_forgot_with_a_forged_host_mails_a_link_on_base_url(mail_app, smtp_server, make_user):
    make_user(email="victim@example.vn")
    client = mail_app.test_client()
    evil = "http://evil.example"
    resp = client.post("/forgot", base_url=evil, headers={"X-Forwarded-Host": "evil.example"},
                       data={"email": "victim@example.vn", "csrf_token": _token(client, "/forgot", evil)})
    assert resp.status_code == 200
    links = _links(smtp_server.messages[0])
    assert len(links) == 1 and links[0].startswith(BASE + "/reset/"), links
    assert "evil.example" not in smtp_server.messages[0].as_string()
    # The link works on the real site.
    path = links[0][len(BASE):]
    assert client.get(path, base_url=BASE).status_code == 200


def test_an_invitation_from_the_admin_page_links_to_base_url(mail_app, smtp_server, make_user):
    admin = make_user(role="admin")
    client = mail_app.test_client()
    evil = "http://evil.example"
    client.post("/login", base_url=evil, data={"email": admin.email, "password": "mat-khau-dung-1",
                                                "csrf_token": _token(client, "/login", evil)})
    org = admin.org
    resp = client.post("/admin/users/new", base_url=evil,
                       data={"email": "moi@example.vn", "name": "Người Mới", "role": "trainee", "org_id": org.id,
                             "active": "y", "csrf_token": _token(client, "/admin/users/new", evil)})
    assert resp.status_code == 302, resp.get_data(as_text=True)[:500]
    links = _links(smtp_server.messages[-1])
    assert links and all(link.startswith(BASE + "/") for link in links), links


def test_reminder_links_use_base_url_even_inside_a_request(mail_app):
    """Reminders are sent by cron, but a request on a forged Host must not change their links."""
    from elearn.core.mail import external_url

    with mail_app.test_request_context("/", base_url="http://evil.example"):
        assert external_url("workshops.detail", workshop_id=3) == BASE + "/workshops/3"
        assert external_url("auth.reset_password", token="abc") == BASE + "/reset/abc"


def test_base_url_with_a_path_prefix_is_kept(make_app):
    from elearn.core.mail import external_url

    app = make_app(BASE_URL="https://thuvien.example.vn/hoctap/")
    with app.test_request_context("/", base_url="http://evil.example"):
        assert external_url("auth.reset_password", token="t") == "https://thuvien.example.vn/hoctap/reset/t"
