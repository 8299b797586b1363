"""Face-to-face workshops in the browser.

The instructor schedules a two-day workshop with one seat and opens sign-up; two trainees (made
with `flask users create` against the e2e database) sign up on a phone and in a second browser: the
first gets the seat, the second waits; the first cancels and the second is promoted. The calendar
file parses with `icalendar`; the instructor takes attendance on both days. Then the demo
workshop, which counts towards completion, shows as done on the demo trainee's course page once
the instructor has marked both of its sessions.

The budget, axe and 360 px checks of /workshops/ and the demo workshop's page are in
test_budget.py, test_axe.py and test_narrow_screen.py (WORKSHOPS_PAGE, DEMO_WORKSHOP_PAGE).
"""
import re
import secrets
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest

from .conftest import DEMO_WORKSHOP

pytestmark = pytest.mark.e2e

PHONE = {"viewport": {"width": 360, "height": 740}}
SCROLL_WIDTH = "document.documentElement.scrollWidth"
LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")

SLUG = "phap-luat-thu-vien"
TITLE = "Tập huấn Luật Thư viện (e2e)"
VENUE = "Phòng đọc Thư viện tỉnh Lạng Sơn"
TRAINER = "Lương Thị Hạnh"
DAY_1 = (datetime.now(LOCAL_TZ) + timedelta(days=10)).date()
SESSIONS = [("Ngày 1", DAY_1), ("Ngày 2", DAY_1 + timedelta(days=1))]  # 08:00–11:30 local time

DEMO_COURSE = "ung-dung-cntt-internet"
DEMO_TRAINEE_NAME = "Hoàng Thị Mai"  # hocvien@demo.thuvien.vn


@pytest.fixture(scope="module")
def trainees(live_server):
    """Two trainees who can sign in (the demo's extra trainees have no password), made with
    `flask users create` (two processes at once: each start of flask takes a few seconds)."""
    made = [{"email": f"e2e-{letter}-{secrets.token_hex(3)}@demo.thuvien.vn", "name": name, "org": org,
             "password": secrets.token_urlsafe(12)}
            for letter, name, org in (("a", "Lò Thị Kiểm Thử", "LS-CL-TL"), ("b", "Lò Văn Thử Nghiệm", "LS-VL-NS"))]

    def create(account):
        return live_server.flask("users", "create", account["email"], "--name", account["name"], "--role", "trainee",
                                 "--org", account["org"], input=account["password"] + "\n")

    with ThreadPoolExecutor(max_workers=len(made)) as pool:
        list(pool.map(create, made))
    return made


# --- helpers -----------------------------------------------------------------------------------------

def main_text(page):
    return page.locator("main").inner_text()


def click_and_wait(page, locator):
    with page.expect_navigation(wait_until="load"):
        locator.click()


def my_status(page):
    """The detail page's "Trạng thái của bạn: <strong>…</strong>"."""
    line = page.locator("main section.card p").filter(has_text="Trạng thái của bạn:")
    return line.locator("strong").inner_text() if line.count() else None


def seats_line(page):
    return page.locator("main ul.facts-inline li").first.inner_text()


def open_from_list(page, title):
    """/workshops/ → the workshop's card (under "Sắp diễn ra") → its page."""
    page.goto("/workshops/")
    assert page.locator("h1").inner_text() == "Lớp tập huấn"
    link = page.locator("main .card h3").get_by_role("link", name=title, exact=True)
    assert link.count() == 1, f"/workshops/ does not list {title!r}: {main_text(page)[:800]}"
    click_and_wait(page, link)
    assert re.fullmatch(r"/workshops/\d+", urlsplit(page.url).path), page.url
    assert page.locator("h1").inner_text() == title


def sign_up(page):
    button = page.locator("main section.card").get_by_role("button", name="Đăng ký", exact=True)
    assert button.count() == 1, f"no Đăng ký button: {page.locator('main section.card').inner_text()!r}"
    click_and_wait(page, button)


def session_item(page, title):
    """The edit page's list item of one session ("Ngày 1: 12/05/2026 08:00–11:30, …")."""
    items = page.locator("main h2:text-is('Các buổi học') + ul > li")
    return items.filter(has_text=re.compile("^" + re.escape(title) + ":"))


def roster_row(page, name):
    return page.locator("main fieldset.roster").filter(
        has=page.locator("legend", has_text=re.compile("^" + re.escape(name))))


def page_names(page):
    """The names on a roster page, in order."""
    return [t.split(" · ")[0].strip() for t in page.locator("main fieldset.roster legend").all_inner_texts()]


def open_roster(page, edit_path, session_title):
    page.goto(edit_path)
    click_and_wait(page, session_item(page, session_title).get_by_role("link", name="Điểm danh", exact=True))
    assert re.fullmatch(r"/workshops/sessions/\d+/roster", urlsplit(page.url).path), page.url
    assert page.locator("h1").inner_text() == session_title


