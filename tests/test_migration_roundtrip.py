"""Migrations keep every row: a populated database goes down step by step to the first revision and
back up to head, and each table that exists on both sides of a step keeps its row count, with clean
foreign keys (docs/ARCHITECTURE.md, "Migrations").

The database is filled at head the way an installation fills it: the demo (org tree, accounts, the
three shipped courses, a workshop), then a submitted quiz attempt with its answers and one in progress,
workshop registrations with their reminders, a certificate, progress rows, an API token and a password
reset. It runs on SQLite (a file of its own) and on PostgreSQL (a database of its own, next to the one
ELEARN_TEST_DATABASE_URL names).

Without the foreign-key handling in migrations/env.py, downgrading past 0004 on SQLite rebuilds
`courses` and the cascade empties modules, activities, questions, attempts and answers.
"""
import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, func, inspect, select, text
from sqlalchemy.engine import make_url

from elearn import create_app
from elearn.extensions import db as _db
from tests.conftest import TEST_DB_URL, _config

# Tables that must hold rows before the round trip, so that the test cannot pass on an empty database.
MUST_HAVE_ROWS = ["org_units", "users", "courses", "modules", "activities", "lessons", "questions", "quizzes",
                  "quiz_attempts", "attempt_answers", "registrations", "certificates", "course_progress",
                  "activity_progress", "workshops", "workshop_sessions", "api_tokens", "password_resets",
                  "forum_threads", "forum_posts", "forum_post_revisions", "forum_reports", "forum_audit",
                  "forum_subscriptions", "forum_reads", "forum_visits", "forum_mails", "forum_attachments",
                  "cataloguing_exercises", "cataloguing_attempts"]


@pytest.fixture
def scratch_url(tmp_path):
    """A database of the test's own: it is migrated down and up, so it cannot be the shared one."""
    if not TEST_DB_URL:
        yield "sqlite:///" + str(tmp_path / "roundtrip.sqlite")
        return
    url = make_url(TEST_DB_URL)
    name = f"{url.database}_roundtrip"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield url.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _counts():
    names = [n for n in inspect(_db.engine).get_table_names() if n != "alembic_version"]
    with _db.engine.connect() as conn:
        return {n: conn.execute(select(func.count()).select_from(text(f'"{n}"'))).scalar_one() for n in names}


def _foreign_key_problems():
    with _db.engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            return conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    return []  # PostgreSQL enforces every foreign key on every statement


def _populate(app):
    from elearn.auth import links
    from elearn.auth import services as accounts
    from elearn.courses.models import Activity, Course
    from elearn.extensions import db
    from elearn.progress import certificates
    from elearn.progress.services import record_event
    from elearn.quizzes import services as quizzes
    from elearn.quizzes.models import Quiz
    from elearn.workshops import services as workshops
    from elearn.workshops.models import Workshop

    result = app.test_cli_runner().invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    trainee = accounts.get_user_by_email("hocvien@demo.thuvien.vn")
    other = accounts.get_user_by_email("lananh@demo.thuvien.vn")
    instructor = accounts.get_user_by_email("giangvien@demo.thuvien.vn")
    manager = accounts.get_user_by_email("quanly@demo.thuvien.vn")

    # progress: lessons viewed by two trainees in every course
    for course in db.session.scalars(select(Course)):
        lessons = db.session.scalars(select(Activity).where(Activity.course_id == course.id,
                                                            Activity.kind == "lesson").limit(3)).all()
        for user in (trainee, other):
            for lesson in lessons:
                record_event(user, lesson, "viewed")

    # a submitted attempt with its answers, and one still in progress
    quiz = db.session.scalars(select(Quiz).order_by(Quiz.activity_id)).first()
    attempt = quizzes.start_attempt(trainee, quiz)
    questions = quizzes.attempt_questions(attempt)
    quizzes.save_responses(attempt, quiz, {qid: _some_response(q, attempt.layout["q"][str(qid)]["layout"])
                                           for qid, q in questions.items()})
    quizzes.submit(attempt, quiz)
    quizzes.start_attempt(other, quiz)

    # a submitted cataloguing attempt and a draft
    from elearn.cataloguing import attempts as cataloguing
    from elearn.cataloguing.models import CataloguingExercise

    ex = db.session.scalars(select(CataloguingExercise).order_by(CataloguingExercise.activity_id)).first()
    done = cataloguing.save_draft(ex, trainee, 1, 1, ex.key_record)
    cataloguing.submit(ex, db.session.get(Activity, ex.activity_id), trainee, done)
    cataloguing.save_draft(ex, other, 1, 1, "=245  10$aNháp")

    # registrations (with their queued reminders) and a certificate
    ws = db.session.scalar(select(Workshop))
    workshops.bulk_sign_up(manager, ws.id, manager.org)
    course = db.session.get(Course, ws.course_id)
    certificates.issue_manually(trainee, course, "Đã học lớp tập huấn trực tiếp", instructor)

    accounts.create_token(manager, "báo cáo")
    db.session.commit()
    links.start_password_reset(other.email)
    db.session.commit()
    _populate_discussions(trainee, other, instructor)


