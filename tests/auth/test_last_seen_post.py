"""A POST from an account not seen for a minute (an autosave after a minute of reading) must not
wait for its own write lock: on SQLite the "last seen" write used a second connection while the
POST's transaction already held the writer, so it waited 15 s and answered 503."""
import time
from datetime import timedelta

from sqlalchemy import update

from elearn.auth.models import User
from elearn.core.timeutil import utcnow
from tests.conftest import csrf_token


def test_a_post_after_a_minute_idle_is_quick_and_notes_the_visit(client, auth, db, make_user):
    user = make_user()
    auth.login(user.email)
    token = csrf_token(client, "/account")
    long_ago = utcnow() - timedelta(minutes=5)
    db.session.execute(update(User).where(User.id == user.id).values(last_seen_at=long_ago))
    db.session.commit()
    started = time.monotonic()
    response = client.post("/lang", data={"csrf_token": token, "lang": "en", "next": "/account"})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    assert time.monotonic() - started < 5
    db.session.expire_all()
    assert db.session.get(User, user.id).last_seen_at > long_ago
