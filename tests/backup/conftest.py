import os

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from tests.conftest import TEST_DB_URL

RESTORE_DB = "elearn_backup_restore"  # the second PostgreSQL database, made and dropped by the tests

GIFT = "::TF:: Ngày Sách và Văn hóa đọc Việt Nam là ngày 21/4. {T}\n"


@pytest.fixture
def quiz(tmp_path, runner, db, make_org):
    """A published course with one single-question quiz open to unlimited attempts, and its org."""
    from elearn.courses import services as courses
    from elearn.courses.models import Activity, Course

    root = tmp_path / "courses" / "sao-luu"
    (root / "mot").mkdir(parents=True)
    (root / "course.yaml").write_text("title: Khoá thử\nsummary: x\nmodules: [mot]\n", encoding="utf-8")
    (root / "mot" / "module.yaml").write_text(
        "title: Module một\nactivities:\n  - quiz: kt\n    title: Kiểm tra\n    questions: q.gift\n",
        encoding="utf-8")
    (root / "mot" / "q.gift").write_text(GIFT, encoding="utf-8")
    result = runner.invoke(args=["courses", "import", str(root.parent)])
    assert result.exit_code == 0, result.output
    org = make_org(code="LS")
    courses.enrol_org(db.session.scalar(select(Course)), org)
    db.session.commit()
    activity = db.session.scalar(select(Activity).where(Activity.kind == "quiz"))
    return {"activity_id": activity.id, "org": org}


@pytest.fixture
def fresh_target(make_app, tmp_path, database_url):
    """An app on a FRESH, empty database with its own empty instance folder: a SQLite file that does
    not exist yet, or (on PostgreSQL) a second database created here and dropped afterwards."""
    instance = tmp_path / "restored-instance"
    if not TEST_DB_URL:
        yield make_app(SQLALCHEMY_DATABASE_URI="sqlite:///" + str(tmp_path / "restored.sqlite"),
                       INSTANCE_PATH=str(instance))
        return
    admin = create_engine(make_url(database_url), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{RESTORE_DB}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{RESTORE_DB}"'))
    target = make_app(SQLALCHEMY_DATABASE_URI=make_url(database_url).set(database=RESTORE_DB)
                      .render_as_string(hide_password=False), INSTANCE_PATH=str(instance))
    try:
        yield target
    finally:
        from elearn.extensions import db as _db

        with target.app_context():
            _db.engine.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{RESTORE_DB}" WITH (FORCE)'))
        admin.dispose()


def rows(app, sql):
    """Run one SELECT on ``app``'s database and return all rows."""
    from elearn.extensions import db as _db

    with app.app_context():
        with _db.engine.connect() as conn:
            return conn.execute(text(sql)).all()


def invoke(app, *args):
    """Run a CLI command against ``app``. Its context is pushed here: Flask's ``with_appcontext`` would
    otherwise reuse the test's own app context (the test database and instance folder)."""
    with app.app_context():
        return app.test_cli_runner().invoke(args=list(args))


def write_uploads(app, n, size):
    """Store ``n`` PDF uploads of about ``size`` bytes through store_upload; returns their stored names."""
    import io

    from elearn.core.uploads import store_upload

    names = []
    with app.app_context():
        for i in range(n):
            body = b"%PDF-1.4\n" + os.urandom(size) + b"\n%%EOF\n"
            names.append(store_upload(io.BytesIO(body), filename=f"tai-lieu-{i}.pdf").stored_name)
    return names
