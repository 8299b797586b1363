"""CSV and XLSX exports of what the report page shows. Both stream: CSV row batches straight from
a batched query; XLSX from openpyxl's write-only workbook, written to a temporary file and sent
in chunks (a zip cannot be finished before its last row, but nothing is held in memory).

Spreadsheet formula injection: a text cell starting with = + - @ tab or CR is prefixed with ' in
CSV and stored as a plain string (never a formula) in XLSX.
"""
import csv
import io
import os
import tempfile
from datetime import date, datetime

from flask_babel import gettext as _

from ..core.timeutil import to_local

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
CHUNK = 64 * 1024


def neutralise(value):
    """CSV: a text cell that a spreadsheet would read as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _local_date(value):
    if value is None:
        return None
    if isinstance(value, datetime):
        return to_local(value).date()
    return value


def unit_header():
    return [_("Mã đơn vị"), _("Đơn vị"), _("Ghi danh"), _("Chưa bắt đầu"), _("Đang học"), _("Đã hoàn thành"),
            _("Tỷ lệ hoàn thành (%)"), _("Điểm TB"), _("Tỷ lệ tham dự (%)"), _("Quá hạn")]


UNIT_WIDTHS = [14, 40, 10, 14, 10, 14, 20, 10, 18, 10]


def unit_records(rows, total):
    for r in list(rows) + [total]:
        name = r.unit_name if r is not total else _("Tổng cộng")
        yield [r.unit_code, name, r.enrolled, r.not_started, r.in_progress, r.completed, r.completion_rate,
               r.average_grade, r.attendance_rate, r.overdue]


def trainee_header():
    return [_("Mã học viên"), _("Họ và tên"), _("Email"), _("Mã đơn vị"), _("Đơn vị"), _("Trạng thái"),
            _("Tiến độ (%)"), _("Điểm"), _("Hoạt động gần nhất"), _("Ngày hoàn thành"), _("Mã chứng nhận"),
            _("Quá hạn")]


TRAINEE_WIDTHS = [12, 30, 30, 14, 36, 16, 12, 8, 20, 18, 16, 10]
TRAINEE_DATE_COLUMNS = (8, 9)


def yes_no():
    return _("Có"), _("Không")


def trainee_records(rows, state_labels, yes="Có", no="Không"):
    for t in rows:
        yield [t.id, t.name, t.email, t.unit_code, t.unit_name, state_labels[t.state], t.percent, t.grade,
               _local_date(t.last_activity_at), _local_date(t.completed_at), t.certificate_code or "",
               yes if t.overdue else no]


def _csv_cell(value):
    if value is None:
        return ""
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return neutralise(value)


def csv_stream(header, records, batch=500):
    """UTF-8 with a BOM (Excel then reads Vietnamese correctly), CRLF rows, in batches."""
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow([_csv_cell(h) for h in header])
    yield ("\ufeff" + buf.getvalue()).encode("utf-8")
    buf.seek(0), buf.truncate()
    n = 0
    for rec in records:
        writer.writerow([_csv_cell(v) for v in rec])
        n += 1
        if n % batch == 0:
            yield buf.getvalue().encode("utf-8")
            buf.seek(0), buf.truncate()
    if buf.tell():
        yield buf.getvalue().encode("utf-8")


def xlsx_stream(header, records, widths, date_columns=(), title="Báo cáo"):
    """A write-only workbook: a bold header row, column widths, dates as dd/mm/yyyy, and every text
    cell stored as a string (data type "s"), so nothing a trainee typed can become a formula."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=title[:31])
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.freeze_panes = "A2"
    bold = Font(bold=True)
    head = []
    for h in header:
        c = WriteOnlyCell(ws, value=h)
        c.font = bold
        head.append(c)
    ws.append(head)
    for rec in records:
        out = []
        for i, v in enumerate(rec):
            if isinstance(v, str):
                c = WriteOnlyCell(ws, value=v)
                c.data_type = "s"  # text, even when it starts with "="
            else:
                c = WriteOnlyCell(ws, value=v)
                if i in date_columns and v is not None:
                    c.number_format = "dd/mm/yyyy"
            out.append(c)
        ws.append(out)
    fd, path = tempfile.mkstemp(suffix=".xlsx")
    os.close(fd)
    try:
        wb.save(path)
        with open(path, "rb") as fh:
            while chunk := fh.read(CHUNK):
                yield chunk
    finally:
        os.unlink(path)
