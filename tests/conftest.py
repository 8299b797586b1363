"""Fixtures (DESIGN.md convention 10).

The schema is made once per run by the Alembic migrations, on a temporary SQLite file, or on
PostgreSQL when ELEARN_TEST_DATABASE_URL is set. After each test every table is emptied, so tests
can commit for real (and run concurrent requests) without seeing each other's rows.
"""
import os
import re
import threading

import pytest
from sqlalchemy import event, text

from elearn import create_app
from elearn.extensions import db as _db
from elearn.extensions import limiter
from tests.live import live_server  # noqa: F401  (gunicorn -w 2 on the test database)

TEST_DB_URL = os.environ.get("ELEARN_TEST_DATABASE_URL")


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    if TEST_DB_URL:
        return TEST_DB_URL
    return "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.sqlite")


@pytest.fixture(scope="session")
def instance_dir(tmp_path_factory):
    return str(tmp_path_factory.mktemp("instance"))


def _config(database_url, instance_dir, **extra):
    cfg = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-that-is-long-enough-0123456789",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "INSTANCE_PATH": instance_dir,
        "SERVER_NAME": "localhost",
        "MAIL_SERVER": None,
        "RATELIMIT_STORAGE_URI": "memory://",
        "REDIS_URL": None,
        "PASSWORD_HASH_METHOD": "scrypt:1024:8:1",  # same algorithm, cheaper: keeps the suite fast
    }
    cfg.update(extra)
    return cfg


@pytest.fixture(scope="session")
def _schema(database_url, instance_dir):
    from flask_migrate import downgrade, upgrade

    app = create_app(_config(database_url, instance_dir))
    with app.app_context():
        if TEST_DB_URL:
            downgrade(revision="base")  # a clean start on a reused PostgreSQL database
        upgrade()
        _db.engine.dispose()
    return True


@pytest.fixture
def make_app(_schema, database_url, instance_dir):
    """Build an extra app on the same database (for instance a second gunicorn worker)."""
    made = []

    def factory(**extra):
        app = create_app(_config(database_url, instance_dir, **extra))
        made.append(app)
        return app

    yield factory
    for app in made:
        with app.app_context():
            _db.engine.dispose()


@pytest.fixture
def app(make_app, request):
    app = make_app()
    with app.app_context():
        yield app
        _db.session.remove()
        _empty_tables()
        _db.engine.dispose()
    limiter.reset()


def _empty_tables():
    tables = [t for t in reversed(_db.metadata.sorted_tables)]
    with _db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            conn.exec_driver_sql("PRAGMA foreign_keys=OFF")  # org_units refers to itself
            for t in tables:
                conn.execute(t.delete())
            conn.exec_driver_sql("PRAGMA foreign_keys=ON")


@pytest.fixture
def db(app):
    return _db


@pytest.fixture
def client(app, make_app):
    """A client of a second app on the same database, like a separate worker: each request gets
    its own app context, ``g`` and session, instead of sharing the test's open context."""
    return make_app().test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


# --- factories ------------------------------------------------------------------------------------

@pytest.fixture
def make_org(app):
    from elearn.orgs.services import create_unit

    counter = {"n": 0}

    def factory(name=None, parent=None, code=None):
        counter["n"] += 1
        n = counter["n"]
        unit = create_unit(code or f"U{n}", name or f"Thư viện xã Thử {n}", parent)
        _db.session.commit()
        return unit

    return factory


@pytest.fixture
def make_user(app, make_org):
    from elearn.auth.services import create_user

    counter = {"n": 0}

    def factory(role="trainee", org=None, email=None, name=None, password="mat-khau-dung-1"):
        counter["n"] += 1
        n = counter["n"]
        user = create_user(email or f"user{n}@example.vn", name or f"Người Dùng {n}", role,
                           org or make_org(), password=password)
        _db.session.commit()
        return user

    return factory


# --- helpers ----------------------------------------------------------------------------------------

CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


def route_loaders(app, endpoint):
    """The loaders the route ``endpoint`` names with ``@loads`` (``elearn/core/loading.py``)."""
    return [loading.loader for loading in getattr(app.view_functions[endpoint], "loaded_by", ())]


def csrf_token(client, path="/login"):
    """The session's CSRF token, read from a rendered form as a browser would."""
    html = client.get(path).get_data(as_text=True)
    m = CSRF_RE.search(html)
    assert m, f"no csrf_token in {path}"
    return m.group(1) or m.group(2)


class AuthActions:
    def __init__(self, client):
        self.client = client

    def login(self, email, password="mat-khau-dung-1", **extra):
        token = csrf_token(self.client)
        return self.client.post("/login", data={"email": email, "password": password, "csrf_token": token, **extra})

    def logout(self):
        token = csrf_token(self.client, "/account")
        return self.client.post("/logout", data={"csrf_token": token})

    def post(self, path, data=None, page=None, **kw):
        """POST a form with the CSRF token taken from ``page`` (default: ``path``)."""
        data = dict(data or {})
        data.setdefault("csrf_token", csrf_token(self.client, page or path))
        return self.client.post(path, data=data, **kw)


@pytest.fixture
def auth(client):
    return AuthActions(client)


@pytest.fixture
def count_queries(app):
    """Count SQL statements run inside the ``with`` block: ``with count_queries() as n: …; n()``."""
    from contextlib import contextmanager

    @contextmanager
    def counter():
        statements = []

        def before(conn, cursor, statement, params, context, executemany):
            statements.append(statement)

        event.listen(_db.engine, "before_cursor_execute", before)
        try:
            yield lambda: len(statements)
        finally:
            event.remove(_db.engine, "before_cursor_execute", before)

    return counter


@pytest.fixture
def smtp_server():
    """A real SMTP server on loopback (aiosmtpd) that keeps what it receives."""
    from aiosmtpd.controller import Controller

    class Sink:
        def __init__(self):
            self.messages = []
            self.lock = threading.Lock()

        async def handle_DATA(self, server, session, envelope):
            import email
            from email import policy

            msg = email.message_from_bytes(envelope.content, policy=policy.default)
            with self.lock:
                self.messages.append(msg)
            return "250 OK"

    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    sink.port = port
    yield sink
    controller.stop()
