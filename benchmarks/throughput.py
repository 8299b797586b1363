"""Throughput of the trainee dashboard and of saving a quiz answer, against a bare one-query Flask
page served by the same gunicorn settings (the budget: ≥ 50 % of the bare page).

    .venv/bin/python benchmarks/throughput.py [--seconds 10] [--workers 2] [--clients 8]

It builds a throwaway SQLite database with the demo, starts gunicorn on 127.0.0.1, signs a trainee
in, starts a quiz attempt, then hammers each URL for the given time from local threads (keep-alive
connections) and prints requests per second. Loopback only; bounded in time.
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


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--clients", type=int, default=8)
    args = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="elearn-bench-")
    env = {**os.environ, "ELEARN_INSTANCE_PATH": tmp, "ELEARN_DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite",
           "ELEARN_SECRET_KEY": secrets.token_urlsafe(48), "PYTHONPATH": ROOT + os.pathsep + HERE}
    flask = [os.path.join(BIN, "flask"), "--app", "app"]
    subprocess.run(flask + ["db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
    out = subprocess.run(flask + ["demo", "load"], cwd=ROOT, env=env, check=True, capture_output=True, text=True).stdout
    password = next(line.split()[2] for line in out.splitlines() if "hocvien@" in line)
    port = free_port()
    server = subprocess.Popen([os.path.join(BIN, "gunicorn"), "-w", str(args.workers), "-b", f"127.0.0.1:{port}",
                               "--log-level", "warning", "bench_app:app"], cwd=ROOT, env=env)
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        s = Session(port)
        s.post_form("/login", {"email": "hocvien@demo.thuvien.vn", "password": password})
        # an attempt on the first quiz of the law course, to save answers into
        _st, headers, _b = s.request("GET", "/courses/phap-luat-thu-vien/01-tong-quan-luat/kiem-tra-module-1")
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

        def bare(conn):
            conn.request("GET", "/_bench/bare")
            r = conn.getresponse(); r.read()  # noqa: E702
            return r.status

        def dashboard(conn):
            conn.request("GET", "/", headers={"Cookie": cookie})
            r = conn.getresponse(); r.read()  # noqa: E702
            return r.status

        def save(conn):
            conn.request("POST", attempt_path + "/autosave", body=save_body(),
                         headers={"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"})
            r = conn.getresponse(); r.read()  # noqa: E702
            # 409: overtaken by a parallel client's newer save, refused after the same checks
            return 200 if r.status == 409 else r.status

        results = {}
        for name, fn in (("bare one-query page", bare), ("trainee dashboard", dashboard), ("answer save", save)):
            hammer(port, 1, args.clients, fn)  # warm up
            results[name] = hammer(port, args.seconds, args.clients, fn)
        base = results["bare one-query page"]
        print(f"gunicorn -w {args.workers}, {args.clients} keep-alive clients, {args.seconds:g} s each, SQLite")
        for name, rps in results.items():
            print(f"{name:<22} {rps:8.1f} req/s  {100 * rps / base:5.1f} % of bare")
    finally:
        server.terminate()
        server.wait(10)


if __name__ == "__main__":
    main()
