"""Manager report over a synthetic province (issue 12's budgets).

    .venv/bin/python benchmarks/reports.py [--trainees 20000] [--database-url URL] [--runs 5]

Without --database-url it builds a throwaway SQLite database; with a PostgreSQL URL it EMPTIES that
database first (`flask db downgrade base`): give it a throwaway one. It runs `flask db upgrade` and `flask demo scale --trainees N` (timed), then in
one process, signed in as an admin through the test client (full Flask request, no network):
  * the province-level completion page and API: median server time over --runs, and queries;
  * the trainee-level CSV of the whole province: time to stream it all, rows, and peak RSS.
"""
import argparse
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, ROOT)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--trainees", type=int, default=20000)
    ap.add_argument("--database-url")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--reuse", action="store_true", help="the database already holds the province (SC)")
    args = ap.parse_args()
    inst = tempfile.mkdtemp(prefix="elearn-bench-")
    url = args.database_url or f"sqlite:///{inst}/bench.sqlite"
    env = dict(os.environ, ELEARN_INSTANCE_PATH=inst, ELEARN_DATABASE_URL=url, ELEARN_SECRET_KEY="b" * 48)
    flask = [os.path.join(os.path.dirname(sys.executable), "flask"), "--app", "app"]
    if not args.reuse:
        if args.database_url:  # a throwaway database: start from nothing
            subprocess.run(flask + ["db", "downgrade", "base"], env=env, cwd=ROOT, check=True, capture_output=True)
        subprocess.run(flask + ["db", "upgrade"], env=env, cwd=ROOT, check=True, capture_output=True)
        t = time.perf_counter()
        out = subprocess.run(flask + ["demo", "scale", "--trainees", str(args.trainees)], env=env, cwd=ROOT,
                             check=True, capture_output=True, text=True).stdout
        print(f"demo scale --trainees {args.trainees}: {time.perf_counter() - t:.1f} s  ({out.strip()})")

    from sqlalchemy import event, select

    from elearn import create_app
    from elearn.auth import services as accounts
    from elearn.courses.models import Course
    from elearn.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": inst, "SECRET_KEY": "b" * 48,
                      "RATELIMIT_ENABLED": False, "SERVER_NAME": "localhost"})
    with app.app_context():
        from elearn.orgs.services import get_by_code

        if accounts.get_user_by_email("bench@example.vn") is None:
            accounts.create_user("bench@example.vn", "Đo Hiệu Năng", "admin", get_by_code("SC"),
                                 password="mat-khau-do-hieu-nang")
            db.session.commit()
        slug = db.session.scalars(select(Course.slug).where(Course.status == "published").order_by(Course.id)).first()
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    client.post("/login", data={"email": "bench@example.vn", "password": "mat-khau-do-hieu-nang",
                                "csrf_token": token})
    with app.app_context():
        engine = db.engine
    counted = []
    event.listen(engine, "before_cursor_execute", lambda *a: counted.append(1))

    def timed(path):
        times = []
        for _ in range(args.runs + 1):  # the first run warms caches
            counted.clear()
            t = time.perf_counter()
            r = client.get(path)
            r.get_data()
            times.append((time.perf_counter() - t) * 1000)
            assert r.status_code == 200, (path, r.status_code)
        return statistics.median(times[1:]), len(counted)

    engine_name = url.split(":", 1)[0]
    for label, path in [("province page", f"/reports/completion?course={slug}&unit=SC"),
                        ("province API", f"/api/v1/reports/completion?course={slug}&unit=SC"),
                        ("trainee list page 1", f"/reports/completion?course={slug}&unit=SC&level=trainee")]:
        ms, q = timed(path)
        print(f"[{engine_name}] {label}: median {ms:.0f} ms, {q} queries (incl. session user)")
    t = time.perf_counter()
    r = client.get(f"/reports/completion.csv?course={slug}&unit=SC&level=trainee")
    size = rows = 0
    for chunk in r.response:
        size += len(chunk)
        rows += chunk.count(b"\n")
    r.close()
    secs = time.perf_counter() - t
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"[{engine_name}] trainee CSV: {rows - 1} rows, {size / 1e6:.1f} MB in {secs:.2f} s; peak RSS {rss:.0f} MB")


if __name__ == "__main__":
    main()
