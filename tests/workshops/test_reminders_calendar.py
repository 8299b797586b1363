from datetime import timedelta

import icalendar
import pytest
from sqlalchemy import func, select

from elearn.core.timeutil import utcnow
from elearn.workshops import services
from elearn.workshops.models import CalendarFeed, Reminder


def _book(db, ws_setup, n=2):
    for t in ws_setup["trainees"][:n]:
        services.sign_up(t, ws_setup["ws"].id)
    db.session.commit()


def _send(runner):
    out = runner.invoke(args=["reminders", "send"])
    assert out.exit_code == 0, out.output
    return out.output


@pytest.fixture
def smtp_runner(app, smtp_server):
    # CLI commands run in the test's app context, so the mail settings go on that app.
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port, BASE_URL="https://elearn.example.vn",
                      SERVER_NAME=None)
    return app.test_cli_runner()


def test_booking_mail_goes_out_once_with_the_ics(db, ws_setup, smtp_runner, smtp_server):
    _book(db, ws_setup, 1)
    _send(smtp_runner)
    _send(smtp_runner)
    booked = [m for m in smtp_server.messages if "Đã xác nhận chỗ" in m["Subject"]]
    assert len(booked) == 1
    msg = booked[0]
    assert msg["To"] == ws_setup["trainees"][0].email
    body = msg.get_body(preferencelist=("plain",)).get_content()
    assert "Hoàng Thị Mai" in body and "https://elearn.example.vn/workshops/" in body
    ics = next(p for p in msg.iter_attachments() if p.get_content_type() == "text/calendar")
    cal = icalendar.Calendar.from_ical(ics.get_content() if isinstance(ics.get_content(), bytes) else ics.get_content().encode())
    events = [c for c in cal.walk("VEVENT")]
    assert len(events) == 2 and str(events[0]["LOCATION"]) == "Hội trường Thư viện tỉnh"


def test_t7_and_t1_reminders_go_out_once_however_often_cron_runs(db, ws_setup, smtp_runner, smtp_server):
    _book(db, ws_setup, 1)
    s1 = ws_setup["s1"]
    s1.starts_at, s1.ends_at = utcnow() + timedelta(days=6), utcnow() + timedelta(days=6, hours=3)
    ws_setup["s2"].starts_at, ws_setup["s2"].ends_at = utcnow() + timedelta(days=20), utcnow() + timedelta(days=20, hours=3)
    db.session.commit()
    for _ in range(3):
        _send(smtp_runner)
    subjects = [m["Subject"] for m in smtp_server.messages]
    assert sum("Còn một tuần" in s for s in subjects) == 1
    s1.starts_at, s1.ends_at = utcnow() + timedelta(hours=20), utcnow() + timedelta(hours=23)
    db.session.commit()
    for _ in range(3):
        _send(smtp_runner)
    subjects = [m["Subject"] for m in smtp_server.messages]
    assert sum("Ngày mai" in s for s in subjects) == 1


def test_smtp_down_means_retry_later_not_lost_or_doubled(db, app, ws_setup, smtp_server):
    _book(db, ws_setup, 1)
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=1)  # nothing listens there: the server is down
    runner = app.test_cli_runner()
    assert "lỗi 1" in _send(runner)
    rem = db.session.scalar(select(Reminder).where(Reminder.kind == "booked"))
    db.session.refresh(rem)
    assert rem.status == "pending" and rem.attempts == 1 and rem.next_try_at > utcnow() and rem.last_error
    app.config.update(MAIL_PORT=smtp_server.port)  # the server is back
    up = runner
    _send(up)
    assert smtp_server.messages == []  # not due yet: it waits for its retry time
    rem.next_try_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    _send(up)
    _send(up)
    assert len(smtp_server.messages) == 1
    db.session.expire_all()
    assert db.session.get(Reminder, rem.id).status == "sent"


def test_a_claim_left_by_a_killed_worker_is_retried_after_a_while(db, ws_setup, smtp_runner, smtp_server):
    _book(db, ws_setup, 1)
    rem = db.session.scalar(select(Reminder))
    rem.status, rem.claimed_at = "sending", utcnow()  # another worker is sending it right now
    db.session.commit()
    _send(smtp_runner)
    assert smtp_server.messages == []
    rem.claimed_at = utcnow() - timedelta(minutes=30)  # that worker died
    db.session.commit()
    _send(smtp_runner)
    assert len(smtp_server.messages) == 1


def test_change_and_cancellation_notices_and_sequence(db, ws_setup, smtp_runner, smtp_server, client, auth):
    _book(db, ws_setup, 2)
    s2 = ws_setup["s2"]
    services.change_session(s2, title=s2.title, starts_at=s2.starts_at + timedelta(hours=1),
                            ends_at=s2.ends_at + timedelta(hours=1), venue="Phòng 2", trainer=s2.trainer)
    services.cancel_session(ws_setup["s1"])
    db.session.commit()
    assert s2.sequence == 1
    _send(smtp_runner)
    subjects = [m["Subject"] for m in smtp_server.messages]
    assert sum("Thay đổi lịch" in s for s in subjects) == 2 and sum("Huỷ buổi học" in s for s in subjects) == 2
    auth.login(ws_setup["trainees"][0].email)
    cal = icalendar.Calendar.from_ical(client.get(f"/workshops/{ws_setup['ws'].id}.ics").data)
    by_uid = {str(e["UID"]): e for e in cal.walk("VEVENT")}
    s1_uid = f"workshop-{ws_setup['ws'].id}-session-{ws_setup['s1'].id}@thuvien-hoctap"
    assert str(by_uid[s1_uid]["STATUS"]) == "CANCELLED"
    s2_event = by_uid[f"workshop-{ws_setup['ws'].id}-session-{s2.id}@thuvien-hoctap"]
    assert int(s2_event["SEQUENCE"]) == 1 and str(s2_event["LOCATION"]) == "Phòng 2"
    start = s2_event["DTSTART"].dt
    assert start.utcoffset() == timedelta(hours=7)
    assert start.astimezone(tz=None).replace(tzinfo=None) - s2.starts_at == start.astimezone(tz=None).utcoffset() or \
        start.replace(tzinfo=None) - timedelta(hours=7) == s2.starts_at


def test_personal_feed_lists_booked_sessions_and_can_be_reset(db, ws_setup, client, auth):
    _book(db, ws_setup, 1)
    auth.login(ws_setup["trainees"][0].email)
    page = client.get("/account/calendar").get_data(as_text=True)
    url = page.split('<code class="token">')[1].split("</code>")[0]
    path = url.replace("http://localhost", "")
    anon = client.application.test_client()
    cal = icalendar.Calendar.from_ical(anon.get(path).data)
    assert len(list(cal.walk("VEVENT"))) == 2
    assert cal.get("X-WR-TIMEZONE") == "Asia/Ho_Chi_Minh"
    auth.post("/account/calendar")
    assert anon.get(path).status_code == 404
    assert db.session.scalar(select(func.count(CalendarFeed.user_id))) == 1
