import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from elearn.core.errors import ServiceError
from elearn.auth import services as accounts
from elearn.core.timeutil import utcnow
from elearn.courses.models import ActivityProgress
from elearn.workshops import attendance
from elearn.workshops.models import Attendance, Registration, RegistrationEvent, Reminder
from tests.conftest import AuthActions
from tests.workshops.conftest import open_sessions


def _client(make_app, user):
    c = make_app().test_client()
    AuthActions(c).login(user.email)
    return c


def _signup(make_app, user, ws):
    c = _client(make_app, user)
    return AuthActions(c).post(f"/workshops/{ws.id}/signup", page=f"/workshops/{ws.id}"), c


def _status(db, user, ws):
    db.session.expire_all()
    return db.session.scalar(select(Registration.status).where(Registration.user_id == user.id,
                                                               Registration.workshop_id == ws.id))


def test_full_workshop_waitlists_and_a_cancellation_promotes(make_app, db, ws_setup):
    ws, (a, b, c, _d) = ws_setup["ws"], ws_setup["trainees"]
    for t in (a, b, c):
        _signup(make_app, t, ws)
    assert [_status(db, t, ws) for t in (a, b, c)] == ["booked", "booked", "waitlisted"]
    client = _client(make_app, a)
    page = client.get(f"/workshops/{ws.id}").get_data(as_text=True)
    assert "Đã có chỗ" in page and "Còn 0 / 2 chỗ" in page
    confirm = client.get(f"/workshops/{ws.id}/cancel")
    assert "Huỷ đăng ký" in confirm.get_data(as_text=True)
    AuthActions(client).post(f"/workshops/{ws.id}/cancel")
    assert _status(db, a, ws) == "cancelled" and _status(db, c, ws) == "booked"
    history = db.session.scalars(select(RegistrationEvent.status).join(Registration).where(
        Registration.user_id == c.id).order_by(RegistrationEvent.id)).all()
    assert history == ["waitlisted", "booked"]
    kinds = sorted(db.session.scalars(select(Reminder.kind)))
    assert kinds.count("booked") == 2 and "waitlisted" in kinds and "promoted" in kinds


def test_the_last_seat_is_never_taken_twice(make_app, db, ws_setup):
    ws = ws_setup["ws"]
    ws.capacity = 1
    db.session.commit()
    tokens = []
    for t in ws_setup["trainees"]:
        _tok, raw = accounts.create_token(t, "t")
        tokens.append(raw)
    db.session.commit()
    ws_id = ws.id
    clients = [make_app().test_client() for _ in tokens]
    barrier = threading.Barrier(len(tokens))
    results = [None] * len(tokens)

    def run(i):
        barrier.wait()
        results[i] = clients[i].post(f"/api/v1/workshops/{ws_id}/registration",
                                     headers={"Authorization": f"Bearer {tokens[i]}"})

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(tokens))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert all(r.status_code == 201 for r in results), [r.get_data(as_text=True) for r in results]
    statuses = sorted(r.json["status"] for r in results)
    assert statuses == ["booked", "waitlisted", "waitlisted", "waitlisted"]
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Registration.id)).where(Registration.status == "booked")) == 1


def test_cancellation_cut_off(make_app, db, ws_setup):
    ws, t = ws_setup["ws"], ws_setup["trainees"][0]
    _resp, client = _signup(make_app, t, ws)
    ws_setup["s1"].starts_at = utcnow() + timedelta(hours=5)
    ws_setup["s1"].ends_at = utcnow() + timedelta(hours=8)
    db.session.commit()
    resp = AuthActions(client).post(f"/workshops/{ws.id}/cancel")
    assert "quá hạn huỷ" in client.get(resp.headers["Location"]).get_data(as_text=True)
    assert _status(db, t, ws) == "booked"


def test_manager_approval(make_app, db, ws_setup):
    ws = ws_setup["ws"]
    ws.requires_approval = True
    db.session.commit()
    t = ws_setup["trainees"][0]
    _signup(make_app, t, ws)
    assert _status(db, t, ws) == "requested"
    outsider = accounts.create_user("ql2@example.vn", "Quản Lý Khác", "manager", ws_setup["other"], password="mat-khau-dung-1")
    db.session.commit()
    oc = _client(make_app, outsider)
    assert "Hoàng Thị Mai" not in oc.get("/workshops/approvals").get_data(as_text=True)
    mc = _client(make_app, ws_setup["manager"])
    assert "Hoàng Thị Mai" in mc.get("/workshops/approvals").get_data(as_text=True)
    reg_id = db.session.scalar(select(Registration.id))
    assert AuthActions(oc).post("/workshops/approvals", data={"registration": reg_id, "action": "approve"}).status_code == 404
    AuthActions(mc).post("/workshops/approvals", data={"registration": reg_id, "action": "approve"})
    assert _status(db, t, ws) == "booked"


