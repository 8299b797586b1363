"""Tables to CSV and XLSX downloads, with the rules of the manager reports.

* CSV: UTF-8 with a BOM (so Excel reads Vietnamese), streamed row by row; a text cell that starts
  with ``= + - @`` (or a tab / carriage return) gets a leading ``'`` so a spreadsheet does not run it
  as a formula (CSV injection).
* XLSX: openpyxl in write-only mode; such cells are written as text (never as formulas); numbers
  stay numbers.
"""
import csv
import io
from datetime import datetime
from urllib.parse import quote

from flask import Response

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def neutralise(value):
    """A CSV cell: text that a spreadsheet would read as a formula gets a leading '."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    return value


def _disposition(filename: str) -> str:
    ascii_name = filename.encode("ascii", "ignore").decode() or "export"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"


def csv_response(filename: str, header: list, rows: list) -> Response:
    def generate():
        buf = io.StringIO()
        writer = csv.writer(buf)
        buf.write("\ufeff")
        writer.writerow([neutralise(h) for h in header])
        for row in rows:
            writer.writerow([neutralise(_cell(v)) for v in row])
            yield buf.getvalue()
            buf.seek(0)
            buf.truncate()
        yield buf.getvalue()

    # rows are materialised by the caller, so the generator needs no request context
    return Response(generate(), mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": _disposition(filename)})


def xlsx_bytes(header: list, rows, title: str = "Sheet1") -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=title[:31] or "Sheet1")

    def cells(values):
        out = []
        for v in values:
            v = _cell(v)
            cell = WriteOnlyCell(ws, value=v)
            if isinstance(v, str):
                cell.data_type = "s"  # text, even when it starts with = + - @
            out.append(cell)
        return out

    ws.append(cells(header))
    for row in rows:
        ws.append(cells(row))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def xlsx_response(filename: str, header: list, rows, title: str = "Sheet1") -> Response:
    return Response(xlsx_bytes(header, rows, title), mimetype=XLSX_MIME,
                    headers={"Content-Disposition": _disposition(filename)})


def table_response(fmt: str, basename: str, header: list, rows, title: str = "Sheet1") -> Response:
    if fmt == "csv":
        return csv_response(basename + ".csv", header, rows)
    return xlsx_response(basename + ".xlsx", header, rows, title)
