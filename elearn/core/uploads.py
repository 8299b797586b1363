"""Uploads: type by content (an allow-list of magic numbers, never the client's name or
Content-Type), size limit, storage under ``<instance>/uploads/<subdir>/`` with generated names, and
safe downloads (what a file is, by its content: ``elearn.core.filekinds``). The client's name is
only kept, cleaned, as ``original_name``. Store, then commit::

    stored = store_upload(form.file.data)
    try:
        db.session.commit()
    except Exception:
        discard(stored.stored_name)
        raise
"""
import hashlib
import os
import re
import secrets
import tempfile
import unicodedata
import zipfile
from typing import NamedTuple

from flask import current_app, send_file
from flask_babel import format_decimal
from flask_babel import gettext as _
from werkzeug.datastructures import FileStorage

from elearn.core.errors import NotFound, ServiceError
from elearn.core.filekinds import (  # noqa: F401  (the kinds are also imported from here)
    DOCX,
    GIF,
    IMAGES,
    JPEG,
    M4A,
    MP3,
    MP4,
    ODP,
    ODS,
    ODT,
    PDF,
    PNG,
    PPTX,
    WEBP,
    XLSX,
    Kind,
    detect_kind,
    image_size,
)
from elearn.core.security import DOWNLOAD_CSP

CHUNK = 64 * 1024
HEAD_BYTES = 64 * 1024  # enough for every magic number and most image headers (JPEG after EXIF)
STORED_NAME_RE = re.compile(r"[0-9a-f]{32}\.[a-z0-9]{2,5}")
SUBDIR_RE = re.compile(r"[a-z0-9_-]{1,40}")
MAX_NAME = 200
_EXT_RE = re.compile(r"[A-Za-z0-9]{1,5}")


class UploadError(ServiceError):
    code = "bad_upload"

    def __init__(self, message):
        super().__init__(message, field="file")


class BadStoredName(NotFound, ValueError):
    """A stored name that was not made by ``store_upload``: treated as not found."""


class Inspected(NamedTuple):
    kind: Kind
    original_name: str
    size: int
    sha256: str
    width: int | None
    height: int | None


class StoredFile(NamedTuple):
    stored_name: str
    original_name: str
    size: int
    mime: str
    ext: str
    sha256: str
    width: int | None
    height: int | None




# --- bombs: sizes as declared in the headers, checked without decompressing anything ----------------

MAX_ZIP_ENTRIES = 10_000
_RATIO_FLOOR = 1024 * 1024  # small entries may compress very well (empty XML parts); ratios count above this


def _mb(n):
    return format_decimal(round(n / (1024 * 1024), 1))


def check_zip_sizes(infos) -> None:
    """Refuse an Office/ODF file whose entries, as its central directory declares them, would
    expand past UPLOAD_MAX_UNZIPPED_BYTES or compress suspiciously well (a zip bomb)."""
    cfg = current_app.config
    max_total, max_ratio = cfg["UPLOAD_MAX_UNZIPPED_BYTES"], cfg["UPLOAD_MAX_ZIP_RATIO"]
    message = None
    total = sum(i.file_size for i in infos)
    packed = sum(i.compress_size for i in infos)
    if len(infos) > MAX_ZIP_ENTRIES:
        message = _("Tệp Office có quá nhiều phần bên trong (%(n)d, tối đa %(max)d).", n=len(infos), max=MAX_ZIP_ENTRIES)
    elif total > max_total:
        message = _("Tệp Office này khi giải nén lớn tới %(mb)s MB (tối đa %(max)s MB).", mb=_mb(total), max=_mb(max_total))
    elif any(i.file_size > _RATIO_FLOOR and i.file_size > max_ratio * max(i.compress_size, 1) for i in infos) or (
            total > _RATIO_FLOOR and total > max_ratio * max(packed, 1)):
        message = _("Tệp Office này nén bất thường (giải nén ra lớn gấp hơn %(ratio)d lần).", ratio=max_ratio)
    if message:
        raise UploadError(message + " " + _("Có thể đây là tệp độc hại (\"bom nén\"). Hãy mở tệp bằng Word, "
                                           "Excel hoặc PowerPoint, lưu lại rồi tải lên lại."))


