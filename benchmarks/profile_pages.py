"""Profile the hot pages in process (cProfile through Flask's test client) and count their queries.

    .venv/bin/python benchmarks/profile_pages.py [--requests 200] [--top 25] [--database-url URL]

Builds a throwaway SQLite database with the demo (with --database-url it EMPTIES that PostgreSQL
database first), signs the demo trainee in, starts a quiz attempt, then for each hot page (trainee
dashboard, course page, lesson page, answer save) prints: SQL statements per request, milliseconds
per request, and the functions with the most cumulative time under cProfile.
"""
import argparse
import cProfile
import io
import os
import pstats
import re
import secrets
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, ROOT)
sys.path.insert(0, HERE)
from throughput import COURSE, prepare  # noqa: E402

CSRF = re.compile(rb'name="csrf_token" type="hidden" value="([^"]+)"')


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--requests", type=int, default=200)
    ap.add_argument("--top", type=int, default=25)
    ap.add_argument("--database-url")
    ap.add_argument("--only", help="profile only this page (dashboard, course, lesson, save)")
    ap.add_argument("--callees", help="also show what functions matching this pattern call (pstats)")
    args = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="elearn-prof-")
    url = args.database_url or f"sqlite:///{tmp}/bench.sqlite"
    env = {**os.environ, "ELEARN_INSTANCE_PATH": tmp, "ELEARN_DATABASE_URL": url,
           "ELEARN_SECRET_KEY": secrets.token_urlsafe(48)}
    password = prepare(env, args.database_url)
    os.environ.update(env)
    from sqlalchemy import event

    from elearn import create_app
    from elearn.extensions import db

    app = create_app()
    client = app.test_client()
    token = CSRF.search(client.get("/login").data).group(1).decode()
    client.post("/login", data={"email": "hocvien@demo.thuvien.vn", "password": password, "csrf_token": token})
    course_page = client.get(COURSE).data
    lesson = next(p.decode() for p in re.findall(rb'href="(%s/01-[^/"]+/[^"]+)"' % COURSE.encode(), course_page)
                  if b"kiem-tra" not in p)
    quiz = client.get(COURSE + "/01-tong-quan-luat/kiem-tra-module-1").headers["Location"]
    token = CSRF.search(client.get(quiz).data).group(1).decode()
    attempt = client.post(quiz + "/start", data={"csrf_token": token}).headers["Location"]
    page = client.get(attempt).data
    token = CSRF.search(page).group(1).decode()
    qname, qvalue = (g.decode() for g in re.search(rb'name="(q\d+)" value="([^"]+)"', page).groups())
    seq = [0]

    def save():
        seq[0] += 1
        r = client.post(attempt + "/autosave", data={"csrf_token": token, "page": "0", "seq": str(seq[0]),
                                                     qname: qvalue})
        assert r.status_code == 200, r.data
        return r

    pages = {"dashboard": lambda: client.get("/"), "course": lambda: client.get(COURSE),
             "lesson": lambda: client.get(lesson), "save": save}
    statements = []
    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", lambda *a, **k: statements.append(a[2]))
    for name, fn in pages.items():
        if args.only and name != args.only:
            continue
        for _ in range(20):  # warm up
            assert fn().status_code == 200
        statements.clear()
        fn()
        n = len(statements)
        shown = list(statements)
        prof = cProfile.Profile()
        t0 = time.perf_counter()
        prof.enable()
        for _ in range(args.requests):
            fn()
        prof.disable()
        ms = 1000 * (time.perf_counter() - t0) / args.requests
        out = io.StringIO()
        stats = pstats.Stats(prof, stream=out).sort_stats("cumulative")
        stats.print_stats(args.top)
        if args.callees:
            stats.print_callees(args.callees)
        print(f"=== {name}: {n} SQL statements, {ms:.1f} ms per request (under the profiler)")
        for sql in shown:
            print("   ", " ".join(sql.split())[:150])
        print(out.getvalue())


if __name__ == "__main__":
    main()
