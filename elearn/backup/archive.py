"""The backup archive: its layout and manifest, writing members with their checksums, and reading an
archive back with every member name and checksum checked (the module doc of ``services`` describes the
format)."""
import hashlib
import io
import json
import os
import re
import tarfile
import zlib
from datetime import datetime, timezone

FORMAT = "elearn-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DB_FILES = {"sqlite": "database.sqlite", "postgresql": "database.dump"}
UPLOADS = "uploads"
CHUNK = 1024 * 1024
PART_RE = re.compile(r"\.upload-.*\.part")
# a path component of a file under uploads/: generated names and subdirectory names only
_COMPONENT_RE = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9._-]{0,199}")  # never "." or ".." or hidden
IGNORED_TABLES = {"alembic_version"}  # a migrated but empty database still counts as empty
MAX_MEMBERS = 1_000_000


class BackupError(Exception):
    """A backup or restore that cannot go on; the message (Vietnamese) says why and what to do."""


def sha256_file(path) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def fsync_dir(path):
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def target_path(path: str, now: datetime | None = None) -> str:
    """The archive's path: PATH itself, or a dated name inside PATH when PATH is a folder."""
    if os.path.isdir(path):
        stamp = (now or datetime.now(timezone.utc)).strftime("%Y%m%d-%H%M%S")
        return os.path.join(path, f"elearn-backup-{stamp}.tar.gz")
    return path


class _HashingReader(io.RawIOBase):
    """Reads a file for tarfile and hashes exactly the bytes that went into the archive."""

    def __init__(self, fh):
        self.fh, self.digest, self.size = fh, hashlib.sha256(), 0

    def readable(self):
        return True

    def read(self, n=-1):
        data = self.fh.read(n)
        self.digest.update(data)
        self.size += len(data)
        return data


def add_file(tar: tarfile.TarFile, name: str, path: str, mtime: float | None = None) -> dict | None:
    try:
        fh = open(path, "rb")
    except FileNotFoundError:
        return None  # an upload deleted while the backup ran: it is no longer part of the data
    with fh:
        st = os.fstat(fh.fileno())
        info = tarfile.TarInfo(name)
        info.size = st.st_size
        info.mtime = int(mtime if mtime is not None else st.st_mtime)
        info.mode = 0o644
        reader = _HashingReader(fh)
        tar.addfile(info, reader)
        if reader.size != st.st_size:
            raise BackupError(f"Tệp {name} thay đổi trong khi sao lưu; hãy chạy lại.")
        return {"sha256": reader.digest.hexdigest(), "size": reader.size}


def member_name_ok(name: str) -> bool:
    if name in (MANIFEST, *DB_FILES.values()):
        return True
    parts = name.split("/")
    return (len(parts) >= 3 and parts[0] == UPLOADS
            and all(_COMPONENT_RE.fullmatch(p) and p not in (".", "..") for p in parts[1:]))


def extract_archive(path: str, dest: str) -> tuple[dict, dict]:
    """Extract ``path`` into ``dest`` (checking every member name) and return (manifest, {name: entry})."""
    seen, manifest = {}, None
    try:
        with tarfile.open(path, mode="r:*") as tar:
            for count, member in enumerate(tar, 1):
                if count > MAX_MEMBERS:
                    raise BackupError("Tệp sao lưu có quá nhiều mục.")
                if member.isdir():
                    continue
                if not member.isfile() or not member_name_ok(member.name) or member.name in seen:
                    raise BackupError(f"Tệp sao lưu có mục không hợp lệ: {member.name!r}.")
                src = tar.extractfile(member)
                if member.name == MANIFEST:
                    if member.size > 64 * 1024 * 1024:
                        raise BackupError("manifest.json quá lớn.")
                    try:
                        manifest = json.loads(src.read().decode("utf-8"))
                    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
                        raise BackupError(f"manifest.json không đọc được: {exc}") from exc
                    seen[MANIFEST] = None
                    continue
                target = os.path.join(dest, *member.name.split("/"))
                os.makedirs(os.path.dirname(target), exist_ok=True)
                digest, size = hashlib.sha256(), 0
                with open(target, "xb") as out:
                    while chunk := src.read(CHUNK):
                        digest.update(chunk)
                        size += len(chunk)
                        out.write(chunk)
                seen[member.name] = {"sha256": digest.hexdigest(), "size": size}
    except BackupError:
        raise
    except (tarfile.TarError, EOFError, OSError, zlib.error) as exc:
        raise BackupError(f"Tệp sao lưu {path} bị hỏng hoặc không đọc được: {exc}") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{path} không phải tệp sao lưu của ứng dụng (thiếu hoặc sai manifest.json).")
    if manifest.get("version") != FORMAT_VERSION:
        raise BackupError(f"Phiên bản tệp sao lưu {manifest.get('version')!r} không được hỗ trợ.")
    if manifest.get("dialect") not in DB_FILES or not isinstance(manifest.get("files"), dict) \
            or not isinstance(manifest.get("tables"), dict):
        raise BackupError("manifest.json thiếu thông tin (dialect, files, tables).")
    seen.pop(MANIFEST, None)
    return manifest, seen


def checksum_mismatches(manifest: dict, found: dict) -> list[str]:
    """Differences between the files the manifest lists and the files the archive holds."""
    out = []
    expected = manifest["files"]
    for name in sorted(set(expected) | set(found)):
        want, got = expected.get(name), found.get(name)
        if got is None:
            out.append(f"thiếu tệp {name}")
        elif want is None:
            out.append(f"tệp {name} không có trong manifest")
        elif not isinstance(want, dict) or want.get("sha256") != got["sha256"] or want.get("size") != got["size"]:
            listed = want.get("sha256") if isinstance(want, dict) else want
            out.append(f"tệp {name}: SHA-256 không khớp (manifest {listed}, thực tế {got['sha256']})")
    if manifest["database"] not in found:
        out.append(f"thiếu tệp cơ sở dữ liệu {manifest['database']}")
    return out


def count_mismatches(expected: dict, actual: dict) -> list[str]:
    out = []
    for table in sorted(set(expected) | set(actual)):
        if table not in actual:
            out.append(f"bảng {table}: không có sau khi khôi phục (manifest {expected[table]} dòng)")
        elif table not in expected:
            out.append(f"bảng {table}: có trong cơ sở dữ liệu đích nhưng không có trong bản sao lưu "
                       f"({actual[table]} dòng)")
        elif actual[table] != expected[table]:
            out.append(f"bảng {table}: {actual[table]} dòng, manifest ghi {expected[table]}")
    return out
