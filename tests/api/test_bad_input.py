"""Bad input gets a clear 4xx, never a 500 (issue 10): ids beyond the database's integers, numbers
in query strings, NUL characters, and methods a URL does not take."""
import re

import pytest

from elearn.auth import services as accounts
from elearn.core.http import DB_INT_MAX

HUGE = "133071476425619230418796544"


@pytest.fixture
def admin_headers(db, make_user):
    user = make_user("admin")
    _t, raw = accounts.create_token(user, "t")
    db.session.commit()
    return {"Authorization": f"Bearer {raw}"}


@pytest.mark.parametrize("path", [
    f"/api/v1/lessons/{HUGE}", f"/api/v1/attempts/{HUGE}", f"/api/v1/attempts/{HUGE}/review",
    f"/api/v1/workshops/{HUGE}/attendance", f"/api/v1/users/{HUGE}/progress", f"/api/v1/lessons/{DB_INT_MAX + 1}",
])
def test_api_ids_beyond_the_database_range_are_404(client, admin_headers, path):
    resp = client.get(path, headers=admin_headers)
    assert resp.status_code == 404
    assert resp.json["error"]["code"] == "not_found" and resp.json["error"]["message"]


def test_api_writes_with_huge_ids_are_404(client, admin_headers):
    for method, path in (("post", f"/api/v1/workshops/{HUGE}/registration"),
                         ("delete", f"/api/v1/workshops/{HUGE}/registration"),
                         ("post", f"/api/v1/quizzes/{HUGE}/attempts"),
                         ("post", f"/api/v1/sessions/{HUGE}/checkin")):
        resp = getattr(client, method)(path, headers=admin_headers, json={"code": "123456"})
        # Werkzeug answers 405 when another rule on the same path (POST) matched before the bounded
        # converter refused the id: still a clean client error, with Allow.
        expected = {404, 405} if method == "delete" else {404}
        assert resp.status_code in expected, (method, path, resp.status_code)
        assert resp.json["error"]["message"]


def test_the_bound_is_in_the_openapi_document(client):
    spec = client.get("/api/v1/openapi.json").json
    param = spec["paths"]["/api/v1/lessons/{lesson_id}"]["parameters"][0]
    assert param["schema"] == {"type": "integer", "minimum": 0, "maximum": DB_INT_MAX}


def test_web_ids_and_numbers_in_query_strings(client, auth, db, make_user):
    admin = make_user("admin", name="Quản Trị Viên")
    auth.login(admin.email)
    assert client.get(f"/admin/users/{HUGE}").status_code == 404
    assert client.get(f"/workshops/{HUGE}").status_code == 404
    assert client.get(f"/courses/x/manage/modules/{HUGE}").status_code == 404
    # page= and org= beyond the range are ignored like any non-number
    for query in (f"page={HUGE}", f"org={HUGE}", f"page=-{HUGE}", "page=abc", f"org={DB_INT_MAX + 1}"):
        resp = client.get(f"/admin/users?{query}")
        assert resp.status_code == 200, query
        assert "Quản Trị Viên" in resp.get_data(as_text=True)
    assert client.get(f"/workshops/checkin?s={HUGE}").status_code in (200, 404)


def test_nul_in_the_path_or_query_is_a_400_in_vietnamese(client, auth, make_user, admin_headers):
    auth.login(make_user("admin").email)
    for path in ("/courses/a%00b", "/admin/users?q=a%00b", "/admin/users?role=%00"):
        resp = client.get(path)
        assert resp.status_code == 400, path
        assert "ký tự không hợp lệ" in resp.get_data(as_text=True)
    resp = client.get("/api/v1/orgs?q=%00", headers=admin_headers)
    assert resp.status_code == 400 and "ký tự không hợp lệ" in resp.json["error"]["message"]


def test_nul_in_a_form_field_is_a_field_error_and_nothing_is_saved(client, auth, db, make_user):
    from elearn.courses.models import Course

    instructor = make_user("instructor")
    auth.login(instructor.email)
    resp = auth.post("/courses/new", data={"title": "Kỹ năng\x00 mềm", "summary": "", "hours": "4"})
    assert resp.status_code == 200
    assert "Không được chứa ký tự NUL." in resp.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(Course.id))) == 0


def test_nul_in_an_api_body_is_422_on_the_field(client, admin_headers):
    resp = client.patch("/api/v1/me", json={"locale": "vi\x00"}, headers=admin_headers)
    assert resp.status_code == 422
    assert resp.json["error"]["fields"]["json"]["locale"] == ["Không được chứa ký tự NUL."]
    resp = client.put("/api/v1/attempts/1/answers", json={"answers": {"1": ["a\x00"]}}, headers=admin_headers)
    assert resp.status_code == 422 and "answers" in resp.json["error"]["fields"]["json"]


def test_405_names_the_allowed_methods(client, admin_headers, auth, make_user):
    resp = client.delete("/api/v1/me", headers=admin_headers)
    assert resp.status_code == 405 and resp.json["error"]["code"] == "method_not_allowed"
    assert set(re.split(r",\s*", resp.headers["Allow"])) >= {"GET", "PATCH"}
    page = client.put("/login")
    assert page.status_code == 405 and "POST" in page.headers["Allow"]


def test_api_times_carry_an_offset(client, db, make_user):
    from elearn.api.schemas import SessionSchema
    from datetime import datetime

    out = SessionSchema().dump({"starts_at": datetime(2026, 12, 1, 1, 30), "ends_at": datetime(2026, 12, 1, 4, 30)})
    assert out == {"starts_at": "2026-12-01T01:30:00Z", "ends_at": "2026-12-01T04:30:00Z"}


def test_a_value_the_database_refuses_is_a_400_and_nothing_is_stored(make_app, db, make_org):
    """The safety net behind validation: a DataError (PostgreSQL: NUL in text, a number out of
    range, a string too long) rolls the request back and answers 400 in Vietnamese, not 500."""
    from sqlalchemy.exc import DataError

    from elearn.extensions import db as _db
    from elearn.orgs.models import OrgUnit

    app = make_app()

    def refused():
        _db.session.add(OrgUnit(code="HALF", name="Nửa chừng"))
        _db.session.flush()
        raise DataError("INSERT …", {}, ValueError("PostgreSQL text fields cannot contain NUL (0x00) bytes"))

    app.add_url_rule("/_test/refused", "refused", refused, methods=["GET"])
    app.add_url_rule("/api/v1/_test/refused", "api_refused", refused, methods=["GET"])
    client = app.test_client()
    page = client.get("/_test/refused")
    assert page.status_code == 400 and "không lưu được" in page.get_data(as_text=True)
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    api = client.get("/api/v1/_test/refused")
    assert api.status_code in (400, 401)  # unauthenticated API requests stop at 401 first
    db.session.expire_all()
    assert db.session.scalar(db.select(OrgUnit).where(OrgUnit.code == "HALF")) is None
