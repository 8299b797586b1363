"""Paper sign-in sheet for a workshop session, as an A4 portrait PDF.

The fallback when attendance cannot be taken on screen: print it, pass it round,
key the signatures in afterwards. Self-contained: needs only fpdf2 and the
DejaVu Sans fonts shipped with ``elearn.progress`` (never the system's fonts).
Black on white (the header row has a light grey fill), so it photocopies well.

    pdf_bytes = render_signin_sheet(
        workshop_title=..., session_title=..., starts_local="27/11/2026 08:00–11:30",
        venue=..., trainer=..., rows=[SheetRow(name=..., unit=...), ...],
    )

Rows are printed in the order given (the caller sorts them the Vietnamese way),
numbered from 1, followed by ``BLANK_ROWS`` empty numbered rows for walk-ins.
The table header row is repeated on every page; the footer reads "Trang x/y".
"""

from __future__ import annotations

from dataclasses import dataclass

from fpdf.enums import Align, MethodReturnValue, XPos, YPos

from ..core.pdf import FONT_DIR, FONT_FAMILY, Document, nfc

__all__ = ["SheetRow", "render_signin_sheet", "FONT_DIR", "BLANK_ROWS", "ROW_MIN_H", "COLUMNS", "SHEET_TITLE"]


SHEET_TITLE = "DANH SÁCH KÝ TÊN THAM DỰ"
#: Empty rows added after the list, for people who were not signed up.
BLANK_ROWS = 5
#: Minimum height of a table row in mm (room to sign).
ROW_MIN_H = 11.0
#: (heading, width in mm, alignment of the cell text). Widths add up to the content width.
COLUMNS: tuple[tuple[str, float, Align], ...] = (
    ("STT", 12.0, Align.C),
    ("Họ và tên", 58.0, Align.L),
    ("Đơn vị", 62.0, Align.L),
    ("Ký tên", 48.0, Align.C),
)

# A4 portrait, in millimetres.
PAGE_W, PAGE_H = 210.0, 297.0
_MARGIN_X = 15.0
_MARGIN_TOP = 14.0
_TABLE_BOTTOM = PAGE_H - 18.0  # rows end above this; the footer sits below
_CONTENT_W = PAGE_W - 2 * _MARGIN_X
_PT = 25.4 / 72  # one point in mm
_LEADING = 1.2
_PAD_X = 1.5  # inner horizontal padding of table cells
_PAD_Y = 1.0
_HEAD_ROW_H = 9.0
_CELL_MAX_PT, _CELL_MIN_PT = 10.0, 7.5
_CELL_MAX_LINES = 4  # a row grows to at most this many lines of the smallest size
_ELLIPSIS = "\u2026"

assert abs(sum(w for _, w, _ in COLUMNS) - _CONTENT_W) < 1e-6


@dataclass
class SheetRow:
    name: str
    unit: str


def _line_h(pt: float) -> float:
    return pt * _PT * _LEADING


