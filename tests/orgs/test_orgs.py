import pytest
from sqlalchemy import select

from elearn.auth.models import User
from elearn.core.errors import ServiceError
from elearn.orgs import services
from elearn.orgs.models import OrgUnit


@pytest.fixture
def tree(make_org):
    ls = make_org("Thư viện tỉnh Lạng Sơn", code="LS")
    cl = make_org("Thư viện huyện Cao Lộc", parent=ls, code="CL")
    dd = make_org("Thư viện xã Đồng Đăng", parent=cl, code="DD")
    vl = make_org("Thư viện huyện Văn Lãng", parent=ls, code="VL")
    ns = make_org("Thư viện xã Na Sầm", parent=vl, code="NS")
    return {"LS": ls, "CL": cl, "DD": dd, "VL": vl, "NS": ns}


def test_subtree_is_the_unit_and_everything_below(db, tree):
    ids = set(db.session.scalars(services.subtree_ids(tree["CL"])))
    assert ids == {tree["CL"].id, tree["DD"].id}
    assert set(db.session.scalars(services.subtree_ids(tree["LS"]))) == {u.id for u in tree.values()}


def test_move_carries_the_subtree(db, tree):
    services.move_unit(tree["CL"], tree["VL"])
    db.session.commit()
    dd = db.session.get(OrgUnit, tree["DD"].id)
    assert dd.is_within(db.session.get(OrgUnit, tree["VL"].id))
    assert dd.depth == 3
    assert set(db.session.scalars(services.subtree_ids(db.session.get(OrgUnit, tree["VL"].id)))) == {
        tree["VL"].id, tree["NS"].id, tree["CL"].id, tree["DD"].id}


def test_move_under_own_descendant_is_refused(db, tree):
    with pytest.raises(ServiceError):
        services.move_unit(tree["CL"], tree["DD"])
    with pytest.raises(ServiceError):
        services.move_unit(tree["CL"], tree["CL"])


def test_scope_to_viewer(db, tree, make_user):
    manager = make_user("manager", tree["CL"])
    inside = make_user("trainee", tree["DD"])
    outside = make_user("trainee", tree["NS"])
    admin = make_user("admin", tree["LS"])
    stmt = services.scope_to_viewer(select(User.id), User.org_id, manager)
    seen = set(db.session.scalars(stmt))
    assert inside.id in seen and manager.id in seen and outside.id not in seen
    assert outside.id in set(db.session.scalars(services.scope_to_viewer(select(User.id), User.org_id, admin)))
    trainee_view = set(db.session.scalars(services.scope_to_viewer(select(User.id), User.org_id, inside)))
    assert trainee_view == {inside.id}


def test_admin_creates_renames_and_moves_units_in_browser(client, auth, make_user, tree, db):
    admin = make_user("admin", tree["LS"])
    auth.login(admin.email)
    resp = auth.post("/admin/orgs/new", page="/admin/orgs/new",
                     data={"code": "TL", "name": "Thư viện xã Tân Liên", "parent_id": tree["CL"].id})
    assert resp.status_code == 302
    unit = services.get_by_code("TL")
    assert unit.parent_id == tree["CL"].id and unit.path == tree["CL"].path + f"{unit.id}/"
    resp = auth.post(f"/admin/orgs/{unit.id}/rename", page=f"/admin/orgs/{unit.id}",
                     data={"rename-name": "Thư viện xã Tân Liên (mới)"})
    assert resp.status_code == 302
    resp = auth.post(f"/admin/orgs/{tree['CL'].id}/move", page=f"/admin/orgs/{tree['CL'].id}",
                     data={"move-parent_id": unit.id})
    assert resp.status_code == 422
    assert "cấp dưới" in resp.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(OrgUnit, tree["CL"].id).parent_id == tree["LS"].id
    assert db.session.get(OrgUnit, unit.id).name == "Thư viện xã Tân Liên (mới)"
    dup = auth.post("/admin/orgs/new", page="/admin/orgs/new", data={"code": "TL", "name": "X", "parent_id": 0})
    assert dup.status_code == 200 and "đã tồn tại" in dup.get_data(as_text=True)


