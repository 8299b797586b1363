"""Issue 13 in the browser: an instructor grades essays ("0,8" is accepted; a refused mark keeps the
comment; the grading notes show to the grader), the results page shows a decimal comma, and the
results download as CSV and XLSX."""
import csv
import io
import re
from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.e2e

TITLE = "Viết báo cáo hoạt động thư viện"
ESSAYS = [("Báo cáo tháng", "Hãy tóm tắt hoạt động của thư viện trong tháng.", "Cần nêu số lượt mượn và bạn đọc mới."),
          ("Kế hoạch quý", "Hãy nêu kế hoạch của thư viện trong quý tới.", "Cần có ít nhất hai hoạt động đọc.")]


def _click(page, locator):
    with page.expect_navigation(wait_until="load"):
        locator.click()


def _build_course_with_an_essay_quiz(page):
    page.goto("/courses/new")
    page.get_by_label("Tên khoá học", exact=True).fill(TITLE)
    _click(page, page.get_by_role("button", name="Tạo", exact=True))
    slug = urlsplit(page.url).path.split("/")[2]
    page.get_by_label("Tên module", exact=True).fill("Báo cáo định kỳ")
    _click(page, page.get_by_role("button", name="Thêm module", exact=True))
    page.goto(f"/courses/{slug}/manage")
    _click(page, page.locator("main section[id^=module-]").first.get_by_role("button", name="Xuất bản", exact=True))
    _click(page, page.locator("main section[id^=module-]").first.get_by_role("link", name="Thêm bài kiểm tra"))
    page.get_by_label("Tên bài kiểm tra", exact=True).fill("Bài viết báo cáo")
    page.get_by_label("Điểm đạt (%)", exact=True).fill("50")
    _click(page, page.get_by_role("button", name="Tạo bài kiểm tra", exact=True))
    quiz_path = urlsplit(page.url).path
    activity_id = quiz_path.split("/")[2]
    for title, text, info in ESSAYS:
        page.goto(f"/quizzes/bank/{slug}/questions")
        _click(page, page.get_by_role("link", name="Tự luận", exact=True))
        page.get_by_label("Tiêu đề (không bắt buộc)", exact=True).fill(title)
        page.get_by_label("Nội dung câu hỏi", exact=True).fill(text)
        page.get_by_label("Hướng dẫn chấm (chỉ người chấm thấy)", exact=True).fill(info)
        _click(page, page.get_by_role("button", name="Lưu câu hỏi", exact=True))
        assert "Đã lưu câu hỏi." in page.locator("main").inner_text()
    page.goto(quiz_path)
    for title, _text, _info in ESSAYS:
        page.get_by_label(title).check()
    _click(page, page.get_by_role("button", name="Thêm câu đã chọn", exact=True))
    page.goto(f"/courses/{slug}/manage")
    quiz_row = page.locator("main li[id^=activity-]").filter(has_text="Bài viết báo cáo")
    _click(page, quiz_row.get_by_role("button", name="Xuất bản", exact=True).first)
    page.locator("#org_id").select_option(index=0)
    _click(page, page.get_by_role("button", name="Ghi danh", exact=True))
    _click(page, page.get_by_role("button", name="Xuất bản khoá học", exact=True))
    return slug, activity_id


def _trainee_answers(page, slug):
    page.goto(f"/courses/{slug}")
    _click(page, page.get_by_role("link", name="Bài viết báo cáo", exact=True))
    _click(page, page.get_by_role("button", name="Bắt đầu làm bài", exact=True))
    while True:
        boxes = page.locator("#attempt-form textarea")  # each labelled "Bài làm của bạn"
        for i in range(boxes.count()):
            boxes.nth(i).fill(f"Thư viện có 120 lượt mượn và 8 bạn đọc mới (câu {i + 1}).")
        nxt = page.get_by_role("button", name=re.compile("^Trang sau"))
        if nxt.count():
            _click(page, nxt)
            continue
        break
    _click(page, page.get_by_role("button", name="Xem lại và nộp bài", exact=True))
    _click(page, page.get_by_role("button", name="Nộp bài", exact=True))


