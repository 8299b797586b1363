"""The per-process outline cache (elearn/courses/outline_cache.py): every edit bumps the course's
content_version in the same transaction, the cache hands out frozen data, and a running gunicorn
with two workers (tests/live.py) never serves an outline older than the last edit."""
import http.cookiejar
import urllib.request
from urllib.parse import urlencode

import pytest
from sqlalchemy import select

from elearn.courses import outline_cache, services
from elearn.courses.models import Activity, Course, MaterialFile, Module
from tests.conftest import CSRF_RE


@pytest.fixture
def setup(runner, db, course_dir, make_org, make_user):
    province = make_org("Thư viện tỉnh", code="LS")
    assert runner.invoke(args=["courses", "import", str(course_dir)]).exit_code == 0
    course = db.session.scalar(select(Course))
    services.enrol_org(course, province)
    db.session.commit()
    return {"course": course, "trainee": make_user("trainee", province), "course_dir": course_dir}


def _version(db, course_id):
    db.session.expire_all()
    return db.session.scalar(select(Course.content_version).where(Course.id == course_id))


def _act(db, slug):
    return db.session.scalar(select(Activity).where(Activity.slug == slug))


def test_every_kind_of_content_edit_bumps_the_version_once_per_flush(db, setup):
    cid = setup["course"].id
    v = _version(db, cid)
    lesson = _act(db, "bai-1")

    def bumped(change):
        nonlocal v
        change()
        db.session.commit()
        new = _version(db, cid)
        assert new == v + 1, change
        v = new

    bumped(lambda: setattr(_act(db, "bai-1").lesson, "body_md", "Nội dung khác."))  # a lesson's body
    bumped(lambda: setattr(_act(db, "bai-1"), "title", "Tên khác"))  # an activity
    bumped(lambda: services.set_status(db.session.scalar(select(Module).where(Module.slug == "hai")), "archived"))
    bumped(lambda: services.update_module(db.session.scalar(select(Module).where(Module.slug == "hai")),
                                          title="Module hai", summary="", prerequisite_ids=[]))  # prerequisites
    bumped(lambda: services.create_module(db.session.get(Course, cid), "Module ba"))  # a new module
    bumped(lambda: setattr(db.session.get(Course, cid), "title", "Khoá khác"))  # the course itself
    bumped(lambda: db.session.add(MaterialFile(activity_id=lesson.id, version=1, stored_name="x" * 64,
                                               original_name="a.pdf", mime="application/pdf", size=1, sha256="0" * 64)))
    quiz_act = _act(db, "kt-1")
    from elearn.quizzes.models import Quiz

    bumped(lambda: setattr(db.session.get(Quiz, quiz_act.id).slots[0], "mark", 2.0))  # a quiz slot
    bumped(lambda: db.session.delete(db.session.get(Quiz, quiz_act.id).slots[0]))
    # a trainee's progress is not content: no bump
    services.record_view(setup["trainee"], _act(db, "bai-1"))
    db.session.commit()
    assert _version(db, cid) == v


def test_the_cache_hands_out_frozen_data_and_rebuilds_after_an_edit(db, setup):
    course = db.session.get(Course, setup["course"].id)
    outline_cache.clear()
    first = outline_cache.outline_of(course)
    assert outline_cache.outline_of(course) is first  # same version: the same entry
    module, acts = first.published[0]
    with pytest.raises(AttributeError):
        module.title = "x"  # frozen dataclass
    with pytest.raises(TypeError):
        module.completion["require"] = 1  # read-only mapping
    assert isinstance(acts, tuple) and not hasattr(acts[0], "_sa_instance_state")  # not ORM objects
    _act(db, "bai-1").title = "Bài một (mới)"
    db.session.commit()
    course = db.session.get(Course, course.id)
    again = outline_cache.outline_of(course)
    assert again is not first and again.version == first.version + 1
    assert [a.title for a in again.published[0][1]][0] == "Bài một (mới)"


def test_a_course_reusing_a_deleted_course_id_is_not_served_the_old_outline(db, setup):
    course = db.session.get(Course, setup["course"].id)
    old = outline_cache.outline_of(course)
    fake = Course(id=course.id, slug="khac", title="Khác", content_version=old.version,
                  created_at=course.created_at.replace(year=course.created_at.year - 1))
    assert outline_cache.outline_of(fake) is not old  # same id and version, another creation time


