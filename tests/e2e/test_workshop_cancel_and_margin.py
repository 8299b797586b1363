"""Issue 13 in the browser: a trainee cancels a workshop place (the dialog's buttons read "Huỷ đăng ký"
and "Giữ chỗ"), signs up again and sees their real status; attendance cannot be marked before the
session's start minus the check-in margin (30 minutes)."""
import re
from datetime import datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest

pytestmark = pytest.mark.e2e

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
SLUG = "phap-luat-thu-vien"
TITLE = "Tập huấn giữ chỗ và điểm danh (e2e)"
SESSION = "Buổi duy nhất"
TRAINEE_NAME = "Hoàng Thị Mai"  # the demo trainee


def _click(page, locator):
    with page.expect_navigation(wait_until="load"):
        locator.click()


def _main(page):
    return page.locator("main").inner_text()


def _my_status(page):
    line = page.locator("main section.card p").filter(has_text="Trạng thái của bạn:")
    return line.locator("strong").inner_text() if line.count() else None


def _session_item(page):
    return page.locator("main h2:text-is('Các buổi học') + ul > li").filter(
        has_text=re.compile("^" + re.escape(SESSION) + ":"))


def _move_session(page, edit_path, start):
    page.goto(edit_path)
    _click(page, _session_item(page).get_by_role("link", name="Sửa", exact=True))
    form = page.locator("main form").first
    form.get_by_label("Bắt đầu (giờ Việt Nam)").fill(f"{start:%Y-%m-%dT%H:%M}")
    form.get_by_label("Kết thúc (giờ Việt Nam)").fill(f"{start + timedelta(hours=3):%Y-%m-%dT%H:%M}")
    _click(page, form.get_by_role("button", name="Lưu", exact=True))
    assert "Đã lưu buổi học." in _main(page), _main(page)[:600]


def _open_roster(page, edit_path):
    page.goto(edit_path)
    _click(page, _session_item(page).get_by_role("link", name="Điểm danh", exact=True))
    assert re.fullmatch(r"/workshops/sessions/\d+/roster", urlsplit(page.url).path), page.url


@pytest.fixture(scope="module")
def workshop(browser, live_server, session_states):
    """A workshop with one session ten days ahead, open for sign-up: (page path, edit path)."""
    ctx = browser.new_context(base_url=live_server.url, locale="vi-VN", storage_state=session_states.get("instructor"))
    ctx.set_default_timeout(10_000)
    try:
        staff = ctx.new_page()
        staff.goto(f"/courses/{SLUG}/workshops/new")
        form = staff.locator("main form")
        form.get_by_label("Tên lớp tập huấn", exact=True).fill(TITLE)
        form.get_by_label("Số chỗ", exact=True).fill("5")
        _click(staff, form.get_by_role("button", name="Lưu", exact=True))
        edit_path = urlsplit(staff.url).path
        assert re.fullmatch(r"/workshops/\d+/edit", edit_path), _main(staff)[:600]
        day = (datetime.now(LOCAL_TZ) + timedelta(days=10)).date()
        adder = staff.locator("main form").filter(has=staff.get_by_role("heading", name="Thêm buổi học"))
        adder.get_by_label("Tên buổi").fill(SESSION)
        adder.get_by_label("Bắt đầu (giờ Việt Nam)").fill(f"{day:%Y-%m-%d}T08:00")
        adder.get_by_label("Kết thúc (giờ Việt Nam)").fill(f"{day:%Y-%m-%d}T11:30")
        adder.get_by_label("Địa điểm").fill("Hội trường Thư viện tỉnh")
        _click(staff, adder.get_by_role("button", name="Thêm buổi", exact=True))
        _click(staff, staff.get_by_role("button", name="Mở đăng ký", exact=True))
        assert "Đã mở đăng ký." in _main(staff)
        return edit_path.removesuffix("/edit"), edit_path
    finally:
        ctx.close()


