"""Browser end-to-end fixtures: the real app under gunicorn, driven by headless Chromium.

One live server per test session: a temporary instance directory, a fresh database (a temporary
SQLite file, or a throwaway PostgreSQL database next to ELEARN_TEST_DATABASE_URL, because the unit
tests empty every table of that one after each test), `flask db upgrade`, `flask demo load`
(whose printed passwords are the demo accounts), then gunicorn with two workers.

Chromium is Debian's /usr/bin/chromium, driven by Python Playwright; no browser is ever
downloaded. Without it the whole e2e package is skipped. Without
tests/e2e/node_modules/axe-core/axe.min.js (`make e2e-deps`) only the axe checks are skipped.
"""
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest

E2E_DIR = Path(__file__).resolve().parent
ROOT = E2E_DIR.parent.parent
BIN = Path(sys.executable).parent  # the venv running pytest also holds flask and gunicorn
CHROMIUM = Path(os.environ.get("ELEARN_E2E_CHROMIUM", "/usr/bin/chromium"))
AXE_JS = E2E_DIR / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ROLES = ("admin", "instructor", "manager", "trainee")
DEFAULT_TIMEOUT_MS = 10_000

try:
    import playwright.sync_api  # noqa: F401
    _PLAYWRIGHT = True
except ImportError:  # pragma: no cover
    _PLAYWRIGHT = False


def _skip_reason():
    if not _PLAYWRIGHT:
        return "e2e: Python playwright is not installed (pip install -e '.[test]')"
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        return f"e2e: no Chromium at {CHROMIUM} (apt-get install chromium); browser tests skipped"
    return None


def pytest_collection_modifyitems(config, items):
    reason = _skip_reason()
    if not reason:
        return
    skip = pytest.mark.skip(reason=reason)
    for item in items:
        if E2E_DIR in Path(str(item.path)).resolve().parents:
            item.add_marker(skip)


# --- the live server --------------------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _ThrowawayPostgres:
    """CREATE DATABASE e2e_<random> on the server of ``url``; drop() removes it again."""

    def __init__(self, url: str):
        import psycopg
        from psycopg import sql
        from sqlalchemy.engine import make_url

        self._psycopg, self._sql = psycopg, sql
        base = make_url(url)
        self.name = "e2e_" + secrets.token_hex(6)
        plain = base.set(drivername="postgresql")
        # The `postgres` maintenance database first; the configured one if we may not use it.
        self._admin_dsns = [plain.set(database="postgres").render_as_string(hide_password=False),
                            plain.render_as_string(hide_password=False)]
        self.url = base.set(database=self.name).render_as_string(hide_password=False)
        self._run(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(self.name)))

    def _run(self, statement):
        last = None
        for dsn in self._admin_dsns:
            try:
                conn = self._psycopg.connect(dsn, autocommit=True, connect_timeout=10)
            except self._psycopg.OperationalError as err:
                last = err
                continue
            with conn:
                conn.execute(statement)
            return
        raise last

    def drop(self):
        sql = self._sql
        try:
            self._run(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(self.name)))
        except self._psycopg.errors.SyntaxError:  # PostgreSQL < 13
            self._run(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(self.name)))


ACCOUNT_LINE = re.compile(r"^\s+(admin|instructor|manager|trainee)\s+(\S+@\S+)\s+(\S+)\s*$")