# --- two gunicorn workers ---------------------------------------------------------------------------------

def _signed_in(live_server, email):
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    html = opener.open(live_server.url + "/login").read().decode()
    token = next(g for g in CSRF_RE.search(html).groups() if g)
    opener.open(live_server.url + "/login", urlencode({"email": email, "password": "mat-khau-dung-1",
                                                       "csrf_token": token}).encode())
    return {"Cookie": "; ".join(f"{c.name}={c.value}" for c in jar)}


def _pages(live_server, path, headers, n=16):
    """``n`` simultaneous requests (two workers with four threads each: both workers answer)."""
    return live_server.parallel(n, lambda i: live_server.get(path, headers=headers))


def _texts(responses):
    assert {r.status_code for r in responses} == {200}, [r.status_code for r in responses]
    return [r.text for r in responses]


def test_two_workers_never_serve_a_stale_outline_after_edits_and_a_reimport(live_server, db, setup, runner):
    course, trainee = setup["course"], setup["trainee"]
    headers = _signed_in(live_server, trainee.email)
    page = f"/courses/{course.slug}"
    lesson_page = f"{page}/mot/bai-1"
    for _ in range(2):  # both workers build and cache the outline
        assert all("Bài một" in t for t in _texts(_pages(live_server, page, headers)))
        assert all("Nội dung" in t for t in _texts(_pages(live_server, lesson_page, headers)))

    # 1. an editor renames and rewrites the lesson (the authoring service, as the web editor does)
    module = db.session.scalar(select(Module).where(Module.slug == "mot"))
    services.save_lesson(module, _act(db, "bai-1"), title="Bài một đã sửa", body_md="Nội dung đã sửa lần một.")
    db.session.commit()
    texts = _texts(_pages(live_server, page, headers))
    assert all("Bài một đã sửa" in t for t in texts)
    texts = _texts(_pages(live_server, lesson_page, headers))
    assert all("Nội dung đã sửa lần một." in t and "Bài một đã sửa" in t for t in texts)

    # 2. the course files change and are imported again
    c = setup["course_dir"] / "thu-nghiem"
    (c / "mot" / "bai-1.md").write_text("---\ntitle: Bài một nhập lại\n---\nNội dung nhập lại.\n", encoding="utf-8")
    result = runner.invoke(args=["courses", "import", str(setup["course_dir"])])
    assert result.exit_code == 0, result.output
    assert all("Bài một nhập lại" in t and "Bài một đã sửa" not in t for t in _texts(_pages(live_server, page, headers)))
    assert all("Nội dung nhập lại." in t for t in _texts(_pages(live_server, lesson_page, headers)))

    # 3. a module is archived, then published again
    hai = db.session.scalar(select(Module).where(Module.slug == "hai"))
    services.set_status(hai, "archived")
    db.session.commit()
    assert all("Module hai" not in t for t in _texts(_pages(live_server, page, headers)))
    gone = _pages(live_server, f"{page}/hai/bai-2", headers)
    assert {r.status_code for r in gone} == {404}
    services.set_status(db.session.scalar(select(Module).where(Module.slug == "hai")), "published")
    db.session.commit()
    assert all("Module hai" in t for t in _texts(_pages(live_server, page, headers)))
    # the dashboard reads the same cache
    dash = _texts(_pages(live_server, "/", headers))
    assert all("Khoá thử nghiệm" in t for t in dash)
    assert "Traceback" not in live_server.log()


def test_an_edit_rolled_back_never_leaves_its_outline_in_the_cache(db, setup):
    course = db.session.get(Course, setup["course"].id)
    outline_cache.clear()
    _act(db, "bai-1").title = "Sửa rồi huỷ"
    db.session.flush()  # bumped to v+1 inside this transaction
    seen = outline_cache.outline_of(db.session.get(Course, course.id))
    assert seen.published[0][1][0].title == "Sửa rồi huỷ"  # this transaction sees its own edit
    db.session.rollback()
    _act(db, "bai-1").title = "Sửa thật"
    db.session.commit()  # the real edit gets the same number v+1
    again = outline_cache.outline_of(db.session.get(Course, course.id))
    assert again.version == seen.version
    assert again.published[0][1][0].title == "Sửa thật"
