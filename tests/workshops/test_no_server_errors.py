"""Requests that used to answer 500 in the workshop views and API (issue 10)."""
from datetime import timedelta

from sqlalchemy import select

from elearn.auth import services as accounts
from elearn.core.timeutil import utcnow
from elearn.workshops import attendance
from elearn.workshops.models import Attendance
from tests.workshops.conftest import open_sessions
from tests.conftest import AuthActions


def _client(make_app, user):
    c = make_app().test_client()
    AuthActions(c).login(user.email)
    return c


def _bearer(db, user):
    _t, raw = accounts.create_token(user, "t")
    db.session.commit()
    return {"Authorization": f"Bearer {raw}"}


def test_api_check_in_with_the_code_marks_present(client, db, ws_setup):
    ws, t, s1 = ws_setup["ws"], ws_setup["trainees"][0], ws_setup["s1"]
    h = _bearer(db, t)
    assert client.post(f"/api/v1/workshops/{ws.id}/registration", headers=h).status_code == 201
    now = utcnow()
    s1.starts_at, s1.ends_at = now - timedelta(minutes=5), now + timedelta(hours=2)
    db.session.commit()
    wrong = "000000" if attendance.checkin_code(s1) != "000000" else "111111"
    bad = client.post(f"/api/v1/sessions/{s1.id}/checkin", json={"code": wrong}, headers=h)
    assert bad.status_code == 422 and bad.json["error"]["message"]
    resp = client.post(f"/api/v1/sessions/{s1.id}/checkin", json={"code": attendance.checkin_code(s1)}, headers=h)
    assert resp.status_code == 200, resp.json
    assert resp.json == {"workshop_id": ws.id, "status": "present"}
    assert db.session.scalar(select(Attendance.status).where(Attendance.user_id == t.id)) == "present"
    missing = client.post("/api/v1/sessions/999999/checkin", json={"code": "123456"}, headers=h)
    assert missing.status_code == 404


def test_roster_ignores_keys_that_are_not_user_ids(make_app, db, ws_setup):
    ws, a = ws_setup["ws"], ws_setup["trainees"][0]
    AuthActions(_client(make_app, a)).post(f"/workshops/{ws.id}/signup", page=f"/workshops/{ws.id}")
    open_sessions(db, ws_setup)  # attendance can be marked only once the session is about to start
    teacher = _client(make_app, ws_setup["instructor"])
    url = f"/workshops/sessions/{ws_setup['s1'].id}/roster"
    resp = AuthActions(teacher).post(url, data={"u-x": "present", "u-": "late", "u-²": "late", "u-1e9": "late",
                                                f"u-{a.id}": "absent"})
    assert resp.status_code == 302
    db.session.expire_all()
    assert db.session.scalars(select(Attendance.status)).all() == ["absent"]


def test_registrations_page_with_a_waitlist(make_app, db, ws_setup):
    ws = ws_setup["ws"]
    for t in ws_setup["trainees"]:  # 2 seats: two booked, two on the waitlist
        AuthActions(_client(make_app, t)).post(f"/workshops/{ws.id}/signup", page=f"/workshops/{ws.id}")
    page = _client(make_app, ws_setup["instructor"]).get(f"/workshops/{ws.id}/registrations")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    # the waitlist keeps its queue order: Chu Thị Thu signed up before Vi Thị Lan Anh
    assert html.index("Chu Thị Thu") < html.index("Vi Thị Lan Anh")
    assert "Hoàng Thị Mai" in html and "Lộc Văn Đức" in html
