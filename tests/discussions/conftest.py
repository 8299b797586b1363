"""A province with two courses: course A (modules one and two, two needing one; a workshop) taken by
unit DD, course B taken by unit TL. An instructor teaches A; a manager oversees the district."""
import re
from datetime import timedelta

import pytest

from elearn.auth import services as accounts
from elearn.core.timeutil import utcnow
from elearn.courses import services as courses
from elearn.workshops.models import Workshop
from tests.conftest import csrf_token

BASE = "https://hoctap.example.vn"


@pytest.fixture
def forum(db, make_org, make_user):
    province = make_org("Thư viện tỉnh Lạng Sơn", code="LS")
    district = make_org("Thư viện huyện Cao Lộc", parent=province, code="CL")
    dd = make_org("Thư viện xã Đồng Đăng", parent=district, code="DD")
    tl = make_org("Thư viện xã Tân Liên", parent=province, code="TL")
    instructor = make_user("instructor", province, email="gv@example.vn", name="Lương Thị Hạnh")
    other_instructor = make_user("instructor", province, email="gv2@example.vn", name="Giảng Viên Khác")
    trainee = make_user("trainee", dd, email="mai@example.vn", name="Hoàng Thị Mai")
    classmate = make_user("trainee", dd, email="lan@example.vn", name="Vi Thị Lan")
    outsider = make_user("trainee", tl, email="ngoai@example.vn", name="Người Ngoài")
    manager = make_user("manager", district, email="ql@example.vn", name="Nông Văn Dũng")
    far_manager = make_user("manager", tl, email="ql2@example.vn", name="Quản Lý Xa")
    a = courses.create_course(instructor, "Pháp luật thư viện", "", 4)
    one = courses.create_module(a, "Luật Thư viện 2019")
    two = courses.create_module(a, "Thư viện cộng đồng")
    draft = courses.create_module(a, "Bản nháp")
    for obj in (a, one, two):
        courses.set_status(obj, "published")
    courses.update_module(two, title=two.title, summary="", prerequisite_ids=[one.id])
    courses.enrol_org(a, dd)
    b = courses.create_course(other_instructor, "Biên mục", "", 2)
    courses.set_status(b, "published")
    courses.enrol_org(b, tl)
    ws = Workshop(course_id=a.id, title="Tập huấn Luật Thư viện", status="published", capacity=20)
    db.session.add(ws)
    db.session.commit()
    return {"a": a, "b": b, "one": one, "two": two, "draft": draft, "ws": ws, "instructor": instructor,
            "other_instructor": other_instructor, "trainee": trainee, "classmate": classmate, "outsider": outsider,
            "manager": manager, "far_manager": far_manager, "dd": dd, "tl": tl}


def login(make_app, email, **config):
    """A client of its own app (like another worker), signed in as ``email``."""
    client = make_app(**config).test_client()
    token = csrf_token(client)
    resp = client.post("/login", data={"email": email, "password": "mat-khau-dung-1", "csrf_token": token})
    assert resp.status_code == 302, resp.get_data(as_text=True)[:500]
    return client


NONCE_RE = re.compile(r'name="nonce" type="hidden" value="([^"]+)"|name="nonce" value="([^"]+)"')


def form_values(client, path):
    html = client.get(path).get_data(as_text=True)
    m = NONCE_RE.search(html)
    return {"csrf_token": csrf_token(client, path), **({"nonce": m.group(1) or m.group(2)} if m else {})}


def post_thread(client, slug, title, body, question=False, **place):
    qs = "".join(f"?{k}={v}" for k, v in place.items())
    data = {**form_values(client, f"/discuss/{slug}/new{qs}"), "title": title, "body": body}
    if question:
        data["question"] = "y"
    return client.post(f"/discuss/{slug}/new{qs}", data=data)


def post_reply(client, thread_id, body, **extra):
    data = {**form_values(client, f"/discuss/t/{thread_id}"), "body": body, **extra}
    return client.post(f"/discuss/t/{thread_id}/reply", data=data)


def bearer(user):
    _t, raw = accounts.create_token(user, "ứng dụng")
    from elearn.extensions import db

    db.session.commit()
    return {"Authorization": f"Bearer {raw}"}


def minutes_ago(n):
    return utcnow() - timedelta(minutes=n)
