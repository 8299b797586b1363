"""The paper sign-in sheet PDF: page size, Vietnamese text, table header on every page, footer.

No Flask app: elearn.workshops.signin_pdf needs only fpdf2 and the fonts in elearn/core/fonts.
"""

import io
import os
import re
import unicodedata

import pypdf
import pytest

from elearn.workshops.signin_pdf import BLANK_ROWS, FONT_DIR, ROW_MIN_H, SheetRow, render_signin_sheet

HEADINGS = ("STT", "Họ và tên", "Đơn vị", "Ký tên")
A4_PT = (595.28, 841.89)
MM = 72 / 25.4
LONG_UNIT = (
    "Phòng Nghiệp vụ, Thư viện tỉnh Lạng Sơn, chi nhánh huyện Văn Lãng, "
    "xã Tân Thanh và các điểm bưu điện văn hoá xã"
)


def make_sheet(rows=None, **overrides) -> bytes:
    fields = dict(
        workshop_title="Tập huấn Luật Thư viện năm 2026",
        session_title="Buổi 1: Những điểm mới của Luật Thư viện",
        starts_local="27/11/2026 08:00–11:30",
        venue="Hội trường Thư viện tỉnh Lạng Sơn",
        trainer="ThS. Nguyễn Văn An",
        rows=rows
        if rows is not None
        else [
            SheetRow(name="Hoàng Thị Mai", unit="Thư viện huyện Cao Lộc"),
            SheetRow(name="Lộc Văn Đức", unit="Thư viện tỉnh Lạng Sơn"),
        ],
    )
    fields.update(overrides)
    return render_signin_sheet(**fields)


def norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def reader(pdf: bytes) -> pypdf.PdfReader:
    return pypdf.PdfReader(io.BytesIO(pdf))


def page_texts(pdf: bytes) -> list[str]:
    return [norm(page.extract_text()) for page in reader(pdf).pages]


def many_rows(n: int) -> list[SheetRow]:
    return [SheetRow(name=f"Học viên số {i:02d}", unit=f"Thư viện xã Tân Thanh {i:02d}") for i in range(1, n + 1)]


def header_row(text: str) -> bool:
    return "STT Họ và tên Đơn vị Ký tên" in text


# ---------------------------------------------------------------- page, fonts


def test_is_a4_portrait_pdf():
    pdf = make_sheet()
    assert pdf.startswith(b"%PDF-")
    for page in reader(pdf).pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert width < height
        assert width == pytest.approx(A4_PT[0], abs=0.5)
        assert height == pytest.approx(A4_PT[1], abs=0.5)
        assert int(page.get("/Rotate", 0)) % 360 == 0


def test_uses_shipped_dejavu_fonts():
    assert os.path.isfile(os.path.join(FONT_DIR, "DejaVuSans.ttf"))
    assert os.path.isfile(os.path.join(FONT_DIR, "DejaVuSans-Bold.ttf"))
    fonts = set()
    for page in reader(make_sheet()).pages:
        for font in page["/Resources"]["/Font"].values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    assert fonts and all("DejaVuSans" in name for name in fonts)
    assert any("Bold" in name for name in fonts)


# ---------------------------------------------------------------- text


def test_header_and_vietnamese_text():
    (text,) = page_texts(make_sheet())
    for expected in (
        "DANH SÁCH KÝ TÊN THAM DỰ",
        "Tập huấn Luật Thư viện năm 2026",
        "Buổi 1: Những điểm mới của Luật Thư viện",
        "27/11/2026 08:00–11:30",
        "Hội trường Thư viện tỉnh Lạng Sơn",
        "ThS. Nguyễn Văn An",
        "Hoàng Thị Mai",
        "Thư viện huyện Cao Lộc",
        "Lộc Văn Đức",
        "Thư viện tỉnh Lạng Sơn",
        "Ký tên",
        "Trang 1/1",
    ):
        assert expected in text, expected
    assert header_row(text)


def test_decomposed_input_is_normalised():
    rows = [SheetRow(name=unicodedata.normalize("NFD", "Hoàng Thị Mai"), unit=unicodedata.normalize("NFD", "Cao Lộc"))]
    raw = "".join(page.extract_text() for page in reader(make_sheet(rows)).pages)
    assert "Hoàng Thị Mai" in unicodedata.normalize("NFC", raw)


