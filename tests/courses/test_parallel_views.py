"""The first views of a lesson arriving at once (two tabs, a double click, a flaky connection
retrying) against gunicorn with two workers: every one answers 200 and one progress row is kept
(PostgreSQL used to give a unique violation, a 500; SQLite serialises writers)."""
import http.cookiejar
import urllib.request
from urllib.parse import urlencode

from sqlalchemy import func, select

from elearn.courses import services
from elearn.courses.models import ActivityEvent, ActivityProgress, Course
from tests.conftest import CSRF_RE


def test_simultaneous_first_views_of_a_lesson_all_succeed(live_server, db, runner, course_dir, make_org, make_user):
    unit = make_org()
    assert runner.invoke(args=["courses", "import", str(course_dir)]).exit_code == 0
    course = db.session.scalar(select(Course))
    services.enrol_org(course, unit)
    db.session.commit()
    trainee = make_user("trainee", unit)
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    token = next(g for g in CSRF_RE.search(opener.open(live_server.url + "/login").read().decode()).groups() if g)
    opener.open(live_server.url + "/login", urlencode({"email": trainee.email, "password": "mat-khau-dung-1",
                                                       "csrf_token": token}).encode())
    headers = {"Cookie": "; ".join(f"{c.name}={c.value}" for c in jar)}
    path = f"/courses/{course.slug}/mot/bai-1"
    results = live_server.parallel(12, lambda i: live_server.get(path, headers=headers))
    assert [r.status_code for r in results] == [200] * 12, [r.text[:200] for r in results if r.status_code != 200]
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(ActivityEvent)) == 12
    rows = db.session.scalars(select(ActivityProgress).where(ActivityProgress.user_id == trainee.id)).all()
    assert [r.state for r in rows] == ["complete"]
    assert "Traceback" not in live_server.log()
