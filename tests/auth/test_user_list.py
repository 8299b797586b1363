"""The admin user list (issue 13): Vietnamese order (elearn/core/text.py collation) and usable at 360 px."""
import re

from elearn.core.text import vi_name_key


def test_user_list_is_in_vietnamese_order_across_pages(app, client, auth, make_user, make_org):
    org = make_org(code="LS")
    admin = make_user("admin", org, name="Quản Trị Viên")
    names = ["Đặng Văn Đức", "Nguyễn Thị Dung", "Lê Văn Ân", "Trần Văn An", "Hoàng Thị Ánh",
             "Phạm Thị Êm", "Vũ Văn Em", "Lương Thị Ơn", "Bế Văn Ong", "Nông Thị Ba"]
    for n in names:
        make_user("trainee", org, name=n)
    app.config["PAGE_SIZE"] = 4
    auth.login(admin.email)
    shown = []
    for page in (1, 2, 3):
        html = client.get(f"/admin/users?page={page}").get_data(as_text=True)
        shown += re.findall(r'<a href="/admin/users/\d+">([^<]+)</a>', html)
    expected = sorted(names + ["Quản Trị Viên"], key=vi_name_key)
    assert shown == expected
    # Đ after D, Ă/Â after A: "Dung" before "Đức", "An" before "Ân" before "Ánh".
    assert shown.index("Nguyễn Thị Dung") < shown.index("Đặng Văn Đức")
    assert shown.index("Trần Văn An") < shown.index("Lê Văn Ân")


def test_less_important_columns_hide_at_narrow_widths(client, auth, make_user, make_org):
    org = make_org(code="LS")
    admin = make_user("admin", org)
    auth.login(admin.email)
    html = client.get("/admin/users").get_data(as_text=True)
    assert 'class="user-list"' in html and 'class="opt"' in html
    css = client.get("/static/app.css").get_data(as_text=True)
    assert re.search(r"@media \(max-width:40rem\)\{\.user-list \.opt\{display:none\}\}", css)