def mark_present_and_save(page, name):
    row = roster_row(page, name)
    assert row.count() == 1, f"{name} is not on the roster: {main_text(page)[:600]}"
    row.get_by_label("Có mặt", exact=True).check()
    click_and_wait(page, page.get_by_role("button", name="Lưu điểm danh", exact=True))
    assert "Đã lưu điểm danh." in main_text(page)
    assert roster_row(page, name).get_by_label("Có mặt", exact=True).is_checked(), "the mark was not kept"


def start_sessions_now(page, edit_path, titles):
    """The instructor moves the sessions so that they have begun: attendance opens only at a session's
    start minus the check-in margin (issue 13). The earlier ones started a day before, the last an
    hour ago."""
    now = datetime.now(LOCAL_TZ).replace(second=0, microsecond=0)
    for n, title in enumerate(titles):
        start = now - timedelta(hours=1) - timedelta(days=len(titles) - 1 - n)
        page.goto(edit_path)
        click_and_wait(page, session_item(page, title).get_by_role("link", name="Sửa", exact=True))
        form = page.locator("main form").first
        form.get_by_label("Bắt đầu (giờ Việt Nam)").fill(f"{start:%Y-%m-%dT%H:%M}")
        form.get_by_label("Kết thúc (giờ Việt Nam)").fill(f"{start + timedelta(hours=3):%Y-%m-%dT%H:%M}")
        click_and_wait(page, form.get_by_role("button", name="Lưu", exact=True))
        assert "Đã lưu buổi học." in main_text(page), main_text(page)[:600]


def sign_in(new_context, login, account, **options):
    page = new_context(**options).new_page()
    login(page, account)
    return page


# --- the new workshop, end to end ------------------------------------------------------------------------

