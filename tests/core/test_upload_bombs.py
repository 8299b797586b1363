"""Zip bombs and pixel bombs are refused from the sizes their headers declare, without
decompressing anything. The hostile files are built here and stay small on disk."""
import io
import struct
import zipfile
import zlib

import pytest

from elearn.core.uploads import UploadError, inspect_upload, store_upload
from tests.core.test_uploads import fs, gif, jpeg, listing, ooxml, png, riff_webp, up_app  # noqa: F401
from tests.courses.conftest import course_dir  # noqa: F401
from tests.courses.test_materials import _upload, _upload_dir, staffed  # noqa: F401

MIB = 1024 * 1024


def _deflated_zeros(size):
    """Raw deflate data for ``size`` zero bytes, and its CRC-32, made from one compressed MiB.

    After a full flush the compressor starts afresh, so each further MiB compresses to the same
    bytes: the 1 GiB entry is built by repetition in a fraction of a second.
    """
    zeros = bytes(MIB)
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = comp.compress(zeros) + comp.flush(zlib.Z_FULL_FLUSH)
    assert comp.compress(zeros) + comp.flush(zlib.Z_FULL_FLUSH) == block
    crc = 0
    for _ in range(size // MIB):
        crc = zlib.crc32(zeros, crc)
    return block * (size // MIB) + comp.flush(), crc


def office_bomb(expanded=1024 * MIB, folder="word"):
    """A real .docx whose word/media/anh.bin expands from ~1 MB to ``expanded`` bytes of zeros."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        zf.writestr(f"{folder}/document.xml", "<?xml version='1.0'?><doc/>")
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as zf:
        entries = [(i, zf.read(i.filename)) for i in zf.infolist()]
    data, crc = _deflated_zeros(expanded)
    files = [(i.filename.encode(), zlib.compress(raw)[2:-4], zlib.crc32(raw), len(raw)) for i, raw in entries]
    files.append((f"{folder}/media/anh.bin".encode(), data, crc, expanded))
    out, central = io.BytesIO(), b""
    for name, packed, crc32, size in files:  # local headers, then the central directory (PKWARE APPNOTE 4.3)
        offset = out.tell()
        out.write(struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", 20, 0, 8, 0, 0, crc32, len(packed), size, len(name), 0)
                  + name + packed)
        central += struct.pack("<4sHHHHHHIIIHHHHHII", b"PK\x01\x02", 20, 20, 0, 8, 0, 0, crc32, len(packed), size,
                               len(name), 0, 0, 0, 0, 0, offset) + name
    start = out.tell()
    out.write(central + struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, len(files), len(files), len(central), start, 0))
    return out.getvalue()


@pytest.fixture(scope="module")
def bomb():
    return office_bomb()


def test_a_1_mb_office_file_expanding_to_1_gib_is_refused(up_app, bomb, monkeypatch):
    assert len(bomb) < 2 * MIB  # small on disk ...
    with zipfile.ZipFile(io.BytesIO(bomb)) as zf:
        assert sum(i.file_size for i in zf.infolist()) >= 1024 * MIB  # ... 1 GiB inside

    def no_inflating(*args, **kwargs):
        raise AssertionError("the upload check decompressed an entry")

    monkeypatch.setattr(zipfile.zlib, "decompressobj", no_inflating)  # what ZipFile.open would use
    with pytest.raises(UploadError) as err:
        store_upload(fs(bomb, "bao-cao.docx"))
    assert "khi giải nén lớn tới 1.024 MB (tối đa 200 MB)" in err.value.message
    assert "bom nén" in err.value.message
    assert err.value.field == "file"
    assert listing(up_app) == []


def test_a_small_office_file_that_compresses_a_thousandfold_is_refused(up_app):
    data = office_bomb(expanded=20 * MIB, folder="xl")
    with pytest.raises(UploadError, match="nén bất thường"):
        inspect_upload(fs(data, "bang.xlsx"))


def test_ordinary_office_files_still_pass(up_app):
    assert inspect_upload(fs(ooxml("word"), "bai.docx")).kind.name == "docx"
    buf = io.BytesIO()  # a realistic size: 3 MB of XML that compresses about 5 times
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        rows = "".join(f"<row r='{i}'><c><v>{(i * 7919) % 100003}</v></c></row>" for i in range(60000))
        zf.writestr("xl/worksheets/sheet1.xml", rows)
    assert inspect_upload(fs(buf.getvalue(), "bang.xlsx")).kind.name == "xlsx"


def test_the_limits_come_from_the_config(make_app, tmp_path):
    app = make_app(INSTANCE_PATH=str(tmp_path), UPLOAD_MAX_UNZIPPED_BYTES=2 * MIB, UPLOAD_MAX_ZIP_RATIO=10_000)
    with app.app_context(), pytest.raises(UploadError, match=r"tối đa 2 MB"):
        inspect_upload(fs(office_bomb(expanded=3 * MIB), "a.docx"))


def _png_header(width, height):
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00" * 1024)) + chunk(b"IEND", b""))


def webp_vp8x(width, height):
    return riff_webp(b"VP8X", b"\x00\x00\x00\x00" + (width - 1).to_bytes(3, "little") + (height - 1).to_bytes(3, "little"))


@pytest.mark.parametrize("data, name", [
    (_png_header(100_000, 100_000), "anh.png"),
    (jpeg(65_000, 65_000), "anh.jpg"),
    (gif(65_535, 65_535), "anh.gif"),
    (webp_vp8x(200_000, 100_000), "anh.webp"),
])
def test_pixel_bombs_are_refused_from_their_header(up_app, data, name):
    assert len(data) < 4096
    with pytest.raises(UploadError) as err:
        store_upload(fs(data, name))
    assert err.value.message.startswith("Ảnh quá lớn: ")
    assert "tối đa 50 triệu điểm ảnh" in err.value.message and "Hãy thu nhỏ ảnh" in err.value.message
    assert listing(up_app) == []


def test_large_but_ordinary_photos_pass(up_app):
    assert inspect_upload(fs(jpeg(8000, 6000), "may-anh.jpg")).width == 8000  # 48 megapixels
    assert inspect_upload(fs(png(3, 2), "a.png")).height == 2


@pytest.mark.parametrize("name", ["anh.png", "bao-cao.docx"])
def test_bombs_through_the_upload_form_get_a_clear_message_and_leave_nothing(app, auth, staffed, db, bomb, name):
    """Through the instructor's real upload form: a form error in Vietnamese, never a 500."""
    from sqlalchemy import func, select

    from elearn.courses.models import MaterialFile

    data = _png_header(100_000, 100_000) if name.endswith(".png") else bomb
    auth.login(staffed["instructor"].email)
    before = _upload_dir(app)
    resp = _upload(auth, staffed["module"], name, data)
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert ("Ảnh quá lớn" in html) if name.endswith(".png") else ("bom nén" in html)
    assert _upload_dir(app) == before
    assert db.session.scalar(select(func.count(MaterialFile.id))) == 0
