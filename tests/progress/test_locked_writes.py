"""Issue 9 item 8: every write path checks the same access rule as its page, through the shared
loaders. A locked, hidden or draft activity cannot be marked done, on the web or through the API;
and every activity or attempt write route in the URL map refuses an activity whose module is locked."""
import pytest
from sqlalchemy import func, select

from elearn.auth import services as accounts
from elearn.courses import services as courses
from elearn.courses.models import Activity, ActivityEvent, ActivityProgress, Course, Module
from elearn.quizzes import authoring
from elearn.quizzes import services as quizzes
from elearn.quizzes.models import AttemptAnswer, QuizAttempt
from tests.conftest import csrf_token


def _write(root):
    c = root / "khoa-khoa"
    (c / "mot").mkdir(parents=True)
    (c / "hai").mkdir()
    (c / "course.yaml").write_text("title: Khoá có khoá\nsummary: x\nhours: 2\nmodules: [mot, hai]\n", encoding="utf-8")
    (c / "mot" / "module.yaml").write_text(
        "title: Module một\nactivities:\n  - lesson: a\n  - lesson: tu-danh-dau\n    completion: manual\n",
        encoding="utf-8")
    (c / "mot" / "a.md").write_text("---\ntitle: Bài a\n---\nNội dung a.\n", encoding="utf-8")
    (c / "mot" / "tu-danh-dau.md").write_text("---\ntitle: Tự đánh dấu\n---\nMở.\n", encoding="utf-8")
    (c / "hai" / "module.yaml").write_text(
        "title: Module hai\nprerequisites: [mot]\nactivities:\n  - lesson: c\n    completion: manual\n"
        "  - quiz: kt\n    title: Kiểm tra hai\n    questions: q.gift\n    pass_mark: 50\n", encoding="utf-8")
    (c / "hai" / "c.md").write_text("---\ntitle: Bài c\n---\nTự đánh dấu hoàn thành.\n", encoding="utf-8")
    (c / "hai" / "q.gift").write_text("::T:: Ngày Sách là 21/4. {T}\n", encoding="utf-8")
    return root


@pytest.fixture
def locked(tmp_path, runner, db, make_org, make_user):
    assert runner.invoke(args=["courses", "import", str(_write(tmp_path / "courses"))]).exit_code == 0
    unit = make_org("Thư viện xã Đồng Đăng", code="DD")
    course = db.session.scalar(select(Course))
    courses.enrol_org(course, unit)
    db.session.commit()
    acts = {a.slug: a for a in db.session.scalars(select(Activity))}
    trainee = make_user("trainee", unit, email="mai@example.vn")
    _t, raw = accounts.create_token(trainee, "ứng dụng")
    db.session.commit()
    return {"course": course, "acts": acts, "trainee": trainee, "unit": unit,
            "bearer": {"Authorization": f"Bearer {raw}"},
            "modules": {m.slug: m for m in db.session.scalars(select(Module))}}


def _count(db, model, **where):
    db.session.expire_all()
    stmt = select(func.count()).select_from(model)
    for k, v in where.items():
        stmt = stmt.where(getattr(model, k) == v)
    return db.session.scalar(stmt)


def _done_web(auth, act, undo=False):
    data = {"undo": "1"} if undo else {}
    return auth.post(f"/activities/{act.id}/done", data, page="/account")


def test_locked_manual_activity_cannot_be_marked_done_on_the_web(client, auth, db, locked):
    c = locked["acts"]["c"]
    auth.login("mai@example.vn")
    assert client.get("/courses/khoa-khoa/hai/c").status_code == 403  # the page refuses ...
    assert _done_web(auth, c).status_code == 403                      # ... and so does the write
    assert _done_web(auth, c, undo=True).status_code == 403
    assert _count(db, ActivityEvent, activity_id=c.id) == 0
    assert _count(db, ActivityProgress, activity_id=c.id) == 0


def test_locked_manual_activity_cannot_be_marked_done_through_the_api(client, db, locked):
    c = locked["acts"]["c"]
    for method in (client.post, client.delete):
        resp = method(f"/api/v1/activities/{c.id}/done", headers=locked["bearer"])
        assert resp.status_code == 403
        assert resp.json["error"]["code"] == "forbidden" and "chưa mở" in resp.json["error"]["message"]
    assert _count(db, ActivityEvent, activity_id=c.id) == 0


def test_once_the_module_opens_it_can_be_marked_done_and_undone(client, auth, db, locked):
    acts = locked["acts"]
    auth.login("mai@example.vn")
    assert client.get("/courses/khoa-khoa/mot/a").status_code == 200
    assert _done_web(auth, acts["tu-danh-dau"]).status_code == 302  # module one is now complete
    assert client.get("/courses/khoa-khoa/hai/c").status_code == 200
    assert _done_web(auth, acts["c"]).status_code == 302
    assert _count(db, ActivityProgress, activity_id=acts["c"].id, state="complete") == 1
    resp = client.delete(f"/api/v1/activities/{acts['c'].id}/done", headers=locked["bearer"])
    assert resp.status_code == 200 and resp.json == {"activity_id": acts["c"].id, "complete": False}
    resp = client.post(f"/api/v1/activities/{acts['c'].id}/done", headers=locked["bearer"])
    assert resp.status_code == 200 and resp.json["complete"] is True
    # an activity whose rule is not "manual" cannot be marked by hand
    assert client.post(f"/api/v1/activities/{acts['a'].id}/done", headers=locked["bearer"]).status_code == 404


