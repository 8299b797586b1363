"""The workshop routes load what their address names with ``core.loading.loads`` (docs/ARCHITECTURE.md,
"Loaders"): the staff pages through ``load_staff_workshop`` / ``load_staff_session`` (the session
form's two addresses through ``load_session_form``), unit sign-up through ``load_unit_signup``, and
the API through the pages' loaders, keeping its own JSON messages."""
from sqlalchemy import func, select

from elearn.auth import services as accounts
from elearn.workshops.models import Registration
from tests.conftest import AuthActions


def _web(make_app, user):
    c = make_app().test_client()
    AuthActions(c).login(user.email)
    return c


def _api(make_app, db, user):
    _t, raw = accounts.create_token(user, "t")
    db.session.commit()
    return make_app().test_client(), {"Authorization": f"Bearer {raw}"}


def _loaders(app, endpoint):
    return [(x.loader.__name__, x.args) for x in app.view_functions[endpoint].loaded_by]


def test_pages_and_api_name_the_same_loaders(app):
    assert _loaders(app, "workshops.session_form") == [("load_session_form", ("workshop_id", "session_id"))]
    assert _loaders(app, "workshops.bulk") == [("load_unit_signup", ("workshop_id",))]
    for endpoint in ("workshops.roster", "workshops.checkin_code", "workshops.signin_sheet", "workshops.cancel_session"):
        assert _loaders(app, endpoint) == [("load_staff_session", ("session_id",))], endpoint
    for endpoint in ("workshops.edit", "workshops.set_status", "workshops.registrations", "workshops.import_attendance"):
        assert _loaders(app, endpoint) == [("load_staff_workshop", ("workshop_id",))], endpoint
    for endpoint in ("workshops.detail", "workshops.signup", "workshops.cancel", "workshops.workshop_ics"):
        assert _loaders(app, endpoint) == [("load_workshop", ("workshop_id",))], endpoint
    assert _loaders(app, "workshops.units") == _loaders(app, "api.attendance") == [
        ("load_attendance_view", ("workshop_id",))]


def test_session_form_checks_both_addresses(make_app, db, ws_setup, make_user):
    ws, s1 = ws_setup["ws"], ws_setup["s1"]
    staff = _web(make_app, ws_setup["instructor"])
    assert staff.get(f"/workshops/sessions/{s1.id}/edit").status_code == 200
    assert staff.get("/workshops/sessions/999999/edit").status_code == 404
    assert AuthActions(staff).post("/workshops/999999/sessions", page="/account").status_code == 404
    other = _web(make_app, make_user("instructor", ws_setup["province"], name="Hà Văn Khánh"))  # not its staff
    assert other.get(f"/workshops/sessions/{s1.id}/edit").status_code == 403
    assert AuthActions(other).post(f"/workshops/sessions/{s1.id}/edit", page="/account").status_code == 403
    assert AuthActions(other).post(f"/workshops/{ws.id}/sessions", page="/account").status_code == 403
    assert AuthActions(other).post(f"/workshops/sessions/{s1.id}/cancel", page="/account").status_code == 403


def test_unit_signup_refuses_a_trainee_before_reading_the_form(make_app, db, ws_setup):
    ws = ws_setup["ws"]
    c = _web(make_app, ws_setup["trainees"][0])
    assert c.get(f"/workshops/{ws.id}").status_code == 200  # the trainee sees the workshop ...
    resp = AuthActions(c).post(f"/workshops/{ws.id}/bulk", page="/account", data={"unit": ws_setup["commune"].id})
    assert resp.status_code == 403  # ... but may not sign up a unit
    assert AuthActions(c).post("/workshops/999999/bulk", page="/account").status_code == 404
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 0


def test_api_refusals_keep_their_messages(make_app, db, ws_setup, make_org, make_user):
    ws, s1 = ws_setup["ws"], ws_setup["s1"]
    c, h = _api(make_app, db, ws_setup["trainees"][0])

    def refused(resp):
        return resp.status_code, resp.json["error"]["message"]

    assert refused(c.post("/api/v1/sessions/999999/checkin", headers=h, json={"code": "123456"})) == (
        404, "Không tìm thấy buổi học.")
    assert refused(c.delete(f"/api/v1/workshops/{ws.id}/registration", headers=h)) == (
        404, "Bạn chưa đăng ký lớp này.")
    assert refused(c.get(f"/api/v1/workshops/{ws.id}/attendance", headers=h)) == (
        403, "Bạn không xem được điểm danh của lớp này.")
    outsider = make_user("trainee", make_org("Tỉnh khác", code="XX"))  # not enrolled: the workshop is hidden
    c, h = _api(make_app, db, outsider)
    for resp in (c.post(f"/api/v1/workshops/{ws.id}/registration", headers=h),
                 c.delete(f"/api/v1/workshops/{ws.id}/registration", headers=h),
                 c.post(f"/api/v1/sessions/{s1.id}/checkin", headers=h, json={"code": "123456"})):
        assert refused(resp) == (404, "Không tìm thấy lớp tập huấn.")
    manager = make_user("manager", make_org("Thư viện tỉnh Cao Bằng", code="CB"), name="Đàm Văn Tú")
    c, h = _api(make_app, db, manager)
    assert refused(c.get(f"/api/v1/workshops/{ws.id}/attendance", headers=h)) == (
        404, "Không tìm thấy lớp tập huấn.")
