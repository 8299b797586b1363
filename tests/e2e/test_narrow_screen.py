"""Usable at 360 px wide (a cheap Android phone): no sideways scrolling, and signing in works."""
from urllib.parse import urlsplit

import pytest

from .conftest import (ATTEMPT_PAGE, COURSE_PAGE, DEMO_WORKSHOP_PAGE,
                       LESSON_PAGE, WORKSHOPS_PAGE, resolve_page)

pytestmark = pytest.mark.e2e

PHONE = {"viewport": {"width": 360, "height": 740}}
SCROLL_WIDTH = "document.documentElement.scrollWidth"


def test_trainee_signs_in_and_reads_home_at_360px(new_context, accounts):
    account = accounts["trainee"]
    page = new_context(**PHONE).new_page()
    page.goto("/login")
    assert page.evaluate(SCROLL_WIDTH) <= 360, f"/login scrolls sideways: {page.evaluate(SCROLL_WIDTH)} px"
    for selector in ("input[name=email]", "input[name=password]", "main form button.primary"):
        box = page.locator(selector).bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= 360, f"{selector} is off screen: {box}"

    page.locator("input[name=email]").fill(account["email"])
    page.locator("input[name=password]").fill(account["password"])
    with page.expect_navigation(wait_until="load"):
        page.locator("main form button.primary").click()
    assert urlsplit(page.url).path == "/"
    assert page.get_by_text("Thư viện xã Đồng Đăng", exact=False).first.is_visible()
    width = page.evaluate(SCROLL_WIDTH)
    assert width <= 360, f"the trainee home page scrolls sideways at 360 px: scrollWidth {width}"


OTHER_PAGES = [
    pytest.param("admin", "/", id="admin:/"),
    pytest.param("instructor", "/", id="instructor:/"),
    pytest.param("manager", "/", id="manager:/"),
    pytest.param("trainee", "/account", id="trainee:/account"),
    pytest.param("admin", "/account", id="admin:/account"),
    pytest.param("admin", "/admin/users", id="admin:/admin/users"),
    pytest.param("admin", "/admin/orgs/", id="admin:/admin/orgs/"),
    pytest.param("trainee", "/courses/", id="trainee:/courses/"),
    pytest.param("trainee", COURSE_PAGE, id=f"trainee:{COURSE_PAGE}"),
    pytest.param("trainee", LESSON_PAGE, id=f"trainee:{LESSON_PAGE}"),
    pytest.param("trainee", ATTEMPT_PAGE, id=f"trainee:{ATTEMPT_PAGE}"),
    pytest.param("trainee", WORKSHOPS_PAGE, id=f"trainee:{WORKSHOPS_PAGE}"),
    pytest.param("trainee", DEMO_WORKSHOP_PAGE, id=f"trainee:{DEMO_WORKSHOP_PAGE}"),
    pytest.param("manager", "/reports/completion", id="manager:/reports/completion"),
    pytest.param("manager", "/reports/annual", id="manager:/reports/annual"),
]


@pytest.mark.parametrize("role,path", OTHER_PAGES)
def test_page_has_no_sideways_scroll_at_360px(role, path, shared_page, request):
    path = resolve_page(path, request)
    page = shared_page(role, **PHONE)
    page.goto(path)
    assert urlsplit(page.url).path == path
    width = page.evaluate(SCROLL_WIDTH)
    assert width <= 360, f"{path} ({role}) scrolls sideways at 360 px: scrollWidth {width}"
