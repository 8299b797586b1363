import re
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from elearn.core.errors import ServiceError
from elearn.auth import links, services
from elearn.auth.models import PasswordReset, User
from elearn.core.timeutil import utcnow
from tests.conftest import csrf_token


def _reset_link(message):
    body = message.get_body(preferencelist=("plain",)).get_content()
    m = re.search(r"https?://[^/\s]+(/reset/\S+)", body)
    assert m, body
    return m.group(1)


@pytest.fixture
def smtp_app(make_app, smtp_server):
    return make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port)


def test_passwords_are_hashed_with_scrypt(db, make_user):
    user = make_user(password="mot-mat-khau-dai")
    assert user.password_hash.startswith("scrypt:")
    assert "mot-mat-khau-dai" not in user.password_hash


def test_password_reset_by_email_is_single_use(smtp_app, smtp_server, make_user, db):
    make_user(email="mai@example.vn", name="Hoàng Thị Mai")
    client = smtp_app.test_client()
    resp = client.post("/forgot", data={"email": "MAI@example.vn", "csrf_token": csrf_token(client, "/forgot")})
    assert resp.status_code == 200 and "kiểm tra hộp thư" in resp.get_data(as_text=True)
    assert len(smtp_server.messages) == 1
    msg = smtp_server.messages[0]
    assert msg["To"] == "mai@example.vn"
    assert "Hoàng Thị Mai" in msg.get_body().get_content()
    link = _reset_link(msg)
    data = {"password": "mat-khau-moi-123", "confirm": "mat-khau-moi-123"}
    resp = client.post(link, data={**data, "csrf_token": csrf_token(client, link)})
    assert resp.status_code == 302
    assert services.authenticate("mai@example.vn", "mat-khau-moi-123") is not None
    # The same link a second time does nothing.
    again = client.get(link)
    assert again.status_code == 404 and "không hợp lệ" in again.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.scalar(select(PasswordReset.used_at)) is not None


def test_password_reset_link_expires(smtp_app, smtp_server, make_user, db):
    make_user(email="mai@example.vn")
    client = smtp_app.test_client()
    client.post("/forgot", data={"email": "mai@example.vn", "csrf_token": csrf_token(client, "/forgot")})
    link = _reset_link(smtp_server.messages[0])
    db.session.execute(update(PasswordReset).values(expires_at=utcnow() - timedelta(minutes=1)))
    db.session.commit()
    assert client.get(link).status_code == 404
    with pytest.raises(ServiceError, match="hết hạn"):
        links.finish_password_reset(link.rsplit("/", 1)[1], "mat-khau-moi-123")


def test_forgot_password_for_unknown_email_says_the_same_and_sends_nothing(smtp_app, smtp_server):
    client = smtp_app.test_client()
    resp = client.post("/forgot", data={"email": "ai-do@example.vn", "csrf_token": csrf_token(client, "/forgot")})
    assert resp.status_code == 200 and "kiểm tra hộp thư" in resp.get_data(as_text=True)
    assert smtp_server.messages == []


def test_forgot_password_when_smtp_is_down_says_so_and_keeps_nothing(make_app, make_user, db):
    make_user(email="mai@example.vn")
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=1)  # nothing listens on port 1
    client = app.test_client()
    resp = client.post("/forgot", data={"email": "mai@example.vn", "csrf_token": csrf_token(client, "/forgot")})
    assert resp.status_code == 503 and "Chưa gửi được thư" in resp.get_data(as_text=True)
    assert db.session.scalar(select(PasswordReset.id)) is None


def test_change_password_needs_current_password(client, auth, make_user):
    user = make_user()
    auth.login(user.email)
    resp = auth.post("/account/password", page="/account",
                     data={"current": "sai", "password": "mat-khau-moi-2", "confirm": "mat-khau-moi-2"})
    assert resp.status_code == 422 and "Mật khẩu hiện tại không đúng" in resp.get_data(as_text=True)
    resp = auth.post("/account/password", page="/account",
                     data={"current": "mat-khau-dung-1", "password": "ngan", "confirm": "ngan"})
    assert "ít nhất 8 ký tự" in resp.get_data(as_text=True)


def test_admin_creates_edits_and_deactivates_accounts(client, auth, make_user, make_org, db):
    org = make_org()
    admin = make_user("admin", org)
    auth.login(admin.email)
    resp = auth.post("/admin/users/new", data={"email": "moi@example.vn", "name": "Vi Thị Lan Anh",
                                               "role": "trainee", "org_id": org.id})
    assert resp.status_code == 302
    new = services.get_user_by_email("moi@example.vn")
    assert new.name == "Vi Thị Lan Anh" and new.role == "trainee"
    dup = auth.post("/admin/users/new", data={"email": "MOI@example.vn", "name": "X", "role": "trainee", "org_id": org.id})
    assert "đã được dùng" in dup.get_data(as_text=True)
    resp = auth.post(f"/admin/users/{new.id}", data={"email": "moi@example.vn", "name": "Vi Thị Lan Anh",
                                                     "role": "instructor", "org_id": org.id, "active": "y"})
    assert resp.status_code == 302
    confirm = client.get(f"/admin/users/{new.id}/deactivate")
    assert "Khoá tài khoản" in confirm.get_data(as_text=True)
    resp = auth.post(f"/admin/users/{new.id}/deactivate")
    assert resp.status_code == 302
    db.session.expire_all()
    new = db.session.get(User, new.id)
    assert new.role == "instructor" and new.active is False


