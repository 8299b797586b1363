"""Online backups and restores of an installation: the database and ``instance/uploads`` in one file.

A backup is ONE ``.tar.gz`` file holding

- ``database.sqlite`` (SQLite: a copy made with the sqlite3 backup API, checked with
  ``PRAGMA integrity_check``) or ``database.dump`` (PostgreSQL: ``pg_dump -Fc``);
- ``uploads/<subdir>/<name>``: every file under ``instance/uploads`` (``.upload-*.part`` files of
  uploads still being received are left out);
- ``manifest.json``: the row count of every table as the copy saw it, and the SHA-256 and size of
  every other file in the archive.

Consistency while the app serves and writes:

- SQLite: one backup step (``pages=-1``) reads the whole database in one read transaction; with WAL
  writers go on, and the copy is the database as of that transaction's start. Rows are counted on
  the copy, so the counts are exactly what it holds.
- PostgreSQL: a REPEATABLE READ READ ONLY transaction exports its snapshot
  (``pg_export_snapshot()``), counts the rows, and ``pg_dump --snapshot`` dumps from that same
  snapshot, so counts and dump agree however many writers commit meanwhile.
- The database is copied first, the uploads second. An upload is stored before the row that names it
  is committed, so every file a copied row names is already on disk when the uploads are read.

The archive is written under a hidden temporary name beside the target (``.NAME.partial-XXXX``),
flushed to disk and only then renamed: a killed backup never leaves a file that looks complete.

A restore reads and checks the whole archive (member names, checksums, sizes, nothing missing or
extra; SQLite: integrity check) into a temporary folder inside the instance before touching
anything, refuses a target that is not empty (unless ``force``), restores the database (SQLite:
backup API into the target file; PostgreSQL: ``pg_restore --single-transaction``), moves the uploads
into place, and finally counts the rows of the restored database against the manifest.
"""
import io
import json
import os
import shutil
import sqlite3
import tarfile
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone

from flask import current_app

from ..extensions import db
from .archive import (
    DB_FILES, FORMAT, FORMAT_VERSION, IGNORED_TABLES, MANIFEST, UPLOADS, BackupError, add_file,
    checksum_mismatches, count_mismatches, extract_archive, fsync_dir, sha256_file, target_path,
)
from .postgresql import dump_postgresql, find_tool, pg_connection_args, pg_counts, restore_postgresql
from .sqlite import check_sqlite_file, dump_sqlite, restore_sqlite, sqlite_counts
from .uploads import files_under, place_uploads, upload_files, uploads_root

# imported by the CLI and the tests from here
__all__ = ["BackupError", "BackupResult", "RestoreReport", "checksum_mismatches", "count_mismatches",
           "create_backup", "find_tool", "pg_connection_args", "restore_backup", "target_path"]


@dataclass
class BackupResult:
    path: str
    dialect: str
    tables: dict
    files: int
    size: int
    seconds: float
    skipped: list = field(default_factory=list)  # files under uploads/ whose names a restore would refuse


@dataclass
class RestoreReport:
    dialect: str
    tables: dict
    files: int
    mismatches: list = field(default_factory=list)

    @property
    def ok(self):
        return not self.mismatches


# --- small helpers ----------------------------------------------------------------------------------

def _dialect() -> str:
    name = db.engine.dialect.name
    if name not in DB_FILES:
        raise BackupError(f"Cơ sở dữ liệu {name} chưa được hỗ trợ (chỉ SQLite và PostgreSQL).")
    return name


def create_backup(path: str, *, now: datetime | None = None) -> BackupResult:
    """Write a consistent backup of the database and the uploads to ``path`` (see the module doc)."""
    started = time.monotonic()
    now = now or datetime.now(timezone.utc)
    dialect = _dialect()
    final = os.path.abspath(target_path(path, now))
    folder = os.path.dirname(final)
    if not os.path.isdir(folder):
        raise BackupError(f"Thư mục {folder} không tồn tại.")
    if os.path.exists(final):
        raise BackupError(f"{final} đã có; hãy chọn tên khác (bản sao lưu cũ không bị ghi đè).")
    uploads = os.path.realpath(uploads_root())
    if os.path.commonpath([os.path.realpath(folder), uploads]) == uploads:
        raise BackupError("Không ghi bản sao lưu vào thư mục tải lên (instance/uploads); hãy chọn thư mục khác.")
    if not os.access(folder, os.W_OK):
        raise BackupError(f"Không ghi được vào thư mục {folder}.")

    work = tempfile.mkdtemp(prefix=".elearn-backup-", dir=current_app.instance_path)
    fd, partial = tempfile.mkstemp(prefix=f".{os.path.basename(final)}.partial-", dir=folder)
    try:
        if dialect == "sqlite":
            db_file, counts, revision = dump_sqlite(work)
        else:
            db_file, counts, revision = dump_postgresql(work)
        files = {}
        with os.fdopen(fd, "wb") as raw:
            fd = None
            with tarfile.open(fileobj=raw, mode="w:gz", compresslevel=6, format=tarfile.PAX_FORMAT) as tar:
                files[DB_FILES[dialect]] = add_file(tar, DB_FILES[dialect], db_file, now.timestamp())
                uploads, skipped = upload_files(uploads_root())
                for name, full in uploads:
                    entry = add_file(tar, name, full)
                    if entry is not None:
                        files[name] = entry
                manifest = {
                    "format": FORMAT,
                    "version": FORMAT_VERSION,
                    "created_at": now.isoformat().replace("+00:00", "Z"),
                    "dialect": dialect,
                    "database": DB_FILES[dialect],
                    "alembic_revision": revision,
                    "tables": counts,
                    "files": files,
                }
                body = json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size, info.mtime, info.mode = len(body), int(now.timestamp()), 0o644
                tar.addfile(info, io.BytesIO(body))
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(partial, final)
        fsync_dir(folder)
    except BaseException:
        if fd is not None:
            os.close(fd)
        try:
            os.unlink(partial)
        except FileNotFoundError:
            pass
        raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return BackupResult(final, dialect, counts, len(files) - 1, os.path.getsize(final),
                        time.monotonic() - started, skipped)


