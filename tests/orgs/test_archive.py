"""Org units can be archived (issue 13): hidden from pickers, their users stay; codes are upper case."""
import re

import pytest

from elearn.auth.models import User
from elearn.orgs import services
from elearn.orgs.models import OrgUnit


@pytest.fixture
def tree(make_org):
    ls = make_org("Thư viện tỉnh Lạng Sơn", code="LS")
    cl = make_org("Thư viện huyện Cao Lộc", parent=ls, code="CL")
    dd = make_org("Thư viện xã Đồng Đăng", parent=cl, code="DD")
    vl = make_org("Thư viện huyện Văn Lãng", parent=ls, code="VL")
    return {"LS": ls, "CL": cl, "DD": dd, "VL": vl}


def _options(html, select_id):
    m = re.search(rf'<select[^>]*id="{select_id}"[^>]*>(.*?)</select>', html, re.S)
    assert m, select_id
    return m.group(1)


def test_archived_units_leave_the_pickers_and_their_users_stay(client, auth, make_user, tree, db):
    admin = make_user("admin", tree["LS"])
    staff = make_user("trainee", tree["DD"], name="Nông Thị Đào")
    auth.login(admin.email)
    assert "Thư viện huyện Cao Lộc" in _options(client.get("/admin/users/new").get_data(as_text=True), "org_id")

    resp = auth.post(f"/admin/orgs/{tree['CL'].id}/archive", page=f"/admin/orgs/{tree['CL'].id}")
    assert resp.status_code == 302
    db.session.expire_all()
    assert db.session.get(OrgUnit, tree["CL"].id).archived_at is not None
    assert db.session.get(OrgUnit, tree["DD"].id).archived_at is not None  # the subtree goes with it
    assert db.session.get(OrgUnit, tree["VL"].id).archived_at is None

    picker = _options(client.get("/admin/users/new").get_data(as_text=True), "org_id")
    assert "Cao Lộc" not in picker and "Đồng Đăng" not in picker and "Văn Lãng" in picker
    filters = _options(client.get("/admin/users").get_data(as_text=True), "org")
    assert "Cao Lộc" not in filters
    # The users stay in their unit and in the list; their own form still shows their unit.
    assert db.session.get(User, staff.id).org_id == tree["DD"].id
    assert "Nông Thị Đào" in client.get("/admin/users").get_data(as_text=True)
    edit = client.get(f"/admin/users/{staff.id}").get_data(as_text=True)
    assert "Thư viện xã Đồng Đăng (đã lưu trữ)" in _options(edit, "org_id")
    # The tree page still lists it, marked.
    assert "đã lưu trữ" in client.get("/admin/orgs/").get_data(as_text=True)

    # Restoring a child of an archived unit is refused; restoring the parent brings both back.
    auth.post(f"/admin/orgs/{tree['DD'].id}/archive", page=f"/admin/orgs/{tree['DD'].id}")
    db.session.expire_all()
    assert db.session.get(OrgUnit, tree["DD"].id).archived_at is not None
    auth.post(f"/admin/orgs/{tree['CL'].id}/archive", page=f"/admin/orgs/{tree['CL'].id}")
    db.session.expire_all()
    assert db.session.get(OrgUnit, tree["DD"].id).archived_at is None
    assert "Cao Lộc" in _options(client.get("/admin/users/new").get_data(as_text=True), "org_id")


def test_archived_units_cannot_receive_imported_users(client, auth, make_user, tree, db, runner, tmp_path):
    services.archive_unit(tree["VL"])
    db.session.commit()
    f = tmp_path / "u.csv"
    f.write_text("email,name,role,org_code\nmai@example.vn,Hoàng Thị Mai,trainee,VL\n", encoding="utf-8")
    result = runner.invoke(args=["users", "import", str(f)])
    assert result.exit_code == 1 and "VL" in result.output


def test_codes_are_upper_case(client, auth, make_user, tree, db, runner, tmp_path):
    admin = make_user("admin", tree["LS"])
    auth.login(admin.email)
    resp = auth.post("/admin/orgs/new", page="/admin/orgs/new",
                     data={"code": "tl-01", "name": "Thư viện xã Tân Liên", "parent_id": tree["CL"].id})
    assert resp.status_code == 302
    assert services.get_by_code("TL-01").name == "Thư viện xã Tân Liên"
    assert services.get_by_code("tl-01").code == "TL-01"
    dup = auth.post("/admin/orgs/new", page="/admin/orgs/new", data={"code": "Tl-01", "name": "X", "parent_id": 0})
    assert "đã tồn tại" in dup.get_data(as_text=True)
    f = tmp_path / "orgs.csv"
    f.write_text("code,name,parent_code\nna-sam,Thư viện xã Na Sầm,vl\n", encoding="utf-8")
    result = runner.invoke(args=["orgs", "import", str(f)])
    assert result.exit_code == 0, result.output
    unit = services.get_by_code("NA-SAM")
    assert unit is not None and unit.code == "NA-SAM" and unit.parent_id == tree["VL"].id


def test_non_admins_cannot_archive(client, auth, make_user, tree, db):
    manager = make_user("manager", tree["LS"])
    auth.login(manager.email)
    assert auth.post(f"/admin/orgs/{tree['CL'].id}/archive", page="/account").status_code == 403
    db.session.expire_all()
    assert db.session.get(OrgUnit, tree["CL"].id).archived_at is None
