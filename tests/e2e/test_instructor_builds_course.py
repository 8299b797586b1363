"""An instructor builds a new course from nothing in the browser (module, lesson, material, a quiz
whose question is written in the form) and a trainee completes it."""
import re
from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.e2e

TITLE = "Kỹ năng giới thiệu sách mới"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _click(page, locator):
    with page.expect_navigation(wait_until="load"):
        locator.click()


def _publish(page, item_id_prefix, title):
    item = page.locator(f"main [id^={item_id_prefix}]").filter(has_text=title).first
    _click(page, item.get_by_role("button", name="Xuất bản", exact=True).first)


def test_instructor_builds_a_course_and_a_trainee_completes_it(signed_in, tmp_path):
    page = signed_in("instructor").new_page()
    page.goto("/courses/new")
    page.get_by_label("Tên khoá học", exact=True).fill(TITLE)
    _click(page, page.get_by_role("button", name="Tạo", exact=True))
    slug = urlsplit(page.url).path.split("/")[2]
    assert urlsplit(page.url).path == f"/courses/{slug}/manage"

    # a module
    page.get_by_label("Tên module", exact=True).fill("Chuẩn bị buổi giới thiệu")
    _click(page, page.get_by_role("button", name="Thêm module", exact=True))
    assert "Đã thêm module (bản nháp)." in page.locator("main").inner_text()
    page.get_by_label("Giới thiệu", exact=True).fill("Những việc cần làm trước buổi giới thiệu.")
    _click(page, page.get_by_role("button", name="Lưu", exact=True))  # its settings page, then the outline
    page.goto(f"/courses/{slug}/manage")
    module = page.locator("main section[id^=module-]").filter(has_text="Chuẩn bị buổi giới thiệu")
    assert module.count() == 1, page.locator("main").inner_text()[:800]
    _click(page, module.get_by_role("button", name="Xuất bản", exact=True))

    # a lesson, whose title becomes its heading
    _click(page, page.locator("main section[id^=module-]").first.get_by_role("link", name="Thêm bài học"))
    page.get_by_label("Tên bài học", exact=True).fill("Chọn sách để giới thiệu")
    page.get_by_label("Nội dung (Markdown)", exact=True).fill("Chọn **ba** cuốn sách mới.\n\n- Sách thiếu nhi\n- Sách kỹ năng")
    _click(page, page.get_by_role("button", name="Lưu", exact=True))
    _publish(page, "activity-", "Chọn sách để giới thiệu")

    # a material
    pdf = tmp_path / "Mẫu phiếu giới thiệu.pdf"
    pdf.write_bytes(PDF)
    _click(page, page.locator("main section[id^=module-]").first.get_by_role("link", name="Tải lên tài liệu"))
    page.get_by_label("Tên tài liệu", exact=True).fill("Mẫu phiếu giới thiệu")
    page.get_by_label("Tệp", exact=True).set_input_files(str(pdf))
    _click(page, page.locator("main form").get_by_role("button", name="Tải lên", exact=True))
    _publish(page, "activity-", "Mẫu phiếu giới thiệu")

    # a quiz: settings first
    _click(page, page.locator("main section[id^=module-]").first.get_by_role("link", name="Thêm bài kiểm tra"))
    page.get_by_label("Tên bài kiểm tra", exact=True).fill("Kiểm tra nhanh")
    page.get_by_label("Điểm đạt (%)", exact=True).fill("50")
    _click(page, page.get_by_role("button", name="Tạo bài kiểm tra", exact=True))
    quiz_path = urlsplit(page.url).path
    assert re.fullmatch(r"/quizzes/\d+/manage", quiz_path), page.url

    # ... a question written in the form, without GIFT
    page.goto(f"/quizzes/bank/{slug}/questions")
    _click(page, page.get_by_role("link", name="Đúng/Sai", exact=True))
    page.get_by_label("Nội dung câu hỏi", exact=True).fill("Nên giới thiệu sách mới mỗi tháng một lần.")
    page.get_by_label("Đúng", exact=True).check()
    _click(page, page.get_by_role("button", name="Lưu câu hỏi", exact=True))
    assert "Đã lưu câu hỏi." in page.locator("main").inner_text()

    # ... picked into the quiz, then published
    page.goto(quiz_path)
    page.get_by_label(re.compile("Nên giới thiệu sách mới")).check()
    _click(page, page.get_by_role("button", name="Thêm câu đã chọn", exact=True))
    assert "Bài kiểm tra chưa có câu hỏi." not in page.locator("main").inner_text()
    page.goto(f"/courses/{slug}/manage")
    quiz_row = page.locator("main li[id^=activity-]").filter(has_text="Kiểm tra nhanh")
    quiz_link = quiz_row.get_by_role("link", name="Kiểm tra nhanh", exact=True)
    assert urlsplit(quiz_link.get_attribute("href")).path == quiz_path  # the quiz row links to its settings
    _publish(page, "activity-", "Kiểm tra nhanh")

    # enrol the instructor's whole unit and publish the course
    page.locator("#org_id").select_option(index=0)
    _click(page, page.get_by_role("button", name="Ghi danh", exact=True))
    _click(page, page.get_by_role("button", name="Xuất bản khoá học", exact=True))

    # the trainee completes it
    page = signed_in("trainee").new_page()
    page.goto(f"/courses/{slug}")
    assert page.locator("h1").inner_text() == TITLE
    _click(page, page.get_by_role("link", name="Chọn sách để giới thiệu", exact=True))
    assert page.locator("article.lesson h1").inner_text() == "Chọn sách để giới thiệu"
    page.goto(f"/courses/{slug}")
    _click(page, page.get_by_role("link", name="Mẫu phiếu giới thiệu", exact=True))
    with page.expect_download() as info:
        page.get_by_role("link", name="Tải về").click()
    assert info.value.failure() is None
    page.goto(f"/courses/{slug}")
    _click(page, page.get_by_role("link", name="Kiểm tra nhanh", exact=True))
    _click(page, page.get_by_role("button", name="Bắt đầu làm bài", exact=True))
    page.get_by_label("Đúng", exact=True).check()
    _click(page, page.get_by_role("button", name="Xem lại và nộp bài", exact=True))
    _click(page, page.get_by_role("button", name="Nộp bài", exact=True))
    page.goto(f"/courses/{slug}")
    text = page.locator("main").inner_text()
    assert "Đã hoàn thành 100%" in text, text