class LiveServer:
    def __init__(self, url, accounts, log_path):
        self.url = url
        self.accounts = accounts  # role -> {"email", "password"}
        self.log_path = log_path

    def log_tail(self, lines=40):
        try:
            return "\n".join(Path(self.log_path).read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


def _flask(env, *args):
    proc = subprocess.run([str(BIN / "flask"), "--app", "app", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    if proc.returncode != 0:
        pytest.fail(f"`flask {' '.join(args)}` failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}",
                    pytrace=False)
    return proc.stdout


def _wait_until_up(url, proc, log_path, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            break
        try:
            with urllib.request.urlopen(url + "/login", timeout=2) as resp:
                if resp.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
            pass
        time.sleep(0.1)
    log = Path(log_path).read_text(errors="replace")[-4000:]
    pytest.fail(f"the e2e server at {url} did not answer (exit code {proc.poll()}):\n{log}", pytrace=False)


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    reason = _skip_reason()
    if reason:
        pytest.skip(reason)
    tmp = tmp_path_factory.mktemp("e2e")
    env = os.environ.copy()
    for name in ("ELEARN_REDIS_URL", "ELEARN_MAIL_SERVER", "FLASK_APP", "FLASK_DEBUG"):
        env.pop(name, None)
    env.update({
        "ELEARN_INSTANCE_PATH": str(tmp / "instance"),
        "ELEARN_SECRET_KEY": secrets.token_urlsafe(36),  # 48 characters
        "ELEARN_ENV": "development",  # plain http on 127.0.0.1: no Secure cookies
        "PYTHONUNBUFFERED": "1",
    })
    pg = None
    test_db = os.environ.get("ELEARN_TEST_DATABASE_URL")
    if test_db:
        pg = _ThrowawayPostgres(test_db)
        env["ELEARN_DATABASE_URL"] = pg.url
    else:
        env["ELEARN_DATABASE_URL"] = "sqlite:///" + str(tmp / "e2e.sqlite")

    server = None
    log_path = tmp / "server.log"
    try:
        _flask(env, "db", "upgrade")
        out = _flask(env, "demo", "load")
        accounts = {}
        for line in out.splitlines():
            m = ACCOUNT_LINE.match(line)
            if m:
                accounts[m.group(1)] = {"email": m.group(2), "password": m.group(3)}
        assert set(accounts) == set(ROLES), f"`flask demo load` did not print the 4 demo accounts:\n{out}"

        port = _free_port()
        url = f"http://127.0.0.1:{port}"
        with open(log_path, "wb") as log:
            server = subprocess.Popen(
                [str(BIN / "gunicorn"), "-w", "2", "-b", f"127.0.0.1:{port}", "--timeout", "60",
                 "--graceful-timeout", "5", "app:app"],
                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        _wait_until_up(url, server, log_path)
        yield LiveServer(url, accounts, log_path)
    finally:
        if server is not None and server.poll() is None:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        if pg is not None:
            pg.drop()


# --- the browser ----------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def browser():
    reason = _skip_reason()
    if reason:
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def new_context(browser, live_server):
    """``new_context(**options)``: a fresh, cache-less browser context (closed after the test).

    Defaults: the live server as base URL and a Vietnamese browser (Accept-Language: vi-VN), as
    the trainees have.
    """
    made = []

    def factory(**options):
        options.setdefault("base_url", live_server.url)
        options.setdefault("locale", "vi-VN")
        ctx = browser.new_context(**options)
        ctx.set_default_timeout(DEFAULT_TIMEOUT_MS)
        made.append(ctx)
        return ctx

    yield factory
    for ctx in made:
        ctx.close()


@pytest.fixture
def accounts(live_server):
    return live_server.accounts


def _login(page, account, *, path="/login"):
    """Sign in through the form, as a person would, and wait for the home page."""
    page.goto(path)
    page.locator("input[name=email]").fill(account["email"])
    page.locator("input[name=password]").fill(account["password"])
    with page.expect_navigation(wait_until="load"):
        page.locator("main form button.primary").click()
    assert urlsplit(page.url).path == "/", (
        f"login as {account['email']} did not reach the home page ({page.url}): "
        f"{page.locator('main').inner_text()}")


@pytest.fixture
def login():
    """``login(page, account)``: sign in through the login form."""
    return _login


class SessionStates:
    """One signed-in browser session per demo role, kept as Playwright storage state (the cookie)
    and reused by tests that need a signed-in page rather than the act of signing in.

    Signing out ends *every* session of that user (the session version goes up), so a test that
    signs a demo account out must call ``forget(role)``.
    """

    def __init__(self, browser, live_server):
        self._browser = browser
        self._server = live_server
        self._cache = {}

    def get(self, role):
        if role not in self._cache:
            ctx = self._browser.new_context(base_url=self._server.url, locale="vi-VN")
            ctx.set_default_timeout(DEFAULT_TIMEOUT_MS)
            try:
                _login(ctx.new_page(), self._server.accounts[role])
                self._cache[role] = ctx.storage_state()
            finally:
                ctx.close()
        return self._cache[role]

    def forget(self, role):
        self._cache.pop(role, None)


@pytest.fixture(scope="session")
def session_states(browser, live_server):
    return SessionStates(browser, live_server)


@pytest.fixture
def signed_in(new_context, session_states):
    """``signed_in(role, **context_options)``: a fresh context already signed in as that role."""

    def factory(role, **options):
        return new_context(storage_state=session_states.get(role), **options)

    return factory
