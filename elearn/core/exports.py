"""Tables to CSV and XLSX downloads: the one writer for reports, quiz results and course progress.

* CSV: UTF-8 with a BOM (so Excel reads Vietnamese), streamed in batches of rows; a text cell that
  starts with ``= + - @`` (or a tab / carriage return) gets a leading ``'`` so a spreadsheet does
  not run it as a formula (CSV injection).
* XLSX: openpyxl's write-only workbook, with a bold header row, column widths and dd/mm/yyyy dates;
  every text cell is stored as a string (never a formula) and numbers stay numbers. A zip cannot be
  finished before its last row, so it is written to a temporary file and sent in chunks: nothing is
  held in memory.
* Dates are dd/mm/yyyy and times dd/mm/yyyy HH:mm in Asia/Ho_Chi_Minh (stored times are naive UTC).

Callers pass rows as an iterable; a generator that reads the database must not need the request
(the response is streamed after the view returns).
"""
import csv
import io
import os
import tempfile
from datetime import date, datetime
from urllib.parse import quote

from flask import Response

from .timeutil import to_local

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MIME = "text/csv; charset=utf-8"
CHUNK = 64 * 1024


def neutralise(value):
    """A CSV cell: text that a spreadsheet would read as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _local(value):
    """A stored naive-UTC datetime as a naive local one; dates and everything else unchanged."""
    if isinstance(value, datetime):
        return to_local(value).replace(tzinfo=None)
    return value


def _csv_cell(value):
    if value is None:
        return ""
    if isinstance(value, datetime):
        return _local(value).strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return neutralise(value)


def csv_stream(header, records, batch=500):
    """UTF-8 with a BOM, CRLF rows, in batches of ``batch`` rows."""
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


def xlsx_stream(header, records, widths=(), date_columns=(), title="Báo cáo"):
    """A write-only workbook, sent in chunks (see the module's docstring)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=(title or "Sheet1")[:31])
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
            v = _local(v)
            c = WriteOnlyCell(ws, value=v)
            if isinstance(v, str):
                c.data_type = "s"  # text, even when it starts with "="
            elif isinstance(v, datetime):
                c.number_format = "dd/mm/yyyy hh:mm"
            elif isinstance(v, date) or (i in date_columns and v is not None):
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


def disposition(filename: str) -> str:
    """RFC 6266: an ASCII fallback and the UTF-8 name."""
    ascii_name = filename.encode("ascii", "ignore").decode() or "export"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"


def table_response(fmt: str, basename: str, header: list, rows, title: str = "Sheet1", widths=()) -> Response:
    """A CSV or XLSX download of ``rows`` under ``header``, not cached."""
    headers = {"Content-Disposition": disposition(f"{basename}.{fmt}"), "Cache-Control": "no-store"}
    if fmt == "csv":
        return Response(csv_stream(header, rows), mimetype=CSV_MIME, headers=headers)
    return Response(xlsx_stream(header, rows, widths, title=title), mimetype=XLSX_MIME, headers=headers)
