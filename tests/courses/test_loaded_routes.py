"""Routes that load what their address names with ``core.loading.loads`` (docs/ARCHITECTURE.md,
"Loaders") answer as they did when the views loaded it themselves: the same refusals, in the same
order, with the same messages, and the page and the API go through the same loader."""
import pytest
from sqlalchemy import select

from elearn.auth import services as accounts
from elearn.auth.models import ApiToken
from elearn.courses import loaders, services
from elearn.courses.models import Activity, Course, Module
from tests.conftest import route_loaders


@pytest.fixture
def setup(runner, db, course_dir, make_org, make_user):
    province = make_org("Thư viện tỉnh", code="LS")
    other = make_org("Tỉnh khác", code="XX")
    assert runner.invoke(args=["courses", "import", str(course_dir)]).exit_code == 0
    course = db.session.scalar(select(Course))
    services.enrol_org(course, province)
    db.session.commit()
    return {"course": course, "trainee": make_user("trainee", province), "outsider": make_user("trainee", other),
            "manager": make_user("manager", other), "admin": make_user("admin", province),
            "module": db.session.scalar(select(Module).where(Module.slug == "mot")),
            "lesson": db.session.scalar(select(Activity).where(Activity.slug == "bai-1"))}


def _bearer(db, user):
    _t, raw = accounts.create_token(user, "t")
    db.session.commit()
    return {"Authorization": f"Bearer {raw}"}


def test_the_page_and_the_api_load_a_course_with_the_same_loader(app):
    assert route_loaders(app, "courses.course") == route_loaders(app, "api.get_course") == [loaders.load_course]
    assert route_loaders(app, "courses.manage") == route_loaders(app, "progress.course_progress") == [loaders.load_editable_course]


def test_api_refusals_keep_their_messages(client, db, setup):
    outsider, trainee = _bearer(db, setup["outsider"]), _bearer(db, setup["trainee"])
    resp = client.get("/api/v1/courses/thu-nghiem", headers=outsider)
    assert resp.status_code == 404 and resp.json["error"]["message"] == "Không tìm thấy khoá học."
    assert client.get("/api/v1/courses/khong-co", headers=trainee).json["error"]["message"] == "Không tìm thấy khoá học."
    resp = client.get(f"/api/v1/lessons/{setup['lesson'].id}", headers=outsider)
    assert resp.status_code == 404 and resp.json["error"]["message"] == "Không tìm thấy bài học."
    resp = client.post("/api/v1/activities/999999/done", headers=trainee)
    assert resp.status_code == 404 and resp.json["error"]["message"] == "Không tìm thấy hoạt động."
    # a manager of another unit, and a user who does not exist: the same 404
    manager = _bearer(db, setup["manager"])
    for user_id in (setup["trainee"].id, 999999):
        resp = client.get(f"/api/v1/users/{user_id}/progress", headers=manager)
        assert resp.status_code == 404
        assert resp.json["error"]["message"] == "Không tìm thấy người dùng trong phạm vi của bạn."
    assert client.get(f"/api/v1/users/{setup['outsider'].id}/progress", headers=manager).status_code == 200


def test_the_export_format_is_checked_before_the_course(client, auth, setup):
    auth.login(setup["trainee"].email)
    assert client.get("/courses/thu-nghiem/manage/progress.pdf").status_code == 404
    assert client.get("/courses/thu-nghiem/manage/progress.csv").status_code == 403


def test_an_outline_change_checks_the_course_then_the_words_then_the_item(client, auth, setup):
    module = setup["module"]
    auth.login(setup["trainee"].email)
    assert client.get(f"/courses/thu-nghiem/manage/widget/{module.id}/publish").status_code == 403
    auth.logout()
    auth.login(setup["admin"].email)
    assert client.get(f"/courses/thu-nghiem/manage/widget/{module.id}/publish").status_code == 404
    assert client.get(f"/courses/thu-nghiem/manage/module/{module.id}/explode").status_code == 404
    assert client.get("/courses/thu-nghiem/manage/module/999999/archive").status_code == 404
    assert client.get(f"/courses/thu-nghiem/manage/activity/{module.id + 999999}/archive").status_code == 404
    resp = client.get(f"/courses/thu-nghiem/manage/module/{module.id}/archive")
    assert resp.status_code == 200 and "Module một" in resp.get_data(as_text=True)


def test_the_lesson_form_takes_a_lesson_or_a_module_of_the_course(client, auth, setup, db):
    auth.login(setup["admin"].email)
    quiz = db.session.scalar(select(Activity).where(Activity.slug == "kt-1"))
    assert client.get(f"/courses/thu-nghiem/manage/lessons/{setup['lesson'].id}").status_code == 200
    assert client.get(f"/courses/thu-nghiem/manage/lessons/{quiz.id}").status_code == 404  # not a lesson
    assert client.get(f"/courses/thu-nghiem/manage/modules/{setup['module'].id}/lessons/new").status_code == 200
    assert client.get("/courses/thu-nghiem/manage/modules/999999/lessons/new").status_code == 404


def test_someone_elses_token_is_not_found(client, auth, db, setup):
    token, _raw = accounts.create_token(setup["admin"], "máy tính bảng")
    db.session.commit()
    auth.login(setup["trainee"].email)
    resp = auth.post(f"/account/tokens/{token.id}/revoke", page="/account")
    assert resp.status_code == 404 and "Không tìm thấy mã truy cập." in resp.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(ApiToken, token.id).revoked_at is None
