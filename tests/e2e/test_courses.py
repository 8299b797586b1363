"""Courses in the browser: the trainee's course list, module locks, lessons and progress on a phone;
the instructor writing a lesson (with preview) and uploading a material, which the trainee then
sees and downloads.

The demo (`flask demo load`) imports courses/ and enrols the whole province; the demo instructor
is staff of every course.
"""
import re
from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.e2e

PHONE = {"viewport": {"width": 360, "height": 740}}
COURSES = ["Pháp luật về thư viện", "Ứng dụng CNTT và Internet trong hoạt động thư viện",
           "Nghiệp vụ thư viện: biên mục"]
SLUG = "phap-luat-thu-vien"
MODULE_1 = "Tổng quan Luật Thư viện 2019"
MODULE_2 = "Mạng lưới thư viện và thành lập thư viện"


def module_card(page, title):
    """The course page's card of one module, found by its heading."""
    return page.locator("main section.module").filter(
        has=page.get_by_role("heading", level=2, name=re.compile("^" + re.escape(title))))


def lesson_links(card):
    """The links of the card's lessons (not materials or quizzes), in order."""
    return card.locator("ol.activities > li").filter(has_text="· Bài học").locator("a")


def test_trainee_reads_module_1_on_a_phone(signed_in):
    page = signed_in("trainee", **PHONE).new_page()

    page.goto("/courses/")
    assert page.locator("h1").inner_text() == "Khoá học của tôi"
    titles = page.locator("main ul.list h2 a").all_inner_texts()
    for title in COURSES:
        assert title in titles, f"/courses/ should list {title!r}; it lists {titles}"

    with page.expect_navigation(wait_until="load"):
        page.get_by_role("link", name=COURSES[0], exact=True).click()
    assert urlsplit(page.url).path == f"/courses/{SLUG}"
    assert page.locator("h1").inner_text() == COURSES[0]

    first = module_card(page, MODULE_1)
    assert first.count() == 1
    assert "available" in first.get_attribute("class").split()
    assert first.locator(".badge").inner_text() == "Đang học"

    later = module_card(page, MODULE_2)
    assert "locked" in later.get_attribute("class").split()
    assert later.locator(".badge").inner_text() == "🔒 Chưa mở"
    why = later.locator("p.why")
    assert why.inner_text().startswith("Mở khi bạn hoàn thành:")
    assert why.get_by_role("link", name=MODULE_1).count() == 1
    assert later.locator("ol.activities a").count() == 0, "a locked module's activities are not links"

    links = lesson_links(first)
    lessons = [(a.inner_text(), a.get_attribute("href")) for a in links.all()]
    assert len(lessons) >= 2, lessons
    # Other e2e tests open the first lesson (budget, axe, 360 px); nothing opens the last one.
    last = first.locator("ol.activities > li").filter(has=page.locator(f'a[href="{lessons[-1][1]}"]'))
    assert "✓ xong" not in last.inner_text(), f"the last lesson is done before it was read: {last.inner_text()!r}"

    # The first lesson: reading time and a link to the next one; then each next lesson in turn.
    with page.expect_navigation(wait_until="load"):
        links.first.click()
    for i, (title, href) in enumerate(lessons):
        assert urlsplit(page.url).path == href, f"lesson {i + 1}: expected {href}, at {page.url}"
        assert re.fullmatch(r"Khoảng \d+ phút đọc", page.locator("article.lesson .meta").inner_text()), \
            page.locator("article.lesson .meta").inner_text()
        nxt = page.locator("nav.pager a[rel=next]")
        assert nxt.count() == 1, f"{title}: no link to the next activity"
        if i + 1 < len(lessons):
            assert nxt.inner_text() == lessons[i + 1][0] + " ›"
            with page.expect_navigation(wait_until="load"):
                nxt.click()

    with page.expect_navigation(wait_until="load"):
        page.locator("nav.pager").get_by_role("link", name="Mục lục").click()
    assert urlsplit(page.url).path == f"/courses/{SLUG}"
    first = module_card(page, MODULE_1)
    for li in first.locator("ol.activities > li").filter(has_text="· Bài học").all():
        assert "✓ xong" in li.inner_text(), f"a visited lesson is not marked done: {li.inner_text()!r}"
    assert "Đã hoàn thành 0%" not in page.locator("main").inner_text(), "the course progress did not move"
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the course page scrolls sideways at 360 px: {width}"


LESSON_TITLE = "Ôn tập nhanh trước kiểm tra (e2e)"
LESSON_BODY = "## Ba điều cần nhớ\n\nLuật Thư viện có hiệu lực từ **01/7/2020**.\n\n- Điều 3\n- Điều 8\n"
MATERIAL_TITLE = "Quy định mượn sách (e2e)"
MATERIAL_FILE = "Quy định mượn sách.pdf"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def first_module_card(page):
    return page.locator("main section.card[id^=module-]").first


def activity_item(page, title):
    return page.locator("main li[id^=activity-]").filter(has_text=title)