def test_rows_in_given_order_numbered_with_blank_rows_after():
    rows = [SheetRow("Vũ Thị Yến", "A"), SheetRow("Âu Văn Bình", "B"), SheetRow("Lộc Văn Đức", "C")]
    (text,) = page_texts(make_sheet(rows))
    # Not re-sorted: the caller's order is kept.
    assert text.index("Vũ Thị Yến") < text.index("Âu Văn Bình") < text.index("Lộc Văn Đức")
    assert "1 Vũ Thị Yến A" in text and "2 Âu Văn Bình B" in text and "3 Lộc Văn Đức C" in text
    # Blank numbered rows for walk-ins follow, nothing else between them.
    blanks = " ".join(str(n) for n in range(4, 4 + BLANK_ROWS))
    assert f"3 Lộc Văn Đức C {blanks} Trang 1/1" in text


def test_empty_list_still_prints_blank_rows():
    (text,) = page_texts(make_sheet(rows=[]))
    assert header_row(text)
    assert " ".join(str(n) for n in range(1, 1 + BLANK_ROWS)) in text


def test_empty_trainer_line_is_left_out():
    (text,) = page_texts(make_sheet(trainer=""))
    assert "Giảng viên" not in text
    assert "Địa điểm: Hội trường Thư viện tỉnh Lạng Sơn" in text


# ---------------------------------------------------------------- pages


def test_sixty_rows_span_pages_with_header_row_on_each():
    rows = many_rows(60)
    pages = page_texts(make_sheet(rows))
    assert len(pages) > 1
    for number, text in enumerate(pages, start=1):
        assert header_row(text), f"page {number} has no header row"
        assert f"Trang {number}/{len(pages)}" in text
    everything = " ".join(pages)
    for row in rows:
        assert row.name in everything and row.unit in everything
    # The sheet title is printed in full on page 1 only; later pages carry a running title.
    assert "Thời gian: 27/11/2026" in pages[0]
    assert all("Thời gian:" not in text for text in pages[1:])
    assert all("DANH SÁCH KÝ TÊN THAM DỰ" in text for text in pages)


def test_each_person_appears_exactly_once_and_rows_never_split():
    rows = many_rows(60)
    pages = page_texts(make_sheet(rows))
    for row in rows:
        hits = [i for i, text in enumerate(pages) if row.name in text]
        assert len(hits) == 1, row.name
        assert f"{row.name} {row.unit}" in pages[hits[0]]
    numbers = [int(n) for text in pages for n in re.findall(r"(?:^|\s)(\d+) Học viên", text)]
    assert numbers == list(range(1, 61))


def test_row_height_leaves_room_to_sign():
    assert ROW_MIN_H >= 10
    # 60 rows at >= 10 mm cannot fit on fewer than three A4 pages.
    assert len(reader(make_sheet(many_rows(60))).pages) >= 3


# ---------------------------------------------------------------- long text


def test_long_unit_wraps_inside_its_cell():
    rows = [SheetRow(name="Hoàng Thị Mai", unit=LONG_UNIT), SheetRow(name="Lộc Văn Đức", unit="Thư viện xã")]
    (text,) = page_texts(make_sheet(rows))
    assert LONG_UNIT in text  # wrapped at spaces, nothing lost
    assert "Lộc Văn Đức" in text


def test_very_long_name_is_cut_not_overflowing():
    name = "Nguyễn Thị Ngọc Huyền " * 30
    pdf = make_sheet([SheetRow(name=name, unit="Thư viện xã"), SheetRow(name="Lộc Văn Đức", unit="X")])
    (text,) = page_texts(pdf)
    assert "…" in text
    assert "Lộc Văn Đức" in text
    assert text.count("Nguyễn Thị Ngọc Huyền") < 30


def test_long_header_texts_fit():
    long_title = "Tập huấn nghiệp vụ thư viện hiện đại: chuyển đổi số trong thư viện công cộng cấp tỉnh, huyện, xã " * 3
    pages = page_texts(make_sheet(workshop_title=long_title, venue="Hội trường " * 40, rows=many_rows(60)))
    assert len(pages) > 1
    assert all(header_row(text) for text in pages)
