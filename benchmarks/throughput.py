"""Throughput of the hot pages (trainee dashboard, a course page, a lesson page, saving a quiz
answer) against two baselines served by the same gunicorn settings (the budget: each hot page
≥ 50 % of the app's bare page):

- the app's bare one-query page (``/_bench/bare`` in bench_app.py: the whole app, its middleware
  and request hooks, one ``SELECT 1``);
- the ceiling (bench_ceiling.py): Flask + Flask-SQLAlchemy with no app middleware, one query, one
  small template.

Two more rows show what every signed-in page shares before doing its own work: the bare page with
the trainee's session (their user loaded), and that plus the page chrome (``base.html``).

    .venv/bin/python benchmarks/throughput.py [--seconds 5] [--rounds 1] [--workers 2] [--clients 8]
    .venv/bin/python benchmarks/throughput.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/<throwaway>

It builds a throwaway SQLite database with the demo (with --database-url it EMPTIES that PostgreSQL
database first: give it a throwaway one), starts both apps under gunicorn on 127.0.0.1, signs a
trainee in, starts a quiz attempt, then hammers each URL for the given time from local threads
(keep-alive connections) and prints requests per second and both ratios. Loopback only; bounded in
time (about 6 x (seconds + 1) per round, plus the demo load).
"""
import argparse
import http.client
import itertools
import os
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
BIN = os.path.dirname(sys.executable)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Session:
    def __init__(self, port):
        self.port, self.cookies = port, {}

    def request(self, method, path, body=None, headers=None, conn=None):
        own = conn is None
        conn = conn or http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        h = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()), **(headers or {})}
        conn.request(method, path, body=body, headers=h)
        resp = conn.getresponse()
        data = resp.read()
        for c in resp.headers.get_all("Set-Cookie") or []:
            k, v = c.split(";", 1)[0].split("=", 1)
            self.cookies[k] = v
        if own:
            conn.close()
        return resp.status, resp.headers, data

    def csrf(self, path):
        _s, _h, data = self.request("GET", path)
        return re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', data).group(1).decode()

    def post_form(self, path, fields, page=None):
        fields = {"csrf_token": self.csrf(page or path), **fields}
        return self.request("POST", path, urllib.parse.urlencode(fields, doseq=True),
                            {"Content-Type": "application/x-www-form-urlencoded"})


def hammer(port, seconds, clients, make_request):
    counts, stop = [0] * clients, time.monotonic() + seconds

    def run(i):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while time.monotonic() < stop:
            status = make_request(conn)
            if status >= 400:
                raise RuntimeError(f"HTTP {status}")
            counts[i] += 1
        conn.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(counts) / seconds


def wait_for(port):
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing answers on port {port}")


def gunicorn(workers, app, env):
    port = free_port()
    proc = subprocess.Popen([os.path.join(BIN, "gunicorn"), "-w", str(workers), "-b", f"127.0.0.1:{port}",
                             "--log-level", "warning", app], cwd=ROOT, env=env)
    return port, proc