def test_instructor_schedules_trainees_sign_up_waitlist_promotion_calendar_and_roster(
        signed_in, new_context, login, trainees, tmp_path):
    # 1. The instructor creates the workshop (one seat, no approval), adds two days, opens sign-up.
    staff = signed_in("instructor").new_page()
    staff.goto(f"/courses/{SLUG}/workshops/new")
    assert staff.locator("h1").inner_text() == "Lớp tập huấn mới"
    form = staff.locator("main form")
    form.get_by_label("Tên lớp tập huấn", exact=True).fill(TITLE)
    form.get_by_label("Số chỗ", exact=True).fill("1")
    assert not form.get_by_label("Cần quản lý của học viên duyệt").is_checked()
    click_and_wait(staff, form.get_by_role("button", name="Lưu", exact=True))
    edit_path = urlsplit(staff.url).path
    assert re.fullmatch(r"/workshops/\d+/edit", edit_path), f"saving led to {staff.url}: {main_text(staff)[:600]}"
    workshop_path = edit_path.removesuffix("/edit")
    assert "Đã tạo lớp tập huấn (bản nháp)." in main_text(staff)
    assert staff.locator("h1 .badge").inner_text() == "Bản nháp"

    for title, day in SESSIONS:
        adder = staff.locator("main form").filter(has=staff.get_by_role("heading", name="Thêm buổi học"))
        adder.get_by_label("Tên buổi").fill(title)
        adder.get_by_label("Bắt đầu (giờ Việt Nam)").fill(f"{day:%Y-%m-%d}T08:00")
        adder.get_by_label("Kết thúc (giờ Việt Nam)").fill(f"{day:%Y-%m-%d}T11:30")
        adder.get_by_label("Địa điểm").fill(VENUE)
        adder.get_by_label("Giảng viên").fill(TRAINER)
        click_and_wait(staff, adder.get_by_role("button", name="Thêm buổi", exact=True))
        assert urlsplit(staff.url).path == edit_path
        assert "Đã lưu buổi học." in main_text(staff), main_text(staff)[:600]
    for title, day in SESSIONS:
        item = session_item(staff, title)
        assert item.count() == 1, f"{title} is not listed: {main_text(staff)[:800]}"
        assert item.inner_text().startswith(f"{title}: {day:%d/%m/%Y} 08:00–11:30, {VENUE}"), item.inner_text()

    click_and_wait(staff, staff.get_by_role("button", name="Mở đăng ký", exact=True))
    assert "Đã mở đăng ký." in main_text(staff)
    assert staff.locator("h1 .badge").inner_text() == "Đang mở"
    assert staff.get_by_role("button", name="Mở đăng ký", exact=True).count() == 0

    # 2. Trainee A, on a phone, finds it and takes the only seat.
    a = sign_in(new_context, login, trainees[0], **PHONE)
    open_from_list(a, TITLE)
    assert urlsplit(a.url).path == workshop_path
    assert seats_line(a) == "Còn 1 / 1 chỗ"
    rows = a.locator("main table tbody tr").all_inner_texts()
    assert len(rows) == 2 and all(VENUE in r and TRAINER in r for r in rows), rows
    assert f"{DAY_1:%d/%m/%Y} 08:00–11:30" in rows[0], rows
    sign_up(a)
    assert "Đã đăng ký. Bạn có chỗ trong lớp." in main_text(a)
    assert my_status(a) == "Đã có chỗ"
    assert seats_line(a) == "Còn 0 / 1 chỗ"
    width = a.evaluate(SCROLL_WIDTH)
    assert width <= 360, f"the workshop page scrolls sideways at 360 px: {width}"

    # Trainee B, in another browser, can only join the waitlist.
    b = sign_in(new_context, login, trainees[1])
    open_from_list(b, TITLE)
    sign_up(b)
    assert "Lớp đã đủ chỗ: bạn ở danh sách chờ" in main_text(b)
    assert my_status(b) == "Danh sách chờ"

    # A cancels (a confirmation page first); B is promoted to the freed seat.
    click_and_wait(a, a.get_by_role("link", name="Huỷ đăng ký…", exact=True))
    assert urlsplit(a.url).path == workshop_path + "/cancel"
    assert a.locator("h1").inner_text() == "Huỷ đăng ký"
    assert TITLE in main_text(a)
    click_and_wait(a, a.locator("main form").get_by_role("button", name="Huỷ đăng ký", exact=True))
    assert urlsplit(a.url).path == workshop_path
    assert "Đã huỷ đăng ký." in main_text(a)
    assert my_status(a) == "Đã huỷ"

    b.reload(wait_until="load")
    assert my_status(b) == "Đã có chỗ", "the first on the waitlist was not promoted to the freed seat"
    assert seats_line(b) == "Còn 0 / 1 chỗ"
    b.goto("/workshops/")
    card = b.locator("main .card").filter(has=b.get_by_role("link", name=TITLE, exact=True))
    assert card.locator("strong").inner_text() == "Đã có chỗ", card.inner_text()

    # The instructor's list of registrations agrees.
    staff.goto(workshop_path + "/registrations")
    assert staff.locator("h1 small").inner_text() == "(1 / 1 chỗ)"
    booked = staff.locator("main h2:text-is('Đã có chỗ (1)') + ol > li").all_inner_texts()
    cancelled = staff.locator("main h2:text-is('Đã huỷ (1)') + ol > li").all_inner_texts()
    assert len(booked) == 1 and trainees[1]["name"] in booked[0], main_text(staff)[:800]
    assert len(cancelled) == 1 and trainees[0]["name"] in cancelled[0], main_text(staff)[:800]

    # 3. The calendar file: two events in Vietnamese local time.
    b.goto(workshop_path)
    with b.expect_download() as info:
        b.get_by_role("link", name="Thêm vào lịch (.ics)").click()
    download = info.value
    assert download.failure() is None, download.failure()
    assert download.suggested_filename.endswith(".ics"), download.suggested_filename
    with open(download.path(), "rb") as f:
        check_calendar(f.read())

    # 4. Attendance: "mark all present" on day 1, B by hand on day 2 (once the sessions have begun).
    start_sessions_now(staff, edit_path, ["Ngày 1", "Ngày 2"])
    open_roster(staff, edit_path, "Ngày 1")
    assert page_names(staff) == [trainees[1]["name"]], "the roster should hold only the booked trainee"
    assert not roster_row(staff, trainees[1]["name"]).get_by_label("Có mặt", exact=True).is_checked()
    click_and_wait(staff, staff.get_by_role("button", name="Đánh dấu tất cả chưa điểm danh là có mặt", exact=True))
    assert "Đã lưu điểm danh." in main_text(staff)
    assert roster_row(staff, trainees[1]["name"]).get_by_label("Có mặt", exact=True).is_checked()

    open_roster(staff, edit_path, "Ngày 2")
    assert not roster_row(staff, trainees[1]["name"]).get_by_label("Có mặt", exact=True).is_checked(), \
        "day 2 was marked together with day 1"
    mark_present_and_save(staff, trainees[1]["name"])

    b.goto(workshop_path)
    assert my_status(b) == "Đã tham dự", "present on both days, B's outcome should be attended"


