"""Thư viện học tập: the application factory."""
import logging
from datetime import timedelta
import os
import secrets

from flask import Flask, request
from flask_babel import get_locale
from flask_login import current_user
from sqlalchemy import event
from sqlalchemy.engine import Engine

from . import config as config_module
from .extensions import babel, csrf, db, limiter, login, migrate


def create_app(test_config=None):
    instance_path = (test_config or {}).get("INSTANCE_PATH") or os.environ.get("ELEARN_INSTANCE_PATH")
    app = Flask(__name__, instance_relative_config=True, instance_path=instance_path,
                template_folder="../templates", static_folder="../static")
    app.config.from_object(config_module.Defaults)
    app.config.from_pyfile("config.py", silent=True)
    app.config.update(config_module.from_environ())
    if test_config:
        app.config.update(test_config)
    os.makedirs(app.instance_path, exist_ok=True)

    _finish_config(app)
    from .core.sessions import SteppedRefreshSessionInterface

    app.session_interface = SteppedRefreshSessionInterface()
    if app.config.get("PROXY_COUNT"):  # behind nginx: the client's address and https come from it
        from werkzeug.middleware.proxy_fix import ProxyFix

        n = int(app.config["PROXY_COUNT"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n)
    _init_extensions(app)
    _register_blueprints(app)
    _register_cli(app)
    _register_request_hooks(app)
    _register_template_helpers(app)
    from .core.uploads import clean_stale_parts_at_startup
    clean_stale_parts_at_startup(app)  # .upload-*.part files left by a worker killed mid-upload
    return app


def _finish_config(app):
    from .core.security import check_base_url, check_rate_limit_store, check_secret_key

    if app.config["ENV"] == "production":
        app.config["SESSION_COOKIE_SECURE"] = True
        app.config["REMEMBER_COOKIE_SECURE"] = True
        app.config["PREFERRED_URL_SCHEME"] = "https"
    check_secret_key(app)
    check_base_url(app)
    if not app.config.get("SECRET_KEY"):
        # Development and the demo: a random key kept in instance/, never in the repository.
        key_file = os.path.join(app.instance_path, "secret_key")
        if not os.path.exists(key_file):
            fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as fh:
                fh.write(secrets.token_urlsafe(48))
        with open(key_file) as fh:
            app.config["SECRET_KEY"] = fh.read().strip()
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///" + os.path.join(app.instance_path, "elearn.sqlite")
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("postgres://"):
        uri = "postgresql://" + uri[len("postgres://"):]
    if uri.startswith("postgresql://"):
        uri = "postgresql+psycopg://" + uri[len("postgresql://"):]
    app.config["SQLALCHEMY_DATABASE_URI"] = uri
    if uri.startswith("sqlite"):
        opts = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
        opts.setdefault("connect_args", {"timeout": 15})
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = opts
    elif uri.startswith("postgresql+psycopg"):
        # psycopg 3 prepares a statement after its fifth run, and drops every prepared statement at
        # a ROLLBACK (DEALLOCATE ALL, one more round trip). The pool rolls back when each request
        # returns its connection, so nothing prepared outlives a request: preparing only cost
        # round trips. See docs/PERFORMANCE.md, "Third pass".
        opts = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
        opts.setdefault("connect_args", {"prepare_threshold": None})
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = opts
    if not app.config.get("RATELIMIT_STORAGE_URI"):
        app.config["RATELIMIT_STORAGE_URI"] = app.config.get("REDIS_URL") or "memory://"
    if app.config["ENV"] != "production" or not app.debug:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    check_rate_limit_store(app)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    """SQLite: WAL (readers don't block the writer), a busy timeout, and foreign keys ON."""
    import sqlite3

    if isinstance(dbapi_connection, sqlite3.Connection):
        cur = dbapi_connection.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA busy_timeout=15000")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()


@event.listens_for(Engine, "begin")
def _sqlite_begin(conn):
    """SQLite: requests that write take the write lock at BEGIN (BEGIN IMMEDIATE).

    A deferred transaction that reads and then writes fails at once with "database is locked" when
    another writer committed in between (busy_timeout does not help there); BEGIN IMMEDIATE waits
    its turn instead. Everything else keeps pysqlite's own behaviour (BEGIN before the first write),
    so reads never hold a snapshot or block a writer (WAL). A GET that writes calls
    ``elearn.core.db.want_write()`` first.
    """
    if conn.dialect.name != "sqlite":
        return
    from .core.db import wants_immediate

    dbapi = conn.connection.dbapi_connection
    if wants_immediate() or conn.info.get("begin_immediate"):
        dbapi.isolation_level = None  # pysqlite opens nothing itself; we do
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        dbapi.isolation_level = ""  # pysqlite's default: an implicit BEGIN before the first write


def _select_locale():
    from .core.i18n import pick_locale

    return pick_locale()


def _init_extensions(app):
    db.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(os.path.dirname(app.root_path), "migrations"))
    login.init_app(app)
    login.login_view = "auth.login_view"
    login.login_message = None
    login.session_protection = "basic"
    csrf.init_app(app)
    babel.init_app(app, locale_selector=_select_locale,
                   timezone_selector=lambda: app.config["BABEL_DEFAULT_TIMEZONE"],
                   default_translation_directories=os.path.join(app.root_path, "translations"))
    limiter.init_app(app)