def test_instructor_grades_essays_and_downloads_the_results(signed_in, tmp_path):
    import openpyxl

    instructor = signed_in("instructor").new_page()
    slug, activity_id = _build_course_with_an_essay_quiz(instructor)
    trainee = signed_in("trainee").new_page()
    _trainee_answers(trainee, slug)

    page = instructor
    page.goto(f"/quizzes/{activity_id}/results")
    _click(page, page.get_by_role("link", name=re.compile("lượt đang chờ chấm tự luận")))
    assert urlsplit(page.url).path == f"/quizzes/{activity_id}/grading"
    cards = page.locator("main section.card")
    assert cards.count() == 2
    # the grading notes show to the grader, next to the question they belong to
    for _title, text, info in ESSAYS:
        card = cards.filter(has_text=text)
        assert card.locator(".grader-info").inner_text().endswith(info)

    # a refused mark: the error, and what the grader wrote stays
    first = cards.filter(has_text=ESSAYS[0][1])
    first.get_by_label(re.compile("^Điểm")).fill("1,5")
    first.get_by_label("Nhận xét", exact=True).fill("Thiếu số bạn đọc mới theo tháng.")
    _click(page, first.get_by_role("button", name="Lưu điểm", exact=True))
    first = page.locator("main section.card").filter(has_text=ESSAYS[0][1])
    assert first.get_by_role("alert").inner_text().startswith("Điểm phải là một số từ 0 đến")
    assert first.get_by_label("Nhận xét", exact=True).input_value() == "Thiếu số bạn đọc mới theo tháng."
    assert first.get_by_label(re.compile("^Điểm")).input_value() == "1,5"
    assert first.get_by_label(re.compile("^Điểm")).get_attribute("aria-invalid") == "true"

    # "0,8" (a decimal comma) is accepted
    first.get_by_label(re.compile("^Điểm")).fill("0,8")
    _click(page, first.get_by_role("button", name="Lưu điểm", exact=True))
    assert "Đã chấm." in page.locator("main").inner_text()
    assert page.locator("main section.card").count() == 1
    second = page.locator("main section.card").filter(has_text=ESSAYS[1][1])
    second.get_by_label(re.compile("^Điểm")).fill("0,45")
    _click(page, second.get_by_role("button", name="Lưu điểm", exact=True))
    assert "Không có bài tự luận nào đang chờ chấm." in page.locator("main").inner_text()

    # the results page: (0.8 + 0.45) / 2 = 62.5 %, written with a decimal comma
    page.goto(f"/quizzes/{activity_id}/results")
    row = page.locator("main table tbody tr").filter(has_text=re.compile("Đã nộp"))
    assert row.count() == 1
    assert "62,5%" in row.inner_text() and "62.5" not in row.inner_text()

    # downloads, as the browser saves them
    with page.expect_download() as info:
        page.get_by_role("link", name="Kết quả (CSV)", exact=True).click()
    csv_path = tmp_path / info.value.suggested_filename
    info.value.save_as(csv_path)
    assert csv_path.suffix == ".csv"
    rows = list(csv.reader(io.StringIO(csv_path.read_bytes().decode("utf-8-sig"))))
    assert rows[0][0] == "Học viên" and rows[0][-1] == "Điểm (%)"
    assert len(rows) == 2 and "Đã nộp" in rows[1][4]
    assert float(rows[1][-1].replace(",", ".")) == pytest.approx(62.5)

    with page.expect_download() as info:
        page.get_by_role("link", name="Kết quả (XLSX)", exact=True).click()
    xlsx_path = tmp_path / info.value.suggested_filename
    info.value.save_as(xlsx_path)
    assert xlsx_path.suffix == ".xlsx"
    sheet = openpyxl.load_workbook(xlsx_path).active
    values = [[c for c in r] for r in sheet.iter_rows(values_only=True) if any(v is not None for v in r)]
    header = next(i for i, r in enumerate(values) if r[0] == "Học viên")
    data = values[header + 1:]
    assert len(data) == 1 and "Đã nộp" in data[0][4]
    assert float(data[0][6]) == pytest.approx(62.5)
