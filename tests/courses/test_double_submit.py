"""Issue 9 item 9: a create form submitted twice (double click, back and resubmit) stores once.
Each create form carries a one-time nonce; a repeat with the same nonce redirects to what the first
submission made. Two simultaneous uploads of a new version both succeed with distinct numbers."""
import io
import os
import re
import threading
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from elearn.auth.models import ApiToken, User
from elearn.courses.models import Activity, Course, MaterialFile, Module
from elearn.orgs.models import OrgUnit
from elearn.workshops.models import Workshop, WorkshopSession
from tests.conftest import AuthActions, csrf_token

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
NONCE_RE = re.compile(r'name="((?:session-)?nonce)" type="hidden" value="([^"]+)"')


@pytest.fixture
def setup(runner, db, course_dir, make_org, make_user):
    from elearn.courses import services

    root = make_org("Thư viện tỉnh", code="LS")
    assert runner.invoke(args=["courses", "import", str(course_dir)]).exit_code == 0
    course = db.session.scalar(select(Course))
    services.enrol_org(course, root)
    instructor = make_user("instructor", root, email="gv@example.vn")
    services.add_staff(course, instructor)
    admin = make_user("admin", root, email="admin@example.vn")
    db.session.commit()
    module = db.session.scalar(select(Module).where(Module.slug == "mot"))
    return {"course": course, "module": module, "root": root, "instructor": instructor, "admin": admin}


def _form(client, page, name="nonce"):
    """The csrf token and the nonce a browser gets when it opens ``page``."""
    html = client.get(page).get_data(as_text=True)
    nonces = {m.group(1): m.group(2) for m in NONCE_RE.finditer(html)}
    assert name in nonces, f"no {name} field on {page}"
    return csrf_token(client, page), nonces[name]


def _count(db, stmt):
    db.session.expire_all()
    return db.session.scalar(stmt)


def _material(s, db):
    return db.session.scalar(select(Activity).where(Activity.kind == "material"))


def _upload_dir(app):
    d = os.path.join(app.instance_path, "uploads", "materials")
    return sorted(os.listdir(d)) if os.path.isdir(d) else []


# kind: (who logs in, the page with the form, where it posts, the data, what is counted)
def _cases(s, db):
    slug, mod = s["course"].slug, s["module"]
    return {
        "course": ("gv@example.vn", "/courses/new", "/courses/new",
                   {"title": "Khoá mới", "summary": "", "hours": "2"},
                   select(func.count()).select_from(Course)),
        "module": ("gv@example.vn", f"/courses/{slug}/manage", f"/courses/{slug}/manage/modules/new",
                   {"title": "Module mới", "summary": ""},
                   select(func.count()).select_from(Module)),
        "lesson": ("gv@example.vn", f"/courses/{slug}/manage/modules/{mod.id}/lessons/new",
                   f"/courses/{slug}/manage/modules/{mod.id}/lessons/new",
                   {"title": "Bài mới", "body_md": "Nội dung bài mới.", "minutes": "3"},
                   select(func.count()).select_from(Activity).where(Activity.kind == "lesson")),
        "material": ("gv@example.vn", f"/courses/{slug}/manage/modules/{mod.id}/materials/new",
                     f"/courses/{slug}/manage/modules/{mod.id}/materials/new",
                     {"title": "Văn bản Luật", "file": lambda: (io.BytesIO(PDF), "luat.pdf")},
                     select(func.count()).select_from(MaterialFile)),
        "workshop": ("gv@example.vn", f"/courses/{slug}/workshops/new", f"/courses/{slug}/workshops/new",
                     {"title": "Tập huấn tỉnh", "description": "", "capacity": "30", "cancel_cutoff_hours": "24",
                      "prework_before": "none", "completion_module": "0", "posttest": "0"},
                     select(func.count()).select_from(Workshop)),
        "user": ("admin@example.vn", "/admin/users/new", "/admin/users/new",
                 {"email": "moi@example.vn", "name": "Vi Thị Lan Anh", "role": "trainee", "org_id": str(s["root"].id)},
                 select(func.count()).select_from(User)),
        "org": ("admin@example.vn", "/admin/orgs/new", "/admin/orgs/new",
                {"code": "TL", "name": "Thư viện xã Tân Liên", "parent_id": str(s["root"].id)},
                select(func.count()).select_from(OrgUnit)),
        "token": ("gv@example.vn", "/account", "/account/tokens", {"name": "máy tính bảng"},
                  select(func.count()).select_from(ApiToken)),
    }


