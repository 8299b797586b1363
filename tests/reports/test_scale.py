"""`flask demo scale` and the report's query count at 200 and at 2,000 trainees."""
from sqlalchemy import func, select

from elearn.courses.models import Course
from elearn.extensions import db
from elearn.progress.models import CourseProgress
from elearn.reports import services
from elearn.reports.scale import build_province


def _courses():
    cs = [Course(slug=f"k{i}", title=f"Khoá {i}", status="published", completion={}) for i in range(3)]
    db.session.add_all(cs)
    db.session.flush()
    return cs


def _queries(client, count_queries, slug, path, unit):
    client.get(f"{path}?course={slug}&unit={unit}").get_data()  # warm: caches, the session user
    with count_queries() as n:
        r = client.get(f"{path}?course={slug}&unit={unit}")
        r.get_data()
    assert r.status_code == 200
    return n()


PATHS = ("/reports/completion", "/reports/completion.csv", "/api/v1/reports/completion",
         "/api/v1/reports/completion/trainees")


def test_report_queries_do_not_grow_with_trainees(app, client, auth, make_user, count_queries):
    courses = _courses()
    small, _u, n_small = build_province(200, courses, code="SC")
    big, _u, n_big = build_province(2000, courses, code="SD")
    db.session.commit()
    assert (n_small, n_big) == (200, 2000)
    auth.login(make_user("admin", org=small, email="a@example.vn").email)
    for path in PATHS:
        at_200 = _queries(client, count_queries, "k0", path, "SC")
        at_2000 = _queries(client, count_queries, "k0", path, "SD")
        assert at_200 == at_2000, path


def test_scale_builds_every_state(app, count_queries):
    courses = _courses()
    province, units, n = build_province(600, courses, code="SC")
    db.session.commit()
    assert n == 600 and len(units) == 3 + 1  # 3 communes of 200, a reading point under the first
    states = dict(db.session.execute(select(CourseProgress.state, func.count()).group_by(CourseProgress.state)).all())
    assert states.get("complete") and (states.get("started") or states.get("missed"))
    rep = services.completion_report(courses[0], province)
    assert rep.total.not_started > 0 and rep.total.completed > 0 and rep.total.in_progress > 0
    assert sum(r.enrolled for r in rep.rows) == rep.total.enrolled


def test_demo_scale_command(app, runner):
    _courses()
    db.session.commit()
    out = runner.invoke(args=["demo", "scale", "--trainees", "50", "--code", "SX"])
    assert out.exit_code == 0, out.output
    assert "50 học viên" in out.output and "3 khoá học" in out.output
    again = runner.invoke(args=["demo", "scale", "--trainees", "50", "--code", "SX"])
    assert again.exit_code != 0 and "SX đã có" in again.output
