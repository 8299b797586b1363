import pytest
from sqlalchemy import select

from elearn.auth import services as accounts
from elearn.courses import services
from elearn.courses.models import Activity, Course


@pytest.fixture
def api_setup(runner, db, make_org, make_user):
    import os

    here = os.path.dirname(__file__)
    root = make_org("Thư viện tỉnh", code="LS")
    other = make_org("Tỉnh khác", code="XX")
    assert runner.invoke(args=["courses", "import", os.path.join(here, "..", "..", "courses")]).exit_code == 0
    for course in db.session.scalars(select(Course)):
        services.enrol_org(course, root)
    db.session.commit()
    trainee, outsider = make_user("trainee", root), make_user("trainee", other)

    def bearer(user):
        _t, raw = accounts.create_token(user, "t")
        db.session.commit()
        return {"Authorization": f"Bearer {raw}"}

    return {"trainee": bearer(trainee), "outsider": bearer(outsider)}


def test_list_and_get_course(client, api_setup):
    courses = client.get("/api/v1/courses", headers=api_setup["trainee"]).json
    assert {c["slug"] for c in courses} == {"phap-luat-thu-vien", "ung-dung-cntt-internet", "nghiep-vu-bien-muc"}
    detail = client.get("/api/v1/courses/phap-luat-thu-vien", headers=api_setup["trainee"]).json
    states = [m["state"] for m in detail["modules"]]
    assert states[0] == "available" and "locked" in states
    assert detail["modules"][1]["locked_by"] == [detail["modules"][0]["slug"]]
    assert all("settings" not in a for m in detail["modules"] for a in m["activities"])


def test_lesson_content_with_permission_checks(client, db, api_setup):
    course = db.session.scalar(select(Course).where(Course.slug == "phap-luat-thu-vien"))
    first = db.session.scalars(select(Activity).where(Activity.course_id == course.id, Activity.kind == "lesson")
                               .order_by(Activity.module_id, Activity.position)).first()
    resp = client.get(f"/api/v1/lessons/{first.id}", headers=api_setup["trainee"])
    assert resp.status_code == 200
    assert "46/2019/QH14" in resp.json["body_html"] and resp.json["minutes"] >= 1
    assert client.get(f"/api/v1/lessons/{first.id}", headers=api_setup["outsider"]).status_code == 404
    locked = db.session.scalars(select(Activity).where(Activity.course_id == course.id, Activity.kind == "lesson")
                                .order_by(Activity.module_id.desc())).first()
    resp = client.get(f"/api/v1/lessons/{locked.id}", headers=api_setup["trainee"])
    assert resp.status_code == 403 and resp.json["error"]["code"] == "forbidden"
    assert client.get("/api/v1/lessons/999999", headers=api_setup["trainee"]).json["error"]["code"] == "not_found"


def test_hidden_course_is_404_for_outsiders(client, api_setup):
    resp = client.get("/api/v1/courses/phap-luat-thu-vien", headers=api_setup["outsider"])
    assert resp.status_code == 404
    assert client.get("/api/v1/courses", headers=api_setup["outsider"]).json == []