def prepare(env, database_url):
    flask = [os.path.join(BIN, "flask"), "--app", "app"]
    if database_url:  # a throwaway PostgreSQL database: start from nothing
        subprocess.run(flask + ["db", "downgrade", "base"], cwd=ROOT, env=env, check=True, capture_output=True)
    subprocess.run(flask + ["db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
    out = subprocess.run(flask + ["demo", "load"], cwd=ROOT, env=env, check=True, capture_output=True, text=True).stdout
    return next(line.split()[2] for line in out.splitlines() if "hocvien@" in line)


def get(path, cookie=None):
    def fn(conn):
        conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        r = conn.getresponse(); r.read()  # noqa: E702
        return r.status
    return fn


COURSE = "/courses/phap-luat-thu-vien"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=5)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--rounds", type=int, default=1, help="repeat the whole series; the best round of each URL counts")
    ap.add_argument("--database-url", help="a THROWAWAY PostgreSQL database (it is emptied first); default SQLite")
    args = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="elearn-bench-")
    url = args.database_url or f"sqlite:///{tmp}/bench.sqlite"
    env = {**os.environ, "ELEARN_INSTANCE_PATH": tmp, "ELEARN_DATABASE_URL": url,
           "ELEARN_SECRET_KEY": secrets.token_urlsafe(48), "PYTHONPATH": ROOT + os.pathsep + HERE}
    password = prepare(env, args.database_url)
    port, server = gunicorn(args.workers, "bench_app:app", env)
    cport, ceiling_server = gunicorn(args.workers, "bench_ceiling:app", env)
    try:
        wait_for(port)
        wait_for(cport)
        s = Session(port)
        s.post_form("/login", {"email": "hocvien@demo.thuvien.vn", "password": password})
        _st, _h, course_page = s.request("GET", COURSE)
        lesson_path = next(p.decode() for p in re.findall(rb'href="(%s/01-[^/"]+/[^"]+)"' % COURSE.encode(), course_page)
                           if b"kiem-tra" not in p)
        # an attempt on the first quiz of the law course, to save answers into
        _st, headers, _b = s.request("GET", COURSE + "/01-tong-quan-luat/kiem-tra-module-1")
        quiz_path = urllib.parse.urlsplit(headers["Location"]).path  # the quiz activity redirects to its quiz page
        _st, headers, _b = s.post_form(quiz_path + "/start", {}, page=quiz_path)
        attempt_path = urllib.parse.urlsplit(headers["Location"]).path
        _st, _h, attempt_page = s.request("GET", attempt_path)
        token = re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', attempt_page).group(1).decode()
        qname, qvalue = re.search(rb'name="(q\d+)" value="([^"]+)"', attempt_page).groups()
        seqs = itertools.count(1)  # each save carries a larger sequence number (older ones get 409)

        def save_body():
            return urllib.parse.urlencode({"csrf_token": token, "page": "0", "seq": str(next(seqs)),
                                           qname.decode(): qvalue.decode()})
        cookie = "; ".join(f"{k}={v}" for k, v in s.cookies.items())

        def save(conn):
            conn.request("POST", attempt_path + "/autosave", body=save_body(),
                         headers={"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"})
            r = conn.getresponse(); r.read()  # noqa: E702
            # 409: overtaken by a parallel client's newer save, refused after the same checks
            return 200 if r.status == 409 else r.status

        pages = (("ceiling (no middleware)", cport, get("/_bench/ceiling")),
                 ("app bare one-query page", port, get("/_bench/bare")),
                 ("  same, signed in", port, get("/_bench/signed-in", cookie)),
                 ("  signed in + chrome", port, get("/_bench/chrome", cookie)),
                 ("trainee dashboard", port, get("/", cookie)),
                 ("course page", port, get(COURSE, cookie)),
                 ("lesson page", port, get(lesson_path, cookie)),
                 ("answer save", port, save))
        results = {}
        for _round in range(args.rounds):
            for name, p, fn in pages:
                hammer(p, 1, args.clients, fn)  # warm up
                results[name] = max(results.get(name, 0), hammer(p, args.seconds, args.clients, fn))
        ceiling, base = results["ceiling (no middleware)"], results["app bare one-query page"]
        engine = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
        print(f"gunicorn -w {args.workers}, {args.clients} keep-alive clients, {args.seconds:g} s each, "
              f"{args.rounds} round(s), {engine}")
        print(f"{'page':<26} {'req/s':>8}  {'/ app bare':>10}  {'/ ceiling':>9}")
        for name, rps in results.items():
            print(f"{name:<26} {rps:8.1f}  {100 * rps / base:9.1f}%  {100 * rps / ceiling:8.1f}%")
    finally:
        for proc in (server, ceiling_server):
            proc.terminate()
        for proc in (server, ceiling_server):
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


if __name__ == "__main__":
    main()
