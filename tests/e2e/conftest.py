"""Browser end-to-end fixtures: the real app under gunicorn, driven by headless Chromium.

One live server per test session: a temporary instance directory, a fresh database (a temporary
SQLite file, or a throwaway PostgreSQL database next to ELEARN_TEST_DATABASE_URL, because the unit
tests empty every table of that one after each test), `flask db upgrade`, `flask demo load`
(whose printed passwords are the demo accounts), then gunicorn with two workers.

Chromium is Debian's /usr/bin/chromium (or ELEARN_E2E_CHROMIUM), driven by Python Playwright; no
browser is ever downloaded (never run `playwright install`). Without it the whole e2e package is
skipped. Without
tests/e2e/node_modules/axe-core/axe.min.js (`make e2e-deps`) only the axe checks are skipped.
"""
import os
import re
import secrets
import socket
import subprocess
import sys
import threading
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


CSRF_INPUT = re.compile(r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"')
ACCOUNT_LINE = re.compile(r"^\s+(admin|instructor|manager|trainee)\s+(\S+@\S+)\s+(\S+)\s*$")


class LiveServer:
    def __init__(self, url, accounts, log_path, env=None):
        self.url = url
        self.accounts = accounts  # role -> {"email", "password"}
        self.log_path = log_path
        self.env = env  # the server's environment (its database), for `flask` commands

    def flask(self, *args, input=None):
        """Run ``flask --app app ARGS`` against the server's database; returns stdout."""
        proc = subprocess.run([str(BIN / "flask"), "--app", "app", *args], cwd=ROOT, env=self.env, input=input,
                              capture_output=True, text=True, timeout=120, check=False)
        assert proc.returncode == 0, (f"`flask {' '.join(args)}` failed ({proc.returncode}):\n"
                                      f"{proc.stdout}\n{proc.stderr}")
        return proc.stdout


class _BootFailed(Exception):
    pass


class _ServerBoot:
    """Prepares the database and starts gunicorn in a background thread, so that Chromium can
    start at the same time; ``result()`` waits for it."""

    def __init__(self, tmp: Path):
        self.tmp = tmp
        self.log_path = tmp / "server.log"
        self.server = None
        self.pg = None
        self._result = None
        self._error = None
        self._thread = threading.Thread(target=self._run, name="e2e-server-boot", daemon=True)

    def start(self):
        self._thread.start()

    def _env(self):
        env = os.environ.copy()
        for name in ("ELEARN_REDIS_URL", "ELEARN_MAIL_SERVER", "FLASK_APP", "FLASK_DEBUG"):
            env.pop(name, None)
        env.update({
            "ELEARN_INSTANCE_PATH": str(self.tmp / "instance"),
            "ELEARN_SECRET_KEY": secrets.token_urlsafe(36),  # 48 characters
            "ELEARN_ENV": "development",  # plain http on 127.0.0.1: no Secure cookies
            "PYTHONUNBUFFERED": "1",
        })
        test_db = os.environ.get("ELEARN_TEST_DATABASE_URL")
        if test_db:
            # Not the unit tests' database: they empty every table after each test.
            self.pg = _ThrowawayPostgres(test_db)
            env["ELEARN_DATABASE_URL"] = self.pg.url
        else:
            env["ELEARN_DATABASE_URL"] = "sqlite:///" + str(self.tmp / "e2e.sqlite")
        return env

    def _flask(self, env, *args):
        proc = subprocess.run([str(BIN / "flask"), "--app", "app", *args], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=180)
        if proc.returncode != 0:
            raise _BootFailed(f"`flask {' '.join(args)}` failed ({proc.returncode}):\n"
                              f"{proc.stdout}\n{proc.stderr}")
        return proc.stdout

    def _run(self):
        try:
            env = self._env()
            self._flask(env, "db", "upgrade")
            out = self._flask(env, "demo", "load")
            accounts = {}
            for line in out.splitlines():
                m = ACCOUNT_LINE.match(line)
                if m:
                    accounts[m.group(1)] = {"email": m.group(2), "password": m.group(3)}
            if set(accounts) != set(ROLES):
                raise _BootFailed(f"`flask demo load` did not print the 4 demo accounts:\n{out}")
            port = int(os.environ.get("ELEARN_E2E_PORT") or 0) or _free_port()  # a fixed port if given
            url = f"http://127.0.0.1:{port}"
            with open(self.log_path, "wb") as log:
                self.server = subprocess.Popen(
                    [str(BIN / "gunicorn"), "-w", "2", "-b", f"127.0.0.1:{port}", "--timeout", "60",
                     "--graceful-timeout", "5", "app:app"],
                    cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
            self._wait_until_up(url)
            self._result = LiveServer(url, accounts, self.log_path, env)
        except BaseException as err:  # reported by result(), in the test that needs the server
            self._error = err

    def _wait_until_up(self, url, timeout=60.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.server.poll() is not None:
                break
            try:
                with urllib.request.urlopen(url + "/login", timeout=2) as resp:
                    if resp.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
                pass
            time.sleep(0.1)
        log = self.log_path.read_text(errors="replace")[-4000:]
        raise _BootFailed(f"the e2e server at {url} did not answer (exit code {self.server.poll()}):\n{log}")

    def result(self) -> LiveServer:
        self._thread.join()
        if self._error is not None:
            if isinstance(self._error, _BootFailed):
                pytest.fail(str(self._error), pytrace=False)
            raise self._error
        return self._result

    def stop(self):
        self._thread.join(timeout=200)
        server = self.server
        if server is not None and server.poll() is None:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        if self.pg is not None:
            self.pg.drop()


@pytest.fixture(scope="session")
def _server_boot(tmp_path_factory):
    reason = _skip_reason()
    if reason:
        pytest.skip(reason)
    boot = _ServerBoot(tmp_path_factory.mktemp("e2e"))
    boot.start()
    yield boot
    boot.stop()


@pytest.fixture(scope="session")
def live_server(_server_boot):
    """The app under gunicorn: ``.url`` and ``.accounts`` (role -> email, password)."""
    return _server_boot.result()


# --- the browser ----------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def browser(_server_boot):  # the server boots in the background while Chromium starts
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
            # The form post without rendering anything (signing in through the page itself is
            # what test_roles, test_keyboard, test_no_js and test_narrow_screen exercise).
            ctx = self._browser.new_context(base_url=self._server.url, locale="vi-VN")
            try:
                account = self._server.accounts[role]
                form = ctx.request.get("/login")
                token = CSRF_INPUT.search(form.text())
                assert form.ok and token, f"no sign-in form at /login: {form.status}"
                done = ctx.request.post("/login", form={
                    "csrf_token": token.group(1), "email": account["email"],
                    "password": account["password"], "next": ""})
                assert done.ok and urlsplit(done.url).path == "/", (
                    f"signing in as {account['email']} failed: {done.status} {done.url}")
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


@pytest.fixture(scope="module")
def shared_page(browser, live_server, session_states):
    """``shared_page(role_or_None, **context_options)``: one page per role and options, shared by
    the tests of one module (cheaper than a context per test, for pages that are only looked at).
    ``None`` is an anonymous visitor."""
    cache = {}

    def get(role, **options):
        key = (role, repr(sorted(options.items())))
        if key not in cache:
            opts = {"base_url": live_server.url, "locale": "vi-VN", **options}
            if role is not None:
                opts["storage_state"] = session_states.get(role)
            ctx = browser.new_context(**opts)
            ctx.set_default_timeout(DEFAULT_TIMEOUT_MS)
            cache[key] = ctx.new_page()
        return cache[key]

    yield get
    for page in cache.values():
        page.context.close()


# --- courses and quizzes ----------------------------------------------------------------------------

# Pages of the demo curriculum (courses/) that the budget, axe and 360 px checks look at.
COURSE_PAGE = "/courses/phap-luat-thu-vien"
LESSON_PAGE = "/courses/phap-luat-thu-vien/01-tong-quan-luat/01-luat-thu-vien-2019"
ATTEMPT_PAGE = "<attempt>"  # stands for the quiz_attempt_path fixture in page lists

# The module-1 quiz of a demo course (courses/nghiep-vu-bien-muc) that no test answers: the pages
# that are only looked at (budget, axe, 360 px) share one attempt on it.
LOOKED_AT_QUIZ = "/courses/nghiep-vu-bien-muc/01-nen-tang-bien-muc/kiem-tra-module-1"
ATTEMPT_PATH = re.compile(r"^/quizzes/attempt/\d+$")


@pytest.fixture(scope="session")
def quiz_attempt_path(browser, live_server, session_states):
    """The path of an attempt in progress, for the demo trainee, on LOOKED_AT_QUIZ, started the
    way a trainee starts one: the quiz page's button (a POST). Nothing answers or submits it."""
    ctx = browser.new_context(base_url=live_server.url, locale="vi-VN",
                              storage_state=session_states.get("trainee"))
    ctx.set_default_timeout(DEFAULT_TIMEOUT_MS)
    try:
        page = ctx.new_page()
        page.goto(LOOKED_AT_QUIZ)
        assert re.fullmatch(r"/quizzes/\d+", urlsplit(page.url).path), f"the quiz link led to {page.url}"
        with page.expect_navigation(wait_until="load"):
            page.locator("main form").get_by_role("button", name=re.compile(
                "^(Bắt đầu làm bài|Tiếp tục làm bài)$")).click()
        path = urlsplit(page.url).path
        assert ATTEMPT_PATH.match(path), f"starting the attempt led to {page.url}"
        return path
    finally:
        ctx.close()


# --- workshops ----------------------------------------------------------------------------------------

# The demo's upcoming two-day workshop (`flask demo load`), in the last module of
# courses/ung-dung-cntt-internet and completed by attending both sessions.
DEMO_WORKSHOP = "Tập huấn nghiệp vụ thư viện cấp xã 2026"
WORKSHOPS_PAGE = "/workshops/"
DEMO_WORKSHOP_PAGE = "<demo-workshop>"  # stands for the demo_workshop_path fixture in page lists


@pytest.fixture(scope="session")
def demo_workshop_path(browser, live_server, session_states):
    """/workshops/<id> of DEMO_WORKSHOP, as linked from the demo trainee's /workshops/ page."""
    ctx = browser.new_context(base_url=live_server.url, locale="vi-VN", storage_state=session_states.get("trainee"))
    try:
        listing = ctx.request.get(WORKSHOPS_PAGE)
        assert listing.ok, f"{WORKSHOPS_PAGE}: {listing.status}"
        m = re.search(r'<a href="(/workshops/\d+)">' + re.escape(DEMO_WORKSHOP) + "</a>", listing.text())
        assert m, f"{WORKSHOPS_PAGE} does not link the demo workshop {DEMO_WORKSHOP!r}"
        return m.group(1)
    finally:
        ctx.close()


# Placeholders in the page lists of test_budget, test_axe and test_narrow_screen -> their fixtures.
PAGE_FIXTURES = {ATTEMPT_PAGE: "quiz_attempt_path", DEMO_WORKSHOP_PAGE: "demo_workshop_path"}


def resolve_page(path, request):
    """A page list's path, with a placeholder replaced by its fixture's value."""
    fixture = PAGE_FIXTURES.get(path)
    return request.getfixturevalue(fixture) if fixture else path
