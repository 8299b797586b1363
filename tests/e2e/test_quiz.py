"""A trainee takes a quiz in the browser, page by page, to the summary, the submission and the
review: once with JavaScript (autosave checked: the answer survives a reload), once without it.

Each test uses the module-1 quiz of a different demo course, so that they do not share an attempt
(the budget, axe and 360 px checks use a third one, see conftest.LOOKED_AT_QUIZ).
"""
import re
from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.e2e

ESSAY = "Thư viện xã phục vụ miễn phí mọi người dân trong xã."
MAX_PAGES = 30  # a guard against a pager that never ends


def open_quiz(page, course_slug, module_title, quiz_title):
    """From the course page, follow the quiz link (a redirect to /quizzes/<id>)."""
    page.goto(f"/courses/{course_slug}")
    card = page.locator("main section.module").filter(
        has=page.get_by_role("heading", level=2, name=re.compile("^" + re.escape(module_title))))
    with page.expect_navigation(wait_until="load"):
        card.get_by_role("link", name=quiz_title, exact=True).click()
    assert re.fullmatch(r"/quizzes/\d+", urlsplit(page.url).path), f"the quiz link led to {page.url}"
    assert page.locator("h1").inner_text() == quiz_title


def start(page):
    with page.expect_navigation(wait_until="load"):
        page.locator("main form").get_by_role("button", name="Bắt đầu làm bài", exact=True).click()
    path = urlsplit(page.url).path
    assert re.fullmatch(r"/quizzes/attempt/\d+", path), f"starting led to {page.url}"
    return path


def answer_page(page):
    """Answer every question on the attempt page; returns how many answers were given."""
    form = page.locator("#attempt-form")
    given = 0
    seen = set()
    for box in form.locator("input[type=radio], input[type=checkbox]").all():
        name = box.get_attribute("name")
        if name not in seen:  # the first option of each question
            seen.add(name)
            box.check()
            given += 1
    for field in form.locator("input[type=text], input[type=number]").all():
        field.fill("1")
        given += 1
    for area in form.locator("textarea").all():
        area.fill(ESSAY)
        given += 1
    for select in form.locator("select").all():
        values = [v for v in select.locator("option").evaluate_all("os => os.map(o => o.value)") if v]
        assert values, "a select without choices"
        select.select_option(values[0])
        given += 1
    return given


def page_number(page):
    m = re.search(r"Trang (\d+) / (\d+)", page.locator("#attempt-form nav.pager").inner_text())
    assert m, page.locator("#attempt-form nav.pager").inner_text()
    return int(m.group(1)), int(m.group(2))


def answer_all_pages_and_submit(page, attempt_path):
    """From the attempt's first page: answer, "Trang sau ›" to the last page, "Xem lại và nộp bài",
    check the summary has no unanswered question, "Nộp bài". Returns the number of pages."""
    pages_seen = []
    for _ in range(MAX_PAGES):
        n, total = page_number(page)
        pages_seen.append(n)
        questions = page.locator("#attempt-form section.question").count()
        assert questions >= 1, f"page {n} shows no question"
        answer_page(page)
        following = page.locator("#attempt-form").get_by_role("button", name="Trang sau ›", exact=True)
        if n == total:
            assert following.count() == 0, "the last page offers a next page"
            break
        with page.expect_navigation(wait_until="load"):
            following.click()
        assert urlsplit(page.url).path == attempt_path
    else:
        pytest.fail(f"more than {MAX_PAGES} pages")
    assert pages_seen == list(range(1, total + 1)), pages_seen

    with page.expect_navigation(wait_until="load"):
        page.locator("#attempt-form").get_by_role("button", name="Xem lại và nộp bài", exact=True).click()
    assert urlsplit(page.url).path == attempt_path + "/summary", page.url
    rows = page.locator("main table tbody tr")
    assert rows.count() >= 1
    states = rows.locator("td:nth-child(2)").all_inner_texts()
    assert all(s == "Đã trả lời" for s in states), f"the summary shows unanswered questions: {states}"

    with page.expect_navigation(wait_until="load"):
        page.get_by_role("button", name="Nộp bài", exact=True).click()
    assert urlsplit(page.url).path == attempt_path + "/review", page.url
    assert "Đã nộp bài." in page.locator("main").inner_text()
    assert page.locator("h1").inner_text() == "Xem lại: lượt 1"
    return total


def review_facts(page):
    dl = page.locator("main dl.facts")
    terms = dl.locator("dt").all_inner_texts()
    values = dl.locator("dd").all_inner_texts()
    return dict(zip(terms, values))


def test_trainee_takes_a_quiz_with_javascript_and_autosave_keeps_answers(signed_in):
    page = signed_in("trainee").new_page()
    errors = []
    page.on("pageerror", lambda err: errors.append(str(err)))
    open_quiz(page, "phap-luat-thu-vien", "Tổng quan Luật Thư viện 2019", "Kiểm tra cuối module 1")
    attempt_path = start(page)
    assert page_number(page)[0] == 1

    # Autosave: change one answer, wait for the status line, reload: the answer is still there.
    status = page.get_by_role("status")
    assert status.inner_text() == ""
    choice = page.locator("#attempt-form input[type=radio], #attempt-form input[type=checkbox]").first
    choice_name, choice_value = choice.get_attribute("name"), choice.get_attribute("value")
    with page.expect_response(lambda r: r.url.endswith(attempt_path + "/autosave")) as saved:
        choice.check()
    assert saved.value.ok, f"autosave answered {saved.value.status}: {saved.value.text()[:300]}"
    assert saved.value.json().get("saved", 0) >= 1, saved.value.text()
    page.wait_for_function("document.getElementById('autosave-status').textContent === 'Đã lưu câu trả lời.'")
    assert status.inner_text() == "Đã lưu câu trả lời."

    page.reload(wait_until="load")
    assert urlsplit(page.url).path == attempt_path
    again = page.locator(f'#attempt-form input[name="{choice_name}"][value="{choice_value}"]')
    assert again.is_checked(), "the autosaved answer was lost on reload"
    assert page.get_by_role("status").inner_text() == "", "the status line should start empty"

    answer_all_pages_and_submit(page, attempt_path)
    facts = review_facts(page)
    assert facts.get("Trạng thái") == "Đã nộp", facts
    score = facts.get("Điểm", "")
    # a decimal comma in Vietnamese
    assert re.fullmatch(r"[\d,]+ / [\d,]+ \([\d,]+%\)", score), f"no score on the review page: {facts}"
    assert not errors, f"JavaScript errors: {errors}"


def test_trainee_takes_a_quiz_without_javascript(signed_in):
    page = signed_in("trainee", java_script_enabled=False).new_page()
    open_quiz(page, "ung-dung-cntt-internet", "Tìm kiếm và đánh giá thông tin",
              "Kiểm tra cuối module 1 - Tìm kiếm và đánh giá thông tin")
    attempt_path = start(page)
    total = answer_all_pages_and_submit(page, attempt_path)
    assert total >= 2, "the quiz should span several pages"
    facts = review_facts(page)
    assert facts.get("Trạng thái") == "Đã nộp", facts
    assert "Điểm" in facts, facts

    # Back on the quiz page: the attempt is listed, and a new one can be started.
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("link", name="Về bài kiểm tra").click()
    rows = page.locator("main table tbody tr")
    assert rows.count() == 1 and "Đã nộp" in rows.first.inner_text(), rows.all_inner_texts()
    assert page.locator("main form").get_by_role("button", name="Làm lại", exact=True).count() == 1