def _populate_discussions(trainee, other, instructor):
    """The demo's threads, plus an edit, a report, a moderation, a visit, a queued mail, an attachment."""
    from elearn.courses.models import Course
    from elearn.discussions import moderation, services
    from elearn.discussions.models import Attachment, Post, Thread
    from elearn.extensions import db

    thread = db.session.scalars(select(Thread).order_by(Thread.id)).first()
    post = services.reply(other, thread, body="Cảm ơn cô.")
    services.edit_post(other, post, thread, body="Cảm ơn cô nhiều.")
    moderation.report(trainee, post, "nhầm chủ đề")
    moderation.moderate_thread(instructor, thread, "pin")
    services.visit(trainee, db.session.get(Course, thread.course_id))
    db.session.add(Attachment(post_id=post.id, stored_name="0" * 32 + ".pdf", original_name="noi-quy.pdf",
                              mime="application/pdf", size=10))
    assert db.session.scalar(select(Post.id).where(Post.thread_id == thread.id))
    db.session.commit()


def _some_response(question, layout):
    """A response the question's type accepts, as the API would store it."""
    from elearn.quizzes.types import get_type

    qt = get_type(question.qtype)
    ids = [a["id"] for a in question.data.get("answers", []) if isinstance(a, dict) and "id" in a]
    for raw in [*ids[:1], [*ids[:1]], True, "52", "thư viện", None]:
        try:
            return qt.clean_response(raw, question.data, layout)
        except (ValueError, TypeError, KeyError):
            continue
    return None


def test_every_step_down_and_up_keeps_the_rows(scratch_url, tmp_path):
    from flask_migrate import downgrade, upgrade

    app = create_app(_config(scratch_url, str(tmp_path / "instance")))
    with app.app_context():
        upgrade()
        _populate(app)
        _db.session.remove()

        at_head = _counts()
        empty = [t for t in MUST_HAVE_ROWS if not at_head.get(t)]
        assert empty == [], f"the fixture left these tables empty: {empty}"

        script = ScriptDirectory.from_config(app.extensions["migrate"].migrate.get_config())
        revisions = [r.revision for r in script.walk_revisions()]  # head first
        assert len(revisions) >= 2

        always = set(at_head)  # tables present at every step: they must end as they began

        def step(move, target):
            before = _counts()
            move(revision=target)
            after = _counts()
            always.intersection_update(after)
            lost = {t: (before[t], after[t]) for t in before.keys() & after.keys() if before[t] != after[t]}
            assert lost == {}, f"{move.__name__} to {target}: row counts changed {lost}"
            assert _foreign_key_problems() == [], f"{move.__name__} to {target}: broken foreign keys"

        for target in revisions[1:]:
            step(downgrade, target)
        for target in reversed(revisions[:-1]):
            step(upgrade, target)

        back = _counts()
        assert {"users", "org_units"} <= always
        changed = {t: (at_head[t], back[t]) for t in always if back[t] != at_head[t]}
        assert changed == {}
        _db.engine.dispose()
