"""A manager finds the communes behind on a course, drills down to the trainees and one trainee,
and downloads both exports; every report page stays within the page budget."""
import csv
import io
from urllib.parse import parse_qs, urlsplit

import pytest

from .test_budget import check_budget, cold_load

pytestmark = pytest.mark.e2e

COMMUNES = {"Thư viện xã Đồng Đăng", "Thư viện xã Tân Liên", "Thư viện xã Gia Cát"}


def test_manager_finds_communes_behind_drills_down_and_downloads(signed_in):
    ctx = signed_in("manager")
    page = ctx.new_page()
    page.goto("/")
    todo = page.locator("main")
    assert "Việc cần làm" in todo.inner_text()
    # the first course card's title leads to its completion report for the manager's unit
    with page.expect_navigation(wait_until="load"):
        page.locator("main .card h3 a[href^='/reports/completion']").first.click()
    assert urlsplit(page.url).path == "/reports/completion"
    course = parse_qs(urlsplit(page.url).query)["course"][0]
    table = page.get_by_role("table", name="Theo đơn vị trực thuộc")
    units = set(table.locator("tbody th").all_inner_texts())
    assert COMMUNES <= units and "Thư viện huyện Văn Lãng" not in units
    # lowest completion first
    with page.expect_navigation(wait_until="load"):
        table.get_by_role("link", name="Tỷ lệ hoàn thành").click()
    assert parse_qs(urlsplit(page.url).query)["sort"] == ["completion_rate"]
    assert page.locator("svg[role=img] title").first.text_content().startswith("Biểu đồ thanh")

    # drill down: a commune, its trainees, one trainee
    with page.expect_navigation(wait_until="load"):
        table.get_by_role("link", name="Thư viện xã Đồng Đăng").click()
    assert page.locator("h1").inner_text() == "Học viên: Thư viện xã Đồng Đăng"
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("link", name="Hoàng Thị Mai").click()
    assert page.locator("h1").inner_text() == "Hoàng Thị Mai"
    assert "Thư viện xã Đồng Đăng" in page.locator("main").inner_text()

    # both exports of the district, per unit and per trainee
    page.goto(f"/reports/completion?course={course}")
    with page.expect_download() as info:
        page.locator("p.exports").get_by_role("link", name="CSV").click()
    raw = open(info.value.path(), "rb").read()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][1] == "Đơn vị" and COMMUNES <= {r[1] for r in rows[1:]}
    assert rows[-1][1] == "Tổng cộng"
    page.goto(f"/reports/completion?course={course}&level=trainee")
    with page.expect_download() as info:
        page.locator("p.exports").get_by_role("link", name="XLSX").click()
    from openpyxl import load_workbook

    assert info.value.suggested_filename.endswith("-trainee.xlsx")
    ws = load_workbook(io.BytesIO(open(info.value.path(), "rb").read())).active
    names = {row[1].value for row in ws.iter_rows(min_row=2)}
    assert "Hoàng Thị Mai" in names and "Chu Thị Thu" not in names  # Văn Lãng is outside Cao Lộc
    ctx.close()


REPORT_PAGES = ["/reports/completion?course=phap-luat-thu-vien",
                "/reports/completion?course=phap-luat-thu-vien&level=trainee",
                "/reports/completion?course=phap-luat-thu-vien&unit=LS-CL-DD",
                "/reports/annual"]


@pytest.mark.parametrize("path", REPORT_PAGES)
def test_report_pages_within_budget(path, new_context, session_states):
    page, response, meter = cold_load(new_context, path, storage_state=session_states.get("manager"))
    check_budget(page, response, meter, f"{path} (manager)", urlsplit(path).path)
