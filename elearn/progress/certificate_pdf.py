"""Course-completion certificate as an A4 landscape PDF.

Self-contained: needs only fpdf2 and segno, and the DejaVu Sans fonts shipped
in ``fonts/`` beside this file (never the system's fonts). Black on white, so
it prints the same in black and white.

    pdf_bytes = render_certificate(CertificateData(...))

The QR code at the bottom left encodes ``verify_url`` (the public
``/verify/<code>`` page); ``qr_png`` builds the exact PNG that is embedded.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timezone

import segno
from fpdf.enums import Align, MethodReturnValue, XPos, YPos

from ..core.pdf import FONT_DIR, FONT_FAMILY, Document, nfc  # noqa: F401 (FONT_DIR: tests)

__all__ = ["CertificateData", "render_certificate", "qr_png", "format_hours", "QR_SCALE", "QR_BORDER"]


#: PNG geometry of the QR code: pixels per module and quiet-zone width in modules.
QR_SCALE = 10
QR_BORDER = 4

# A4 landscape, in millimetres.
PAGE_W, PAGE_H = 297.0, 210.0
_PT = 25.4 / 72  # one point in mm
_CONTENT_W = 230.0  # width of the centred text column
_BOTTOM_TOP = 150.0  # where the QR code and signature block start
_COLUMN_BOTTOM = 147.0  # the centre column ends above this
_ELLIPSIS = "\u2026"


@dataclass
class CertificateData:
    full_name: str
    course_title: str
    hours: float
    completed_on: date
    issuer: str
    signer_name: str
    signer_title: str
    code: str
    verify_url: str
    unit_name: str = ""


# ---------------------------------------------------------------- helpers


def format_hours(hours: float) -> str:
    """8 → "8", 7.5 → "7,5", 1.25 → "1,25" (Vietnamese decimal comma, at most 2 decimals)."""
    text = f"{float(hours):.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text.replace(".", ",")


def _dmy(d: date) -> str:
    return f"{d.day:02d}/{d.month:02d}/{d.year:04d}"


_PLACE_RE = re.compile(r"\b(?:tỉnh|thành phố|tp\.?|huyện|quận|thị xã)\s+(.+)$", re.IGNORECASE)


def _place(issuer: str) -> str:
    """The place for the "<place>, ngày ... " line: "Thư viện tỉnh Lạng Sơn" → "Lạng Sơn".

    Falls back to the whole issuer name when no province/city can be picked out.
    """
    match = _PLACE_RE.search(issuer)
    return match.group(1).strip() if match else issuer


def _lines_h(pt: float, n: int) -> float:
    """Height in mm of ``n`` lines of ``pt``-point text."""
    return n * pt * _PT * 1.22


def _make_qr(url: str) -> segno.QRCode:
    # micro=False: always a full QR code, which every phone camera reads.
    return segno.make(url, error="m", micro=False)


def qr_png(url: str) -> bytes:
    """The QR code for ``url`` as a black-on-white PNG (``QR_SCALE`` px per module,
    ``QR_BORDER`` modules of quiet zone): the image embedded in the certificate."""
    buf = io.BytesIO()
    _make_qr(url).save(buf, kind="png", scale=QR_SCALE, border=QR_BORDER, dark="black", light="white")
    return buf.getvalue()


class _Certificate(Document):
    def __init__(self) -> None:
        super().__init__(orientation="L")
        self.set_margins(0, 0, 0)

    # Text is laid out in boxes: the font shrinks (from max_pt down to min_pt)
    # until the wrapped text fits the box; if even min_pt does not fit, the
    # last line that fits is cut with an ellipsis. Nothing leaves its box.
    def fit_lines(
        self, text: str, style: str, width: float, max_h: float, max_pt: float, min_pt: float, leading: float = 1.22
    ) -> tuple[float, float, list[str], bool]:
        """Return (font size, line height, lines, whether the text had to be cut)."""

        def attempt(size: float) -> tuple[float, list[str], bool]:
            self.set_font(FONT_FAMILY, style, size)
            line_h = size * _PT * leading
            max_lines = max(1, int((max_h + 1e-6) // line_h))
            # Only the first max_lines lines can be shown: wrap no more text than could
            # fill one more line than that (no glyph is narrower than 1/5 em).
            cap = int((max_lines + 1) * width / (0.2 * size * _PT)) + 1
            lines = self._wrap(text[:cap], width, line_h)
            cut = len(text) > cap or len(lines) > max_lines
            if cut:
                lines = lines[:max_lines]
                last = lines[-1].rstrip() if lines else ""
                while last and self.get_string_width(last + _ELLIPSIS) > width:
                    last = last[:-1].rstrip()
                lines[-1:] = [last + _ELLIPSIS]
            return line_h, lines, cut

        # The largest size, in half points from max_pt down to min_pt, at which nothing is cut.
        sizes = [max_pt - 0.5 * i for i in range(int((max_pt - min_pt) / 0.5) + 1)] or [max_pt]
        best = (sizes[-1], *attempt(sizes[-1]))
        if len(sizes) > 1 and not best[3]:
            lo, hi = 0, len(sizes) - 1  # sizes[hi] fits; find the first (largest) that does
            while lo < hi:
                mid = (lo + hi) // 2
                result = attempt(sizes[mid])
                if result[2]:
                    lo = mid + 1
                else:
                    hi, best = mid, (sizes[mid], *result)
        return best

    def _wrap(self, text: str, width: float, line_h: float) -> list[str]:
        if not text:
            return []
        lines = self.multi_cell(width, line_h, text, dry_run=True, output=MethodReturnValue.LINES)
        return [line.strip() for line in lines if line.strip()]

    def text_box(
        self,
        text: str,
        y: float,
        *,
        style: str = "",
        max_pt: float,
        min_pt: float | None = None,
        max_h: float | None = None,
        x: float | None = None,
        width: float = _CONTENT_W,
        align: Align = Align.C,
        draw: bool = True,
    ) -> float:
        """Draw ``text`` fitted into a box at ``y``; return the y just below it.

        With ``draw=False`` nothing is drawn: only the height is measured."""
        if x is None:
            x = (PAGE_W - width) / 2
        min_pt = max_pt if min_pt is None else min_pt
        max_h = max_pt * _PT * 1.22 if max_h is None else max_h
        size, line_h, lines, _ = self.fit_lines(text, style, width, max_h, max_pt, min_pt)
        if not draw:
            return y + len(lines) * line_h
        self.set_font(FONT_FAMILY, style, size)
        for i, line in enumerate(lines):
            self.set_xy(x, y + i * line_h)
            self.cell(width, line_h, line, align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        return y + len(lines) * line_h


# ---------------------------------------------------------------- renderer

NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
_LEFT_X, _LEFT_W = 16.0, 112.0  # issuing library
_RIGHT_W = 140.0  # national name and motto
_RIGHT_X = PAGE_W - 16.0 - _RIGHT_W
_TOP_Y = 17.0


def _heading(pdf: _Certificate, issuer: str) -> float:
    """Draw the two-column heading; return the y just below it."""
    left = pdf.text_box(issuer.upper(), _TOP_Y, style="B", max_pt=12, min_pt=8, max_h=_lines_h(12, 2),
                        x=_LEFT_X, width=_LEFT_W)
    pdf.set_line_width(0.4)
    pdf.line(_LEFT_X + _LEFT_W / 2 - 15, left + 1.5, _LEFT_X + _LEFT_W / 2 + 15, left + 1.5)
    right = pdf.text_box(NATION, _TOP_Y, style="B", max_pt=12, min_pt=10, x=_RIGHT_X, width=_RIGHT_W)
    right = pdf.text_box(MOTTO, right + 0.5, style="B", max_pt=13, x=_RIGHT_X, width=_RIGHT_W)
    pdf.set_font(FONT_FAMILY, "B", 13)
    half = pdf.get_string_width(MOTTO) / 2  # the rule under the motto is as wide as the motto
    centre = _RIGHT_X + _RIGHT_W / 2
    pdf.line(centre - half, right + 1.5, centre + half, right + 1.5)
    return max(left, right) + 1.5


def render_certificate(data: CertificateData) -> bytes:
    """Render the certificate as a one-page A4 landscape PDF and return its bytes."""
    full_name = nfc(data.full_name)
    course_title = nfc(data.course_title)
    issuer = nfc(data.issuer)
    signer_name = nfc(data.signer_name)
    signer_title = nfc(data.signer_title)
    unit_name = nfc(data.unit_name)
    code = nfc(data.code)
    verify_url = (data.verify_url or "").strip()
    done = data.completed_on

    pdf = _Certificate()
    pdf.set_title(f"Giấy chứng nhận - {full_name} - {course_title}")
    pdf.set_author(issuer)
    pdf.set_subject(f"Chứng nhận hoàn thành khoá học: {course_title}")
    pdf.set_keywords(code)
    pdf.set_creator("Thư viện học tập")
    pdf.set_lang("vi")
    # Deterministic: the same certificate always renders to the same bytes.
    pdf.set_creation_date(datetime.combine(done, time(), tzinfo=timezone.utc))
    pdf.add_page()

    # Frame: a heavy outer rule and a thin inner one.
    pdf.set_line_width(0.8)
    pdf.rect(8, 8, PAGE_W - 16, PAGE_H - 16)
    pdf.set_line_width(0.25)
    pdf.rect(10.5, 10.5, PAGE_W - 21, PAGE_H - 21)

    # Top, in Vietnamese administrative form (Nghị định 30/2020/NĐ-CP): the issuing library on the
    # left, in capitals; the national name and motto on the right; a short rule under each.
    y = _heading(pdf, issuer)

    # Centre column: (gap above, text, text_box options). Each box has a maximum
    # height, so even when every box is full the column ends above _BOTTOM_TOP.
    blocks: list[tuple[float, str, dict]] = [
        (5, "GIẤY CHỨNG NHẬN", dict(style="B", max_pt=32)),
        (1, "Hoàn thành khoá học", dict(max_pt=15)),
        (6, "Chứng nhận", dict(max_pt=13)),
        (1.5, full_name, dict(style="B", max_pt=28, min_pt=12, max_h=23)),
    ]
    if unit_name:
        blocks.append((0.5, f"Đơn vị công tác: {unit_name}", dict(max_pt=12, min_pt=9, max_h=_lines_h(12, 2))))
    blocks += [
        (3, "đã hoàn thành khoá học", dict(max_pt=13)),
        (1, course_title, dict(style="B", max_pt=19, min_pt=10, max_h=20)),
        (3, f"Thời lượng: {format_hours(data.hours)} giờ", dict(max_pt=12)),
        (0.5, f"Ngày hoàn thành: {_dmy(done)}", dict(max_pt=12)),
    ]
    # Short texts leave room: spread it over the gaps (at most 2.2×) and centre the rest.
    text_h = sum(pdf.text_box(text, 0, draw=False, **opts) for _, text, opts in blocks)
    gaps_h = sum(gap for gap, _, _ in blocks)
    room = _COLUMN_BOTTOM - y - text_h
    stretch = max(1.0, min(2.2, room / gaps_h))
    y += max(0.0, room - gaps_h * stretch) / 2
    for gap, text, opts in blocks:
        y = pdf.text_box(text, y + gap * stretch, **opts)

    # Bottom left: QR code, verification code, URL.
    qr_x, qr_size, info_w = 22.0, 30.0, 95.0
    pdf.image(io.BytesIO(qr_png(verify_url)), x=qr_x, y=_BOTTOM_TOP, w=qr_size, h=qr_size)
    y = _BOTTOM_TOP + qr_size + 1.5
    y = pdf.text_box(f"Mã xác thực: {code}", y, style="B", max_pt=10, min_pt=7, x=qr_x, width=info_w, align=Align.L)
    pdf.text_box(
        verify_url, y + 0.5, max_pt=8, min_pt=6, max_h=_lines_h(8, 2), x=qr_x, width=info_w, align=Align.L
    )

    # Bottom right: "<place>, ngày dd tháng mm năm yyyy", title, signature space, name.
    sig_w = 110.0
    sig_x = PAGE_W - 20 - sig_w
    day = f"ngày {done.day:02d} tháng {done.month:02d} năm {done.year:04d}"
    dated = f"{_place(issuer)}, {day}"
    if pdf.fit_lines(dated, "", sig_w, _lines_h(12, 2), 12, 9)[3]:
        dated = day[0].upper() + day[1:]  # a place too long to fit: the date alone, never cut
    y = pdf.text_box(dated, _BOTTOM_TOP, max_pt=12, min_pt=9, max_h=_lines_h(12, 2), x=sig_x, width=sig_w)
    y += 1
    if signer_title:
        pdf.text_box(
            signer_title.upper(), y, style="B", max_pt=12, min_pt=8, max_h=_lines_h(12, 2), x=sig_x, width=sig_w
        )
    if signer_name:
        pdf.text_box(signer_name, 186, style="B", max_pt=13, min_pt=9, x=sig_x, width=sig_w)

    return bytes(pdf.output())