def _data(data, csrf, name, nonce):
    out = {k: (v() if callable(v) else v) for k, v in data.items()}
    return {**out, "csrf_token": csrf, name: nonce}


@pytest.mark.parametrize("kind", ["course", "module", "lesson", "material", "workshop", "user", "org", "token"])
def test_a_create_form_posted_four_times_with_one_nonce_stores_once(app, client, auth, db, setup, kind):
    who, page, url, data, counted = _cases(setup, db)[kind]
    auth.login(who)
    before = _count(db, counted)
    files_before = _upload_dir(app)
    csrf, nonce = _form(client, page)
    first = client.post(url, data=_data(data, csrf, "nonce", nonce), content_type="multipart/form-data")
    assert first.status_code in (302, 303), first.get_data(as_text=True)[:2000]
    for _ in range(3):
        again = client.post(url, data=_data(data, csrf, "nonce", nonce), content_type="multipart/form-data")
        assert again.status_code == 303
        if kind != "token":  # the token page is the account page itself
            assert again.headers["Location"] == first.headers["Location"]
    assert _count(db, counted) == before + 1
    if kind == "material":
        assert len(_upload_dir(app)) == len(files_before) + 1  # no orphan files from the repeats
    assert "đã được gửi rồi" in client.get(again.headers["Location"]).get_data(as_text=True)
    # a fresh page has a fresh nonce, and creates again (the protection is per submission)
    if kind not in ("user", "org"):  # those two would now clash on their unique e-mail / code
        csrf, nonce2 = _form(client, page)
        assert nonce2 != nonce
        assert client.post(url, data=_data(data, csrf, "nonce", nonce2),
                           content_type="multipart/form-data").status_code in (302, 303)
        assert _count(db, counted) == before + 2


def test_a_new_session_posted_twice_is_added_once(client, auth, db, setup):
    auth.login("gv@example.vn")
    slug = setup["course"].slug
    resp = auth.post(f"/courses/{slug}/workshops/new", page=f"/courses/{slug}/workshops/new", data={
        "title": "Tập huấn tỉnh", "description": "", "capacity": "30", "cancel_cutoff_hours": "24",
        "prework_before": "none", "completion_module": "0", "posttest": "0"})
    ws = db.session.scalar(select(Workshop))
    csrf, nonce = _form(client, f"/workshops/{ws.id}/edit", "session-nonce")
    start = (datetime.now() + timedelta(days=10)).replace(second=0, microsecond=0)
    data = {"csrf_token": csrf, "session-nonce": nonce, "session-title": "Ngày 1",
            "session-starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "session-ends_at": (start + timedelta(hours=4)).strftime("%Y-%m-%dT%H:%M"), "session-venue": "Hội trường"}
    assert resp.status_code == 302
    results = [client.post(f"/workshops/{ws.id}/sessions", data=data).status_code for _ in range(3)]
    assert results == [302, 303, 303]
    assert _count(db, select(func.count()).select_from(WorkshopSession)) == 1


def test_replacing_a_file_twice_with_one_nonce_makes_one_version(app, client, auth, db, setup):
    auth.login("gv@example.vn")
    slug, mod = setup["course"].slug, setup["module"]
    auth.post(f"/courses/{slug}/manage/modules/{mod.id}/materials/new", data={
        "title": "Tài liệu", "file": (io.BytesIO(PDF), "a.pdf")}, content_type="multipart/form-data")
    act = _material(setup, db)
    page = f"/courses/{slug}/manage/materials/{act.id}"
    csrf, nonce = _form(client, page)
    for expected in (302, 303):
        resp = client.post(page, data={"csrf_token": csrf, "nonce": nonce, "file": (io.BytesIO(PDF), "b.pdf")},
                           content_type="multipart/form-data")
        assert resp.status_code == expected
    versions = db.session.scalars(select(MaterialFile.version).where(MaterialFile.activity_id == act.id)).all()
    assert sorted(versions) == [1, 2]


def test_a_refused_submission_can_be_corrected_and_sent_with_the_same_nonce(client, auth, db, setup):
    auth.login("gv@example.vn")
    slug, mod = setup["course"].slug, setup["module"]
    page = f"/courses/{slug}/manage/modules/{mod.id}/lessons/new"
    csrf, nonce = _form(client, page)
    bad = client.post(page, data={"csrf_token": csrf, "nonce": nonce, "title": "   ", "body_md": "Nội dung."})
    assert bad.status_code == 200 and nonce in bad.get_data(as_text=True)  # the same nonce stays in the form
    counted = select(func.count()).select_from(Activity).where(Activity.kind == "lesson")
    before = _count(db, counted)
    good = client.post(page, data={"csrf_token": csrf, "nonce": nonce, "title": "Bài mới", "body_md": "Nội dung."})
    assert good.status_code == 302 and _count(db, counted) == before + 1


# --- real parallel requests --------------------------------------------------------------------------

def _concurrently(clients, fn):
    barrier = threading.Barrier(len(clients))
    results = [None] * len(clients)

    def run(i):
        barrier.wait()
        results[i] = fn(i, clients[i])

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(clients))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def _logged_in(make_app, n, email):
    clients = []
    for _ in range(n):
        c = make_app().test_client()
        AuthActions(c).login(email)
        clients.append(c)
    return clients


