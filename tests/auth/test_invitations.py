"""Onboarding (issue 13): the invitation is its own mail with its own 7-day "set your password" link;
/admin/users/import previews a CSV/XLSX (nothing written), then creates everyone or no one and
invites them; `flask users import FILE --invite` does the same; expired invitations are re-sent from
the user list by an admin or a manager in scope."""
import io
import re
import socket
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from elearn.auth import links, services
from elearn.auth.models import Invitation, User
from elearn.core.timeutil import utcnow
from elearn.extensions import db as _db
from tests.conftest import CSRF_RE

BASE = "https://hoctap.example.vn"


@pytest.fixture
def mail_app(make_app, smtp_server):
    return make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port, BASE_URL=BASE)


def _body(message):
    return message.get_body(preferencelist=("plain",)).get_content()


def _links(message):
    return re.findall(r"https?://\S+", _body(message))


def _token(client, path):
    m = CSRF_RE.search(client.get(path).get_data(as_text=True))
    return m.group(1) or m.group(2)


def _login(client, email):
    return client.post("/login", data={"email": email, "password": "mat-khau-dung-1",
                                       "csrf_token": _token(client, "/login")})


def _upload(client, content: bytes, filename="users.csv"):
    return client.post("/admin/users/import", content_type="multipart/form-data", data={
        "csrf_token": _token(client, "/admin/users/import"), "file": (io.BytesIO(content), filename)})


def _confirm(client, preview_html):
    fields = dict(re.findall(r'name="(payload|filename)" type="hidden" value="([^"]*)"', preview_html))
    assert "payload" in fields, preview_html[:2000]
    return client.post("/admin/users/import", data={"csrf_token": _token(client, "/admin/users/import"),
                                                     "confirm": "1", **fields})


def _count_users():
    return _db.session.scalar(select(func.count()).select_from(User))


CSV_OK = ("email,name,role,org_code\n"
          "mai@example.vn,Hoàng Thị Mai,trainee,ls-tt\n"
          "hanh@example.vn,Lương Thị Hạnh,instructor,LS-TT\n").encode()


def test_web_import_previews_then_invites_and_the_mailed_link_sets_a_password(mail_app, smtp_server, make_user,
                                                                               make_org):
    province = make_org(code="LS", name="Thư viện tỉnh Lạng Sơn")
    make_org(code="LS-TT", name="Thư viện xã Thử", parent=province)
    admin = make_user(role="admin", org=province)
    client = mail_app.test_client()
    assert _login(client, admin.email).status_code == 302
    before = _count_users()

    preview = _upload(client, CSV_OK)
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "mai@example.vn" in html and "Hoàng Thị Mai" in html
    assert _count_users() == before and smtp_server.messages == []  # the preview writes nothing

    done = _confirm(client, html)
    assert done.status_code == 302, done.get_data(as_text=True)[:1500]
    assert _count_users() == before + 2
    assert sorted(m["To"] for m in smtp_server.messages) == ["hanh@example.vn", "mai@example.vn"]

    msg = next(m for m in smtp_server.messages if m["To"] == "mai@example.vn")
    body = _body(msg)
    assert "Thư viện học tập" in msg["Subject"] and "Thư viện tỉnh Lạng Sơn" in msg["Subject"]
    assert "Thư viện tỉnh Lạng Sơn mời bạn tham gia Thư viện học tập" in body
    assert "Bạn nhận thư này vì" in body and "7 ngày" in body
    assert "Đặt lại mật khẩu" not in msg["Subject"]  # not the reset mail
    links = _links(msg)
    assert len(links) == 1 and links[0].startswith(BASE + "/invite/"), links
    inv = _db.session.scalar(select(Invitation).join(User, Invitation.user_id == User.id)
                             .where(User.email == "mai@example.vn"))
    assert inv.expires_at - inv.created_at == timedelta(days=7)

    # The invited user follows the link from the mail, in a browser of their own.
    visitor = mail_app.test_client()
    path = links[0][len(BASE):]
    page = visitor.get(path)
    assert page.status_code == 200 and "Đặt mật khẩu của bạn" in page.get_data(as_text=True)
    token = CSRF_RE.search(page.get_data(as_text=True))
    resp = visitor.post(path, data={"password": "mot-cau-de-nho", "confirm": "mot-cau-de-nho",
                                    "csrf_token": token.group(1) or token.group(2)})
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/login")
    login = visitor.post("/login", data={"email": "mai@example.vn", "password": "mot-cau-de-nho",
                                         "csrf_token": _token(visitor, "/login")})
    assert login.status_code == 302 and not login.headers["Location"].endswith("/login")
    assert visitor.get(path).status_code == 404  # single use


def test_preview_shows_an_error_per_row_and_nothing_is_written(mail_app, smtp_server, make_user, make_org):
    make_org(code="LS")
    admin = make_user(role="admin")
    make_user(email="da-co@example.vn")
    client = mail_app.test_client()
    _login(client, admin.email)
    before = _count_users()
    resp = _upload(client, ("email,name,role,org_code\n"
                            "mai@example.vn,Hoàng Thị Mai,trainee,LS\n"
                            "hanh@example.vn,Lương Thị Hạnh,giangvien,LS\n"
                            "dung@example.vn,Nông Văn Dũng,manager,KHONG\n"
                            "da-co@example.vn,Đã có,trainee,LS\n").encode())
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert "giangvien" in html and "KHONG" in html and "đã có tài khoản" in html
    assert 'name="payload"' not in html  # no confirm button for a file with errors
    assert _count_users() == before and smtp_server.messages == []


