"""Uploads: type by content, size limit, safe names and storage, safe downloads.

Every file here is built byte by byte in the test: real (tiny) PNG, PDF, Office, ODF, JPEG, GIF,
WebP, MP3 and MP4 files, and the hostile ones that must be refused.
"""
import io
import os
import re
import struct
import unicodedata
import zipfile
import zlib

import pytest
from werkzeug.datastructures import FileStorage

from elearn.core import uploads
from elearn.core.errors import NotFound, ServiceError
from elearn.core.uploads import (UploadError, detect_kind, discard, inspect_upload, path_for,
                                 send_stored, store_upload)

ALLOWED_MSG = ("Chỉ nhận PDF, Word, PowerPoint, Excel, OpenDocument, ảnh PNG/JPEG/GIF/WebP, "
               "âm thanh MP3 và video MP4.")


# --- tiny real files --------------------------------------------------------------------------------

def png(width=3, height=2):
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    rows = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def ooxml(folder, main="document.xml", extra=()):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>')
        zf.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships/>')
        zf.writestr(f"{folder}/{main}", "<?xml version='1.0'?><doc/>")
        for name in extra:
            zf.writestr(name, b"x")
    return buf.getvalue()


def odf(mime, compress_mimetype=False):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        info = zipfile.ZipInfo("mimetype")
        info.compress_type = zipfile.ZIP_DEFLATED if compress_mimetype else zipfile.ZIP_STORED
        zf.writestr(info, mime)
        zf.writestr("content.xml", "<?xml version='1.0'?><office:document-content/>", zipfile.ZIP_DEFLATED)
        zf.writestr("META-INF/manifest.xml", "<manifest/>", zipfile.ZIP_DEFLATED)
    return buf.getvalue()


def jpeg(width=640, height=480):
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    exif = b"\xff\xe1" + struct.pack(">H", 2 + 300) + b"Exif\x00\x00" + b"\x00" * 294
    sof0 = b"\xff\xc0" + struct.pack(">HBHHB", 17, 8, height, width, 3) + b"\x01\x22\x00\x02\x11\x01\x03\x11\x01"
    return b"\xff\xd8" + app0 + exif + sof0 + b"\xff\xd9"


def gif(width=5, height=7):
    return b"GIF89a" + struct.pack("<HHBBB", width, height, 0, 0, 0) + b",\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"


def riff_webp(chunk, data):
    body = b"WEBP" + chunk + struct.pack("<I", len(data)) + data
    return b"RIFF" + struct.pack("<I", len(body)) + body


def webp_vp8(width=30, height=20):
    return riff_webp(b"VP8 ", b"\x10\x02\x00" + b"\x9d\x01\x2a" + struct.pack("<HH", width, height) + b"\x00" * 10)


def webp_vp8l(width=300, height=200):
    bits = (width - 1) | ((height - 1) << 14)
    return riff_webp(b"VP8L", b"\x2f" + struct.pack("<I", bits) + b"\x00" * 8)


def webp_vp8x(width=4000, height=3000):
    return riff_webp(b"VP8X", b"\x00\x00\x00\x00" + (width - 1).to_bytes(3, "little") + (height - 1).to_bytes(3, "little"))


MP3_FRAME = b"\xff\xfb\x90\x00" + b"\x00" * (417 - 4)  # MPEG-1 layer III, 128 kbit/s, 44.1 kHz: 417 bytes


def mp3_id3():
    return b"ID3\x04\x00\x00\x00\x00\x00\x0a" + b"\x00" * 10 + MP3_FRAME * 3


def mp3_frames():
    return MP3_FRAME * 3


def mp4(major=b"isom", compatible=(b"isom", b"mp41"), pad=0):
    ftyp_body = major + b"\x00\x00\x02\x00" + b"".join(compatible) + b"free" * pad
    ftyp = struct.pack(">I", 8 + len(ftyp_body)) + b"ftyp" + ftyp_body
    return ftyp + struct.pack(">I", 16) + b"mdat" + b"\x00" * 8


def plain_zip():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("readme.txt", "xin chào")
    return buf.getvalue()


SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="10" height="10"/></svg>'
SVG_XML = b'<?xml version="1.0" encoding="UTF-8"?>\n' + SVG
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"


