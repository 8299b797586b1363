"""Issue 13 in the browser: the question bank browser (list by category, preview, add, edit, move,
delete with confirmation; a question in an attempt cannot be deleted) and a GIFT import whose title
already exists (the preview says new vs. replace; "add as new" keeps both)."""
import re
from urllib.parse import urlsplit

import pytest

from .conftest import LOOKED_AT_QUIZ

pytestmark = pytest.mark.e2e

GIFT = """$CATEGORY: luu-thong/muon-tra

::Hạn mượn:: Hạn mượn sách thông thường là bao nhiêu ngày? {=14 ~7 ~30}

$CATEGORY: luu-thong/gia-han

::Gia hạn:: Bạn đọc được gia hạn sách qua điện thoại. {T}
"""


def _click(page, locator):
    with page.expect_navigation(wait_until="load"):
        locator.click()


def _new_course(page, title):
    page.goto("/courses/new")
    page.get_by_label("Tên khoá học", exact=True).fill(title)
    _click(page, page.get_by_role("button", name="Tạo", exact=True))
    return urlsplit(page.url).path.split("/")[2]


def _upload(page, slug, tmp_path, text, name="cau-hoi.gift"):
    f = tmp_path / name
    f.write_text(text, encoding="utf-8")
    page.goto(f"/quizzes/bank/{slug}")
    page.get_by_label("Tệp câu hỏi (GIFT hoặc Moodle XML)", exact=True).set_input_files(str(f))
    _click(page, page.get_by_role("button", name="Xem trước", exact=True))


def _section(page, title):
    return page.locator("main section[id^=category-]").filter(has=page.get_by_text(title, exact=False))


def test_bank_browser_lists_previews_adds_edits_moves_and_deletes(signed_in, tmp_path):
    page = signed_in("instructor").new_page()
    slug = _new_course(page, "Ngân hàng câu hỏi lưu thông")
    _upload(page, slug, tmp_path, GIFT)
    assert "2 câu mới, 0 câu trùng" in page.locator("#import-counts").inner_text()
    _click(page, page.get_by_role("button", name="Lưu vào ngân hàng", exact=True))
    assert "Đã nhập 2 câu hỏi (2 mới, 0 cập nhật)." in page.locator("main").inner_text()

    # listed by category, with type and usage
    page.goto(f"/quizzes/bank/{slug}/questions")
    sections = page.locator("main section[id^=category-]")
    assert sections.count() == 2
    headings = [h.strip() for h in sections.locator("h2").all_inner_texts()]
    assert any("muon-tra" in h and "(1)" in h for h in headings), headings
    assert any("gia-han" in h and "(1)" in h for h in headings), headings
    borrow = page.locator("main tr[id^=question-]").filter(has_text="Hạn mượn")
    assert borrow.locator("td").nth(1).inner_text().strip() == "Nhiều lựa chọn"
    assert "0 bài kiểm tra · 0 lượt làm" in borrow.inner_text()

    # preview
    _click(page, borrow.get_by_role("link", name="Xem", exact=True))
    assert re.fullmatch(rf"/quizzes/bank/{slug}/questions/\d+", urlsplit(page.url).path)
    preview = page.locator("main").inner_text()
    assert "Hạn mượn sách thông thường là bao nhiêu ngày?" in preview and "14" in preview

    # add one in the form (short answer) into the "gia-han" category
    page.goto(f"/quizzes/bank/{slug}/questions")
    _click(page, page.get_by_role("link", name="Trả lời ngắn", exact=True))
    cat = page.get_by_label("Nhóm", exact=True)
    gia_han = [o for o in cat.locator("option").all_inner_texts() if o.endswith("gia-han")][0]
    cat.select_option(label=gia_han)
    page.get_by_label("Tiêu đề (không bắt buộc)", exact=True).fill("Mã vạch")
    page.get_by_label("Nội dung câu hỏi", exact=True).fill("Thiết bị đọc nhãn trên sách gọi là máy đọc gì?")
    page.locator("#a-0-text").fill("mã vạch")
    _click(page, page.get_by_role("button", name="Lưu câu hỏi", exact=True))
    assert "Đã lưu câu hỏi." in page.locator("main").inner_text()
    assert "Thiết bị đọc nhãn trên sách" in page.locator("main").inner_text()

    # edit it
    page.goto(f"/quizzes/bank/{slug}/questions")
    row = page.locator("main tr[id^=question-]").filter(has_text="Mã vạch")
    _click(page, row.get_by_role("link", name="Sửa", exact=True))
    page.get_by_label("Nội dung câu hỏi", exact=True).fill("Thiết bị đọc nhãn dán trên gáy sách là máy đọc gì?")
    _click(page, page.get_by_role("button", name="Lưu câu hỏi", exact=True))
    page.goto(f"/quizzes/bank/{slug}/questions")
    assert _section(page, "gia-han").locator("tr[id^=question-]").filter(
        has_text="nhãn dán trên gáy sách").count() == 1
    assert "(2)" in _section(page, "gia-han").locator("h2").inner_text()

    # move it to the other category
    muon_tra = [o for o in page.get_by_label("Chuyển các câu đã chọn sang nhóm", exact=True)
                .locator("option").all_inner_texts() if o.endswith("muon-tra")][0]
    page.get_by_label("Chọn: Mã vạch", exact=True).check()
    page.get_by_label("Chuyển các câu đã chọn sang nhóm", exact=True).select_option(label=muon_tra)
    _click(page, page.get_by_role("button", name="Chuyển nhóm", exact=True))
    assert "Đã chuyển 1 câu hỏi." in page.locator("main").inner_text()
    assert _section(page, "muon-tra").locator("tr[id^=question-]").filter(has_text="Mã vạch").count() == 1
    assert _section(page, "gia-han").locator("tr[id^=question-]").filter(has_text="Mã vạch").count() == 0

    # delete with confirmation: the confirmation page first, nothing gone yet
    row = page.locator("main tr[id^=question-]").filter(has_text="Mã vạch")
    _click(page, row.get_by_role("link", name="Xoá…", exact=True))
    assert page.locator("h1").inner_text() == "Xoá câu hỏi"
    assert "Xoá câu hỏi “Mã vạch”?" in page.locator("main").inner_text()
    _click(page, page.get_by_role("link", name="Huỷ", exact=True))
    assert page.locator("main tr[id^=question-]").filter(has_text="Mã vạch").count() == 1
    _click(page, page.locator("main tr[id^=question-]").filter(has_text="Mã vạch")
           .get_by_role("link", name="Xoá…", exact=True))
    _click(page, page.get_by_role("button", name="Xoá câu hỏi", exact=True))
    assert "Đã xoá câu hỏi." in page.locator("main").inner_text()
    assert page.locator("main tr[id^=question-]").filter(has_text="Mã vạch").count() == 0


