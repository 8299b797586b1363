"""Each demo role signs in through the browser, sees its own home page in Vietnamese, switches the
language with the footer form and back, and signs out."""
from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.e2e

# What only that role's home page shows (templates/home/<role>.html), plus the h1.
HOME = {
    "admin": {"h1": "Quản trị hệ thống", "text": ["Tài khoản đang hoạt động", "Thư viện tỉnh Lạng Sơn"],
              "title": "Trang quản trị"},
    "instructor": {"h1": "Xin chào, Lương Thị Hạnh", "text": ["Học viên trong hệ thống", "Khoá học tôi phụ trách"],
                   "title": "Trang giảng viên"},
    "manager": {"h1": "Xin chào, Nông Văn Dũng",
                "text": ["Phạm vi quản lý: Thư viện huyện Cao Lộc và các đơn vị cấp dưới."],
                "title": "Trang quản lý"},
    "trainee": {"h1": "Xin chào, Hoàng Thị Mai", "text": ["Thư viện xã Đồng Đăng", "Việc tiếp theo"],
                "title": "Trang học viên"},
}
# Headings of the other roles' pages, which must not leak onto this one.
OTHERS = {"admin": "Quản trị hệ thống", "instructor": "Học viên trong hệ thống",
          "manager": "Người dùng theo đơn vị", "trainee": "Việc tiếp theo"}


def html_lang(page):
    return page.evaluate("document.documentElement.lang")


@pytest.mark.parametrize("role", ["admin", "instructor", "manager", "trainee"])
def test_role_signs_in_sees_home_switches_language_and_signs_out(role, new_context, accounts, login,
                                                                  session_states):
    try:
        _sign_in_switch_language_sign_out(role, new_context, accounts, login)
    finally:
        session_states.forget(role)  # signing out ended every session of this account


def _sign_in_switch_language_sign_out(role, new_context, accounts, login):
    ctx = new_context()
    page = ctx.new_page()

    page.goto("/")
    assert urlsplit(page.url).path == "/login", "an anonymous visit to / should land on the login form"
    assert html_lang(page) == "vi"

    login(page, accounts[role])
    want = HOME[role]
    assert html_lang(page) == "vi"
    assert page.locator("h1").inner_text() == want["h1"]
    assert page.title().startswith(want["title"])
    main = page.locator("main").inner_text()
    for text in want["text"]:
        assert text in main, f"{role} home page should show {text!r}; it shows:\n{main}"
    for other, text in OTHERS.items():
        if other != role:
            assert text not in main, f"{role} home page shows {other}'s {text!r}"
    if role == "manager":
        table = page.get_by_role("table", name="Người dùng theo đơn vị")
        assert table.count() == 1
        units = table.locator("tbody td:first-child").all_inner_texts()
        assert units[0] == "Thư viện huyện Cao Lộc"
        assert {"Thư viện xã Đồng Đăng", "Thư viện xã Tân Liên", "Thư viện xã Gia Cát"} <= set(units)
        assert "Thư viện huyện Văn Lãng" not in units, "a manager sees only their own subtree"
    nav = page.get_by_role("navigation", name="Điều hướng chính")
    admin_links = nav.get_by_role("link", name="Đơn vị").count() + nav.get_by_role("link", name="Tài khoản").count()
    assert admin_links == (2 if role == "admin" else 0)

    # Language: footer form to English, then back to Vietnamese. English may not be translated
    # yet, so only the lang attribute is asserted.
    footer_form = page.locator("footer form.lang")
    footer_form.locator("#lang").select_option("en")
    with page.expect_navigation(wait_until="load"):
        footer_form.get_by_role("button", name="Đổi").click()
    assert urlsplit(page.url).path == "/", "switching language should come back to the same page"
    assert html_lang(page) == "en"
    assert page.locator("footer #lang").input_value() == "en"

    footer_form = page.locator("footer form.lang")
    footer_form.locator("#lang").select_option("vi")
    with page.expect_navigation(wait_until="load"):
        footer_form.locator("button").click()
    assert html_lang(page) == "vi"
    assert page.locator("h1").inner_text() == want["h1"]

    with page.expect_navigation(wait_until="load"):
        page.get_by_role("button", name="Đăng xuất").click()
    assert urlsplit(page.url).path == "/login"
    assert "Bạn đã đăng xuất." in page.locator("main").inner_text()
    page.goto("/")
    assert urlsplit(page.url).path == "/login", "after signing out the home page needs a new login"
