"""CSV and XLSX exports: opened with csv and openpyxl, formula cells neutralised, audit log."""
import csv
import io
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from elearn.extensions import db
from elearn.reports.models import ExportLog

EVIL = ["=HYPERLINK(\"http://x\")", "+1+1", "-2+3", "@SUM(A1)", "\tTab", "\rCR"]


@pytest.fixture
def evil_names(tree):
    """Trainees whose names (typed by someone) start like spreadsheet formulas, in commune C3."""
    from elearn.auth.models import User

    users = []
    for i, name in enumerate(EVIL):
        u = User(email=f"evil{i}@example.vn", name=name, role="trainee", org=tree["units"]["C3"])
        db.session.add(u)
        users.append(u)
    db.session.commit()
    return users


def _csv(resp):
    raw = resp.get_data()
    assert raw.startswith("\ufeff".encode("utf-8"))
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))


def test_unit_csv_is_what_the_page_shows(tree, client, auth):
    auth.login("mp@example.vn")
    r = client.get("/reports/completion.csv?course=khoa-a&unit=P&level=unit")
    assert r.status_code == 200 and r.mimetype == "text/csv"
    assert r.is_streamed
    assert 'filename="hoan-thanh-khoa-a-P-unit.csv"' in r.headers["Content-Disposition"]
    assert r.headers["Cache-Control"] == "no-store"
    rows = _csv(r)
    assert rows[0][:3] == ["Mã đơn vị", "Đơn vị", "Ghi danh"]
    assert rows[1] == ["D2", "Thư viện huyện Ba Vì", "2", "1", "0", "1", "50.0", "90.0", "", "0"]
    assert rows[2] == ["D1", "Thư viện huyện Đoan Hùng", "6", "2", "2", "2", "33.3", "70.0", "66.7", "0"]
    assert rows[3][:3] == ["P", "Tổng cộng", "8"]


def test_trainee_csv_neutralises_formula_cells(tree, evil_names, client, auth):
    auth.login("mp@example.vn")
    r = client.get("/reports/completion.csv?course=khoa-a&unit=C3&level=trainee")
    rows = _csv(r)
    names = [row[1] for row in rows[1:]]
    for bad in EVIL:
        assert "'" + bad in names
    assert not any(n.startswith(("=", "+", "-", "@", "\t", "\r")) for n in names)
    em = next(row for row in rows if row[1] == "Bùi Thị Em")
    assert em[5] == "Đã hoàn thành" and em[9] == "15/10/2026"  # dd/mm/yyyy, Việt Nam time


def test_trainee_xlsx_stores_formula_like_text_as_text(tree, evil_names, client, auth):
    auth.login("mp@example.vn")
    r = client.get("/reports/completion.xlsx?course=khoa-a&unit=C3&level=trainee")
    assert r.status_code == 200 and r.is_streamed
    assert r.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    wb = load_workbook(io.BytesIO(r.get_data()))
    ws = wb.active
    header = [c.value for c in ws[1]]
    assert header[:2] == ["Mã học viên", "Họ và tên"] and ws[1][0].font.b
    assert ws.column_dimensions["B"].width == 30
    # XML reads a bare CR back as LF; the cell is text all the same
    cells = {row[1].value.replace("\n", "\r"): row for row in ws.iter_rows(min_row=2)}
    for bad in EVIL:
        cell = cells[bad][1]
        assert cell.data_type == "s"  # text, not a formula
    em = cells["Bùi Thị Em"]
    assert em[9].value.date() == date(2026, 10, 15) and em[9].number_format == "dd/mm/yyyy"
    assert em[6].value == 100


def test_unit_xlsx(tree, client, auth):
    auth.login("mp@example.vn")
    r = client.get("/reports/completion.xlsx?course=khoa-a&unit=P&level=unit")
    ws = load_workbook(io.BytesIO(r.get_data())).active
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    assert rows[1][:6] == ["D2", "Thư viện huyện Ba Vì", 2, 1, 0, 1]
    assert rows[3][:3] == ["P", "Tổng cộng", 8]


def test_every_export_is_logged(tree, client, auth):
    auth.login("md1@example.vn")
    client.get("/reports/completion.csv?course=khoa-a&unit=C1&level=trainee&state=not_started")
    client.get("/reports/completion.xlsx?course=khoa-a&level=unit")
    logs = db.session.scalars(select(ExportLog).order_by(ExportLog.id)).all()
    assert [(log.fmt, log.level, log.rows) for log in logs] == [("csv", "trainee", 1), ("xlsx", "unit", 4)]
    assert logs[0].user_id == tree["users"]["mD1"].id
    assert logs[0].filters["state"] == "not_started" and logs[0].filters["unit"] == "C1"
    assert logs[0].course_id == tree["A"].id and logs[1].unit_id == tree["units"]["D1"].id
    assert logs[0].created_at is not None


def test_refused_export_is_not_logged_and_writes_nothing(tree, client, auth):
    auth.login("md1@example.vn")
    r = client.get("/reports/completion.csv?course=khoa-a&unit=D2&level=trainee")
    assert r.status_code == 404
    assert db.session.scalar(select(ExportLog.id)) is None


def test_an_export_dropped_unread_leaves_nothing_behind(tree, client, auth):
    import gc

    auth.login("mp@example.vn")
    for fmt in ("csv", "xlsx"):
        r = client.get(f"/reports/completion.{fmt}?course=khoa-a&unit=P&level=trainee")
        assert r.status_code == 200
        del r
        gc.collect()
        page = client.get("/reports/completion?course=khoa-a&unit=C1")
        assert page.status_code == 200 and "Nguyễn Văn An" in page.get_data(as_text=True)
