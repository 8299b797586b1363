"""Issue 14 item 5: followers get mail through the outbox, exactly once however often cron runs,
against a real SMTP server (aiosmtpd); digests once a day; nobody is mailed what they may not see."""
from datetime import timedelta

from sqlalchemy import func, select

from elearn.core import outbox as core_outbox
from elearn.core.timeutil import utcnow
from elearn.discussions import moderation, outbox, services
from elearn.discussions.loaders import ForumAccess
from elearn.discussions.models import ForumMail, Thread
from tests.discussions.conftest import BASE, login, post_reply, post_thread


def _cron(app, now=None):
    with app.test_request_context(base_url=BASE):
        queued = outbox.queue_digests(now)
        return queued, outbox.send_due(now)


def test_the_asker_gets_one_mail_for_the_answer_across_repeated_cron_runs(make_app, smtp_server, db, forum):
    mail_app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port, BASE_URL=BASE)
    mai = login(make_app, "mai@example.vn")
    resp = post_thread(mai, forum["a"].slug, "Thư viện xã cần nội quy không?", "Xin hỏi cô", question=True)
    tid = int(resp.headers["Location"].rsplit("/", 1)[1])
    staff = login(make_app, "gv@example.vn")
    assert post_reply(staff, tid, "Cần có nội quy riêng, niêm yết nơi dễ thấy.").status_code == 303
    for _ in range(3):
        with mail_app.app_context():
            _cron(mail_app)
    to_mai = [m for m in smtp_server.messages if m["To"] == "mai@example.vn"]
    assert len(to_mai) == 1, [m["Subject"] for m in smtp_server.messages]
    assert to_mai[0]["Subject"].replace(" ", "") == "Bàimới:Thưviệnxãcầnnộiquykhông?"
    body = to_mai[0].get_body(preferencelist=("plain",)).get_content()
    assert "Cần có nội quy riêng" in body and "Lương Thị Hạnh" in body
    assert f"{BASE}/discuss/t/{tid}#post-" in body
    assert not [m for m in smtp_server.messages if m["To"] == "gv@example.vn"]  # not to the author
    db.session.expire_all()
    assert db.session.scalar(select(func.count(ForumMail.id)).where(ForumMail.status == "sent")) == 1


def test_two_crons_at_once_do_not_send_twice(make_app, smtp_server, db, forum):
    """A row claimed by one run is skipped by the other (the claim is one conditional UPDATE)."""
    access = ForumAccess(forum["a"], moderator=True, writer=True)
    t = services.create_thread(forum["trainee"], access, title="Câu hỏi", body="x")
    services.reply(forum["instructor"], t, body="y")
    db.session.commit()
    row = db.session.scalar(select(ForumMail))
    assert core_outbox.claim(ForumMail, row.id, utcnow()) and not core_outbox.claim(ForumMail, row.id, utcnow())
    db.session.commit()
    mail_app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port, BASE_URL=BASE)
    with mail_app.app_context():
        assert _cron(mail_app)[1]["sent"] == 0  # the other run holds it
        # a run killed mid-send leaves a claim that expires; the row is then sent, once
        later = utcnow() + core_outbox.CLAIM_TIMEOUT + timedelta(minutes=1)
        assert _cron(mail_app, later)[1]["sent"] == 1
        assert _cron(mail_app, later)[1]["sent"] == 0
    assert len(smtp_server.messages) == 1


def test_daily_digest_once_and_nothing_about_what_the_reader_may_not_see(make_app, smtp_server, db, forum):
    access = ForumAccess(forum["a"], moderator=True, writer=True)
    services.subscribe(forum["classmate"], forum["a"].id, mode="digest")
    services.subscribe(forum["outsider"], forum["a"].id, mode="instant")  # not enrolled: never mailed
    yesterday = utcnow() - timedelta(days=1)
    t = services.create_thread(forum["trainee"], access, title="Luân chuyển sách", body="Ba tháng một lần?",
                               now=yesterday)
    hidden = services.reply(forum["trainee"], t, body="Bài sẽ bị ẩn", now=yesterday)
    moderation.moderate_post(forum["instructor"], t, hidden, "hide", "trùng lặp")
    services.create_thread(forum["trainee"], access, module=forum["two"], title="Ở module còn khoá",
                           body="Lan chưa mở module này", now=yesterday)
    db.session.commit()
    mail_app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port, BASE_URL=BASE)
    with mail_app.app_context():
        _cron(mail_app)
        _cron(mail_app)
    digests = [m for m in smtp_server.messages if m["To"] == "lan@example.vn"]
    assert len(digests) == 1
    body = digests[0].get_body(preferencelist=("plain",)).get_content()
    assert "Ba tháng một lần?" in body and "Bài sẽ bị ẩn" not in body and "Lan chưa mở" not in body
    assert not [m for m in smtp_server.messages if m["To"] == "ngoai@example.vn"]
    db.session.expire_all()
    assert db.session.scalar(select(func.count(ForumMail.id)).where(ForumMail.user_id == forum["outsider"].id,
                                                                   ForumMail.status == "dropped")) >= 1


def test_mail_failure_is_retried_later_and_then_sent(make_app, smtp_server, db, forum):
    access = ForumAccess(forum["a"], moderator=True, writer=True)
    t = services.create_thread(forum["trainee"], access, title="Câu hỏi", body="x")
    services.reply(forum["instructor"], db.session.get(Thread, t.id), body="y")
    db.session.commit()
    down = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=1, BASE_URL=BASE, MAIL_TIMEOUT=2)
    with down.app_context():
        assert _cron(down)[1]["failed"] == 1
    up = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port, BASE_URL=BASE)
    with up.app_context():
        assert _cron(up)[1]["sent"] == 0  # not due yet
        assert _cron(up, utcnow() + timedelta(hours=1))[1]["sent"] == 1
    assert len(smtp_server.messages) == 1


def test_cli_send(runner, db, forum):
    result = runner.invoke(args=["discussions", "send"])
    assert result.exit_code == 0 and "đã gửi 0" in result.output