def fs(data, name):
    return FileStorage(stream=io.BytesIO(data), filename=name, content_type="application/pdf")


@pytest.fixture
def up_app(make_app, tmp_path):
    """An app whose instance folder is this test's own temporary folder."""
    app = make_app(INSTANCE_PATH=str(tmp_path / "instance"))
    with app.app_context():
        yield app


def folder(app, subdir="materials"):
    return os.path.join(app.instance_path, "uploads", subdir)


def listing(app, subdir="materials"):
    path = folder(app, subdir)
    return sorted(os.listdir(path)) if os.path.isdir(path) else []


# --- detection by content ---------------------------------------------------------------------------

@pytest.mark.parametrize("data, name, ext, mime", [
    (PDF, "giao-trinh.pdf", "pdf", "application/pdf"),
    (ooxml("word"), "bai.docx", "docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    (ooxml("ppt", "presentation.xml"), "slide.pptx", "pptx",
     "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
    (ooxml("xl", "workbook.xml"), "bang.xlsx", "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    (odf("application/vnd.oasis.opendocument.text"), "a.odt", "odt", "application/vnd.oasis.opendocument.text"),
    (odf("application/vnd.oasis.opendocument.spreadsheet"), "a.ods", "ods", "application/vnd.oasis.opendocument.spreadsheet"),
    (odf("application/vnd.oasis.opendocument.presentation"), "a.odp", "odp", "application/vnd.oasis.opendocument.presentation"),
    (png(), "a.png", "png", "image/png"),
    (jpeg(), "a.jpg", "jpg", "image/jpeg"),
    (gif(), "a.gif", "gif", "image/gif"),
    (webp_vp8(), "a.webp", "webp", "image/webp"),
    (mp3_id3(), "bai-giang.mp3", "mp3", "audio/mpeg"),
    (mp3_frames(), "khong-the.mp3", "mp3", "audio/mpeg"),
    (mp4(), "video.mp4", "mp4", "video/mp4"),
    (mp4(b"mp42", (b"mp42", b"isom")), "video.mp4", "mp4", "video/mp4"),
    (mp4(b"XAVC", (b"XAVC", b"mp42")), "camera.mp4", "mp4", "video/mp4"),
    (mp4(b"M4A ", (b"M4A ", b"mp42", b"isom")), "doc-sach.m4a", "m4a", "audio/mp4"),
    (mp4(b"isom", pad=9), "box-of-60-bytes.mp4", "mp4", "video/mp4"),  # size byte 0x3C is "<"
])
def test_allowed_kinds_are_recognised_by_content(up_app, data, name, ext, mime):
    info = inspect_upload(fs(data, name))
    assert (info.kind.ext, info.kind.mime, info.size) == (ext, mime, len(data))
    # the same bytes under a misleading name are still recognised
    assert inspect_upload(fs(data, "tai-lieu.exe")).kind.ext == ext


def test_mp4_box_of_60_bytes_starts_with_a_less_than_sign():
    assert mp4(pad=9)[3:4] == b"<"


@pytest.mark.parametrize("data, name", [
    (SVG, "logo.svg"),
    (SVG, "logo.png"),
    (SVG_XML, "logo.png"),
    (b"\xef\xbb\xbf  \n" + SVG, "logo.png"),
    ("\ufeff".encode("utf-16-le") + SVG.decode().encode("utf-16-le"), "logo.png"),
    (HTML, "anh.png"),
    (b"\xef\xbb\xbf\r\n  " + HTML, "anh.png"),
    (b"<html><body>hi</body></html>", "anh.jpg"),
    (b"<script>alert(1)</script>", "tai-lieu.pdf"),
    (b"Xin ch\xc3\xa0o, \xc4\x91\xc3\xa2y l\xc3\xa0 v\xc4\x83n b\xe1\xba\xa3n.", "ghi-chu.pdf"),
    (b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 60, "setup.pdf"),
    (b"\x7fELF\x02\x01\x01" + b"\x00" * 60, "bai.docx"),
    (b"#!/bin/sh\nrm -rf /\n", "bai.mp3"),
    (plain_zip(), "bai.docx"),
    (ooxml("other"), "bai.docx"),  # [Content_Types].xml but no word/ ppt/ xl/
    (ooxml("word", extra=["word/vbaProject.bin"]), "bai.docx"),  # macros
    (odf("application/vnd.oasis.opendocument.text-template"), "mau.odt"),
    (odf("application/vnd.oasis.opendocument.text", compress_mimetype=True), "hong.odt"),
    (b"PK\x03\x04" + b"\x00" * 100, "hong.docx"),  # not a readable ZIP
    (mp4(b"qt  ", (b"qt  ",)), "iphone.mov"),
    (b"\xff\xfb\x90\x00" + HTML, "bai.mp3"),  # two sync bytes then HTML: no second frame
    (b"ID3" + HTML, "bai.mp3"),  # "ID3" without a valid tag header
    (b"RIFF\x24\x00\x00\x00WAVEfmt ", "am-thanh.mp3"),
])
def test_other_content_is_refused_whatever_its_name(up_app, data, name):
    with pytest.raises(UploadError) as err:
        store_upload(fs(data, name))
    assert err.value.message == ALLOWED_MSG
    assert err.value.field == "file"
    assert isinstance(err.value, ServiceError)
    assert listing(up_app) == []  # nothing stored, no temp file either


def test_detect_kind_needs_zip_names_for_office_files():
    data = ooxml("word")
    assert detect_kind(data[:4096], None) is None
    assert detect_kind(data[:4096], zipfile.ZipFile(io.BytesIO(data)).namelist()).ext == "docx"
    odt = odf("application/vnd.oasis.opendocument.text")
    assert detect_kind(odt, ["content.xml", "mimetype"]) is None  # mimetype must be the first entry
    assert detect_kind(odt, ["mimetype", "content.xml"]).ext == "odt"


# --- size ---------------------------------------------------------------------------------------------

class EndlessStream:
    """A binary stream that never ends, counting what has been read from it."""

    def __init__(self, prefix):
        self.prefix, self.read_bytes = prefix, 0

    def read(self, n=-1):
        n = 64 * 1024 if n is None or n < 0 else n
        data = (self.prefix if self.read_bytes == 0 else b"") + b"\x00" * n
        data = data[:n]
        self.read_bytes += len(data)
        return data

    def seekable(self):
        return False


def test_oversize_file_is_refused_early_and_nothing_is_left(make_app, tmp_path):
    app = make_app(INSTANCE_PATH=str(tmp_path / "instance"), UPLOAD_MAX_BYTES=1024 * 1024)
    with app.app_context():
        with pytest.raises(UploadError) as err:
            store_upload(fs(PDF + b"\x00" * (1024 * 1024), "lon.pdf"))
        assert err.value.message == "Tệp quá lớn: tối đa 1 MB."
        assert err.value.field == "file"
        assert listing(app) == []

        endless = EndlessStream(PDF)
        with pytest.raises(UploadError):
            store_upload(FileStorage(stream=endless, filename="vo-tan.pdf"))
        assert endless.read_bytes <= 1024 * 1024 + uploads.CHUNK  # stopped right after the limit
        assert listing(app) == []

        exact = PDF + b"\x00" * (1024 * 1024 - len(PDF))
        assert store_upload(fs(exact, "vua-du.pdf")).size == 1024 * 1024


def test_limit_message_uses_the_configured_limit(up_app):
    assert up_app.config["UPLOAD_MAX_BYTES"] == 40 * 1024 * 1024
    up_app.config["UPLOAD_MAX_BYTES"] = 512 * 1024
    with pytest.raises(UploadError, match=r"^Tệp quá lớn: tối đa 0,5 MB\.$"):
        inspect_upload(fs(png() + b"\x00" * 600_000, "anh.png"))


def test_empty_file_is_refused(up_app):
    with pytest.raises(UploadError, match=r"^Tệp rỗng\.$"):
        store_upload(fs(b"", "rong.pdf"))
    assert listing(up_app) == []


def test_a_failing_stream_leaves_no_temp_file(up_app):
    class Broken(io.BytesIO):
        def read(self, n=-1):
            if self.tell() > 0:
                raise OSError("connection reset")
            return super().read(n)

    with pytest.raises(OSError):
        store_upload(FileStorage(stream=Broken(PDF + b"\x00" * 200_000), filename="dut.pdf"))
    assert listing(up_app) == []


# --- storage and names -----------------------------------------------------------------------------

STORED_RE = re.compile(r"^[0-9a-f]{32}\.[a-z0-9]{2,5}$")


def test_real_png_named_pdf_is_stored_as_png_with_its_size(up_app):
    data = png(37, 21)
    stored = store_upload(fs(data, "ảnh bìa.pdf"))
    assert STORED_RE.match(stored.stored_name) and stored.stored_name.endswith(".png")
    assert (stored.ext, stored.mime, stored.size) == ("png", "image/png", len(data))
    assert (stored.width, stored.height) == (37, 21)
    assert stored.original_name == "ảnh bìa.png"  # the download name matches the real type
    import hashlib
    assert stored.sha256 == hashlib.sha256(data).hexdigest()
    with open(path_for(stored.stored_name), "rb") as f:
        assert f.read() == data
    assert listing(up_app) == [stored.stored_name]


@pytest.mark.parametrize("data, kind, size", [
    (jpeg(640, 480), "jpeg", (640, 480)),
    (gif(5, 7), "gif", (5, 7)),
    (webp_vp8(30, 20), "webp", (30, 20)),
    (webp_vp8l(300, 200), "webp", (300, 200)),
    (webp_vp8x(4000, 3000), "webp", (4000, 3000)),
    (b"\xff\xd8\xff\xe0\x00\x10JFIF", "jpeg", (None, None)),  # header too short: no size
    (PDF, "pdf", (None, None)),
])
def test_image_dimensions_come_from_the_header(up_app, data, kind, size):
    info = inspect_upload(fs(data, "x"))
    assert info.kind.name == kind
    assert (info.width, info.height) == size


@pytest.mark.parametrize("name, expected", [
    ("../../app.py", "app.pdf"),
    ("..\\..\\evil.pdf", "evil.pdf"),
    ("/etc/passwd", "passwd.pdf"),
    ("C:\\Windows\\system32\\giao trinh.PDF", "giao trinh.PDF"),
    ("bai\x00giang.pdf", "baigiang.pdf"),
    ("tai\x1b[31mlieu\r\n.pdf", "tai[31mlieu.pdf"),
    ("hoa-don\u202efdp.exe", "hoa-donfdp.pdf"),  # right-to-left override removed
    ("..", "tep.pdf"),
    ("", "tep.pdf"),
    (None, "tep.pdf"),
    ("  .hidden.pdf  ", "hidden.pdf"),
    ("Bài 1. Giới thiệu thư viện", "Bài 1. Giới thiệu thư viện.pdf"),
    (unicodedata.normalize("NFD", "Tài liệu tập huấn.pdf"), "Tài liệu tập huấn.pdf"),
])
def test_client_names_are_never_paths_and_are_cleaned(up_app, name, expected):
    stored = store_upload(fs(PDF, name))
    assert stored.original_name == expected
    assert unicodedata.is_normalized("NFC", stored.original_name)
    assert STORED_RE.match(stored.stored_name)
    path = path_for(stored.stored_name)
    assert os.path.dirname(path) == os.path.join(up_app.instance_path, "uploads", "materials")
    assert os.listdir(os.path.join(up_app.instance_path, "uploads")) == ["materials"]
    assert listing(up_app) == [stored.stored_name]


def test_very_long_names_are_capped(up_app):
    stored = store_upload(fs(PDF, "ả" * 500 + ".pdf"))
    assert len(stored.original_name) == 200
    assert stored.original_name == "ả" * 196 + ".pdf"


def test_each_upload_gets_its_own_name_and_subdir(up_app):
    a = store_upload(fs(PDF, "a.pdf"))
    b = store_upload(fs(PDF, "a.pdf"))
    c = store_upload(fs(png(), "avatar.png"), subdir="avatars")
    assert a.stored_name != b.stored_name
    assert listing(up_app) == sorted([a.stored_name, b.stored_name])
    assert listing(up_app, "avatars") == [c.stored_name]
    with pytest.raises(ValueError):
        store_upload(fs(PDF, "a.pdf"), subdir="../etc")


def test_inspect_rewinds_the_stream_and_accepts_plain_files(up_app, tmp_path):
    upload = fs(png(), "a.png")
    assert inspect_upload(upload).kind.ext == "png"
    assert store_upload(upload).size == len(png())  # the stream was rewound for storing
    path = tmp_path / "Sổ tay.pdf"
    path.write_bytes(PDF)
    with open(path, "rb") as f:
        info = inspect_upload(f)
    assert (info.kind.ext, info.original_name) == ("pdf", "Sổ tay.pdf")
    assert inspect_upload(io.BytesIO(PDF), "x.pdf").original_name == "x.pdf"


def test_discard_removes_a_stored_file_after_a_failed_commit(up_app):
    stored = store_upload(fs(PDF, "a.pdf"))
    try:
        raise RuntimeError("commit failed")
    except RuntimeError:
        assert discard(stored.stored_name) is True
    assert listing(up_app) == []
    assert discard(stored.stored_name) is False  # already gone: no error


@pytest.mark.parametrize("name", [
    "../x", "../" + "a" * 32 + ".pdf", "a" * 32 + ".pdf/../../app.py", "A" * 32 + ".PDF", "a" * 31 + ".pdf",
    "a" * 32 + ".toolong", "a" * 32 + ".pdf\x00", "a" * 32 + ".pdf\n", "/etc/passwd", "", None, 42,
    "g" * 32 + ".pdf", "a" * 32,
])
def test_path_for_refuses_names_it_did_not_make(up_app, name):
    with pytest.raises(ValueError) as err:
        path_for(name)
    assert isinstance(err.value, NotFound)  # views answer 404
    with pytest.raises(ValueError):
        discard(name)


def test_path_for_accepts_generated_names(up_app):
    name = "0123456789abcdef" * 2 + ".docx"
    assert path_for(name) == os.path.join(up_app.instance_path, "uploads", "materials", name)


# --- downloads ----------------------------------------------------------------------------------------

def test_send_stored_is_a_nosniff_sandboxed_attachment_with_the_vietnamese_name(make_app, tmp_path):
    app = make_app(INSTANCE_PATH=str(tmp_path / "instance"))
    with app.app_context():
        stored = store_upload(fs(png(4, 4), "ảnh bìa.pdf"))

    @app.get("/_test/download/<name>")
    def download(name):
        return send_stored(name, stored.original_name, stored.mime)

    client = app.test_client()
    resp = client.get(f"/_test/download/{stored.stored_name}")
    assert resp.status_code == 200
    assert resp.data == png(4, 4)
    assert resp.mimetype == "image/png"
    disposition = resp.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''%E1%BA%A3nh%20b%C3%ACa.png" in disposition
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert resp.headers["Content-Security-Policy"] == "default-src 'none'; frame-ancestors 'none'; sandbox"
    assert "no-cache" in resp.headers["Cache-Control"] or "max-age=0" in resp.headers["Cache-Control"]
    resp.close()

    again = client.get(f"/_test/download/{stored.stored_name}", headers={"If-None-Match": resp.headers["ETag"]})
    assert again.status_code == 304  # conditional requests save bandwidth on 3G
    again.close()

    assert client.get("/_test/download/..%2F..%2Fapp.py").status_code == 404
    assert client.get("/_test/download/" + "0" * 32 + ".pdf").status_code == 404  # valid name, no file


def test_send_stored_sets_its_own_headers_without_the_app_wide_ones(up_app):
    """Outside a full request (no after_request hooks), the response still protects itself."""
    stored = store_upload(fs(PDF, "Giáo trình.pdf"))
    with up_app.test_request_context("/"):
        resp = send_stored(stored.stored_name, stored.original_name, stored.mime)
        resp.direct_passthrough = False
        assert resp.get_data() == PDF
        resp.close()
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert resp.headers["Content-Security-Policy"] == "default-src 'none'; frame-ancestors 'none'; sandbox"
    assert resp.headers["Content-Disposition"].startswith("attachment;")
    assert "filename*=UTF-8''Gi%C3%A1o%20tr%C3%ACnh.pdf" in resp.headers["Content-Disposition"]
    with up_app.test_request_context("/"), pytest.raises(NotFound):
        send_stored("../../app.py", "app.py", "text/plain")