def test_simultaneous_version_uploads_get_distinct_numbers(app, make_app, client, auth, db, setup):
    auth.login("gv@example.vn")
    slug, mod = setup["course"].slug, setup["module"]
    auth.post(f"/courses/{slug}/manage/modules/{mod.id}/materials/new", data={
        "title": "Tài liệu", "file": (io.BytesIO(PDF), "a.pdf")}, content_type="multipart/form-data")
    act = _material(setup, db)
    page = f"/courses/{slug}/manage/materials/{act.id}"
    n = 4
    files_before = len(_upload_dir(app))
    clients = _logged_in(make_app, n, "gv@example.vn")
    forms = [_form(c, page) for c in clients]  # four tabs, four nonces
    for c in clients:
        c.application.config["PROPAGATE_EXCEPTIONS"] = False
    results = _concurrently(clients, lambda i, c: c.post(
        page, data={"csrf_token": forms[i][0], "nonce": forms[i][1], "file": (io.BytesIO(PDF), f"v{i}.pdf")},
        content_type="multipart/form-data"))
    assert [r.status_code for r in results] == [302] * n, [r.get_data(as_text=True)[:300] for r in results]
    versions = db.session.scalars(select(MaterialFile.version).where(MaterialFile.activity_id == act.id)).all()
    assert sorted(versions) == list(range(1, n + 2))
    assert len(_upload_dir(app)) == files_before + n


def test_simultaneous_double_submits_of_one_form_store_once(app, make_app, db, setup):
    slug, mod = setup["course"].slug, setup["module"]
    url = f"/courses/{slug}/manage/modules/{mod.id}/materials/new"
    n = 4
    files_before = len(_upload_dir(app))
    clients = _logged_in(make_app, 1, "gv@example.vn")
    csrf, nonce = _form(clients[0], url)
    name = clients[0].application.config["SESSION_COOKIE_NAME"]
    cookie = clients[0].get_cookie(name).value
    for _ in range(n - 1):  # the same browser session, like one tab clicking four times
        c = make_app().test_client()
        c.set_cookie(name, cookie, domain="localhost")
        clients.append(c)
    for c in clients:
        c.application.config["PROPAGATE_EXCEPTIONS"] = False
    results = _concurrently(clients, lambda i, c: c.post(
        url, data={"csrf_token": csrf, "nonce": nonce, "title": "Văn bản", "file": (io.BytesIO(PDF), "luat.pdf")},
        content_type="multipart/form-data"))
    codes = sorted(r.status_code for r in results)
    assert codes == [302] + [303] * (n - 1), [r.get_data(as_text=True)[:300] for r in results]
    assert len({r.headers["Location"] for r in results}) == 1
    assert _count(db, select(func.count()).select_from(Activity).where(Activity.kind == "material")) == 1
    assert _count(db, select(func.count()).select_from(MaterialFile)) == 1
    assert len(_upload_dir(app)) == files_before + 1  # the repeats stored no file
