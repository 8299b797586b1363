"""Keyboard only: the first Tab reaches the skip link, the skip link moves focus to the content,
and the sign-in form can be filled and sent without a mouse."""
from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.e2e

SKIP_TEXT = "Chuyển đến nội dung chính"
ACTIVE = """() => {
  const el = document.activeElement;
  return el ? {tag: el.tagName.toLowerCase(), id: el.id, name: el.getAttribute('name'),
               text: (el.textContent || '').trim(), href: el.getAttribute('href')} : null;
}"""


def active(page):
    return page.evaluate(ACTIVE)


def settle(page):
    """Let the page render and apply any autofocus (at most ~30 frames) before the first key, as a
    person would: they see the page before they press Tab."""
    page.evaluate("""() => new Promise(resolve => {
      let frames = 0;
      const applied = () => {
        const a = document.querySelector('[autofocus]');
        return !a || document.activeElement === a;
      };
      const tick = () => (applied() && frames >= 2) || ++frames > 30 ? resolve() : requestAnimationFrame(tick);
      requestAnimationFrame(tick);
    })""")


def assert_first_tab_is_skip_link(page):
    settle(page)
    page.keyboard.press("Tab")
    first = active(page)
    assert first["text"] == SKIP_TEXT and first["href"] == "#main", (
        f"the first Tab on {urlsplit(page.url).path} should focus the skip link; it focused {first}")
    box = page.locator("a.skip").bounding_box()
    assert box and box["x"] >= 0, f"the focused skip link should be on screen: {box}"


def test_first_tab_on_login_focuses_skip_link(new_context):
    page = new_context().new_page()
    page.goto("/login")
    assert_first_tab_is_skip_link(page)


def test_skip_link_on_home_page_moves_focus_to_main(signed_in):
    page = signed_in("trainee").new_page()
    page.goto("/")
    assert_first_tab_is_skip_link(page)
    page.keyboard.press("Enter")
    assert active(page)["id"] == "main", "following the skip link should focus <main>"
    page.keyboard.press("Tab")
    assert active(page)["tag"] in ("a", "button", "input", "select"), "Tab from <main> reaches a control"


def test_sign_in_with_keyboard_only(new_context, accounts):
    account = accounts["trainee"]
    page = new_context().new_page()
    page.goto("/login")
    settle(page)

    for _ in range(12):  # Tab forward (around the page if need be) to the email field
        if active(page)["name"] == "email":
            break
        page.keyboard.press("Tab")
    else:
        pytest.fail("the email field could not be reached with Tab")
    page.keyboard.type(account["email"])
    page.keyboard.press("Tab")
    assert active(page)["name"] == "password", "Tab from the email field should reach the password"
    page.keyboard.type(account["password"])
    with page.expect_navigation(wait_until="load"):
        page.keyboard.press("Enter")

    assert urlsplit(page.url).path == "/"
    assert page.locator("h1").inner_text() == "Xin chào, Hoàng Thị Mai"
    assert "Thư viện xã Đồng Đăng" in page.locator("main").inner_text()
