"""Discussions in the browser (issue 14): a trainee asks in a module's thread list, the instructor
answers and marks the answer, and the trainee gets the mail (`flask discussions send`, the demo's
file outbox). Then a corpus of XSS and mXSS payloads, posted through the web form and the API, runs
nothing when the instructor opens the thread in Chromium."""
import email
import json
import re
import secrets
import time
from email import policy
from pathlib import Path

import pytest

from tests.discussions.xss_corpus import PAYLOADS, dangerous

pytestmark = pytest.mark.e2e

SLUG = "phap-luat-thu-vien"
TRAINEE_EMAIL = "hocvien@demo.thuvien.vn"


def _mails_to(live_server, to):
    outbox = Path(live_server.env["ELEARN_INSTANCE_PATH"]) / "outbox"
    out = []
    for path in sorted(outbox.glob("*.eml")) if outbox.exists() else []:
        msg = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        if msg["To"] == to:
            out.append(msg)
    return out


def test_trainee_asks_instructor_answers_and_marks_it_and_the_trainee_gets_the_mail(signed_in, live_server):
    title = f"Thư viện xã cần nội quy riêng không? {secrets.token_hex(3)}"
    trainee = signed_in("trainee").new_page()
    trainee.goto(f"/courses/{SLUG}")
    trainee.get_by_role("link", name="Thảo luận của module").first.click()
    trainee.get_by_role("link", name="Đặt câu hỏi hoặc mở chủ đề").click()
    trainee.get_by_label("Tiêu đề").fill(title)
    trainee.get_by_label("Nội dung").fill("Xã em mới có phòng đọc. Có cần **nội quy** riêng không ạ?")
    trainee.get_by_label("Đây là câu hỏi (cần một câu trả lời)").check()
    trainee.get_by_role("button", name="Đăng", exact=True).click()
    trainee.wait_for_url(re.compile(r"/discuss/t/\d+$"))
    thread_url = trainee.url
    assert trainee.locator("h1").inner_text() == title
    assert "Câu hỏi chưa được trả lời" in trainee.locator("main").inner_text()

    staff = signed_in("instructor").new_page()
    staff.goto(f"/discuss/{SLUG}?show=unanswered")
    staff.get_by_role("link", name=title).click()
    staff.get_by_label("Trả lời", exact=True).fill("Cần có. Dựa vào mẫu của Thư viện tỉnh, sửa giờ mở cửa cho phù hợp.")
    staff.get_by_role("button", name="Gửi trả lời").click()
    staff.wait_for_url(re.compile(r"#post-\d+$"))
    staff.get_by_role("button", name="Chọn làm câu trả lời").click()
    staff.wait_for_load_state()
    assert "Câu trả lời được chọn" in staff.locator("main").inner_text()

    before = len(_mails_to(live_server, TRAINEE_EMAIL))
    live_server.flask("discussions", "send")
    live_server.flask("discussions", "send")  # cron again: nothing more
    mails = _mails_to(live_server, TRAINEE_EMAIL)
    assert len(mails) == before + 1
    body = mails[-1].get_body(preferencelist=("plain",)).get_content()
    assert "Dựa vào mẫu của Thư viện tỉnh" in body and "/discuss/t/" in body

    trainee.goto(thread_url)
    answer = trainee.locator("article.answer")
    assert "Dựa vào mẫu của Thư viện tỉnh" in answer.inner_text()
    assert trainee.locator("article").nth(1).get_attribute("class").count("answer") == 1  # shown first


def test_xss_corpus_runs_nothing_when_staff_open_the_thread(signed_in, live_server):
    ctx = signed_in("trainee")
    page = ctx.new_page()
    page.goto(f"/discuss/{SLUG}/new")
    page.get_by_label("Tiêu đề").fill("Thử nội dung lạ <script>window.__xss=1</script>")
    page.get_by_label("Nội dung").fill("\n\n".join(PAYLOADS))
    page.get_by_role("button", name="Đăng", exact=True).click()
    page.wait_for_url(re.compile(r"/discuss/t/\d+$"))
    thread_id = int(page.url.rsplit("/", 1)[1])
    for payload in PAYLOADS[:8]:  # replies through the form too
        page.get_by_label("Trả lời", exact=True).fill(payload)
        page.get_by_role("button", name="Gửi trả lời").click()
        page.wait_for_load_state()
    # and through the API (cookie + X-CSRFToken), each payload a post of its own
    token = page.locator("input[name=csrf_token]").first.get_attribute("value")
    for payload in PAYLOADS:
        resp = ctx.request.post(f"/api/v1/threads/{thread_id}/posts", data=json.dumps({"body": payload}),
                                headers={"Content-Type": "application/json", "X-CSRFToken": token,
                                         "Idempotency-Key": secrets.token_hex(8)})
        assert resp.status == 201, resp.text()

    staff = signed_in("instructor").new_page()
    dialogs = []
    staff.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    for n in (1, 2):
        staff.goto(f"/discuss/t/{thread_id}?page={n}")
        staff.wait_for_load_state("load")
        time.sleep(0.3)
        assert staff.evaluate("window.__xss") is None
        bodies = staff.locator("article .body").evaluate_all("els => els.map(e => e.innerHTML)")
        assert bodies and all(dangerous(b) == [] for b in bodies), [b for b in bodies if dangerous(b)]
        assert staff.locator("main script, main iframe, main svg, main math, main form[action^=javascript]").count() == 0
    assert dialogs == []


def test_forum_and_thread_pages_stay_within_the_page_budget(session_states, new_context, signed_in):
    from .test_budget import check_budget, cold_load

    forum = f"/discuss/{SLUG}"
    page, response, meter = cold_load(new_context, forum, storage_state=session_states.get("trainee"))
    check_budget(page, response, meter, f"{forum} (trainee)", forum)
    look = signed_in("trainee").new_page()
    look.goto(forum + "?q=noi+quy")
    href = look.locator("ul.threads a").first.get_attribute("href")  # the demo's answered question
    page, response, meter = cold_load(new_context, href, storage_state=session_states.get("instructor"))
    check_budget(page, response, meter, f"{href} (instructor)", href)
    assert "Câu trả lời được chọn" in page.locator("main").inner_text()