def check_image_pixels(width: int, height: int) -> None:
    """Refuse an image whose header declares more than UPLOAD_MAX_IMAGE_PIXELS (a pixel bomb)."""
    limit = current_app.config["UPLOAD_MAX_IMAGE_PIXELS"]
    if width * height > limit:
        raise UploadError(_("Ảnh quá lớn: %(w)s × %(h)s điểm ảnh (tối đa %(max)s triệu điểm ảnh). "
                            "Hãy thu nhỏ ảnh rồi tải lên lại.", w=format_decimal(width), h=format_decimal(height),
                            max=format_decimal(round(limit / 1_000_000, 1))))


# --- reading ----------------------------------------------------------------------------------------

def clean_filename(name: str | None, kind: Kind) -> str:
    """The client's file name made safe to show and to offer as a download name.

    Directory parts (on / and \\), control and format characters go, Unicode becomes NFC (so
    Vietnamese letters stay), and the extension is the detected kind's: a PNG sent as "bìa.pdf"
    downloads as "bìa.png".
    """
    name = unicodedata.normalize("NFC", name or "")
    name = "".join(ch for ch in name if unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Zl", "Zp"))
    name = re.split(r"[/\\]", name)[-1].strip(" .")
    stem, dot, ext = name.rpartition(".")
    if not dot or not _EXT_RE.fullmatch(ext):
        stem, ext = name, ""  # "Bài 1. Giới thiệu": the text after the dot is no extension
    if ext.lower() not in (kind.ext, *kind.aliases):
        ext = kind.ext
    stem = stem[:MAX_NAME - len(ext) - 1].rstrip(" .") or "tep"
    return f"{stem}.{ext}"


def _limit_message(limit):
    mb = limit / (1024 * 1024)
    return _("Tệp quá lớn: tối đa %(mb)s MB.", mb=format_decimal(round(mb, 1) if mb >= 1 else round(mb, 2)))


def _receive(stream, filename, out) -> Inspected:
    """Copy ``stream`` into the binary file ``out`` in chunks and identify it."""
    limit = current_app.config["UPLOAD_MAX_BYTES"]
    digest, size, head = hashlib.sha256(), 0, b""
    while chunk := stream.read(CHUNK):
        size += len(chunk)
        if size > limit:
            raise UploadError(_limit_message(limit))
        if len(head) < HEAD_BYTES:
            head += chunk[:HEAD_BYTES - len(head)]
        digest.update(chunk)
        out.write(chunk)
    if size == 0:
        raise UploadError(_("Tệp rỗng."))
    out.flush()
    names = infos = None
    if head.startswith(b"PK\x03\x04"):
        try:
            out.seek(0)
            with zipfile.ZipFile(out) as zf:  # reads the central directory only, decompresses nothing
                infos = zf.infolist()
                names = [info.filename for info in infos]
        except (zipfile.BadZipFile, OSError, ValueError):
            names = infos = None
    kind = detect_kind(head, names)
    if kind is None:
        raise UploadError(_("Chỉ nhận PDF, Word, PowerPoint, Excel, OpenDocument, ảnh PNG/JPEG/GIF/WebP, "
                            "âm thanh MP3 và video MP4."))
    if infos is not None:
        check_zip_sizes(infos)
    width, height = image_size(head, kind) if kind in IMAGES else (None, None)
    if width and height:
        check_image_pixels(width, height)
    return Inspected(kind, clean_filename(filename, kind), size, digest.hexdigest(), width, height)


def _source(upload, filename):
    """The binary stream and client file name of a FileStorage or of a plain binary file."""
    if isinstance(upload, FileStorage):
        return upload.stream, upload.filename if filename is None else filename
    name = getattr(upload, "name", None)  # an open file's path
    return upload, filename if filename is not None or not isinstance(name, str) else name


def inspect_upload(stream, filename: str | None = None) -> Inspected:
    """Read a FileStorage or binary file, check its size and type; rewind it when possible."""
    stream, filename = _source(stream, filename)
    start = stream.tell() if getattr(stream, "seekable", lambda: False)() else None
    try:
        with tempfile.SpooledTemporaryFile(max_size=1024 * 1024) as buf:
            return _receive(stream, filename, buf)
    finally:
        if start is not None:
            stream.seek(start)


# --- storage ----------------------------------------------------------------------------------------

def upload_dir(subdir: str = "materials") -> str:
    if not isinstance(subdir, str) or not SUBDIR_RE.fullmatch(subdir):
        raise ValueError(f"bad upload subdir: {subdir!r}")
    return os.path.join(current_app.instance_path, "uploads", subdir)


def path_for(stored_name: str, subdir: str = "materials") -> str:
    """Absolute path of a stored file; the name must be one ``store_upload`` makes."""
    if not isinstance(stored_name, str) or not STORED_NAME_RE.fullmatch(stored_name):
        raise BadStoredName(_("Không tìm thấy tệp."))
    return os.path.join(upload_dir(subdir), stored_name)


def store_upload(file_storage, subdir: str = "materials", *, filename: str | None = None) -> StoredFile:
    """Check and store an upload under a generated name; nothing is left behind on error."""
    stream, filename = _source(file_storage, filename)
    folder = upload_dir(subdir)
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".upload-", suffix=".part")
    try:
        with os.fdopen(fd, "w+b") as out:
            info = _receive(stream, filename, out)
            os.fsync(out.fileno())
        stored_name = secrets.token_hex(16) + "." + info.kind.ext
        os.replace(tmp, os.path.join(folder, stored_name))
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    return StoredFile(stored_name, info.original_name, info.size, info.kind.mime, info.kind.ext,
                      info.sha256, info.width, info.height)


