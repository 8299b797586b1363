"""A live server for tests that need real parallel requests: gunicorn with two workers, started in
a subprocess on the TEST database (the same one the `db` fixture uses, SQLite or PostgreSQL), so a
test can create rows with the factories, commit, and then hit the server over HTTP.

    def test_something(live_server, db, make_user):
        user = make_user(); ...                      # committed rows are visible to the server
        live_server.post("/api/v1/...", headers=...)  # or live_server.url + any HTTP client

The server is started once per test session (gunicorn ``elearn:create_app()``, configured only
through ELEARN_* environment variables, like production) on a free port in ELEARN_LIVE_PORTS
(default 5100-5199), waits until it answers, and is terminated at the end. Every table is still
emptied after each test by the ``app`` fixture, so tests do not see each other's rows.
"""
import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent  # the venv running pytest also holds gunicorn
SECRET_KEY = "test-secret-key-that-is-long-enough-0123456789"  # the same as the tests' apps


def _free_port(ports: str) -> int:
    lo, _sep, hi = ports.partition("-")
    lo, hi = int(lo), int(hi or lo)
    for port in range(lo, hi + 1):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {ports}")


class Response:
    def __init__(self, status, headers, body):
        self.status_code, self.headers, self.body = status, headers, body

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")

    @property
    def json(self):
        return json.loads(self.body) if self.body else None


class LiveServer:
    """``url``; ``request(method, path, json=, data=, headers=)`` → Response (never raises on 4xx/5xx);
    ``parallel(n, fn)`` runs ``fn(i)`` in n threads released at the same instant."""

    def __init__(self, url, proc, log_path, env):
        self.url, self.proc, self.log_path, self.env = url, proc, log_path, env

    def request(self, method, path, json_body=None, data=None, headers=None, timeout=60):
        headers = dict(headers or {})
        body = None
        if json_body is not None:
            body = json.dumps(json_body).encode()
            headers.setdefault("Content-Type", "application/json")
        elif data is not None:
            from urllib.parse import urlencode

            body = urlencode(data, doseq=True).encode()
            headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
        req = urllib.request.Request(self.url + path, data=body, method=method, headers=headers)
        opener = urllib.request.build_opener(_NoRedirect)
        try:
            with opener.open(req, timeout=timeout) as resp:
                return Response(resp.status, dict(resp.headers), resp.read())
        except urllib.error.HTTPError as err:
            return Response(err.code, dict(err.headers), err.read())

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, **kw):
        return self.request("POST", path, **kw)

    def put(self, path, **kw):
        return self.request("PUT", path, **kw)

    @staticmethod
    def parallel(n, fn, timeout=120):
        """Call ``fn(i)`` for i in range(n), all threads starting together; the results in order.
        An exception in a thread is re-raised here."""
        barrier = threading.Barrier(n)
        results, errors = [None] * n, []

        def run(i):
            try:
                barrier.wait(timeout)
                results[i] = fn(i)
            except BaseException as err:  # noqa: BLE001 - reported below
                errors.append(err)

        threads = [threading.Thread(target=run, args=(i,), daemon=True) for i in range(n)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout)
        if errors:
            raise errors[0]
        return results

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def start_server(database_url, instance_dir, log_dir: Path, workers=2, threads=None, extra_env=None):
    env = os.environ.copy()
    for name in ("ELEARN_REDIS_URL", "ELEARN_MAIL_SERVER", "FLASK_APP", "FLASK_DEBUG"):
        env.pop(name, None)
    env.update({
        "ELEARN_DATABASE_URL": database_url,
        "ELEARN_INSTANCE_PATH": str(instance_dir),
        "ELEARN_SECRET_KEY": SECRET_KEY,
        "ELEARN_ENV": "development",  # plain http on 127.0.0.1: no Secure cookies
        "PYTHONUNBUFFERED": "1",
    })
    env.update(extra_env or {})
    port = _free_port(os.environ.get("ELEARN_LIVE_PORTS", "5100-5199"))
    url = f"http://127.0.0.1:{port}"
    log_path = Path(log_dir) / f"gunicorn-{port}.log"
    threads = threads or int(os.environ.get("ELEARN_LIVE_THREADS", "4"))
    with open(log_path, "wb") as log:
        proc = subprocess.Popen([str(BIN / "gunicorn"), "-w", str(workers), "--threads", str(threads),
                                 "-b", f"127.0.0.1:{port}", "--timeout", "60", "--graceful-timeout", "5",
                                 "elearn:create_app()"],
                                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    server = LiveServer(url, proc, log_path, env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            break
        try:
            with urllib.request.urlopen(url + "/login", timeout=2) as resp:
                if resp.status == 200:
                    return server
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
            pass
        time.sleep(0.1)
    stop_server(server)
    raise RuntimeError(f"gunicorn at {url} did not answer:\n{server.log()[-4000:]}")


def stop_server(server):
    proc = server.proc
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="session")
def live_server(_schema, database_url, instance_dir, tmp_path_factory):
    """gunicorn -w 2 on the test database, for the whole session (see the module docstring)."""
    server = start_server(database_url, instance_dir, tmp_path_factory.mktemp("live"))
    yield server
    stop_server(server)
