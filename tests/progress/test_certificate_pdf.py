"""The certificate PDF renderer: page, Vietnamese text, QR code, fonts, size.

No Flask app: elearn.progress.certificate_pdf needs only fpdf2 and segno.
"""

import io
import os
import shutil
import struct
import subprocess
import unicodedata
import warnings
import zlib
from datetime import date

import pypdf
import pytest
import segno

from elearn.progress.certificate_pdf import (
    FONT_DIR,
    QR_BORDER,
    QR_SCALE,
    CertificateData,
    format_hours,
    qr_png,
    render_certificate,
)

VERIFY_URL = "https://thuvien.example.vn/verify/7KQ2-M9XD-4T3P"
LONG_NAME = "Nguyễn Thị Ngọc Huyền Trương Đặng"
LONG_TITLE = (
    "Nghiệp vụ thư viện hiện đại: tổ chức, quản lý và khai thác tài nguyên thông tin số, "
    "chuyển đổi số trong thư viện công cộng cấp tỉnh, huyện và xã theo Luật Thư viện năm 2019"
)


def make_data(**overrides) -> CertificateData:
    fields = dict(
        full_name="Hoàng Thị Mai",
        course_title="Pháp luật về thư viện",
        hours=8,
        completed_on=date(2026, 11, 27),
        issuer="Thư viện tỉnh Lạng Sơn",
        signer_name="Nguyễn Văn An",
        signer_title="Giám đốc",
        code="7KQ2-M9XD-4T3P",
        verify_url=VERIFY_URL,
        unit_name="Thư viện huyện Cao Lộc",
    )
    fields.update(overrides)
    return CertificateData(**fields)


def norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def reader(pdf: bytes) -> pypdf.PdfReader:
    return pypdf.PdfReader(io.BytesIO(pdf))


def page_text(pdf: bytes) -> str:
    return norm(" ".join(page.extract_text() for page in reader(pdf).pages))


@pytest.fixture(scope="module")
def pdf() -> bytes:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # e.g. fpdf2's warning for a glyph missing from the font
        return render_certificate(make_data())


# ---------------------------------------------------------------- page and text


def test_is_one_a4_landscape_page(pdf):
    assert pdf.startswith(b"%PDF-")
    pages = reader(pdf).pages
    assert len(pages) == 1
    box = pages[0].mediabox
    assert float(box.width) == pytest.approx(842, abs=1)
    assert float(box.height) == pytest.approx(595, abs=1)


def test_text_has_the_vietnamese_fields(pdf):
    text = page_text(pdf)
    for expected in (
        "GIẤY CHỨNG NHẬN",
        "Hoàn thành khoá học",
        "Chứng nhận",
        "Hoàng Thị Mai",
        "Thư viện huyện Cao Lộc",
        "đã hoàn thành khoá học",
        "Pháp luật về thư viện",
        "Thời lượng: 8 giờ",
        "Ngày hoàn thành: 27/11/2026",
        "THƯ VIỆN TỈNH LẠNG SƠN",
        "Mã xác thực: 7KQ2-M9XD-4T3P",
        VERIFY_URL,
        "Lạng Sơn, ngày 27 tháng 11 năm 2026",
        "GIÁM ĐỐC",
        "Nguyễn Văn An",
    ):
        assert expected in text, expected


