"""The app under a real gunicorn, in a subprocess, for tests that need a real server.

Ports: a free one chosen by the OS, or one in ELEARN_TEST_PORTS ("5400-5499") when that is set
(machines where several test runs share the host keep to their own range).
"""
import os
import re
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
SECRET = "live-test-secret-key-0123456789-abcdefghijklmnop"
CSRF_INPUT = re.compile(r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"')


def free_port() -> int:
    span = os.environ.get("ELEARN_TEST_PORTS")
    candidates = [0]
    if span:
        lo, hi = (int(x) for x in span.split("-"))
        candidates = list(range(lo, hi + 1))
    for port in candidates:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return s.getsockname()[1]
    raise RuntimeError(f"no free port in {span}")


@contextmanager
def gunicorn(database_url, instance_dir, log_path, workers=1, **env_extra):
    """Serve ``app:app`` on ``database_url``; yields the base URL; stops the server afterwards."""
    port = free_port()
    env = {**os.environ, "ELEARN_DATABASE_URL": database_url, "ELEARN_SECRET_KEY": SECRET,
           "ELEARN_INSTANCE_PATH": str(instance_dir), "ELEARN_ENV": "development", **env_extra}
    env.pop("ELEARN_REDIS_URL", None)
    with open(log_path, "ab") as log:
        proc = subprocess.Popen([str(BIN / "gunicorn"), "--workers", str(workers), "--bind", f"127.0.0.1:{port}",
                                 "--timeout", "60", "--graceful-timeout", "5", "app:app"],
                                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited ({proc.returncode}):\n{Path(log_path).read_text()[-3000:]}")
            try:
                requests.get(base + "/login", timeout=10)
                break
            except (requests.ConnectionError, requests.Timeout):
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


def sign_in(base, email, password="mat-khau-dung-1") -> requests.Session:
    s = requests.Session()
    token = CSRF_INPUT.search(s.get(base + "/login", timeout=10).text).group(1)
    resp = s.post(base + "/login", data={"email": email, "password": password, "csrf_token": token},
                  allow_redirects=False, timeout=30)
    assert resp.status_code == 302, resp.text[:500]
    return s
