"""Workshops (issue 13): the real status after cancel and re-sign-up; a cancellation mail and no pending
"seat confirmed" mail; approval requests mailed to the nearest manager up the tree (else the course's
instructors); attendance only from the session's start minus the check-in margin."""
import io
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from elearn.auth import services as accounts
from elearn.core.errors import ServiceError
from elearn.workshops import attendance, reminders, services
from elearn.workshops.models import Attendance, Reminder
from tests.conftest import AuthActions


def _client(app, user):
    c = app.test_client()
    AuthActions(c).login(user.email)
    return c


def _signup(app, user, ws):
    c = _client(app, user)
    return AuthActions(c).post(f"/workshops/{ws.id}/signup", page=f"/workshops/{ws.id}"), c


def _cancel(client, ws):
    return AuthActions(client).post(f"/workshops/{ws.id}/cancel", page=f"/workshops/{ws.id}/cancel")


@pytest.fixture
def mail_app(make_app, smtp_server):
    return make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port, BASE_URL="https://hoctap.example.vn")


def _send(app):
    with app.app_context():
        return reminders.send_due()


def test_re_sign_up_after_cancel_shows_the_real_status(make_app, db, ws_setup):
    ws, (a, b, c, _d) = ws_setup["ws"], ws_setup["trainees"]
    _resp, ca = _signup(make_app(), a, ws)
    # A mark from a's first seat (e.g. a first day already held) stays in the attendance table.
    attendance.mark(ws_setup["s1"], a.id, "present", now=ws_setup["s1"].starts_at)
    db.session.commit()
    assert "Tham dự một phần" in ca.get(f"/workshops/{ws.id}").get_data(as_text=True)
    assert _cancel(ca, ws).status_code == 302
    for t in (b, c):
        _signup(make_app(), t, ws)
    again, _c = _signup(make_app(), a, ws)
    assert again.status_code == 302
    page = ca.get(f"/workshops/{ws.id}").get_data(as_text=True)
    assert "Trạng thái của bạn: <strong>Danh sách chờ</strong>" in page
    assert "Tham dự một phần" not in page


def test_cancelling_mails_a_cancellation_and_drops_the_pending_seat_mail(mail_app, smtp_server, db, ws_setup):
    ws, a = ws_setup["ws"], ws_setup["trainees"][0]
    _resp, ca = _signup(mail_app, a, ws)
    db.session.expire_all()
    assert db.session.scalar(select(Reminder.status).where(Reminder.kind == "booked")) == "pending"
    assert _cancel(ca, ws).status_code == 302
    stats = _send(mail_app)
    to_a = [m for m in smtp_server.messages if m["To"] == a.email]
    # (the parsed Subject may lose a space where a long encoded header was folded)
    assert [m["Subject"].replace(" ", "") for m in to_a] == ["Đãhuỷđăngký:TậphuấnLuậtThưviện"], stats
    body = to_a[0].get_body(preferencelist=("plain",)).get_content()
    assert "đã được huỷ" in body
    db.session.expire_all()
    assert db.session.scalar(select(Reminder.status).where(Reminder.kind == "booked")) == "dropped"
    assert _send(mail_app) == {"sent": 0, "failed": 0}  # once


def test_approval_request_goes_to_the_nearest_manager(mail_app, smtp_server, db, ws_setup):
    ws = ws_setup["ws"]
    ws.requires_approval = True
    province_manager = accounts.create_user("ql-tinh@example.vn", "Quản Lý Tỉnh", "manager", ws_setup["province"],
                                            password="mat-khau-dung-1")
    db.session.commit()
    a = ws_setup["trainees"][0]  # in Đồng Đăng, under Cao Lộc whose manager is Nông Văn Dũng
    resp, _c = _signup(mail_app, a, ws)
    assert resp.status_code == 302
    _send(mail_app)
    approvals = [m for m in smtp_server.messages if m["Subject"].startswith("Cần duyệt đăng ký")]
    assert [m["To"] for m in approvals] == [ws_setup["manager"].email]
    body = approvals[0].get_body(preferencelist=("plain",)).get_content()
    assert "Hoàng Thị Mai" in body and "https://hoctap.example.vn/workshops/approvals" in body
    assert [r.user_id for r in services.pending_approvals_for(ws_setup["manager"])] == [a.id]
    assert services.pending_approvals_for(province_manager) == []  # not the nearest


def test_without_a_manager_up_the_tree_the_instructors_approve(mail_app, smtp_server, db, ws_setup):
    ws = ws_setup["ws"]
    ws.requires_approval = True
    t = accounts.create_user("vl@example.vn", "Hà Thị Vân", "trainee", ws_setup["other"], password="mat-khau-dung-1")
    db.session.commit()
    resp, _c = _signup(mail_app, t, ws)
    assert resp.status_code == 302
    _send(mail_app)
    approvals = [m for m in smtp_server.messages if m["Subject"].startswith("Cần duyệt đăng ký")]
    assert [m["To"] for m in approvals] == [ws_setup["instructor"].email]
    body = approvals[0].get_body(preferencelist=("plain",)).get_content()
    assert f"/workshops/{ws.id}/registrations" in body


def test_attendance_opens_at_the_start_minus_the_check_in_margin(make_app, db, ws_setup):
    ws, a = ws_setup["ws"], ws_setup["trainees"][0]
    _signup(make_app(), a, ws)
    s1 = ws_setup["s1"]
    opens = s1.starts_at - attendance.CHECKIN_EARLY
    with pytest.raises(ServiceError, match="Chưa điểm danh được"):
        attendance.mark(s1, a.id, "present", now=opens - timedelta(seconds=1))
    db.session.rollback()
    teacher = _client(make_app(), ws_setup["instructor"])
    page = teacher.get(f"/workshops/sessions/{s1.id}/roster").get_data(as_text=True)
    assert "Điểm danh mở từ" in page and 'name="u-' not in page
    resp = AuthActions(teacher).post(f"/workshops/sessions/{s1.id}/roster", data={"all_present": "1"},
                                     page=f"/workshops/{ws.id}/registrations")
    assert resp.status_code == 409
    csv = f"email,session,status\n{a.email},1,present\n".encode()
    AuthActions(teacher).post(f"/workshops/{ws.id}/attendance/import", page=f"/workshops/{ws.id}/registrations",
                              data={"file": (io.BytesIO(csv), "a.csv")}, content_type="multipart/form-data")
    assert db.session.scalar(select(func.count(Attendance.id))) == 0
    attendance.mark(s1, a.id, "present", now=opens)  # from the margin on, it is allowed
    db.session.commit()
    assert db.session.scalar(select(func.count(Attendance.id))) == 1