# --- restore ------------------------------------------------------------------------------------------

def _target_rows() -> dict:
    """Row counts of the target's tables (ignoring alembic_version); {} when it has none."""
    dialect = _dialect()
    if dialect == "sqlite":
        path = db.engine.url.database
        if not path or not os.path.exists(path) or os.path.getsize(path) == 0:
            return {}
        try:
            counts = sqlite_counts(path)
        except sqlite3.DatabaseError as exc:
            raise BackupError(f"{path} không phải cơ sở dữ liệu SQLite đọc được: {exc}") from exc
        return {t: n for t, n in counts.items() if t not in IGNORED_TABLES}
    with db.engine.connect() as conn:
        counts = pg_counts(conn)
        conn.rollback()
    return {t: n for t, n in counts.items() if t not in IGNORED_TABLES}


def restore_backup(path: str, *, force: bool = False, now: datetime | None = None) -> RestoreReport:
    """Restore the archive at ``path`` into this installation (see the module doc).

    Raises BackupError before writing anything when the archive is damaged or does not match its
    manifest, or when the target is not empty and ``force`` is false. Returns a report whose
    ``mismatches`` list the restored tables whose row counts differ from the manifest.
    """
    now = now or datetime.now(timezone.utc)
    if not os.path.isfile(path):
        raise BackupError(f"Không có tệp {path}.")
    dialect = _dialect()
    work = tempfile.mkdtemp(prefix=".elearn-restore-", dir=current_app.instance_path)
    try:
        manifest, found = extract_archive(path, work)
        if manifest["dialect"] != dialect:
            names = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
            raise BackupError(f"Bản sao lưu là của {names[manifest['dialect']]}, còn cơ sở dữ liệu đích là "
                              f"{names[dialect]}: không khôi phục chéo được.")
        if manifest["database"] != DB_FILES[dialect]:
            raise BackupError("manifest.json ghi sai tên tệp cơ sở dữ liệu.")
        problems = checksum_mismatches(manifest, found)
        if problems:
            raise BackupError("Tệp sao lưu không khớp với manifest.json; không khôi phục gì:\n- "
                              + "\n- ".join(problems))
        db_file = os.path.join(work, manifest["database"])
        if dialect == "sqlite":
            check_sqlite_file(db_file)

        if not force:
            rows = {t: n for t, n in _target_rows().items() if n}
            if rows:
                listing = ", ".join(f"{t} ({n})" for t, n in sorted(rows.items())[:8])
                raise BackupError("Cơ sở dữ liệu đích đã có dữ liệu: " + listing + ". Chỉ khôi phục vào một "
                                  "cài đặt trống; dùng --force để ghi đè.")
            existing = files_under(uploads_root())
            if existing:
                raise BackupError(f"Thư mục tải lên {uploads_root()} đã có {len(existing)} tệp. Chỉ khôi phục "
                                  "vào một cài đặt trống; dùng --force (thư mục cũ được giữ lại bên cạnh).")

        if dialect == "sqlite":
            restore_sqlite(db_file)
        else:
            restore_postgresql(db_file)
        try:
            place_uploads(os.path.join(work, UPLOADS), now)
        except OSError as exc:
            raise BackupError(f"Đã khôi phục cơ sở dữ liệu nhưng không đặt được thư mục tải lên vào "
                              f"{uploads_root()}: {exc}") from exc

        if dialect == "sqlite":
            actual = sqlite_counts(db.engine.url.database)
        else:
            with db.engine.connect() as conn:
                actual = pg_counts(conn)
                conn.rollback()
        restored_files = {name: sha256_file(os.path.join(current_app.instance_path, *name.split("/")))
                          for name in found if name.startswith(UPLOADS + "/")}
        mismatches = count_mismatches(manifest["tables"], actual)
        for name, (sha, size) in sorted(restored_files.items()):
            if sha != manifest["files"][name]["sha256"] or size != manifest["files"][name]["size"]:
                mismatches.append(f"tệp {name}: SHA-256 sau khi khôi phục không khớp")
        return RestoreReport(dialect, actual, len(restored_files), mismatches)
    finally:
        shutil.rmtree(work, ignore_errors=True)