def activity_item_on_course(page, title):
    return module_card(page, MODULE_1).locator("ol.activities > li").filter(has_text=title)


def publish(page, title):
    item = activity_item(page, title)
    assert "Bản nháp" in item.locator("small").inner_text(), item.inner_text()
    with page.expect_navigation(wait_until="load"):
        item.get_by_role("button", name="Xuất bản", exact=True).click()
    item = activity_item(page, title)
    assert "Đã xuất bản" in item.locator("small").inner_text(), item.inner_text()
    assert item.get_by_role("button", name="Ẩn", exact=True).count() == 1


def test_instructor_writes_and_uploads_then_trainee_sees_and_downloads(signed_in, tmp_path):
    page = signed_in("instructor").new_page()
    page.goto(f"/courses/{SLUG}/manage")
    assert page.locator("h1").inner_text().startswith(COURSES[0])

    # A lesson: preview first (nothing saved), then save, then publish.
    with page.expect_navigation(wait_until="load"):
        first_module_card(page).get_by_role("link", name="Thêm bài học").click()
    assert page.locator("h1").inner_text() == "Bài học mới"
    assert MODULE_1 in page.locator("p.crumbs").inner_text()
    page.get_by_label("Tên bài học", exact=True).fill(LESSON_TITLE)
    page.get_by_label("Nội dung (Markdown)", exact=True).fill(LESSON_BODY)
    page.get_by_label("Thời gian đọc (phút)", exact=True).fill("3")
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("button", name="Xem trước", exact=True).click()
    preview = page.get_by_role("region", name="Xem trước")
    assert preview.count() == 1, "no preview section after Xem trước"
    assert preview.locator("h2", has_text="Ba điều cần nhớ").count() == 1, preview.inner_html()
    assert preview.locator("strong").inner_text() == "01/7/2020"
    assert preview.locator("li").all_inner_texts() == ["Điều 3", "Điều 8"]
    assert page.locator("[name=title]").input_value() == LESSON_TITLE, "the preview lost the title"
    assert page.locator("[name=body_md]").input_value().replace("\r\n", "\n") == LESSON_BODY
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("button", name="Lưu", exact=True).click()
    assert urlsplit(page.url).path == f"/courses/{SLUG}/manage", page.url
    assert "Đã lưu bài học." in page.locator("main").inner_text()
    assert first_module_card(page).locator("li[id^=activity-]").filter(has_text=LESSON_TITLE).count() == 1
    publish(page, LESSON_TITLE)

    # A material: a small PDF with a Vietnamese name, then publish.
    pdf = tmp_path / MATERIAL_FILE
    pdf.write_bytes(PDF)
    with page.expect_navigation(wait_until="load"):
        first_module_card(page).get_by_role("link", name="Tải lên tài liệu").click()
    assert page.locator("h1").inner_text() == "Tải lên tài liệu"
    page.get_by_label("Tên tài liệu", exact=True).fill(MATERIAL_TITLE)
    page.get_by_label("Tệp", exact=True).set_input_files(str(pdf))
    with page.expect_navigation(wait_until="load"):
        page.locator("main form").get_by_role("button", name="Tải lên", exact=True).click()
    assert urlsplit(page.url).path == f"/courses/{SLUG}/manage", (
        f"the upload was refused ({page.url}): {page.locator('main').inner_text()[:600]}")
    assert "Đã tải lên tài liệu (bản nháp)." in page.locator("main").inner_text()
    publish(page, MATERIAL_TITLE)

    # The trainee sees both in module 1 and downloads the material under its own name.
    page = signed_in("trainee").new_page()
    page.goto(f"/courses/{SLUG}")
    card = module_card(page, MODULE_1)
    assert card.get_by_role("link", name=LESSON_TITLE, exact=True).count() == 1
    with page.expect_navigation(wait_until="load"):
        card.get_by_role("link", name=LESSON_TITLE, exact=True).click()
    assert page.locator("article.lesson h2", has_text="Ba điều cần nhớ").count() == 1
    assert page.locator("article.lesson .meta").inner_text() == "Khoảng 3 phút đọc"

    page.goto(f"/courses/{SLUG}")
    card = module_card(page, MODULE_1)
    with page.expect_navigation(wait_until="load"):
        card.get_by_role("link", name=MATERIAL_TITLE, exact=True).click()
    assert page.locator("h1").inner_text() == MATERIAL_TITLE
    assert MATERIAL_FILE in page.locator("main").inner_text()
    with page.expect_download() as info:
        page.get_by_role("link", name="Tải về").click()
    download = info.value
    assert download.failure() is None, download.failure()
    assert download.suggested_filename == MATERIAL_FILE
    assert open(download.path(), "rb").read() == PDF

    page.goto(f"/courses/{SLUG}")
    done = activity_item_on_course(page, MATERIAL_TITLE)
    assert "✓ xong" in done.inner_text(), f"the downloaded material is not marked done: {done.inner_text()!r}"

