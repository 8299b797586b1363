"""Issue 9 item 11: a password reset revokes the user's API tokens; a password change offers to."""
import re
from datetime import timedelta

from sqlalchemy import select

from elearn.auth import services
from elearn.auth.models import ApiToken, PasswordReset
from elearn.core.timeutil import utcnow
from tests.conftest import csrf_token


def _token(db, user, name="máy tính bảng"):
    _t, raw = services.create_token(user, name)
    db.session.commit()
    return raw


def _api_ok(client, raw):
    return client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"}).status_code == 200


def _live_tokens(db, user):
    db.session.expire_all()
    return db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))).all()


def test_password_reset_revokes_every_api_token(client, db, make_user):
    user = make_user(email="mai@example.vn")
    other = make_user(email="lan@example.vn")
    raw1, raw2, raw_other = _token(db, user), _token(db, user, "báo cáo"), _token(db, other)
    assert _api_ok(client, raw1) and _api_ok(client, raw2)
    db.session.add(PasswordReset(user_id=user.id, token_hash=services.hash_token("lien-ket-thu"),
                                 expires_at=utcnow() + timedelta(hours=1)))
    db.session.commit()
    link = "/reset/lien-ket-thu"
    resp = client.post(link, data={"password": "mat-khau-moi-dai-1", "confirm": "mat-khau-moi-dai-1",
                                   "csrf_token": csrf_token(client, link)}, follow_redirects=True)
    assert resp.status_code == 200
    assert "mọi mã truy cập API của tài khoản đã bị thu hồi" in resp.get_data(as_text=True)
    assert _live_tokens(db, user) == []
    assert not _api_ok(client, raw1) and not _api_ok(client, raw2)
    assert _api_ok(client, raw_other)  # someone else's tokens are untouched


def test_account_page_says_a_reset_revokes_tokens_and_offers_it_on_change(client, auth, db, make_user):
    make_user(email="mai@example.vn")
    auth.login("mai@example.vn")
    html = client.get("/account").get_data(as_text=True)
    assert "mọi mã truy cập API bị thu hồi" in html
    box = re.search(r'<input[^>]*name="revoke_tokens"[^>]*>', html)
    assert box and "checked" in box.group(0)  # on by default


def _change(auth, **extra):
    data = {"current": "mat-khau-dung-1", "password": "mat-khau-moi-dai-1", "confirm": "mat-khau-moi-dai-1", **extra}
    return auth.post("/account/password", data, page="/account", follow_redirects=True)


def test_password_change_with_the_box_ticked_revokes_tokens(client, auth, db, make_user):
    user = make_user(email="mai@example.vn")
    raw = _token(db, user)
    auth.login("mai@example.vn")
    resp = _change(auth, revoke_tokens="y")
    assert resp.status_code == 200 and "Đã thu hồi 1 mã truy cập API." in resp.get_data(as_text=True)
    assert _live_tokens(db, user) == []
    assert not _api_ok(client, raw)
    assert "Đã thu hồi lúc" in client.get("/account").get_data(as_text=True)


def test_password_change_with_the_box_unticked_keeps_tokens(client, auth, db, make_user):
    user = make_user(email="mai@example.vn")
    raw = _token(db, user)
    auth.login("mai@example.vn")
    resp = _change(auth)  # an unticked checkbox is not sent at all
    assert resp.status_code == 200
    assert len(_live_tokens(db, user)) == 1
    assert _api_ok(client, raw)