class _Sheet(Document):
    def __init__(self, running_title: str) -> None:
        super().__init__(orientation="P")  # page breaks are placed by hand, between rows
        self.set_margins(_MARGIN_X, _MARGIN_TOP, _MARGIN_X)
        self.running_title = running_title

    # ------------------------------------------------------------ text fitting

    def wrap(self, text: str, width: float) -> list[str]:
        if not text:
            return []
        lines = self.multi_cell(width, 5, text, dry_run=True, output=MethodReturnValue.LINES, align=Align.L)
        return [line.strip() for line in lines if line.strip()]

    def cut(self, lines: list[str], max_lines: int, width: float) -> list[str]:
        """Keep ``max_lines`` lines, ending the last one with an ellipsis."""
        lines = lines[:max_lines]
        last = lines[-1].rstrip() if lines else ""
        while last and self.get_string_width(last + _ELLIPSIS) > width:
            last = last[:-1].rstrip()
        lines[-1:] = [last + _ELLIPSIS]
        return lines

    def fit(
        self, text: str, style: str, width: float, max_pt: float, min_pt: float, max_lines: int
    ) -> tuple[float, list[str], bool]:
        """(size, lines, cut): the largest size (half-point steps) at which ``text`` wraps
        into at most ``max_lines`` lines of ``width``; at ``min_pt`` the excess is cut
        with an ellipsis."""
        size = max_pt
        while True:
            self.set_font(FONT_FAMILY, style, size)
            # No glyph is narrower than 1/5 em: more text than this can never be shown.
            cap = int((max_lines + 1) * width / (0.2 * size * _PT)) + 1
            lines = self.wrap(text[:cap], width)
            if len(lines) <= max_lines and len(text) <= cap:
                return size, lines, False
            if size - 0.5 < min_pt - 1e-9:
                return size, self.cut(lines, max_lines, width), True
            size -= 0.5

    def text_block(
        self, text: str, y: float, *, style: str = "", max_pt: float, min_pt: float | None = None,
        max_lines: int = 1, x: float = _MARGIN_X, width: float = _CONTENT_W, align: Align = Align.C,
    ) -> float:
        """Draw ``text`` fitted into at most ``max_lines`` lines at ``y``; return the y below it."""
        if not text:
            return y
        size, lines, _ = self.fit(text, style, width, max_pt, max_pt if min_pt is None else min_pt, max_lines)
        self.set_font(FONT_FAMILY, style, size)
        line_h = _line_h(size)
        for i, line in enumerate(lines):
            self.set_xy(x, y + i * line_h)
            self.cell(width, line_h, line, align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        return y + len(lines) * line_h

    # ------------------------------------------------------------ table

    def cell_layout(self, text: str, width: float) -> tuple[float, list[str], float]:
        """(font size, lines, row height needed) for a table cell's text.

        The text shrinks (10 → 7.5 pt) to fit the minimum row height; if it still
        does not fit, the row grows (up to ``_CELL_MAX_LINES`` lines); beyond that
        it is cut with an ellipsis."""
        inner = width - 2 * _PAD_X
        if not text:
            return _CELL_MAX_PT, [], ROW_MIN_H
        size = _CELL_MAX_PT
        while size >= _CELL_MIN_PT - 1e-9:
            fit_lines = max(1, int((ROW_MIN_H - 2 * _PAD_Y + 1e-6) // _line_h(size)))
            _, lines, cut = self.fit(text, "", inner, size, size, fit_lines)
            if not cut:
                return size, lines, ROW_MIN_H
            size -= 0.5
        size, lines, _ = self.fit(text, "", inner, _CELL_MIN_PT, _CELL_MIN_PT, _CELL_MAX_LINES)
        return size, lines, max(ROW_MIN_H, len(lines) * _line_h(size) + 2 * _PAD_Y)

    def draw_cell_text(self, x: float, y: float, w: float, h: float, size: float, lines: list[str], align: Align) -> None:
        if not lines:
            return
        self.set_font(FONT_FAMILY, "", size)
        line_h = _line_h(size)
        top = y + (h - len(lines) * line_h) / 2
        for i, line in enumerate(lines):
            self.set_xy(x + _PAD_X, top + i * line_h)
            self.cell(w - 2 * _PAD_X, line_h, line, align=align)

    def header_row(self, y: float) -> float:
        self.set_line_width(0.3)
        self.set_fill_color(230, 230, 230)
        self.set_font(FONT_FAMILY, "B", 10)
        x = _MARGIN_X
        for heading, width, _ in COLUMNS:
            self.set_xy(x, y)
            self.cell(width, _HEAD_ROW_H, heading, border=1, align=Align.C, fill=True)
            x += width
        return y + _HEAD_ROW_H

    def body_row(self, y: float, number: int, name: str, unit: str) -> float:
        (_, num_w, num_align), (_, name_w, name_align), (_, unit_w, unit_align), (_, sign_w, _) = COLUMNS
        name_size, name_lines, name_h = self.cell_layout(name, name_w)
        unit_size, unit_lines, unit_h = self.cell_layout(unit, unit_w)
        h = max(ROW_MIN_H, name_h, unit_h)
        if y + h > _TABLE_BOTTOM:
            y = self.new_page()
        self.set_line_width(0.2)
        x = _MARGIN_X
        for _, width, _ in COLUMNS:
            self.rect(x, y, width, h)
            x += width
        self.draw_cell_text(_MARGIN_X, y, num_w, h, 10, [str(number)], num_align)
        self.draw_cell_text(_MARGIN_X + num_w, y, name_w, h, name_size, name_lines, name_align)
        self.draw_cell_text(_MARGIN_X + num_w + name_w, y, unit_w, h, unit_size, unit_lines, unit_align)
        return y + h

    def new_page(self) -> float:
        """A continuation page: a one-line running title, then the header row."""
        self.add_page()
        y = self.text_block(self.running_title, _MARGIN_TOP, max_pt=8.5, min_pt=7, align=Align.L)
        return self.header_row(y + 2)

    def footer(self) -> None:
        self.set_font(FONT_FAMILY, "", 8)
        self.set_xy(_MARGIN_X, PAGE_H - 13)
        # "{nb}" is fpdf2's alias for the total page count, filled in at output.
        self.cell(_CONTENT_W, 5, f"Trang {self.page_no()}/{{nb}}", align=Align.C)


# ---------------------------------------------------------------- renderer


def render_signin_sheet(
    *,
    workshop_title: str,
    session_title: str,
    starts_local: str,
    venue: str,
    trainer: str,
    rows: list[SheetRow],
) -> bytes:
    """Render the sign-in sheet as an A4 portrait PDF and return its bytes."""
    workshop_title = nfc(workshop_title)
    session_title = nfc(session_title)
    starts_local = nfc(starts_local)
    venue = nfc(venue)
    trainer = nfc(trainer)

    running = " – ".join(part for part in (SHEET_TITLE, workshop_title, session_title, starts_local) if part)
    pdf = _Sheet(running)
    pdf.set_title(f"Danh sách ký tên - {session_title or workshop_title}")
    pdf.set_subject(workshop_title)
    pdf.set_creator("Thư viện học tập")
    pdf.set_lang("vi")
    pdf.add_page()

    y = pdf.text_block(SHEET_TITLE, _MARGIN_TOP, style="B", max_pt=15)
    y = pdf.text_block(workshop_title, y + 2.5, style="B", max_pt=12.5, min_pt=9, max_lines=3)
    y = pdf.text_block(session_title, y + 1, max_pt=11.5, min_pt=9, max_lines=2)
    y += 3
    for label, value in (("Thời gian", starts_local), ("Địa điểm", venue), ("Giảng viên", trainer)):
        if value:
            y = pdf.text_block(f"{label}: {value}", y + 0.5, max_pt=10.5, min_pt=8.5, max_lines=2, align=Align.L)
    y = pdf.header_row(y + 4)

    entries = [(nfc(row.name), nfc(row.unit)) for row in rows] + [("", "")] * BLANK_ROWS
    for number, (name, unit) in enumerate(entries, start=1):
        y = pdf.body_row(y, number, name, unit)

    return bytes(pdf.output())