def check_calendar(data: bytes):
    from icalendar import Calendar

    cal = Calendar.from_ical(data)
    events = list(cal.walk("VEVENT"))
    assert len(events) == 2, f"expected 2 VEVENTs, got {len(events)}:\n{data.decode(errors='replace')}"
    for event, (title, day) in zip(sorted(events, key=lambda e: e.decoded("DTSTART")), SESSIONS):
        for prop, hhmm in (("DTSTART", (8, 0)), ("DTEND", (11, 30))):
            assert event[prop].params.get("TZID") == "Asia/Ho_Chi_Minh", f"{prop} without the TZID: {event.to_ical()!r}"
            value = event.decoded(prop)
            wall = value.astimezone(LOCAL_TZ) if value.tzinfo else value
            assert (wall.date(), wall.hour, wall.minute) == (day, *hhmm), f"{title} {prop}: {value!r}"
        assert str(event["SUMMARY"]) == f"{TITLE}: {title}", event["SUMMARY"]
        assert str(event["LOCATION"]) == VENUE
    assert [c.name for c in cal.walk("VTIMEZONE")] == ["VTIMEZONE"], "no VTIMEZONE for Asia/Ho_Chi_Minh"


# --- the demo workshop counts towards completion -------------------------------------------------------------

def workshop_activity(page):
    """The demo workshop's activity on the course page (its title is the workshop's)."""
    return page.locator("main ol.activities > li").filter(
        has_text=re.compile("^" + re.escape(DEMO_WORKSHOP) + r"\s*·"))


def test_attending_both_days_of_the_demo_workshop_completes_its_activity(signed_in, demo_workshop_path):
    trainee = signed_in("trainee").new_page()
    trainee.goto(f"/courses/{DEMO_COURSE}")
    activity = workshop_activity(trainee)
    assert activity.count() == 1, f"the course page has no activity {DEMO_WORKSHOP!r}"
    assert "✓ xong" not in activity.inner_text(), f"done before attending: {activity.inner_text()!r}"

    open_from_list(trainee, DEMO_WORKSHOP)
    assert urlsplit(trainee.url).path == demo_workshop_path
    sign_up(trainee)
    assert my_status(trainee) == "Đã có chỗ"

    staff = signed_in("instructor").new_page()
    staff.goto(demo_workshop_path)
    click_and_wait(staff, staff.get_by_role("link", name="Sửa lớp", exact=True))
    edit_path = urlsplit(staff.url).path
    assert edit_path == demo_workshop_path + "/edit"
    start_sessions_now(staff, edit_path, ["Ngày 1", "Ngày 2"])
    for day in ("Ngày 1", "Ngày 2"):
        open_roster(staff, edit_path, day)
        mark_present_and_save(staff, DEMO_TRAINEE_NAME)

    trainee.goto(demo_workshop_path)
    assert my_status(trainee) == "Đã tham dự"
    trainee.goto(f"/courses/{DEMO_COURSE}")
    activity = workshop_activity(trainee)
    assert "✓ xong" in activity.inner_text(), f"attended both days, but not done: {activity.inner_text()!r}"


# --- faults found by this suite, now fixed ---------------------------------------------------------------

# The demo workshop's activity: the last module of the demo IT course, slug set by `flask demo load`.
def demo_activity_path():
    """The demo puts the workshop activity in the IT course's last module (elearn/demo/cli.py)."""
    last = sorted(p.name for p in (Path(__file__).parents[2] / "courses" / DEMO_COURSE).iterdir() if p.is_dir())[-1]
    return f"/courses/{DEMO_COURSE}/{last}/tap-huan-truc-tiep"


def test_course_page_names_the_workshop_activity_in_vietnamese(signed_in):
    page = signed_in("trainee").new_page()
    page.goto(f"/courses/{DEMO_COURSE}")
    label = workshop_activity(page).locator("small").inner_text()
    assert "workshop" not in label, f"an English kind on a Vietnamese page: {label!r}"


def test_workshop_activity_page_leads_to_the_workshop(signed_in, demo_workshop_path):
    # The instructor may open activities of a module that is still locked for them; a trainee gets
    # the same page once the last module opens.
    page = signed_in("instructor").new_page()
    path = demo_activity_path()
    response = page.goto(path)
    assert response.ok, f"{path}: {response.status} {page.locator('h1').all_inner_texts()}"
    assert urlsplit(page.url).path == demo_workshop_path or \
        page.locator(f'main a[href="{demo_workshop_path}"]').count() >= 1, f"no way on to the workshop: {page.url}"


def test_edit_page_labels_the_workshop_title_field(signed_in, demo_workshop_path):
    page = signed_in("instructor").new_page()
    page.goto(demo_workshop_path + "/edit")
    details = page.locator("main form").filter(has=page.get_by_role("button", name="Lưu", exact=True))
    title = details.locator("input[name=title]")
    assert title.input_value() == DEMO_WORKSHOP
    labels = title.evaluate("e => [...e.labels].map(l => l.textContent.trim())")
    assert labels == ["Tên lớp tập huấn"], f"the workshop's title field is labelled {labels}"