def test_non_admins_cannot_reach_org_admin(client, auth, make_user, tree):
    for role in ("trainee", "instructor", "manager"):
        user = make_user(role, tree["CL"])
        auth.login(user.email)
        assert client.get("/admin/orgs/").status_code == 403, role
        assert client.get("/admin/users").status_code == 403, role
        auth.logout()


def test_import_csv_builds_tree_with_parents_in_any_order(runner, db, tmp_path):
    f = tmp_path / "orgs.csv"
    f.write_text("code,name,parent_code\nDD,Thư viện xã Đồng Đăng,CL\nCL,Thư viện huyện Cao Lộc,LS\nLS,Thư viện tỉnh Lạng Sơn,\n",
                 encoding="utf-8")
    result = runner.invoke(args=["orgs", "import", str(f)])
    assert result.exit_code == 0, result.output
    dd = services.get_by_code("DD")
    assert dd.is_within(services.get_by_code("LS")) and dd.depth == 2
    again = runner.invoke(args=["orgs", "import", str(f)])
    assert "giữ nguyên 3" in again.output


def test_import_csv_is_all_or_nothing_with_errors_per_row(runner, db, tmp_path):
    f = tmp_path / "orgs.csv"
    f.write_text("code,name,parent_code\nLS,Thư viện tỉnh,\nA,Xã A,KHONG\nB,,LS\nLS,Trùng,\nC1,Vòng 1,C2\nC2,Vòng 2,C1\n",
                 encoding="utf-8")
    result = runner.invoke(args=["orgs", "import", str(f)])
    assert result.exit_code == 1
    out = result.output
    assert ":3:" in out and "KHONG" in out
    assert ":4:" in out and "thiếu tên" in out
    assert ":5:" in out and "lặp lại" in out
    assert ":6:" in out and "vòng lặp" in out
    assert db.session.scalar(select(OrgUnit.id)) is None  # nothing written


def test_import_csv_dry_run_writes_nothing(runner, db, tmp_path):
    f = tmp_path / "orgs.csv"
    f.write_text("code,name,parent_code\nLS,Thư viện tỉnh Lạng Sơn,\n", encoding="utf-8")
    result = runner.invoke(args=["orgs", "import", "--dry-run", str(f)])
    assert result.exit_code == 0 and "tạo mới 1" in result.output
    assert services.get_by_code("LS") is None


def test_import_rejects_bad_header_and_encoding(runner, tmp_path):
    f = tmp_path / "orgs.csv"
    f.write_text("ma,ten\nLS,Tỉnh\n", encoding="utf-8")
    assert "code,name,parent_code" in runner.invoke(args=["orgs", "import", str(f)]).output
    f.write_bytes("code,name,parent_code\nLS,Tỉnh,\n".encode("utf-16"))
    assert "UTF-8" in runner.invoke(args=["orgs", "import", str(f)]).output


def test_manager_home_counts_users_per_unit(client, auth, make_user, tree, count_queries):
    manager = make_user("manager", tree["CL"])
    for _ in range(3):
        make_user("trainee", tree["DD"])
    make_user("trainee", tree["NS"])  # outside the manager's subtree
    auth.login(manager.email)
    html = client.get("/").get_data(as_text=True)
    assert "Thư viện xã Đồng Đăng" in html
    assert "Thư viện xã Na Sầm" not in html
    assert "3 học viên" in html


def test_org_tree_page_counts_active_accounts_per_unit_without_orgs_importing_auth(client, auth, make_user, tree):
    """The counts come from above (home answers ``unit_members_wanted``); orgs never import accounts."""
    import re

    make_user(role="admin", org=tree["LS"], email="qt@example.vn")
    for _ in range(3):
        make_user(org=tree["DD"])
    gone = make_user(org=tree["DD"])
    gone.active = False
    make_user(org=tree["NS"])
    from elearn.extensions import db

    db.session.commit()
    assert services.member_counts(tree["CL"]) == {tree["DD"].id: 3}
    auth.login("qt@example.vn")
    html = client.get("/admin/orgs/").get_data(as_text=True)

    def count(code):
        m = re.search(rf"<code>{code}</code></td><td class=\"num\">(\d+)</td>", html)
        return int(m.group(1))

    assert (count("LS"), count("CL"), count("DD"), count("NS")) == (1, 0, 3, 1)
    import ast
    import pathlib

    for path in pathlib.Path(services.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom):
                assert not (node.module or "").startswith(("auth", "home")), path