def test_a_question_in_an_attempt_cannot_be_deleted(signed_in, quiz_attempt_path):
    slug = LOOKED_AT_QUIZ.split("/")[2]
    page = signed_in("instructor").new_page()
    page.goto(f"/quizzes/bank/{slug}/questions")
    used = page.locator("main tr[id^=question-]").filter(has_text=re.compile(r"· [1-9]\d* lượt làm"))
    assert used.count() >= 1, page.locator("main").inner_text()[:1500]
    first = used.first
    assert first.get_by_role("link", name="Xoá…").count() == 0  # no delete link offered
    qid = first.get_attribute("id").split("-")[1]
    # and the address itself refuses, with the reason
    page.goto(f"/quizzes/bank/{slug}/questions/{qid}/delete")
    assert urlsplit(page.url).path == f"/quizzes/bank/{slug}/questions"
    assert "Câu hỏi này đã có trong bài làm của học viên nên không xoá được." in page.locator("main").inner_text()
    assert page.locator(f"#question-{qid}").count() == 1


def test_gift_import_of_an_existing_title_can_add_it_as_new(signed_in, tmp_path):
    page = signed_in("instructor").new_page()
    slug = _new_course(page, "Ngân hàng câu hỏi trùng tên")
    one = "$CATEGORY: trung-ten\n\n::Giờ mở cửa:: Thư viện mở cửa lúc mấy giờ? {=7 giờ ~9 giờ}\n"
    _upload(page, slug, tmp_path, one)
    _click(page, page.get_by_role("button", name="Lưu vào ngân hàng", exact=True))
    two = "$CATEGORY: trung-ten\n\n::Giờ mở cửa:: Thư viện đóng cửa lúc mấy giờ? {=17 giờ ~21 giờ}\n"
    _upload(page, slug, tmp_path, two, name="lan-hai.gift")
    assert "0 câu mới, 1 câu trùng nhóm và tiêu đề với câu đã có." in page.locator("#import-counts").inner_text()
    new = page.get_by_label("Thêm thành câu mới, giữ câu cũ", exact=True)
    assert page.get_by_label("Thay câu cũ bằng câu trong tệp", exact=True).count() == 1
    new.check()
    _click(page, page.get_by_role("button", name="Lưu vào ngân hàng", exact=True))
    assert "Đã nhập 1 câu hỏi (1 mới, 0 cập nhật)." in page.locator("main").inner_text()
    page.goto(f"/quizzes/bank/{slug}/questions")
    rows = page.locator("main tr[id^=question-]").filter(has_text="Giờ mở cửa")
    assert rows.count() == 2
    texts = " ".join(rows.all_inner_texts())
    assert "mở cửa lúc mấy giờ" in texts and "đóng cửa lúc mấy giờ" in texts
