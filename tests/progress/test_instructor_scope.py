"""Issue 9 item 10: through their own course an instructor sees and changes progress only for
trainees enrolled in it: never a manager's, an admin's, or a non-enrolled trainee's (404 or refused)."""
import pytest
from sqlalchemy import func, select

from elearn.courses import services as courses
from elearn.progress import certificates, services
from elearn.progress.models import Certificate, CompletionOverride


@pytest.fixture
def scope(db, progress_setup, make_user, make_org):
    s = progress_setup
    courses.add_staff(s["course"], s["instructor"])
    outsider_unit = make_org("Thư viện tỉnh khác", code="XX")
    targets = {
        "manager": make_user("manager", s["province"], name="Quản Lý Tỉnh"),   # in the enrolled tree, not a trainee
        "admin": s["admin"],                                                    # likewise
        "outsider": make_user("trainee", outsider_unit, name="Ngoài Khoá Học"),  # a trainee, not enrolled
    }
    for user in targets.values():  # each has facts in the course (e.g. tried it before, or enrolled once)
        services.record_event(user, s["acts"]["a"], "viewed")
    db.session.commit()
    return {**s, "targets": targets}


def _overrides(db, user):
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(CompletionOverride)
                             .where(CompletionOverride.user_id == user.id))


@pytest.mark.parametrize("who", ["manager", "admin", "outsider"])
def test_instructor_cannot_read_or_override_progress_beyond_enrolled_trainees(client, auth, db, scope, who):
    target = scope["targets"][who]
    auth.login(scope["instructor"].email)
    url = f"/courses/tien-do/progress/{target.id}"
    assert client.get(url).status_code == 404
    for state in ("complete", "incomplete", "cleared"):
        resp = auth.post(url, data={"activity": scope["acts"]["kt"].id, "state": state, "reason": "thử"},
                         page="/courses/tien-do/progress")
        assert resp.status_code == 404
    assert _overrides(db, target) == 0
    listing = client.get("/courses/tien-do/progress").get_data(as_text=True)
    assert target.name not in listing and f"/progress/{target.id}" not in listing


@pytest.mark.parametrize("who", ["manager", "admin", "outsider"])
def test_instructor_cannot_download_or_issue_their_certificates(client, auth, db, scope, who):
    target = scope["targets"][who]
    cert = certificates.issue_manually(target, scope["course"], "cấp để thử", scope["admin"])
    db.session.commit()
    auth.login(scope["instructor"].email)
    assert client.get(f"/certificates/{cert.id}.pdf").status_code == 404
    db.session.delete(cert)
    db.session.commit()
    resp = auth.post("/courses/tien-do/certificates/issue", data={"email": target.email, "reason": "Đã học trực tiếp"})
    assert resp.status_code == 200 and "Chỉ cấp được cho học viên đã ghi danh" in resp.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.scalar(select(Certificate).where(Certificate.user_id == target.id)) is None


def test_admin_cannot_reach_a_trainee_outside_the_course_either(client, auth, db, scope):
    outsider = scope["targets"]["outsider"]
    auth.login(scope["admin"].email)
    url = f"/courses/tien-do/progress/{outsider.id}"
    assert client.get(url).status_code == 404
    resp = auth.post(url, data={"activity": scope["acts"]["kt"].id, "state": "complete", "reason": "thử"},
                     page="/courses/tien-do/progress")
    assert resp.status_code == 404 and _overrides(db, outsider) == 0


def test_instructor_still_reads_and_overrides_an_enrolled_trainee(client, auth, db, scope):
    trainee = scope["trainee"]
    services.record_event(trainee, scope["acts"]["a"], "viewed")
    db.session.commit()
    auth.login(scope["instructor"].email)
    listing = client.get("/courses/tien-do/progress").get_data(as_text=True)
    assert trainee.name in listing
    url = f"/courses/tien-do/progress/{trainee.id}"
    assert client.get(url).status_code == 200
    resp = auth.post(url, data={"activity": scope["acts"]["kt"].id, "state": "complete", "reason": "Làm trên giấy"})
    assert resp.status_code == 302 and _overrides(db, trainee) == 1
    cert = certificates.issue_manually(trainee, scope["course"], "cấp để thử", scope["admin"])
    db.session.commit()
    assert client.get(f"/certificates/{cert.id}.pdf").status_code == 200