@pytest.mark.parametrize("hide", ["activity_draft", "activity_archived", "module_draft", "course_archived",
                                  "not_enrolled"])
def test_hidden_or_draft_manual_activity_cannot_be_marked_done(client, auth, db, locked, make_user, hide):
    act = locked["acts"]["tu-danh-dau"]  # in the first module: open
    email = "mai@example.vn"
    if hide == "activity_draft":
        act.status = "draft"
    elif hide == "activity_archived":
        act.status = "archived"
    elif hide == "module_draft":
        locked["modules"]["mot"].status = "draft"
    elif hide == "course_archived":
        locked["course"].status = "archived"
    else:
        email = make_user("trainee", email="ngoai@example.vn").email  # another unit: not enrolled
    db.session.commit()
    auth.login(email)
    assert _done_web(auth, act).status_code == 404
    headers = locked["bearer"]
    if hide == "not_enrolled":
        _t, raw = accounts.create_token(accounts.get_user_by_email(email), "t")
        db.session.commit()
        headers = {"Authorization": f"Bearer {raw}"}
    assert client.post(f"/api/v1/activities/{act.id}/done", headers=headers).status_code == 404
    assert _count(db, ActivityEvent, activity_id=act.id) == 0


# --- every activity write route in the URL map --------------------------------------------------------

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
ACTIVITY_ARGS = {"activity_id", "attempt_id", "lesson_id", "obj_id"}


def _activity_write_rules(app):
    for rule in app.url_map.iter_rules():
        methods = WRITE_METHODS & set(rule.methods or ())
        if methods and ACTIVITY_ARGS & set(rule.arguments):
            for m in sorted(methods):
                yield rule, m


def test_every_activity_write_route_refuses_a_locked_activity(app, client, auth, db, locked):
    trainee, acts = locked["trainee"], locked["acts"]
    quiz = authoring.get_quiz(acts["kt"])
    db.session.commit()
    # an attempt started before the module was locked (or by a client that skipped the check)
    attempt = quizzes.start_attempt(trainee, quiz)
    db.session.commit()
    auth.login("mai@example.vn")
    token = csrf_token(client, "/account")
    before = {m: _count(db, m) for m in (ActivityEvent, ActivityProgress, QuizAttempt, AttemptAnswer)}
    known = {"slug": locked["course"].slug, "attempt_id": attempt.id, "module_id": locked["modules"]["hai"].id,
             "kind": "activity", "action": "publish"}
    checked = set()
    for rule, method in _activity_write_rules(app):
        unknown = set(rule.arguments) - set(known) - ACTIVITY_ARGS
        assert not unknown, f"{rule.rule}: teach this test the arguments {unknown}"
        for locked_act in (acts["c"], acts["kt"]):
            values = {**known, "activity_id": locked_act.id, "lesson_id": locked_act.id, "obj_id": locked_act.id}
            with app.test_request_context():
                from flask import url_for

                url = url_for(rule.endpoint, **{k: values[k] for k in rule.arguments}, _external=False)
            if url.startswith("/api/"):
                resp = client.open(url, method=method, headers=locked["bearer"], json={"answers": {}, "seq": 1})
            else:
                resp = client.open(url, method=method, data={"csrf_token": token, "action": "next", "page": "0"})
            assert resp.status_code in (403, 404), f"{method} {url} answered {resp.status_code}"
            checked.add(rule.endpoint)
    assert {"progress.mark_done", "quizzes.start", "quizzes.attempt", "quizzes.autosave", "quizzes.submit",
            "api.mark_done", "api.mark_undone", "api.start_attempt", "api.save_answers",
            "api.submit_attempt"} <= checked, checked
    after = {m: _count(db, m) for m in before}
    assert after == before  # nothing was written
    db.session.expire_all()
    assert db.session.get(QuizAttempt, attempt.id).state == "inprogress"


def test_every_locked_page_says_what_unlocks_it_and_writes_stay_plain(client, auth, db, locked):
    """One handler (``courses.views.locked_page``) for every page refused with ``Locked``: the quiz
    page as well as the activity page names the module to finish first; a write and the API do not
    get that page."""
    kt = locked["acts"]["kt"]
    auth.login("mai@example.vn")
    for path in ("/courses/khoa-khoa/hai/c", f"/quizzes/{kt.id}"):
        resp = client.get(path)
        assert resp.status_code == 403, path
        assert "Module một" in resp.get_data(as_text=True), path  # what unlocks it
    start = auth.post(f"/quizzes/{kt.id}/start", {}, page="/account")
    assert start.status_code == 403 and "Module một" not in start.get_data(as_text=True)
    api = client.post(f"/api/v1/quizzes/{kt.id}/attempts", headers=locked["bearer"])
    assert api.status_code == 403 and api.json["error"]["code"] == "forbidden"
