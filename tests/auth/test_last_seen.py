""""Signed in now" counts accounts that made a request in the last 5 minutes, not only those that
signed in then (a trainee who signed in at 8:00 and reads at 10:00 is online)."""
from datetime import timedelta

from sqlalchemy import event
from sqlalchemy.engine import Engine

from elearn.auth.models import User
from elearn.core.timeutil import utcnow
from elearn.extensions import db
from elearn.home.services import usage_figures


def test_a_request_marks_the_account_as_seen_at_most_once_a_minute(client, auth, make_user):
    user = make_user()
    auth.login(user.email)
    long_ago = utcnow() - timedelta(hours=2)
    db.session.execute(db.update(User).where(User.id == user.id).values(last_login_at=long_ago, last_seen_at=long_ago))
    db.session.commit()
    assert usage_figures(None)["now"] == 0

    client.get("/account")
    db.session.expire_all()
    seen = db.session.get(User, user.id).last_seen_at
    assert utcnow() - seen < timedelta(minutes=1)
    assert usage_figures(None)["now"] == 1

    updates = []

    def count(conn, cursor, statement, *args):
        if statement.lstrip().upper().startswith("UPDATE USERS"):
            updates.append(statement)

    event.listen(Engine, "before_cursor_execute", count)  # the client is another app: any engine
    try:
        client.get("/account")
        assert updates == []  # seen less than a minute ago: no write
        db.session.execute(db.update(User).where(User.id == user.id).values(last_seen_at=long_ago))
        db.session.commit()
        updates.clear()  # the line above was the test's own
        for _ in range(3):
            assert client.get("/account").status_code == 200
    finally:
        event.remove(Engine, "before_cursor_execute", count)
    assert len(updates) == 1  # one write once it was stale, none for the requests after it


def test_signing_in_counts_as_seen(client, auth, make_user):
    user = make_user()
    auth.login(user.email)
    db.session.expire_all()
    assert db.session.get(User, user.id).last_seen_at is not None
