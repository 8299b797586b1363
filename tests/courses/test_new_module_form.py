"""Adding a module on the web (it used to answer 500: ``Choices cannot be None``)."""
from sqlalchemy import select

from elearn.courses import services
from elearn.courses.models import Module


def test_instructor_adds_a_module(client, auth, db, make_user):
    instructor = make_user("instructor")
    course = services.create_course(instructor, "Kỹ năng phục vụ bạn đọc", "", 4)
    db.session.commit()
    auth.login(instructor.email)
    page = f"/courses/{course.slug}/manage"
    resp = auth.post(f"/courses/{course.slug}/manage/modules/new", page=page,
                     data={"title": "Giao tiếp với bạn đọc", "summary": "", "require": "all"})
    assert resp.status_code == 302
    db.session.expire_all()
    module = db.session.scalar(select(Module).where(Module.course_id == course.id))
    assert module is not None and module.title == "Giao tiếp với bạn đọc"
    assert resp.headers["Location"].endswith(f"/manage/modules/{module.id}")
    # and a missing title is a form error, not a server error
    resp = auth.post(f"/courses/{course.slug}/manage/modules/new", page=page, data={"title": ""})
    assert resp.status_code == 302
    assert db.session.scalar(select(Module.id).where(Module.title == "")) is None
