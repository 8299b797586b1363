from sqlalchemy import select

from elearn.auth import services
from elearn.auth.models import ApiToken
from tests.conftest import csrf_token


def _token(db, user):
    _t, raw = services.create_token(user, "test")
    db.session.commit()
    return raw


def test_me_needs_auth_and_answers_json(client):
    resp = client.get("/api/v1/me")
    assert resp.status_code == 401
    assert resp.json["error"]["code"] == "unauthorized"
    assert resp.json["error"]["message"]


def test_me_with_bearer_token(client, db, make_user, make_org):
    org = make_org("Thư viện xã Đồng Đăng", code="DD")
    user = make_user(org=org, name="Hoàng Thị Mai")
    raw = _token(db, user)
    resp = client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"})
    assert resp.status_code == 200
    assert resp.json["name"] == "Hoàng Thị Mai"
    assert resp.json["org"]["code"] == "DD"
    assert "password_hash" not in resp.json
    # A bearer request leaves no session cookie behind.
    assert not any(c.startswith("elearn_session=") for c in resp.headers.getlist("Set-Cookie"))


def test_tokens_are_hashed_at_rest_and_revocable(client, auth, db, make_user):
    user = make_user()
    auth.login(user.email)
    resp = auth.post("/account/tokens", page="/account", data={"name": "Máy đọc ngoại tuyến"})
    assert resp.status_code == 302
    page = client.get("/account").get_data(as_text=True)
    raw = page.split('<code class="token">')[1].split("</code>")[0]
    assert raw.startswith("elt_")
    assert raw not in client.get("/account").get_data(as_text=True)  # shown once
    stored = db.session.scalar(select(ApiToken))
    assert stored.token_hash != raw and raw not in stored.token_hash
    api = client.application.test_client()
    assert api.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"}).status_code == 200
    auth.post(f"/account/tokens/{stored.id}/revoke", page="/account")
    resp = api.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"})
    assert resp.status_code == 401 and resp.json["error"]["code"] == "invalid_token"


def test_cli_tokens_create_prints_a_working_token(runner, client, make_user):
    user = make_user()
    result = runner.invoke(args=["tokens", "create", user.email])
    raw = result.output.strip()
    assert result.exit_code == 0 and raw.startswith("elt_")
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"}).json["id"] == user.id


def test_bad_authorization_header_is_401_not_500(client):
    for header in ("Basic abc", "Bearer", "Bearer elt_nope", "Token x"):
        resp = client.get("/api/v1/me", headers={"Authorization": header})
        assert resp.status_code == 401, header
        assert "error" in resp.json


def test_cookie_session_works_for_get_and_state_changes_need_csrf_header(client, auth, make_user, db):
    """The API takes the session cookie; a state change then needs the X-CSRFToken header."""
    user = make_user()
    auth.login(user.email)
    assert client.get("/api/v1/me").json["id"] == user.id
    no_header = client.patch("/api/v1/me", json={"locale": "en"})
    assert no_header.status_code == 400 and no_header.json["error"]["code"] == "csrf_failed"
    token = csrf_token(client, "/account")
    ok = client.patch("/api/v1/me", json={"locale": "en"}, headers={"X-CSRFToken": token})
    assert ok.status_code == 200 and ok.json["locale"] == "en"


def test_bearer_state_change_needs_no_csrf_and_bad_input_is_422(client, db, make_user):
    raw = _token(db, make_user())
    headers = {"Authorization": f"Bearer {raw}"}
    assert client.patch("/api/v1/me", json={"locale": "vi"}, headers=headers).status_code == 200
    bad = client.patch("/api/v1/me", json={"locale": "fr"}, headers=headers)
    assert bad.status_code == 422 and bad.json["error"]["code"] == "invalid"
    assert "locale" in bad.json["error"]["fields"]["json"]
    broken = client.patch("/api/v1/me", data="{not json", headers={**headers, "Content-Type": "application/json"})
    assert broken.status_code in (400, 422) and "error" in broken.json


def test_openapi_document_is_generated(client):
    resp = client.get("/api/v1/openapi.json")
    assert resp.status_code == 200
    spec = resp.json
    assert spec["openapi"].startswith("3.")
    assert "/api/v1/me" in spec["paths"]
    assert "bearer" in spec["components"]["securitySchemes"]


def test_unknown_api_path_is_json_404(client):
    resp = client.get("/api/v1/khong-co")
    assert resp.status_code == 404 and resp.json["error"]["code"] == "not_found"


def test_orgs_api_is_scoped_to_the_viewer(client, db, make_user, make_org):
    ls = make_org("Thư viện tỉnh", code="LS")
    cl = make_org("Cao Lộc", parent=ls, code="CL")
    dd = make_org("Đồng Đăng", parent=cl, code="DD")
    make_org("Văn Lãng", parent=ls, code="VL")
    manager = make_user("manager", cl)
    raw = _token(db, manager)
    codes = {u["code"] for u in client.get("/api/v1/orgs", headers={"Authorization": f"Bearer {raw}"}).json}
    assert codes == {"CL", "DD"}
    assert dd.code in codes