def _register_blueprints(app):
    from . import api
    from .core import http

    http.register(app)  # the bounded <int:…> converter must be in place before any rule is added
    from .auth import bp as auth_bp
    from .cataloguing import bp as cataloguing_bp
    from .courses import bp as courses_bp
    from .discussions import bp as discussions_bp
    from .home import bp as home_bp
    from .orgs import bp as orgs_bp
    from .progress import bp as progress_bp
    from .quizzes import bp as quizzes_bp
    from .reports import bp as reports_bp
    from .workshops import bp as workshops_bp

    app.register_blueprint(home_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(orgs_bp)
    app.register_blueprint(courses_bp)
    app.register_blueprint(quizzes_bp)
    app.register_blueprint(progress_bp)
    app.register_blueprint(workshops_bp)
    app.register_blueprint(reports_bp)
    app.register_blueprint(discussions_bp)
    app.register_blueprint(cataloguing_bp)
    # Features above the API layer add their routes to the API blueprint before it is registered.
    from .discussions import api as _discussions_api  # noqa: F401

    api.init_app(app)


def _register_cli(app):
    from .auth.cli import tokens_cli, users_cli
    from .cataloguing.cli import cataloguing_cli
    from .curriculum.cli import courses_cli
    from .demo.cli import demo_cli
    from .discussions.cli import discussions_cli
    from .orgs.cli import orgs_cli
    from .progress.cli import progress_cli
    from .quizzes.cli import questions_cli, quizzes_cli
    from .workshops.cli import reminders_cli

    for group in (orgs_cli, users_cli, tokens_cli, courses_cli, questions_cli, quizzes_cli, progress_cli,
                  reminders_cli, demo_cli, cataloguing_cli, discussions_cli):
        app.cli.add_command(group)
    from .backup import init_app as init_backup
    init_backup(app)  # `backup create|restore` and `uploads clean`


def _register_request_hooks(app):
    from .core import errors
    from .core.security import set_security_headers

    errors.register(app)
    app.after_request(set_security_headers)

    @login.unauthorized_handler
    def _unauthorized():
        from flask import redirect, url_for
        from werkzeug.exceptions import Unauthorized

        if request.path.startswith("/api/"):
            raise Unauthorized()
        return redirect(url_for("auth.login_view", next=request.full_path.rstrip("?")))


def _register_template_helpers(app):
    from .auth.permissions import can_use_admin_pages
    from .core import chrome
    from .auth.roles import role_label
    from .core.timeutil import format_date, format_datetime

    app.jinja_env.filters["date"] = format_date
    app.jinja_env.filters["datetime"] = format_datetime
    from .core.numbers import format_number, format_pct

    app.jinja_env.filters["num"] = format_number  # decimal comma in Vietnamese
    app.jinja_env.filters["pct"] = format_pct
    app.jinja_env.globals["role_label"] = role_label
    app.jinja_env.globals["timedelta1"] = timedelta(seconds=1)  # a due day's end → that day

    from flask_babel import get_translations

    from .core.i18n import bound_gettext

    @app.context_processor
    def _globals():
        return {
            **bound_gettext(get_translations()),  # one lookup per render, not one per _()
            "current_locale": str(get_locale()),
            # rendered without building WTForms forms on every page (core/chrome.py)
            "lang_form": chrome.LANGUAGE,
            "logout_form": chrome.LOGOUT,
            "can_admin": current_user.is_authenticated and can_use_admin_pages(current_user),
            "site_name": app.config["SITE_NAME"],
        }