def discard(stored_name: str, subdir: str = "materials") -> bool:
    """Delete a stored file (for instance when the transaction that recorded it failed)."""
    try:
        os.unlink(path_for(stored_name, subdir))
        return True
    except FileNotFoundError:
        return False


STALE_PART_SECONDS = 3600
_PART_RE = re.compile(r"\.upload-.*\.part")  # the temporary names store_upload gives (mkstemp)


def clean_stale_parts(root: str | None = None, max_age: float = STALE_PART_SECONDS, now: float | None = None) -> int:
    """Delete ``.upload-*.part`` files older than ``max_age`` seconds under ``<instance>/uploads``.

    ``store_upload`` removes its part file on every error, but a worker killed mid-upload (OOM,
    SIGKILL, a power cut) leaves it for ever. A part file lives a few seconds while an upload is
    copied (the request body is already received by then) and its mtime moves with every write, so
    one that has not changed for an hour belongs to no live upload. Returns how many were removed.
    """
    import time

    root = root or os.path.join(current_app.instance_path, "uploads")
    cutoff = (time.time() if now is None else now) - max_age
    removed = 0
    for dirpath, _dirnames, filenames in os.walk(root):
        for name in filenames:
            if not _PART_RE.fullmatch(name):
                continue
            path = os.path.join(dirpath, name)
            try:
                if os.lstat(path).st_mtime < cutoff:
                    os.unlink(path)
                    removed += 1
            except FileNotFoundError:
                pass  # another worker removed it first, or the upload finished
    return removed


def clean_stale_parts_at_startup(app) -> None:
    """Run ``clean_stale_parts`` when an app starts; a failure is logged, never fatal."""
    with app.app_context():
        try:
            removed = clean_stale_parts()
        except OSError as exc:
            app.logger.warning("could not clean stale upload parts: %s", exc)
            return
    if removed:
        app.logger.info("removed %d stale .upload-*.part file(s)", removed)


def send_stored(stored_name: str, original_name: str, mime: str, subdir: str = "materials"):
    """A download response: always an attachment, never sniffed, sandboxed if opened anyway."""
    path = path_for(stored_name, subdir)
    if not os.path.isfile(path):
        raise NotFound(_("Không tìm thấy tệp."))
    resp = send_file(path, mimetype=mime, as_attachment=True, download_name=original_name,
                     max_age=0, conditional=True)
    resp.headers["X-Content-Type-Options"] = "nosniff"
    resp.headers["Content-Security-Policy"] = DOWNLOAD_CSP
    return resp