def test_confirm_checks_again_and_is_all_or_nothing(mail_app, smtp_server, make_user, make_org):
    """A payload forged past the preview is checked again on confirm: still nothing is written."""
    import base64

    make_org(code="LS")
    admin = make_user(role="admin")
    client = mail_app.test_client()
    _login(client, admin.email)
    before = _count_users()
    bad = base64.b64encode(b"email,name,role,org_code\nok@example.vn,Ok,trainee,LS\nx,Sai,trainee,LS\n").decode()
    resp = client.post("/admin/users/import", data={"csrf_token": _token(client, "/admin/users/import"),
                                                    "confirm": "1", "payload": bad, "filename": "a.csv"})
    assert resp.status_code == 422
    assert _count_users() == before and smtp_server.messages == []
    junk = client.post("/admin/users/import", data={"csrf_token": _token(client, "/admin/users/import"),
                                                     "confirm": "1", "payload": "%%%", "filename": "a.csv"})
    assert junk.status_code == 400


def test_mail_failure_creates_nobody(make_app, make_user, make_org):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=closed_port, BASE_URL=BASE, MAIL_TIMEOUT=2)
    make_org(code="LS-TT")
    admin = make_user(role="admin")
    client = app.test_client()
    _login(client, admin.email)
    before = _count_users()
    preview = _upload(client, CSV_OK)
    resp = _confirm(client, preview.get_data(as_text=True))
    assert resp.status_code == 503
    assert _count_users() == before


def test_xlsx_upload_is_read_like_csv(mail_app, smtp_server, make_user, make_org):
    from openpyxl import Workbook

    make_org(code="LS")
    admin = make_user(role="admin")
    wb = Workbook()
    ws = wb.active
    ws.append(["email", "name", "role", "org_code"])
    ws.append(["mai@example.vn", "Hoàng Thị Mai", "trainee", "LS"])
    ws.append(["sai-email", "Nông Văn Dũng", "trainee", "LS"])
    buf = io.BytesIO()
    wb.save(buf)
    client = mail_app.test_client()
    _login(client, admin.email)
    resp = _upload(client, buf.getvalue(), "users.xlsx")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422 and "Hoàng Thị Mai" in html and "sai-email" in html
    broken = _upload(client, b"PK\x03\x04not really a zip", "users.xlsx")
    assert broken.status_code == 422 and "XLSX" in broken.get_data(as_text=True)


def test_only_admins_import(mail_app, make_user):
    manager = make_user(role="manager")
    client = mail_app.test_client()
    _login(client, manager.email)
    assert client.get("/admin/users/import").status_code == 403


def test_expired_invitation_is_resent_from_the_user_list_by_a_manager_in_scope(mail_app, smtp_server, make_user,
                                                                               make_org):
    province = make_org(code="LS")
    commune = make_org(code="LS-A", parent=province)
    other = make_org(code="CB")
    manager = make_user(role="manager", org=province)
    outsider = make_user(role="manager", org=other)
    with mail_app.app_context():
        new = services.create_user("moi@example.vn", "Người Mới", "trainee", _db.session.get(type(commune), commune.id))
        links.invite_user(new)
        _db.session.commit()
        new_id = new.id
    first_link = _links(smtp_server.messages[-1])[0][len(BASE):]
    with mail_app.app_context():
        _db.session.execute(update(Invitation).values(expires_at=utcnow() - timedelta(seconds=1)))
        _db.session.commit()
    assert mail_app.test_client().get(first_link).status_code == 404  # expired after 7 days

    client = mail_app.test_client()
    _login(client, outsider.email)
    assert client.post(f"/admin/users/{new_id}/invite",
                       data={"csrf_token": _token(client, "/account")}).status_code == 403

    client = mail_app.test_client()
    _login(client, manager.email)
    assert client.get("/admin/users").status_code == 403  # the admin pages stay for admins
    listing = client.get("/users").get_data(as_text=True)
    assert "Lời mời đã hết hạn" in listing and f"/admin/users/{new_id}/invite" in listing
    resp = client.post(f"/admin/users/{new_id}/invite", data={"csrf_token": _token(client, "/users")})
    assert resp.status_code == 302
    assert len(smtp_server.messages) == 2
    link = _links(smtp_server.messages[-1])[0][len(BASE):]
    assert link != first_link and mail_app.test_client().get(link).status_code == 200
    assert "Đã mời, chưa đặt mật khẩu" in client.get("/users").get_data(as_text=True)


def test_trainees_cannot_resend_or_list(mail_app, make_user):
    trainee = make_user()
    target = make_user(org=trainee.org)
    client = mail_app.test_client()
    _login(client, trainee.email)
    assert client.get("/admin/users").status_code == 403 and client.get("/users").status_code == 403
    assert client.post(f"/admin/users/{target.id}/invite",
                       data={"csrf_token": _token(client, "/account")}).status_code == 403


def test_cli_import_with_invite_mails_everyone(make_app, smtp_server, make_org, tmp_path):
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port, BASE_URL=BASE)
    make_org(code="LS")
    f = tmp_path / "users.csv"
    f.write_text("email,name,role,org_code\nmai@example.vn,Hoàng Thị Mai,trainee,ls\n", encoding="utf-8")
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["users", "import", "--invite", str(f)])
    assert result.exit_code == 0, result.output
    assert "1 thư mời" in result.output
    assert [m["To"] for m in smtp_server.messages] == ["mai@example.vn"]
    assert _links(smtp_server.messages[0])[0].startswith(BASE + "/invite/")
