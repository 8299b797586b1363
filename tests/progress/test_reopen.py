"""Opening again an activity already completed moves only the times (the short path in
``progress.services._reopened_complete``); everything else still goes through the full refresh."""
from datetime import timedelta

from sqlalchemy import event, select

from elearn.core.timeutil import utcnow
from elearn.courses import services as courses
from elearn.courses.models import ActivityProgress
from elearn.extensions import db as _db
from elearn.progress.models import CourseProgress, ModuleProgress
from tests.progress.conftest import write_course
from tests.progress.test_progress import _snapshot


def _statements(fn):
    seen = []

    def hook(*args, **kw):
        seen.append(args[2])
    engine = _db.engine
    event.listen(engine, "before_cursor_execute", hook)
    try:
        fn()
    finally:
        event.remove(engine, "before_cursor_execute", hook)
    return seen


def test_reopening_a_completed_lesson_moves_only_the_times(db, runner, progress_setup):
    s = progress_setup
    user, a = s["trainee"], s["acts"]["a"]
    first = utcnow() - timedelta(hours=3)
    courses.record_event(user, a, "viewed", now=first)
    db.session.commit()
    sql = _statements(lambda: (courses.record_view(user, a), db.session.commit()))
    assert not any("activity_events" in q and q.lstrip().upper().startswith("SELECT") for q in sql), \
        "the short path does not read the event history"
    row = db.session.scalar(select(ActivityProgress).where(ActivityProgress.activity_id == a.id))
    assert row.state == "complete" and row.first_at == row.completed_at == first and row.last_at > first
    assert db.session.scalar(select(CourseProgress.last_activity_at)) == row.last_at
    live = _snapshot(db)
    assert runner.invoke(args=["progress", "rebuild", "--course", "tien-do"]).exit_code == 0
    db.session.expire_all()
    assert _snapshot(db) == live  # the same rows a full derivation gives


def test_reopening_after_a_due_date_passed_takes_the_full_refresh(db, runner, progress_setup):
    s = progress_setup
    user, a = s["trainee"], s["acts"]["a"]
    courses.record_event(user, a, "viewed")
    db.session.commit()
    module_id = a.module_id
    assert db.session.scalar(select(ModuleProgress.state).where(ModuleProgress.module_id == module_id)) == "started"
    past = (utcnow() - timedelta(days=2)).date().isoformat()
    write_course(s["root"].parent / "v2", m1_completion=f"completion:\n  due: {past}\n")
    assert runner.invoke(args=["courses", "import", str(s["root"].parent / "v2")]).exit_code == 0
    db.session.expire_all()
    # A row kept from before the deadline (as if nothing had refreshed it since): the reopening must
    # still see that the module's day has passed.
    db.session.execute(ModuleProgress.__table__.update().values(state="started"))
    db.session.commit()
    courses.record_view(user, a)
    db.session.commit()
    assert db.session.scalar(select(ModuleProgress.state).where(ModuleProgress.module_id == module_id)) == "missed"


def test_reopening_an_unfinished_activity_is_a_full_refresh(db, progress_setup):
    s = progress_setup
    user, c = s["trainee"], s["acts"]["c"]  # manual: opening it does not complete it
    courses.record_view(user, c)
    db.session.commit()
    row = db.session.scalar(select(ActivityProgress).where(ActivityProgress.activity_id == c.id))
    assert row is not None and row.state == "started"  # the first opening created the row
    courses.record_event(user, c, "marked_done")
    courses.record_view(user, c)
    db.session.commit()
    db.session.expire_all()
    assert db.session.scalar(select(ActivityProgress.state).where(ActivityProgress.activity_id == c.id)) == "complete"


def test_the_lesson_page_records_a_repeat_visit(db, client, auth, progress_setup):
    s = progress_setup
    auth.login(s["trainee"].email)
    url = "/courses/tien-do/mot/a"
    assert client.get(url).status_code == 200
    first = db.session.scalar(select(CourseProgress.last_activity_at))
    assert client.get(url).status_code == 200
    db.session.expire_all()
    assert db.session.scalar(select(CourseProgress.last_activity_at)) > first
    assert db.session.scalar(select(ActivityProgress.state).where(ActivityProgress.activity_id == s["acts"]["a"].id)) == "complete"
