"""Issue 13 in the browser: staff are not learners (no progress bars, locks or personal sign-up for
the instructor and the manager); "next" never links into a locked module and says what unlocks it;
no duplicate ids on the pages looked at; the calendar link shows an SVG, not an emoji."""
import re
from urllib.parse import urlsplit

import pytest

from .conftest import COURSE_PAGE, LESSON_PAGE, LOOKED_AT_QUIZ

pytestmark = pytest.mark.e2e

DUPLICATE_IDS = """() => {
  const seen = {}, dups = [];
  for (const el of document.querySelectorAll('[id]')) {
    if (seen[el.id]) dups.push(el.id); seen[el.id] = true;
  }
  return dups;
}"""
EMOJI = re.compile("[\U0001F300-\U0001FAFF\u2600-\u27BF]")


def _click(page, locator):
    with page.expect_navigation(wait_until="load"):
        locator.click()


def _no_duplicate_ids(page):
    dups = page.evaluate(DUPLICATE_IDS)
    assert dups == [], f"{urlsplit(page.url).path} repeats ids: {dups}"


def test_staff_course_lists_and_course_pages_show_no_progress_or_locks(shared_page):
    trainee = shared_page("trainee")
    trainee.goto("/courses/")
    assert trainee.locator("main progress").count() >= 1  # what a learner sees, and staff must not
    for role in ("instructor", "manager"):
        page = shared_page(role)
        page.goto("/courses/")
        assert page.locator("h1").inner_text() == "Khoá học của tôi"
        assert page.locator("main progress").count() == 0, f"{role}: progress bars on /courses/"
        assert "Đã hoàn thành" not in page.locator("main").inner_text()
        _no_duplicate_ids(page)
        page.goto(COURSE_PAGE)
        text = page.locator("main").inner_text()
        assert page.locator("main progress").count() == 0, f"{role}: a progress bar on {COURSE_PAGE}"
        assert "🔒" not in text and "Chưa mở" not in text, f"{role}: locks on {COURSE_PAGE}"
        # and every module's activities are links (nothing locked away from staff)
        assert page.locator("main h2").count() >= 2
        _no_duplicate_ids(page)


def test_staff_see_no_personal_sign_up_on_a_workshop(shared_page, demo_workshop_path):
    for role in ("instructor", "manager"):
        page = shared_page(role)
        page.goto(demo_workshop_path)
        card = page.locator("main section.card").first
        assert card.get_by_role("button", name="Đăng ký", exact=True).count() == 0, f"{role}: a sign-up button"
        assert card.get_by_role("link", name="Huỷ đăng ký…").count() == 0
        assert "Trạng thái của bạn:" not in card.inner_text()
        assert "Lớp tập huấn dành cho học viên" in card.inner_text(), card.inner_text()
        _no_duplicate_ids(page)
    trainee = shared_page("trainee")
    trainee.goto(demo_workshop_path)
    card = trainee.locator("main section.card").first
    assert "Lớp tập huấn dành cho học viên" not in card.inner_text()


def test_the_calendar_link_shows_an_svg_not_an_emoji(shared_page, demo_workshop_path):
    page = shared_page("trainee")
    page.goto(demo_workshop_path)
    link = page.get_by_role("link", name="Thêm vào lịch (.ics)")
    assert link.count() == 1
    assert link.locator("svg").count() == 1
    assert link.locator("svg").get_attribute("aria-hidden") == "true"
    assert not EMOJI.search(link.inner_text()), repr(link.inner_text())
    assert urlsplit(link.get_attribute("href")).path.endswith(".ics")


@pytest.mark.parametrize("role, paths", [
    ("trainee", ["/", "/courses/", COURSE_PAGE, LESSON_PAGE, "/workshops/", "<demo-workshop>", LOOKED_AT_QUIZ]),
    ("instructor", ["/", f"/quizzes/bank/{LOOKED_AT_QUIZ.split('/')[2]}/questions", "<results>"]),
    ("manager", ["/", "/users", "/workshops/"]),
])
def test_no_duplicate_ids_on_the_pages_visited(shared_page, demo_workshop_path, role, paths):
    page = shared_page(role)
    for path in paths:
        if path == "<demo-workshop>":
            path = demo_workshop_path
        if path == "<results>":
            page.goto(LOOKED_AT_QUIZ)
            path = urlsplit(page.url).path + "/results"
        response = page.goto(path)
        assert response.ok, f"{role} {path}: {response.status}"
        _no_duplicate_ids(page)


def test_manager_home_links_the_user_list(shared_page):
    page = shared_page("manager")
    page.goto("/")
    _click(page, page.get_by_role("link", name="Danh sách tài khoản trong phạm vi", exact=True))
    assert urlsplit(page.url).path == "/users"
    assert page.locator("h1").inner_text() == "Tài khoản"
    assert page.locator("main table tbody tr").count() >= 1


def test_next_does_not_link_into_a_locked_module(signed_in):
    staff = signed_in("instructor").new_page()
    staff.goto("/courses/new")
    staff.get_by_label("Tên khoá học", exact=True).fill("Điều hướng giữa các module")
    _click(staff, staff.get_by_role("button", name="Tạo", exact=True))
    slug = urlsplit(staff.url).path.split("/")[2]
    for title, prerequisite in (("Mở đầu", None), ("Nâng cao", "Mở đầu")):
        staff.goto(f"/courses/{slug}/manage")
        staff.get_by_label("Tên module", exact=True).fill(title)
        _click(staff, staff.get_by_role("button", name="Thêm module", exact=True))
        if prerequisite:
            staff.locator("main fieldset").filter(has_text="Cần hoàn thành trước").get_by_label(
                prerequisite, exact=True).check()
            _click(staff, staff.get_by_role("button", name="Lưu", exact=True))
        staff.goto(f"/courses/{slug}/manage")
        module = staff.locator("main section[id^=module-]").filter(has_text=title)
        _click(staff, module.get_by_role("button", name="Xuất bản", exact=True))
        module = staff.locator("main section[id^=module-]").filter(has_text=title)
        _click(staff, module.get_by_role("link", name="Thêm bài học"))
        staff.get_by_label("Tên bài học", exact=True).fill(f"Bài {title.lower()}")
        staff.get_by_label("Nội dung (Markdown)", exact=True).fill(f"Nội dung của module {title}.")
        _click(staff, staff.get_by_role("button", name="Lưu", exact=True))
        staff.goto(f"/courses/{slug}/manage")
        item = staff.locator("main [id^=activity-]").filter(has_text=f"Bài {title.lower()}").first
        _click(staff, item.get_by_role("button", name="Xuất bản", exact=True).first)
    staff.locator("#org_id").select_option(index=0)
    _click(staff, staff.get_by_role("button", name="Ghi danh", exact=True))
    _click(staff, staff.get_by_role("button", name="Xuất bản khoá học", exact=True))

    page = signed_in("trainee").new_page()
    page.goto(f"/courses/{slug}")
    assert "Chưa mở" in page.locator("main").inner_text()  # the second module is locked
    _click(page, page.get_by_role("link", name="Bài mở đầu", exact=True))
    pager = page.locator("main .locked-next")
    assert pager.count() == 1, page.locator("main").inner_text()
    assert pager.inner_text() == "Tiếp theo: Nâng cao, mở khi bạn hoàn thành Mở đầu."
    assert page.locator("main a[rel=next]").count() == 0
    hrefs = page.locator("main a").evaluate_all("els => els.map(e => e.getAttribute('href'))")
    assert not any(h and "bai-nang-cao" in h for h in hrefs), hrefs
    _no_duplicate_ids(page)
