"""Reading uploaded CSV files: the one reader behind every CSV import (org units, accounts, the
workshop sign-in sheet).

- UTF-8, with or without a byte-order mark (Excel's "CSV UTF-8"); any other encoding is refused
  with a clear Vietnamese message naming the line, never guessed.
- The delimiter is whatever makes the header line read as the expected header: a comma, a
  semicolon (Excel with Vietnamese regional settings) or a tab.
- The header must start with the expected columns (case and spaces ignored; extra columns after
  them are ignored).
- Rows come back as ``(line, {column: stripped cell})``, ``line`` being the file line the row starts
  on, so error messages point where a person looks; blank rows are skipped, short rows padded.
"""
import csv
import io

from flask_babel import gettext as _

from .errors import ServiceError

DELIMITERS = (",", ";", "\t")


def decode(data: bytes | str) -> str:
    """The text of an uploaded CSV file: UTF-8 (a BOM is dropped), else a ServiceError naming the line."""
    if isinstance(data, str):
        return data[1:] if data.startswith("\ufeff") else data
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise ServiceError(_("Tệp CSV phải được lưu với mã UTF-8 (dòng %(line)d có ký tự không đọc được). "
                             "Trong Excel hãy chọn Lưu thành “CSV UTF-8”; trong LibreOffice chọn bộ ký tự "
                             "Unicode (UTF-8).", line=line)) from None


def _header(cells) -> tuple[str, ...]:
    return tuple(c.strip().lower() for c in cells)


def _pick_delimiter(first_line: str, expected: tuple[str, ...]) -> str | None:
    for delimiter in DELIMITERS:
        cells = next(csv.reader([first_line], delimiter=delimiter), [])
        if _header(cells)[: len(expected)] == expected:
            return delimiter
    return None


def read_rows(data: bytes | str, expected: tuple[str, ...], *, max_rows: int | None = None):
    """[(line, row dict)] of a CSV file whose header starts with ``expected``.

    Raises ServiceError for another encoding, an empty file, a wrong header, a broken quote, or more
    than ``max_rows`` data rows."""
    text = decode(data)
    first_line = text.split("\n", 1)[0].rstrip("\r")
    if not text.strip():
        raise ServiceError(_("Tệp CSV trống."))
    delimiter = _pick_delimiter(first_line, expected)
    if delimiter is None:
        raise ServiceError(_("Dòng tiêu đề phải là: %(cols)s", cols=",".join(expected)))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows = []
    try:
        next(reader)
        while True:
            start = reader.line_num + 1
            try:
                row = next(reader)
            except StopIteration:
                break
            if not any(c.strip() for c in row):
                continue
            if max_rows is not None and len(rows) >= max_rows:
                raise ServiceError(_("Tệp có quá %(n)d dòng.", n=max_rows))
            row = row + [""] * (len(expected) - len(row))
            rows.append((start, {k: row[i].strip() for i, k in enumerate(expected)}))
    except csv.Error:
        raise ServiceError(_("Tệp CSV hỏng ở dòng %(line)d (dấu ngoặc kép chưa đóng?).",
                             line=reader.line_num or 1)) from None
    return rows