def test_national_motto_block_heads_the_page_opposite_the_issuing_library(pdf):
    """Vietnamese administrative form: the national name and motto top right, the library top left."""
    text = page_text(pdf)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Độc lập - Tự do - Hạnh phúc" in text
    runs = {}

    def visit(run, cm, tm, font, size):
        if run.strip():
            runs.setdefault(norm(run), (tm[4] * cm[0] + cm[4], tm[5] * cm[3] + cm[5]))

    reader(pdf).pages[0].extract_text(visitor_text=visit)
    nation = next(pos for run, pos in runs.items() if "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in run)
    motto = next(pos for run, pos in runs.items() if "Độc lập - Tự do - Hạnh phúc" in run)
    library = next(pos for run, pos in runs.items() if "THƯ VIỆN TỈNH LẠNG SƠN" in run)
    title = next(pos for run, pos in runs.items() if "GIẤY CHỨNG NHẬN" in run)
    assert nation[0] > 842 / 2 and motto[0] > 842 / 2 and library[0] < 842 / 2  # right / left halves
    assert nation[1] > motto[1] > title[1]  # PDF y grows upwards: nation, then motto, above the title
    assert abs(library[1] - nation[1]) < 2  # the library on the same line as the national name


def test_signer_name_and_title_come_from_configuration():
    from elearn.config import from_environ

    config = from_environ({"ELEARN_CERT_SIGNER_NAME": "Trần Thị Bình", "ELEARN_CERT_SIGNER_TITLE": "Phó Giám đốc"})
    assert config == {"CERTIFICATE_SIGNER_NAME": "Trần Thị Bình", "CERTIFICATE_SIGNER_TITLE": "Phó Giám đốc"}
    text = page_text(render_certificate(make_data(signer_name=config["CERTIFICATE_SIGNER_NAME"],
                                                  signer_title=config["CERTIFICATE_SIGNER_TITLE"])))
    assert "PHÓ GIÁM ĐỐC" in text and "Trần Thị Bình" in text


def test_metadata(pdf):
    meta = reader(pdf).metadata
    assert meta.author == "Thư viện tỉnh Lạng Sơn"
    assert "Hoàng Thị Mai" in meta.title
    assert "Pháp luật về thư viện" in meta.title


def test_rendering_is_deterministic(pdf):
    assert render_certificate(make_data()) == pdf


def test_decomposed_input_is_normalised():
    decomposed = unicodedata.normalize("NFD", "Hoàng Thị Mai")
    assert decomposed != "Hoàng Thị Mai"
    assert "Hoàng Thị Mai" in page_text(render_certificate(make_data(full_name=decomposed)))


def test_half_hours_use_a_decimal_comma():
    assert "Thời lượng: 7,5 giờ" in page_text(render_certificate(make_data(hours=7.5)))


@pytest.mark.parametrize(
    "hours, expected", [(8, "8"), (8.0, "8"), (7.5, "7,5"), (1.25, "1,25"), (0.5, "0,5"), (12.50, "12,5"), (0, "0")]
)
def test_format_hours(hours, expected):
    assert format_hours(hours) == expected


def test_no_unit_and_no_signer_name():
    text = page_text(render_certificate(make_data(unit_name="", signer_name="")))
    assert "Đơn vị công tác" not in text
    assert "Nguyễn Văn An" not in text
    assert "Hoàng Thị Mai" in text


def test_long_name_and_title_stay_on_one_page():
    pdf = render_certificate(
        make_data(
            full_name=LONG_NAME,
            course_title=LONG_TITLE,
            unit_name="Thư viện Tổng hợp tỉnh Bà Rịa - Vũng Tàu, Phòng Nghiệp vụ và Phục vụ bạn đọc",
            issuer="Thư viện Quốc gia Việt Nam và Trung tâm Đào tạo Bồi dưỡng Nghiệp vụ Thư viện",
            signer_title="Phó Giám đốc phụ trách đào tạo",
        )
    )
    assert len(reader(pdf).pages) == 1
    text = page_text(pdf)
    assert LONG_NAME in text
    assert LONG_TITLE in text  # wrapped over lines, not cut
    assert "ngày 27 tháng 11 năm 2026" in text


def test_absurdly_long_fields_are_cut_never_spilled():
    huge = (LONG_NAME + " ") * 30
    pdf = render_certificate(
        make_data(full_name=huge, course_title=huge, unit_name=huge, issuer=huge, signer_title=huge, signer_name=huge)
    )
    assert len(reader(pdf).pages) == 1
    text = page_text(pdf)
    assert LONG_NAME in text
    assert "\u2026" in text  # the ellipsis that marks a cut
    assert "Ngày 27 tháng 11 năm 2026" in text  # the date survives an overlong place
    assert "Ngày hoàn thành: 27/11/2026" in text


def test_text_stays_inside_the_page():
    """Every glyph run starts inside the page's frame (x, y in points)."""
    pdf = render_certificate(make_data(full_name=LONG_NAME, course_title=LONG_TITLE))
    page = reader(pdf).pages[0]
    positions = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            positions.append((tm[4] * cm[0] + cm[4], tm[5] * cm[3] + cm[5]))

    page.extract_text(visitor_text=visit)
    assert positions
    for x, y in positions:
        assert 28 < x < 842 - 28 and 28 < y < 595 - 28, (x, y)


# ---------------------------------------------------------------- QR code


def read_png_gray(png: bytes) -> tuple[int, int, list[list[int]]]:
    """A tiny PNG reader: non-interlaced greyscale or palette PNG → rows of sample values
    (palette indices resolved to their red channel). Enough for segno's output."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    pos, chunks = 8, {}
    idat = b""
    while pos < len(png):
        (length,) = struct.unpack(">I", png[pos : pos + 4])
        kind = png[pos + 4 : pos + 8]
        body = png[pos + 8 : pos + 8 + length]
        assert zlib.crc32(kind + body) == struct.unpack(">I", png[pos + 8 + length : pos + 12 + length])[0]
        if kind == b"IDAT":
            idat += body
        else:
            chunks[kind] = body
        pos += 12 + length
    width, height, depth, color, _, _, interlace = struct.unpack(">IIBBBBB", chunks[b"IHDR"])
    assert color in (0, 3) and interlace == 0 and depth in (1, 2, 4, 8)
    stride = (width * depth + 7) // 8
    bpp = max(1, depth // 8)
    raw = zlib.decompress(idat)
    rows, prev = [], bytearray(stride)
    for r in range(height):
        ftype = raw[r * (stride + 1)]
        line = bytearray(raw[r * (stride + 1) + 1 : (r + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if ftype == 1:
                line[i] = (line[i] + a) & 0xFF
            elif ftype == 2:
                line[i] = (line[i] + b) & 0xFF
            elif ftype == 3:
                line[i] = (line[i] + (a + b) // 2) & 0xFF
            elif ftype == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[i] = (line[i] + pred) & 0xFF
        prev = line
        per_byte, mask = 8 // depth if depth < 8 else 1, (1 << depth) - 1
        samples = []
        for x in range(width):
            if depth == 8:
                samples.append(line[x])
            else:
                byte = line[x // per_byte]
                samples.append((byte >> (8 - depth * (x % per_byte + 1))) & mask)
        if color == 3:
            palette = chunks[b"PLTE"]
            samples = [palette[3 * s] for s in samples]
        elif depth < 8:
            samples = [s * 255 // mask for s in samples]
        rows.append(samples)
    return width, height, rows


def modules_from_pixels(width: int, rows: list[list[int]], size: int) -> list[list[bool]]:
    """Sample the centre of each module of a ``size``-module symbol with QR_BORDER of quiet zone."""
    step = width / (size + 2 * QR_BORDER)
    return [
        [rows[int((QR_BORDER + r + 0.5) * step)][int((QR_BORDER + c + 0.5) * step)] < 128 for c in range(size)]
        for r in range(size)
    ]


def expected_modules(url: str) -> list[list[bool]]:
    return [[bool(v) for v in row] for row in segno.make(url, error="m", micro=False).matrix]


def test_qr_png_is_the_segno_matrix_for_the_url():
    png = qr_png(VERIFY_URL)
    width, height, rows = read_png_gray(png)
    expected = expected_modules(VERIFY_URL)
    size = len(expected)
    assert width == height == (size + 2 * QR_BORDER) * QR_SCALE
    assert modules_from_pixels(width, rows, size) == expected
    # the quiet zone is white
    assert all(v >= 128 for v in rows[0]) and all(row[0] >= 128 for row in rows)


def test_qr_png_differs_per_url():
    assert qr_png(VERIFY_URL) != qr_png(VERIFY_URL.replace("4T3P", "4T3Q"))


def test_pdf_embeds_exactly_one_image_the_qr_code(pdf):
    page = reader(pdf).pages[0]
    xobjects = {name: ref.get_object() for name, ref in page["/Resources"]["/XObject"].items()}
    images = [x for x in xobjects.values() if x["/Subtype"] == "/Image"]
    assert len(images) == 1
    (image,) = page.images
    gray = image.image.convert("L")
    width, height = gray.size
    assert width == height
    rows = [[gray.getpixel((x, y)) for x in range(width)] for y in range(height)]
    expected = expected_modules(VERIFY_URL)
    assert modules_from_pixels(width, rows, len(expected)) == expected


def test_qr_code_scans_to_the_verify_url(pdf, tmp_path):
    """Optional end-to-end scan: rasterise with poppler's pdftoppm, read with zbar's zbarimg."""
    missing = [tool for tool in ("pdftoppm", "zbarimg") if shutil.which(tool) is None]
    if missing:
        pytest.skip(f"no QR decoder: {', '.join(missing)} not installed (Debian: poppler-utils, zbar-tools)")
    (tmp_path / "cert.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "200", "-png", "-singlefile", "cert.pdf", "cert"], cwd=tmp_path, check=True)
    out = subprocess.run(
        ["zbarimg", "--quiet", "--raw", "cert.png"], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert out.stdout.strip().splitlines() == [VERIFY_URL]


# ---------------------------------------------------------------- fonts and size


def test_fonts_are_embedded_and_pdf_is_small(pdf):
    assert len(pdf) < 200 * 1024
    page = reader(pdf).pages[0]
    embedded = []
    for ref in page["/Resources"]["/Font"].values():
        font = ref.get_object()
        for descendant in font.get("/DescendantFonts", []):
            descriptor = descendant.get_object()["/FontDescriptor"].get_object()
            if "/FontFile2" in descriptor:
                embedded.append(str(font["/BaseFont"]))
    assert len(embedded) == 2  # regular and bold
    assert all("DejaVuSans" in name for name in embedded)


def test_fonts_ship_with_the_package():
    assert os.path.dirname(FONT_DIR).endswith(os.path.join("elearn", "core"))
    for name in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "LICENSE"):
        assert os.path.isfile(os.path.join(FONT_DIR, name)), name
