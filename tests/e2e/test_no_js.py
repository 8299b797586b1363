"""The pages work without JavaScript (DESIGN.md budgets): sign in, see the home page, sign out."""
from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.e2e


def test_sign_in_and_out_without_javascript(new_context, accounts, session_states):
    account = accounts["trainee"]
    page = new_context(java_script_enabled=False).new_page()
    page.goto("/login")
    page.locator("input[name=email]").fill(account["email"])
    page.locator("input[name=password]").fill(account["password"])
    with page.expect_navigation(wait_until="load"):
        page.locator("main form button.primary").click()
    assert urlsplit(page.url).path == "/"
    assert page.locator("h1").inner_text() == "Xin chào, Hoàng Thị Mai"
    assert "Thư viện xã Đồng Đăng" in page.locator("main").inner_text()
    assert page.locator("html").get_attribute("lang") == "vi"

    try:
        with page.expect_navigation(wait_until="load"):
            page.get_by_role("button", name="Đăng xuất").click()
    finally:
        session_states.forget("trainee")  # signing out ends every session of the account
    assert urlsplit(page.url).path == "/login"
    assert "Bạn đã đăng xuất." in page.locator("main").inner_text()
