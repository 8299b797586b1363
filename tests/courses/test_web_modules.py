"""Modules on a course created on the web: add, edit with prerequisites and completion rules,
reorder and archive (issue 13: 'Add module' used to answer 500)."""
from sqlalchemy import select

from elearn.courses.models import Course, Module


def test_modules_of_a_course_created_on_the_web(client, auth, db, make_org, make_user):
    org = make_org("Thư viện tỉnh", code="LS")
    teacher = make_user("instructor", org)
    auth.login(teacher.email)
    resp = auth.post("/courses/new", page="/courses/new", data={"title": "Khoá mới trên web", "summary": ""})
    assert resp.status_code == 302
    course = db.session.scalar(select(Course).where(Course.title == "Khoá mới trên web"))
    base = f"/courses/{course.slug}/manage"
    for title in ("Một", "Hai", "Ba"):
        resp = auth.post(f"{base}/modules/new", page=base, data={"title": title})
        assert resp.status_code == 302 and "/modules/" in resp.headers["Location"]
    one, two, three = db.session.scalars(select(Module).where(Module.course_id == course.id)
                                         .order_by(Module.position)).all()
    page = client.get(f"{base}/modules/{two.id}")
    assert page.status_code == 200
    resp = auth.post(f"{base}/modules/{two.id}", page=f"{base}/modules/{two.id}",
                     data={"title": "Hai (sửa)", "summary": "x", "prerequisites": [one.id], "require": "all",
                           "min_grade": "60", "due": "2026-12-31"})
    assert resp.status_code == 302
    db.session.expire_all()
    two = db.session.get(Module, two.id)
    assert two.title == "Hai (sửa)" and [m.id for m in two.prerequisites] == [one.id]
    assert two.completion == {"require": "all", "min_grade": 60.0, "due": "2026-12-31"}
    # a cycle is refused with a message, not a 500
    resp = auth.post(f"{base}/modules/{one.id}", page=f"{base}/modules/{one.id}",
                     data={"title": "Một", "prerequisites": [two.id], "require": "all"})
    assert resp.status_code == 200 and "vòng lặp" in resp.get_data(as_text=True)
    # reorder: three up, twice
    for _ in range(2):
        auth.post(f"{base}/module/{three.id}/up", page=base)
    db.session.expire_all()
    order = [m.title for m in db.session.scalars(select(Module).where(Module.course_id == course.id)
                                                 .order_by(Module.position))]
    assert order == ["Ba", "Một", "Hai (sửa)"]
    # archive (after a confirmation page)
    assert "Lưu trữ" in client.get(f"{base}/module/{one.id}/archive").get_data(as_text=True)
    auth.post(f"{base}/module/{one.id}/archive", page=f"{base}/module/{one.id}/archive")
    db.session.expire_all()
    assert db.session.get(Module, one.id).status == "archived"
    assert client.get(base).status_code == 200
    assert client.get(f"{base}/modules/{two.id}").status_code == 200  # its prerequisite is archived
