"""Materials uploaded through the browser: checked by content, stored atomically, versioned,
served as attachments."""
import io
import os

import pytest
from sqlalchemy import func, select

from elearn.courses.models import Activity, MaterialFile, Module

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def staffed(runner, db, course_dir, make_org, make_user):
    from elearn.courses import services
    from elearn.courses.models import Course

    root = make_org("Thư viện tỉnh", code="LS")
    assert runner.invoke(args=["courses", "import", str(course_dir)]).exit_code == 0
    course = db.session.scalar(select(Course))
    services.enrol_org(course, root)
    instructor = make_user("instructor", root)
    services.add_staff(course, instructor)
    db.session.commit()
    module = db.session.scalar(select(Module).where(Module.slug == "mot"))
    return {"instructor": instructor, "trainee": make_user("trainee", root), "module": module}


def _upload_dir(app):
    d = os.path.join(app.instance_path, "uploads", "materials")
    return sorted(os.listdir(d)) if os.path.isdir(d) else []


def _upload(auth, module, name, data, title="Tài liệu"):
    url = f"/courses/thu-nghiem/manage/modules/{module.id}/materials/new"
    return auth.post(url, data={"title": title, "file": (io.BytesIO(data), name)}, content_type="multipart/form-data")


def test_instructor_uploads_a_pdf_and_trainee_downloads_it_as_attachment(app, client, auth, staffed, db, make_app):
    auth.login(staffed["instructor"].email)
    before = _upload_dir(app)
    resp = _upload(auth, staffed["module"], "Luật Thư viện 2019.pdf", PDF, "Văn bản Luật")
    assert resp.status_code == 302
    act = db.session.scalar(select(Activity).where(Activity.kind == "material"))
    f = db.session.scalar(select(MaterialFile))
    assert f.mime == "application/pdf" and f.original_name == "Luật Thư viện 2019.pdf" and f.version == 1
    assert len(_upload_dir(app)) == len(before) + 1 and f.stored_name in _upload_dir(app)
    auth.post(f"/courses/thu-nghiem/manage/activity/{act.id}/publish", page="/courses/thu-nghiem/manage")
    trainee = make_app().test_client()
    from tests.conftest import AuthActions

    AuthActions(trainee).login(staffed["trainee"].email)
    page = trainee.get(f"/courses/thu-nghiem/mot/{act.slug}")
    assert page.status_code == 200 and "Tải về" in page.get_data(as_text=True)
    dl = trainee.get(f"/courses/thu-nghiem/files/{f.id}")
    assert dl.status_code == 200 and dl.data == PDF
    cd = dl.headers["Content-Disposition"]
    assert cd.startswith("attachment") and "filename*=UTF-8''Lu%E1%BA%ADt" in cd
    assert dl.headers["X-Content-Type-Options"] == "nosniff"


def test_replacing_a_file_keeps_the_old_version(app, client, auth, staffed, db):
    auth.login(staffed["instructor"].email)
    _upload(auth, staffed["module"], "v1.pdf", PDF)
    act = db.session.scalar(select(Activity).where(Activity.kind == "material"))
    url = f"/courses/thu-nghiem/manage/materials/{act.id}"
    resp = auth.post(url, data={"file": (io.BytesIO(PDF + b"%v2\n"), "v2.pdf")}, content_type="multipart/form-data")
    assert resp.status_code == 302
    versions = db.session.scalars(select(MaterialFile).order_by(MaterialFile.version)).all()
    assert [v.version for v in versions] == [1, 2]
    assert all(v.stored_name in _upload_dir(app) for v in versions)
    page = client.get(url).get_data(as_text=True)
    assert "v1.pdf" in page and "v2.pdf" in page and "hiện hành" in page


@pytest.mark.parametrize("name,data", [
    ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect/></svg>'),
    ("anh.png", b"<!doctype html><html><script>alert(1)</script></html>"),
    ("bai.pdf", b"<script>alert(document.cookie)</script>"),
])
def test_hostile_uploads_are_refused_and_leave_nothing(app, client, auth, staffed, db, name, data):
    auth.login(staffed["instructor"].email)
    before = _upload_dir(app)
    resp = _upload(auth, staffed["module"], name, data)
    assert resp.status_code == 200
    assert "Chỉ nhận PDF" in resp.get_data(as_text=True)
    assert _upload_dir(app) == before
    assert db.session.scalar(select(func.count(Activity.id)).where(Activity.kind == "material")) == 0
    assert db.session.scalar(select(func.count(MaterialFile.id))) == 0


def test_oversize_upload_has_a_clear_message_and_leaves_nothing(make_app, staffed, db):
    from tests.conftest import AuthActions

    app = make_app(UPLOAD_MAX_BYTES=1024)
    client = app.test_client()
    auth = AuthActions(client)
    auth.login(staffed["instructor"].email)
    before = _upload_dir(app)
    resp = _upload(auth, staffed["module"], "lon.pdf", PDF + b"0" * 4096)
    assert "Tệp quá lớn: tối đa" in resp.get_data(as_text=True)
    assert _upload_dir(app) == before
    assert db.session.scalar(select(func.count(MaterialFile.id))) == 0


def test_path_like_names_are_stored_under_generated_names(app, client, auth, staffed, db):
    auth.login(staffed["instructor"].email)
    resp = _upload(auth, staffed["module"], "../../app.py", PDF)
    assert resp.status_code == 302
    f = db.session.scalar(select(MaterialFile))
    assert "/" not in f.original_name and ".." not in f.original_name
    assert f.stored_name in _upload_dir(app)
    repo_root = os.path.dirname(os.path.dirname(os.path.dirname(__file__)))
    with open(os.path.join(repo_root, "app.py"), "rb") as fh:
        assert fh.read() != PDF


def test_trainee_cannot_download_drafts_or_other_courses_files(client, auth, staffed, db, make_app, make_user):
    from tests.conftest import AuthActions

    AuthActions(client).login(staffed["instructor"].email)
    _upload(AuthActions(client), staffed["module"], "nhap.pdf", PDF)
    f = db.session.scalar(select(MaterialFile))
    trainee = make_app().test_client()
    AuthActions(trainee).login(staffed["trainee"].email)
    assert trainee.get(f"/courses/thu-nghiem/files/{f.id}").status_code == 404  # still a draft
    outsider = make_app().test_client()
    AuthActions(outsider).login(make_user("trainee").email)
    assert outsider.get(f"/courses/thu-nghiem/files/{f.id}").status_code == 404


def test_a_failed_commit_removes_the_stored_file(app, client, auth, staffed, db, monkeypatch):
    from elearn.courses import manage

    auth.login(staffed["instructor"].email)
    before = _upload_dir(app)
    real_add = manage.db.session.add

    def failing_add(obj):
        if isinstance(obj, MaterialFile):
            raise RuntimeError("database went away")
        return real_add(obj)

    monkeypatch.setattr(manage.db.session, "add", failing_add)
    client.application.config["PROPAGATE_EXCEPTIONS"] = False
    resp = _upload(auth, staffed["module"], "x.pdf", PDF)
    assert resp.status_code == 500
    monkeypatch.undo()
    assert _upload_dir(app) == before
