def test_login_page_renders_in_vietnamese(client):
    resp = client.get("/login")
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert "Đăng nhập" in html
    assert 'lang="vi"' in html


def test_home_redirects_anonymous_to_login(client):
    resp = client.get("/")
    assert resp.status_code == 302
    assert "/login" in resp.headers["Location"]


def test_each_role_sees_its_home(client, auth, make_user, make_org):
    province = make_org("Thư viện tỉnh Lạng Sơn", code="LS")
    district = make_org("Thư viện huyện Cao Lộc", parent=province, code="LS-CL")
    commune = make_org("Thư viện xã Đồng Đăng", parent=district, code="LS-CL-DD")
    users = {
        "trainee": make_user("trainee", commune),
        "instructor": make_user("instructor", province),
        "manager": make_user("manager", district),
        "admin": make_user("admin", province),
    }
    expected = {
        "trainee": "Thư viện xã Đồng Đăng",
        "instructor": "Học viên trong hệ thống",
        "manager": "Người dùng theo đơn vị",
        "admin": "Quản trị hệ thống",
    }
    for role, user in users.items():
        resp = auth.login(user.email)
        assert resp.status_code == 302, role
        html = client.get("/").get_data(as_text=True)
        assert expected[role] in html, role
        auth.logout()