def test_roster_marks_attendance_and_it_shows_in_progress(make_app, db, ws_setup):
    ws, (a, b, *_rest) = ws_setup["ws"], ws_setup["trainees"]
    for t in (a, b):
        _signup(make_app, t, ws)
    open_sessions(db, ws_setup)
    teacher = _client(make_app, ws_setup["instructor"])
    t_auth = AuthActions(teacher)
    page = teacher.get(f"/workshops/sessions/{ws_setup['s1'].id}/roster").get_data(as_text=True)
    assert "Hoàng Thị Mai" in page and "Lộc Văn Đức" in page
    t_auth.post(f"/workshops/sessions/{ws_setup['s1'].id}/roster", data={"all_present": "1"})
    t_auth.post(f"/workshops/sessions/{ws_setup['s2'].id}/roster", data={f"u-{a.id}": "late", f"u-{b.id}": "absent"})
    db.session.expire_all()
    rows = {r.user_id: r.state for r in db.session.scalars(select(ActivityProgress))}
    assert rows[a.id] == "complete" and rows[b.id] == "started"
    assert attendance.outcome(ws, b.id, utcnow() + timedelta(days=30)) == "partly_attended"
    units = teacher.get(f"/workshops/{ws.id}/units").get_data(as_text=True)
    assert "Thư viện xã Đồng Đăng" in units and "75%" in units


def test_self_check_in_with_the_rotating_code(make_app, db, ws_setup):
    ws, t = ws_setup["ws"], ws_setup["trainees"][0]
    _resp, client = _signup(make_app, t, ws)
    s1 = ws_setup["s1"]
    now = utcnow()
    s1.starts_at, s1.ends_at = now - timedelta(minutes=5), now + timedelta(hours=2)
    db.session.commit()
    with pytest.raises(ServiceError, match="Mã điểm danh không đúng"):
        attendance.check_in(t, s1, "000000" if attendance.checkin_code(s1) != "000000" else "111111")
    old = attendance.checkin_code(s1, now - timedelta(minutes=5))
    resp = AuthActions(client).post(f"/workshops/checkin?s={s1.id}", data={"code": old})
    if old != attendance.checkin_code(s1):
        assert "không đúng hoặc đã hết hạn" in resp.get_data(as_text=True)
    resp = AuthActions(client).post(f"/workshops/checkin?s={s1.id}", data={"code": attendance.checkin_code(s1)})
    assert resp.status_code == 302
    assert db.session.scalar(select(Attendance.status)) == "present"
    # outside the session window the code is refused
    s1.starts_at, s1.ends_at = now + timedelta(days=3), now + timedelta(days=3, hours=2)
    db.session.commit()
    with pytest.raises(Exception, match="thời gian buổi học"):
        attendance.check_in(t, s1, attendance.checkin_code(s1))


def test_attendance_csv_import_is_all_or_nothing(make_app, db, ws_setup):
    import io

    ws, (a, b, *_r) = ws_setup["ws"], ws_setup["trainees"]
    for t in (a, b):
        _signup(make_app, t, ws)
    open_sessions(db, ws_setup)
    teacher = _client(make_app, ws_setup["instructor"])
    bad = f"email,session,status\n{a.email},1,present\n{b.email},3,present\nkhongco@x.vn,1,late\n{a.email},2,bogus\n"
    resp = AuthActions(teacher).post(f"/workshops/{ws.id}/attendance/import", page=f"/workshops/{ws.id}/registrations",
                                     data={"file": (io.BytesIO(bad.encode()), "a.csv")}, content_type="multipart/form-data")
    html = teacher.get(resp.headers["Location"]).get_data(as_text=True)
    assert "Dòng 3" in html and "Dòng 4" in html and "Dòng 5" in html and "chưa ghi gì" in html
    assert db.session.scalar(select(func.count(Attendance.id))) == 0
    good = f"email,session,status\n{a.email},1,present\n{b.email},2,excused\n"
    AuthActions(teacher).post(f"/workshops/{ws.id}/attendance/import", page=f"/workshops/{ws.id}/registrations",
                              data={"file": (io.BytesIO(good.encode()), "a.csv")}, content_type="multipart/form-data")
    assert db.session.scalar(select(func.count(Attendance.id))) == 2


def test_sign_in_sheet_pdf(make_app, db, ws_setup):
    ws, a = ws_setup["ws"], ws_setup["trainees"][0]
    _signup(make_app, a, ws)
    teacher = _client(make_app, ws_setup["instructor"])
    resp = teacher.get(f"/workshops/sessions/{ws_setup['s1'].id}/signin.pdf")
    assert resp.status_code == 200 and resp.data.startswith(b"%PDF")


