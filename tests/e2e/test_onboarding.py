"""Issue 13, onboarding in the browser: an admin imports a CSV through the web (preview, then confirm),
and an invited user sets a password from the invitation mail, then signs in. The admin user list stays
usable at 360 px."""
import email
import re
import secrets
import time
from email import policy
from pathlib import Path
from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.e2e

PHONE = {"viewport": {"width": 360, "height": 740}}
SCROLL_WIDTH = "document.documentElement.scrollWidth"


def click_and_wait(page, locator):
    with page.expect_navigation(wait_until="load"):
        locator.click()


def main_text(page):
    return page.locator("main").inner_text()


def _invitation_link(live_server, to, timeout=10.0):
    """The "set your password" link of the invitation mail to ``to`` (the server writes mail to its
    outbox when no mail server is configured)."""
    outbox = Path(live_server.env["ELEARN_INSTANCE_PATH"]) / "outbox"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for path in sorted(outbox.glob("*.eml")) if outbox.exists() else []:
            msg = email.message_from_bytes(path.read_bytes(), policy=policy.default)
            if msg["To"] == to:
                body = msg.get_body(preferencelist=("plain",)).get_content()
                assert "Bạn nhận thư này vì" in body and "7 ngày" in body, body
                assert "Thư viện học tập" in msg["Subject"], msg["Subject"]
                links = re.findall(r"https?://\S+", body)
                assert len(links) == 1 and "/invite/" in links[0], links
                return urlsplit(links[0]).path
        time.sleep(0.2)
    raise AssertionError(f"no invitation mail to {to} in {outbox}")


def test_admin_imports_a_csv_and_the_invited_user_sets_a_password(signed_in, new_context, login, live_server,
                                                                    tmp_path):
    tag = secrets.token_hex(3)
    people = [(f"moi-{tag}@example.vn", "Hà Thị Thu Trang"), (f"hai-{tag}@example.vn", "Vi Văn Khánh")]
    csv_file = tmp_path / "nguoi-dung.csv"
    csv_file.write_text("email,name,role,org_code\n" + "".join(f"{e},{n},trainee,ls\n" for e, n in people),
                        encoding="utf-8")

    admin = signed_in("admin").new_page()
    admin.goto("/admin/users")
    click_and_wait(admin, admin.get_by_role("link", name="Nhập từ tệp CSV/XLSX", exact=True))
    assert urlsplit(admin.url).path == "/admin/users/import"
    assert admin.locator("h1").inner_text() == "Nhập tài khoản từ tệp"
    admin.get_by_label("Tệp CSV hoặc XLSX (email,name,role,org_code)").set_input_files(str(csv_file))
    click_and_wait(admin, admin.get_by_role("button", name="Xem trước", exact=True))
    preview = main_text(admin)
    assert "Sẽ tạo 2 tài khoản và gửi thư mời." in preview, preview[:1500]
    for e, n in people:
        assert e in preview and n in preview
    # Nothing is written by the preview.
    other_tab = admin.context.new_page()
    other_tab.goto("/admin/users?q=" + tag)
    assert "Không có tài khoản nào khớp bộ lọc." in main_text(other_tab)
    other_tab.close()
    click_and_wait(admin, admin.get_by_role("button", name="Xác nhận: tạo 2 tài khoản và gửi thư mời", exact=True))
    assert urlsplit(admin.url).path == "/admin/users"
    assert "Đã tạo 2 tài khoản và gửi thư mời." in main_text(admin)
    admin.goto("/admin/users?q=" + tag)
    listing = main_text(admin)
    assert listing.count("Đã mời, chưa đặt mật khẩu") == 2, listing[:1500]

    # The invited person opens the link from the mail on their phone and sets a password.
    path = _invitation_link(live_server, people[0][0])
    phone = new_context(**PHONE).new_page()
    phone.goto(path)
    assert phone.locator("h1").inner_text() == "Đặt mật khẩu của bạn"
    password = "sach-hay-moi-ngay-" + tag
    phone.get_by_label("Mật khẩu mới", exact=True).fill(password)
    phone.get_by_label("Nhập lại mật khẩu mới", exact=True).fill(password)
    click_and_wait(phone, phone.get_by_role("button", name="Lưu mật khẩu", exact=True))
    assert urlsplit(phone.url).path == "/login"
    assert "Đã đặt mật khẩu." in phone.locator("body").inner_text()
    login(phone, {"email": people[0][0], "password": password})
    assert phone.locator("h1").inner_text() == "Xin chào, " + people[0][1]
    # The link works once.
    phone.goto(path)
    assert phone.locator("h1").inner_text() == "Lời mời không dùng được"


def test_admin_user_list_is_usable_at_360px(signed_in):
    page = signed_in("admin", **PHONE).new_page()
    page.goto("/admin/users")
    width = page.evaluate(SCROLL_WIDTH)
    assert width <= 360, f"/admin/users scrolls sideways at 360 px: {width}"
    table = page.locator("table.user-list")
    box = table.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= 360, box
    assert not page.get_by_role("columnheader", name="Đơn vị").is_visible()  # the less important columns hide
    assert page.get_by_role("columnheader", name="Họ và tên").is_visible()
    assert page.get_by_role("columnheader", name="Trạng thái").is_visible()
