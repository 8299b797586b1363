"""Cataloguing practice in the browser (issue 15): a trainee builds a biểu ghi in the field-row
editor with JavaScript, reads the feedback and reaches a pass; another does it without JavaScript
in the .mrk textarea. The exercise page stays within the page budget."""
from urllib.parse import urlsplit

import pytest

from .test_budget import check_budget, cold_load

pytestmark = pytest.mark.e2e

EXERCISE = "/courses/nghiep-vu-bien-muc/03-truy-cap-va-thuc-hanh/bai-tap-sach-mot-tac-gia"
PASSWORD = "mat-khau-bien-muc-1"
KEY = """=LDR  00000nam\\a2200000\\a\\4500
=008  261130s1999\\\\\\\\vm\\\\\\\\\\\\\\\\\\\\\\\\000\\1\\vie\\d
=041  0\\$avie
=100  0\\$aNguyễn Kim Dần
=245  10$aVùng quê địch hậu :$btiểu thuyết /$cNguyễn Kim Dần.
=260  \\\\$aHà Nội :$bNxb. Quân đội nhân dân,$c1999.
=300  \\\\$a356 tr. ;$c19 cm.
=650  \\4$aChiến tranh Đông Dương, 1946-1954$vTiểu thuyết
"""
# Modules 1 and 2 are marked complete by the instructor (an override with a reason), so that module
# 3, where the exercise is, opens for the trainees this test makes.
UNLOCK = """from elearn.extensions import db
from elearn.auth.services import get_user_by_email as u
from elearn.courses.models import Activity, Module
from elearn.progress.services import override
by = u("{instructor}")
acts = db.session.scalars(db.select(Activity).join(Module, Activity.module_id == Module.id).where(Module.slug.in_(["01-nen-tang-bien-muc", "02-cac-truong-mo-ta"]), Activity.status == "published")).all()
done = [override(a, u(e), "complete", "Đã học lớp trực tiếp", by) for e in {emails} for a in acts]
db.session.commit()
"""


@pytest.fixture(scope="module")
def cataloguers(live_server):
    emails = ["bienmuc.js@demo.thuvien.vn", "bienmuc.nojs@demo.thuvien.vn"]
    for n, email in enumerate(emails):
        live_server.flask("users", "create", email, "--name", f"Học Viên Biên Mục {n + 1}", "--role", "trainee",
                          "--org", "LS-CL-DD", input=PASSWORD + "\n")
    live_server.flask("shell", input=UNLOCK.format(instructor=live_server.accounts["instructor"]["email"],
                                                  emails=emails))
    return [{"email": e, "password": PASSWORD} for e in emails]


def _open_exercise(page):
    page.goto(EXERCISE)
    assert urlsplit(page.url).path.startswith("/cataloguing/"), page.url
    assert "VÙNG QUÊ ĐỊCH HẬU" in page.locator("pre.item").inner_text()
    return urlsplit(page.url).path


def _submit(page):
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("button", name="Nộp bài").click()
    assert urlsplit(page.url).path.startswith("/cataloguing/attempts/"), page.locator("main").inner_text()
    return page.locator("main").inner_text()


def test_with_javascript_the_field_rows_build_the_record_and_reach_a_pass(new_context, login, cataloguers):
    page = new_context().new_page()
    login(page, cataloguers[0])
    path = _open_exercise(page)
    # the leader and 008, position by position, named in Vietnamese
    page.get_by_label("06 Loại biểu ghi").fill("a")
    for start, value in (("00", "261130"), ("06", "s"), ("07", "1999"), ("15", "vm\\"), ("29", "0"), ("30", "0"),
                         ("31", "0"), ("33", "1"), ("35", "vie"), ("39", "d")):
        page.locator(f"input[name=f008-{start}]").fill(value)
    rows = [("100", "0", "", "$aNguyễn Kim Dần"),
            ("245", "1", "0", "$aVùng quê địch hậu :$btiểu thuyết /$cNguyễn Kim Dần."),
            ("260", "", "", "$aHà Nội :$bNxb. Quân đội nhân dân,$c1999.")]
    before = page.locator("#field-rows tbody tr").count()
    page.get_by_role("button", name="Thêm dòng").click()  # the script adds rows without leaving the page
    assert page.locator("#field-rows tbody tr").count() == before + 3 and urlsplit(page.url).path == path
    for i, (tag, ind1, ind2, value) in enumerate(rows):
        page.locator(f"input[name=tag-{i}]").fill(tag)
        page.locator(f"input[name=ind1-{i}]").fill(ind1)
        page.locator(f"input[name=ind2-{i}]").fill(ind2)
        page.locator(f"input[name=value-{i}]").fill(value)
    text = _submit(page)
    # 300 is missing: the feedback names it, says what is expected, and links the lesson
    assert "Thiếu trường 300 (Mô tả vật lý" in text
    assert page.get_by_role("link", name="Xem bài học").first.get_attribute("href").startswith("/courses/nghiep-vu-bien-muc/")
    # fix it: the next attempt starts from this one
    page.get_by_role("link", name="Sửa biểu ghi và nộp lại").click()
    assert page.locator("input[name=tag-2]").input_value() == "260"
    page.locator("input[name=tag-3]").fill("300")
    page.locator("input[name=value-3]").fill("$a356 tr. ;$c19 cm.")
    page.locator("input[name=tag-4]").fill("650")
    page.locator("input[name=ind2-4]").fill("4")
    page.locator("input[name=value-4]").fill("$aChiến tranh Đông Dương, 1946-1954$vTiểu thuyết")
    text = _submit(page)
    assert "Điểm: 100%" in text and "Đạt" in text and "Khóa" in text
    page.goto(EXERCISE)
    assert "Điểm của bạn: 100% — Đạt" in page.locator("main").inner_text()


def test_without_javascript_the_mrk_textarea_submits_and_passes(new_context, login, cataloguers):
    page = new_context(java_script_enabled=False).new_page()
    login(page, cataloguers[1])
    path = _open_exercise(page)
    # without the script "Thêm dòng" saves the draft and the page comes back with more rows
    before = page.locator("#field-rows tbody tr").count()
    page.locator("input[name=tag-0]").fill("245")
    page.locator("input[name=ind1-0]").fill("1")
    page.locator("input[name=ind2-0]").fill("0")
    page.locator("input[name=value-0]").fill("$aVùng quê địch hậu")
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("button", name="Thêm dòng").click()
    assert page.locator("#field-rows tbody tr").count() == 1 + before + 3  # the filled row and six blank ones
    assert "Đã lưu bản nháp." in page.locator("main").inner_text()
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("link", name="Nhập cả biểu ghi dạng .mrk").click()
    assert "=245  10$aVùng quê địch hậu" in page.locator("textarea[name=record]").input_value()
    page.locator("textarea[name=record]").fill(KEY.replace("$btiểu thuyết /", "$btruyện /"))
    text = _submit(page)
    assert "Trường 245, trường con $b (phần còn lại của nhan đề): cần 'tiểu thuyết /'" in text
    page.go_back()
    page.goto(path + "?mode=mrk")
    page.locator("textarea[name=record]").fill(KEY)
    text = _submit(page)
    assert "Điểm: 100%" in text and "Đạt" in text


def test_the_exercise_page_stays_within_the_page_budget(new_context, login, cataloguers, browser, live_server):
    page = new_context().new_page()
    login(page, cataloguers[0])
    path = _open_exercise(page)
    state = page.context.storage_state()
    page, response, meter = cold_load(new_context, path, storage_state=state)
    check_budget(page, response, meter, f"{path} (trainee)", path)