def test_trainees_outside_the_course_or_targets_cannot_sign_up(make_app, db, ws_setup, make_org, make_user):
    from elearn.workshops.models import WorkshopTarget

    ws = ws_setup["ws"]
    stranger = make_user("trainee", make_org("Tỉnh khác", code="XX"))
    c = _client(make_app, stranger)
    assert c.get(f"/workshops/{ws.id}").status_code == 404
    db.session.add(WorkshopTarget(workshop_id=ws.id, org_id=ws_setup["other"].id))
    db.session.commit()
    resp, client = _signup(make_app, ws_setup["trainees"][0], ws)  # Đồng Đăng is not in Văn Lãng
    assert _status(db, ws_setup["trainees"][0], ws) is None


def test_workshop_api_lists_signs_up_and_reads_attendance(client, db, ws_setup):
    def bearer(u):
        _t, raw = accounts.create_token(u, "t")
        db.session.commit()
        return {"Authorization": f"Bearer {raw}"}

    ws, a = ws_setup["ws"], ws_setup["trainees"][0]
    h = bearer(a)
    listed = client.get("/api/v1/workshops", headers=h).json
    assert listed[0]["title"] == "Tập huấn Luật Thư viện" and listed[0]["my_status"] is None
    assert client.post(f"/api/v1/workshops/{ws.id}/registration", headers=h).json["status"] == "booked"
    again = client.post(f"/api/v1/workshops/{ws.id}/registration", headers=h)
    assert again.status_code == 409
    hb = bearer(ws_setup["trainees"][1])
    assert client.post(f"/api/v1/workshops/{ws.id}/registration", headers=hb).json["status"] == "booked"
    assert client.delete(f"/api/v1/workshops/{ws.id}/registration", headers=hb).json["status"] == "cancelled"
    open_sessions(db, ws_setup)
    attendance.mark(ws_setup["s1"], a.id, "present")
    db.session.commit()
    staff = client.get(f"/api/v1/workshops/{ws.id}/attendance", headers=bearer(ws_setup["instructor"])).json
    assert staff[0]["sessions"][str(ws_setup["s1"].id)] == "present"
    assert client.get(f"/api/v1/workshops/{ws.id}/attendance", headers=h).status_code == 403
    # after the cut-off (the sessions have started) a trainee can no longer cancel
    assert client.delete(f"/api/v1/workshops/{ws.id}/registration", headers=h).status_code == 409


def test_manager_signs_up_a_whole_unit_and_outcomes_enter_the_history(make_app, db, ws_setup):
    from elearn.workshops import attendance as att

    ws = ws_setup["ws"]
    ws.capacity = 3
    db.session.commit()
    mc = _client(make_app, ws_setup["manager"])
    page = mc.get(f"/workshops/{ws.id}").get_data(as_text=True)
    assert "Đăng ký cho cả đơn vị" in page
    resp = AuthActions(mc).post(f"/workshops/{ws.id}/bulk", page=f"/workshops/{ws.id}",
                                data={"unit": ws_setup["commune"].id})
    assert "3 có chỗ, 1 vào danh sách chờ" in mc.get(resp.headers["Location"]).get_data(as_text=True)
    outsider = AuthActions(mc).post(f"/workshops/{ws.id}/bulk", page=f"/workshops/{ws.id}",
                                    data={"unit": ws_setup["other"].id})
    assert outsider.status_code == 404  # Văn Lãng is outside the Cao Lộc manager's tree
    a = ws_setup["trainees"][0]
    open_sessions(db, ws_setup)
    att.mark(ws_setup["s1"], a.id, "present")
    att.mark(ws_setup["s2"], a.id, "late")
    db.session.commit()
    history = db.session.scalars(select(RegistrationEvent.status).join(Registration).where(
        Registration.user_id == a.id).order_by(RegistrationEvent.id)).all()
    assert history == ["booked", "partly_attended", "attended"]
    events = db.session.scalars(select(RegistrationEvent).join(Registration).where(Registration.user_id == a.id)).all()
    assert events[0].by_id == ws_setup["manager"].id


def test_trainee_dashboard_lists_upcoming_sessions(make_app, db, ws_setup):
    a = ws_setup["trainees"][0]
    _signup(make_app, a, ws_setup["ws"])
    home = _client(make_app, a).get("/").get_data(as_text=True)
    assert "Buổi tập huấn sắp tới" in home and "Tập huấn Luật Thư viện" in home and "Ngày 1" in home