def test_trainee_cancels_keeps_then_cancels_and_signs_up_again(signed_in, workshop):
    path, _edit = workshop
    page = signed_in("trainee").new_page()
    page.goto(path)
    assert page.locator("h1").inner_text() == TITLE
    _click(page, page.locator("main section.card").get_by_role("button", name="Đăng ký", exact=True))
    assert _my_status(page) == "Đã có chỗ"

    # the dialog: "Huỷ đăng ký" cancels, "Giữ chỗ" keeps the place
    _click(page, page.get_by_role("link", name="Huỷ đăng ký…", exact=True))
    assert urlsplit(page.url).path == path + "/cancel"
    dialog = page.locator("main form")
    assert dialog.get_by_role("button").all_inner_texts() == ["Huỷ đăng ký"]
    assert dialog.get_by_role("link").all_inner_texts() == ["Giữ chỗ"]
    _click(page, dialog.get_by_role("link", name="Giữ chỗ", exact=True))
    assert urlsplit(page.url).path == path
    assert _my_status(page) == "Đã có chỗ"

    _click(page, page.get_by_role("link", name="Huỷ đăng ký…", exact=True))
    _click(page, page.locator("main form").get_by_role("button", name="Huỷ đăng ký", exact=True))
    assert "Đã huỷ đăng ký." in _main(page)
    assert _my_status(page) == "Đã huỷ"

    # signing up again: the real status, not the old cancellation
    _click(page, page.locator("main section.card").get_by_role("button", name="Đăng ký", exact=True))
    assert "Đã đăng ký. Bạn có chỗ trong lớp." in _main(page)
    assert _my_status(page) == "Đã có chỗ"
    assert page.get_by_role("link", name="Huỷ đăng ký…", exact=True).count() == 1
    page.goto("/workshops/")
    card = page.locator("main .card").filter(has=page.get_by_role("link", name=TITLE, exact=True))
    assert card.locator("strong").inner_text() == "Đã có chỗ", card.inner_text()


def test_attendance_opens_only_at_the_start_minus_the_margin(signed_in, workshop):
    path, edit_path = workshop
    trainee = signed_in("trainee").new_page()
    trainee.goto(path)
    if _my_status(trainee) != "Đã có chỗ":  # this test alone: take a place first
        _click(trainee, trainee.locator("main section.card").get_by_role("button", name="Đăng ký", exact=True))
    assert _my_status(trainee) == "Đã có chỗ"

    staff = signed_in("instructor").new_page()
    now = datetime.now(LOCAL_TZ).replace(second=0, microsecond=0)
    _move_session(staff, edit_path, now + timedelta(minutes=45))  # opens in ~15 minutes
    _open_roster(staff, edit_path)
    note = staff.locator("main p.note").inner_text()
    assert re.fullmatch(r"Điểm danh mở từ \d\d/\d\d/\d{4} \d\d:\d\d \(trước giờ học 30 phút\)\.", note), note
    assert staff.get_by_role("button", name="Lưu điểm danh", exact=True).count() == 0
    assert staff.locator("main input[type=radio]").count() == 0
    assert TRAINEE_NAME in staff.locator("main ul.roster-names").inner_text()
    # the server refuses too, not only the page
    token = staff.locator("input[name=csrf_token]").first.get_attribute("value")
    refused = staff.request.post(urlsplit(staff.url).path, form={"csrf_token": token, "all_present": "1"})
    assert refused.status == 409
    assert "Chưa điểm danh được: buổi học bắt đầu lúc" in refused.text()

    _move_session(staff, edit_path, now + timedelta(minutes=20))  # opened 10 minutes ago
    _open_roster(staff, edit_path)
    assert staff.locator("main p.note").count() == 0
    row = staff.locator("main fieldset.roster").filter(has=staff.locator("legend", has_text=TRAINEE_NAME))
    row.get_by_label("Có mặt", exact=True).check()
    _click(staff, staff.get_by_role("button", name="Lưu điểm danh", exact=True))
    assert "Đã lưu điểm danh." in _main(staff)