def test_deactivated_user_is_signed_out_and_cannot_log_in(make_app, make_user, db):
    from tests.conftest import AuthActions

    user = make_user()
    admin = make_user("admin")
    trainee_client, admin_client = make_app().test_client(), make_app().test_client()
    AuthActions(trainee_client).login(user.email)
    admin_auth = AuthActions(admin_client)
    admin_auth.login(admin.email)
    admin_auth.post(f"/admin/users/{user.id}/deactivate")
    assert trainee_client.get("/account").status_code == 302
    resp = AuthActions(trainee_client).login(user.email)
    assert resp.status_code == 200 and "không đúng" in resp.get_data(as_text=True)


def test_admin_user_list_paginates_and_filters(client, auth, make_user, make_org, app):
    org = make_org()
    admin = make_user("admin", org)
    for i in range(30):
        make_user("trainee", org, name=f"Học Viên {i:02d}")
    auth.login(admin.email)
    first = client.get("/admin/users").get_data(as_text=True)
    assert "Trang 1 / 2" in first
    found = client.get("/admin/users?q=viên 07").get_data(as_text=True)
    assert "Học Viên 07" in found and "Học Viên 08" not in found


def test_admin_user_list_query_count_does_not_grow(client, auth, make_user, make_org, count_queries):
    org = make_org()
    admin = make_user("admin", org)
    auth.login(admin.email)
    orgs = [make_org() for _ in range(3)]
    for i in range(3):
        make_user("trainee", orgs[i % 3])
    with count_queries() as few:
        client.get("/admin/users")
    for i in range(20):
        make_user("trainee", orgs[i % 3])
    with count_queries() as many:
        client.get("/admin/users")
    assert many() == few()


# --- CLI -------------------------------------------------------------------------------------------------

def test_cli_users_create_reads_password_from_stdin(runner, make_org):
    make_org(code="LS")
    result = runner.invoke(args=["users", "create", "gv@example.vn", "--name", "Lương Thị Hạnh",
                                 "--role", "instructor", "--org", "LS"], input="mat-khau-cli-1\n")
    assert result.exit_code == 0, result.output
    assert services.authenticate("gv@example.vn", "mat-khau-cli-1").role == "instructor"


def test_cli_users_create_refuses_unknown_org_and_short_password(runner, make_org):
    make_org(code="LS")
    bad_org = runner.invoke(args=["users", "create", "a@example.vn", "--name", "A", "--role", "trainee", "--org", "XX"],
                            input="mat-khau-cli-1\n")
    assert bad_org.exit_code == 1 and "XX" in bad_org.output
    short = runner.invoke(args=["users", "create", "a@example.vn", "--name", "A", "--role", "trainee", "--org", "LS"],
                          input="ngan\n")
    assert short.exit_code == 1 and "8 ký tự" in short.output
    assert services.get_user_by_email("a@example.vn") is None


def test_cli_users_import_all_or_nothing(runner, make_org, make_user, tmp_path, db):
    make_org(code="LS")
    make_user(email="da-co@example.vn")
    f = tmp_path / "users.csv"
    f.write_text("email,name,role,org_code\n"
                 "mai@example.vn,Hoàng Thị Mai,trainee,LS\n"
                 "hanh@example.vn,Lương Thị Hạnh,giangvien,LS\n"
                 "dung@example.vn,Nông Văn Dũng,manager,KHONG\n"
                 "mai@example.vn,Trùng,trainee,LS\n"
                 "da-co@example.vn,Đã có,trainee,LS\n", encoding="utf-8")
    result = runner.invoke(args=["users", "import", str(f)])
    assert result.exit_code == 1
    out = result.output
    assert ":3:" in out and "giangvien" in out
    assert ":4:" in out and "KHONG" in out
    assert ":5:" in out and "lặp lại" in out
    assert ":6:" in out and "đã có tài khoản" in out
    assert services.get_user_by_email("mai@example.vn") is None


def test_cli_users_import_dry_run_then_real(runner, make_org, tmp_path):
    make_org(code="LS")
    f = tmp_path / "users.csv"
    f.write_text("email,name,role,org_code\nmai@example.vn,Hoàng Thị Mai,trainee,LS\n", encoding="utf-8")
    dry = runner.invoke(args=["users", "import", "--dry-run", str(f)])
    assert dry.exit_code == 0 and "sẽ tạo 1" in dry.output
    assert services.get_user_by_email("mai@example.vn") is None
    real = runner.invoke(args=["users", "import", str(f)])
    assert real.exit_code == 0
    assert services.get_user_by_email("mai@example.vn").name == "Hoàng Thị Mai"


def test_demo_load_is_idempotent_and_prints_passwords_once(runner, db):
    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0, first.output
    lines = [ln.split() for ln in first.output.splitlines() if "@demo.thuvien.vn" in ln]
    assert {ln[0] for ln in lines} == {"admin", "instructor", "manager", "trainee"}
    for role, email, password in lines:
        assert services.authenticate(email, password).role == role
    users_before = db.session.scalar(select(User.id).order_by(User.id.desc()))
    second = runner.invoke(args=["demo", "load"])
    assert second.exit_code == 0 and "@demo.thuvien.vn" not in second.output
    assert db.session.scalar(select(User.id).order_by(User.id.desc())) == users_before
