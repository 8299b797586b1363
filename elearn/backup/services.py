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
import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import time
import zlib
from dataclasses import dataclass, field
from datetime import datetime, timezone

from flask import current_app
from sqlalchemy import text
from sqlalchemy.engine import make_url

from ..extensions import db

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


def _uploads_root() -> str:
    return os.path.join(current_app.instance_path, UPLOADS)


def _sha256_file(path) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def _fsync_dir(path):
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


def _quote(name: str) -> str:
    return db.engine.dialect.identifier_preparer.quote(name)


def find_tool(name: str) -> str:
    """Absolute path of a PostgreSQL client program on PATH, or a clear error."""
    found = shutil.which(name)
    if not found:
        raise BackupError(f"Không tìm thấy chương trình {name} trên PATH. Hãy cài gói PostgreSQL client "
                          f"(ví dụ postgresql-client) cùng phiên bản chính với máy chủ, hoặc thêm thư mục "
                          f"chứa {name} vào PATH.")
    return found


def pg_connection_args(uri: str, environ=None) -> tuple[list[str], dict]:
    """Command-line options and environment for pg_dump/pg_restore from a SQLAlchemy URL.

    Host, port, user and database go on the command line; the password only in PGPASSWORD (the
    command line of a process is visible to every user of the machine through ``ps``).
    """
    url = make_url(uri)
    env = dict(os.environ if environ is None else environ)
    args = ["--no-password"]  # never wait for a prompt (cron): no password means a clear error
    host = url.host or url.query.get("host")
    if isinstance(host, tuple):
        host = host[0]
    if host:
        args += ["--host", host]
    if url.port:
        args += ["--port", str(url.port)]
    if url.username:
        args += ["--username", url.username]
    if url.password is not None:
        env["PGPASSWORD"] = str(url.password)
    for key, var in (("sslmode", "PGSSLMODE"), ("sslrootcert", "PGSSLROOTCERT"),
                     ("sslcert", "PGSSLCERT"), ("sslkey", "PGSSLKEY")):
        value = url.query.get(key)
        if value:
            env[var] = value if isinstance(value, str) else value[0]
    if not url.database:
        raise BackupError("Địa chỉ cơ sở dữ liệu PostgreSQL không có tên cơ sở dữ liệu.")
    args += ["--dbname", url.database]
    return args, env


def _run(argv, env, what):
    try:
        proc = subprocess.run(argv, env=env, stdin=subprocess.DEVNULL, capture_output=True, check=False)
    except OSError as exc:
        raise BackupError(f"Không chạy được {what}: {exc}") from exc
    if proc.returncode != 0:
        err = proc.stderr.decode("utf-8", "replace").strip()
        raise BackupError(f"{what} thất bại (mã {proc.returncode}): {err}")
    return proc


# --- counting -----------------------------------------------------------------------------------------

def _sqlite_tables(conn: sqlite3.Connection) -> list[str]:
    return [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]


def _sqlite_counts(path: str) -> dict:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return {t: conn.execute(f'SELECT count(*) FROM "{t.replace(chr(34), chr(34) * 2)}"').fetchone()[0]
                for t in _sqlite_tables(conn)}
    finally:
        conn.close()


def _pg_counts(conn) -> dict:
    tables = conn.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
                               "ORDER BY tablename")).scalars().all()
    return {t: conn.execute(text(f"SELECT count(*) FROM {_quote(t)}")).scalar_one() for t in tables}


def _check_sqlite_file(path: str):
    """PRAGMA integrity_check on a database file; a BackupError when it is not "ok"."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            rows = [r[0] for r in conn.execute("PRAGMA integrity_check")]
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"Bản sao cơ sở dữ liệu bị hỏng: {exc}") from exc
    if rows != ["ok"]:
        raise BackupError("Bản sao cơ sở dữ liệu không qua kiểm tra toàn vẹn (PRAGMA integrity_check): "
                          + "; ".join(rows[:10]))


# --- backup -------------------------------------------------------------------------------------------

def target_path(path: str, now: datetime | None = None) -> str:
    """The archive's path: PATH itself, or a dated name inside PATH when PATH is a folder."""
    if os.path.isdir(path):
        stamp = (now or datetime.now(timezone.utc)).strftime("%Y%m%d-%H%M%S")
        return os.path.join(path, f"elearn-backup-{stamp}.tar.gz")
    return path


def _dump_sqlite(workdir: str) -> tuple[str, dict, str | None]:
    source_path = db.engine.url.database
    if not source_path or source_path == ":memory:" or source_path.startswith("file:"):
        raise BackupError("Chỉ sao lưu được cơ sở dữ liệu SQLite nằm trong một tệp.")
    out = os.path.join(workdir, DB_FILES["sqlite"])
    src = sqlite3.connect(source_path, timeout=60)
    try:
        src.execute("PRAGMA busy_timeout=60000")
        dst = sqlite3.connect(out)
        try:
            # pages=-1: the whole database in one step, i.e. one read transaction. With WAL, writers
            # go on meanwhile and the copy is the database as of that moment. (A step-by-step copy
            # restarts whenever another connection writes, and never ends under steady writes.)
            src.backup(dst, pages=-1)
            dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file in the archive
        finally:
            dst.close()
    except sqlite3.Error as exc:
        raise BackupError(f"Không sao chép được cơ sở dữ liệu SQLite: {exc}") from exc
    finally:
        src.close()
    _check_sqlite_file(out)
    counts, revision = _sqlite_counts(out), None
    if "alembic_version" in counts:
        conn = sqlite3.connect(f"file:{out}?mode=ro", uri=True)
        try:
            revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        finally:
            conn.close()
    return out, counts, revision[0] if revision else None


def _dump_postgresql(workdir: str) -> tuple[str, dict, str | None]:
    pg_dump = find_tool("pg_dump")
    out = os.path.join(workdir, DB_FILES["postgresql"])
    args, env = pg_connection_args(db.engine.url.render_as_string(hide_password=False))
    with db.engine.connect().execution_options(isolation_level="REPEATABLE READ") as conn:
        conn.execute(text("SET TRANSACTION READ ONLY"))
        snapshot = conn.execute(text("SELECT pg_export_snapshot()")).scalar_one()
        counts = _pg_counts(conn)  # the same snapshot pg_dump reads
        revision = (conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
                    if "alembic_version" in counts else None)
        _run([pg_dump, "--format=custom", "--file", out, "--snapshot", snapshot, *args], env, "pg_dump")
        conn.rollback()
    return out, counts, revision


def _upload_files(root: str):
    """(archive name, absolute path) of every stored file under ``root``, sorted, without .part files;
    and the names left out because they are not names the app makes (a restore would refuse them)."""
    out, skipped = [], []
    if not os.path.isdir(root):
        return out, skipped
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in sorted(filenames):
            full = os.path.join(dirpath, name)
            if PART_RE.fullmatch(name) or not os.path.isfile(full) or os.path.islink(full):
                continue
            name = f"{UPLOADS}/" + os.path.relpath(full, root).replace(os.sep, "/")
            (out if _member_name_ok(name) else skipped).append((name, full))
    return out, [name for name, _ in skipped]


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


def _add_file(tar: tarfile.TarFile, name: str, path: str, mtime: float | None = None) -> dict | None:
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
    uploads = os.path.realpath(_uploads_root())
    if os.path.commonpath([os.path.realpath(folder), uploads]) == uploads:
        raise BackupError("Không ghi bản sao lưu vào thư mục tải lên (instance/uploads); hãy chọn thư mục khác.")
    if not os.access(folder, os.W_OK):
        raise BackupError(f"Không ghi được vào thư mục {folder}.")

    work = tempfile.mkdtemp(prefix=".elearn-backup-", dir=current_app.instance_path)
    fd, partial = tempfile.mkstemp(prefix=f".{os.path.basename(final)}.partial-", dir=folder)
    try:
        if dialect == "sqlite":
            db_file, counts, revision = _dump_sqlite(work)
        else:
            db_file, counts, revision = _dump_postgresql(work)
        files = {}
        with os.fdopen(fd, "wb") as raw:
            fd = None
            with tarfile.open(fileobj=raw, mode="w:gz", compresslevel=6, format=tarfile.PAX_FORMAT) as tar:
                files[DB_FILES[dialect]] = _add_file(tar, DB_FILES[dialect], db_file, now.timestamp())
                uploads, skipped = _upload_files(_uploads_root())
                for name, full in uploads:
                    entry = _add_file(tar, name, full)
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
        _fsync_dir(folder)
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


# --- reading an archive -------------------------------------------------------------------------------

def _member_name_ok(name: str) -> bool:
    if name in (MANIFEST, *DB_FILES.values()):
        return True
    parts = name.split("/")
    return (len(parts) >= 3 and parts[0] == UPLOADS
            and all(_COMPONENT_RE.fullmatch(p) and p not in (".", "..") for p in parts[1:]))


def _extract(path: str, dest: str) -> tuple[dict, dict]:
    """Extract ``path`` into ``dest`` (checking every member name) and return (manifest, {name: entry})."""
    seen, manifest = {}, None
    try:
        with tarfile.open(path, mode="r:*") as tar:
            for count, member in enumerate(tar, 1):
                if count > MAX_MEMBERS:
                    raise BackupError("Tệp sao lưu có quá nhiều mục.")
                if member.isdir():
                    continue
                if not member.isfile() or not _member_name_ok(member.name) or member.name in seen:
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


# --- restore ------------------------------------------------------------------------------------------

def _target_rows() -> dict:
    """Row counts of the target's tables (ignoring alembic_version); {} when it has none."""
    dialect = _dialect()
    if dialect == "sqlite":
        path = db.engine.url.database
        if not path or not os.path.exists(path) or os.path.getsize(path) == 0:
            return {}
        try:
            counts = _sqlite_counts(path)
        except sqlite3.DatabaseError as exc:
            raise BackupError(f"{path} không phải cơ sở dữ liệu SQLite đọc được: {exc}") from exc
        return {t: n for t, n in counts.items() if t not in IGNORED_TABLES}
    with db.engine.connect() as conn:
        counts = _pg_counts(conn)
        conn.rollback()
    return {t: n for t, n in counts.items() if t not in IGNORED_TABLES}


def _files_under(root: str) -> list[str]:
    out = []
    if os.path.isdir(root):
        for dirpath, _dirs, filenames in os.walk(root):
            out += [os.path.join(dirpath, n) for n in filenames]
    return out


def _restore_sqlite(db_file: str):
    target = db.engine.url.database
    if not target or target == ":memory:" or target.startswith("file:"):
        raise BackupError("Chỉ khôi phục được vào cơ sở dữ liệu SQLite nằm trong một tệp.")
    db.session.remove()
    db.engine.dispose()
    os.makedirs(os.path.dirname(os.path.abspath(target)), exist_ok=True)
    src = sqlite3.connect(f"file:{db_file}?mode=ro", uri=True)
    try:
        dst = sqlite3.connect(target, timeout=60)
        try:
            # The backup API replaces the target's content in one write transaction: either all of
            # it or, if interrupted, none; it also copes with a target in WAL mode.
            src.backup(dst, pages=-1)
        finally:
            dst.close()
    except sqlite3.Error as exc:
        raise BackupError(f"Không ghi được vào cơ sở dữ liệu SQLite {target}: {exc}") from exc
    finally:
        src.close()


def _restore_postgresql(dump_file: str):
    pg_restore = find_tool("pg_restore")
    args, env = pg_connection_args(db.engine.url.render_as_string(hide_password=False))
    db.session.remove()
    db.engine.dispose()
    _run([pg_restore, "--no-owner", "--no-privileges", "--clean", "--if-exists", "--single-transaction",
          "--exit-on-error", *args, dump_file], env, "pg_restore")


def _place_uploads(staged: str, now: datetime) -> str | None:
    """Move the restored uploads into ``instance/uploads``; a non-empty old one is kept aside."""
    root = _uploads_root()
    kept = None
    if os.path.isdir(root):
        if _files_under(root):
            kept = f"{root}.before-restore-{now.strftime('%Y%m%d-%H%M%S')}"
            os.rename(root, kept)
        else:
            shutil.rmtree(root)
    elif os.path.lexists(root):
        raise BackupError(f"{root} không phải thư mục.")
    if os.path.isdir(staged):
        os.rename(staged, root)
    else:
        os.makedirs(root)
    return kept


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
        manifest, found = _extract(path, work)
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
            _check_sqlite_file(db_file)

        if not force:
            rows = {t: n for t, n in _target_rows().items() if n}
            if rows:
                listing = ", ".join(f"{t} ({n})" for t, n in sorted(rows.items())[:8])
                raise BackupError("Cơ sở dữ liệu đích đã có dữ liệu: " + listing + ". Chỉ khôi phục vào một "
                                  "cài đặt trống; dùng --force để ghi đè.")
            existing = _files_under(_uploads_root())
            if existing:
                raise BackupError(f"Thư mục tải lên {_uploads_root()} đã có {len(existing)} tệp. Chỉ khôi phục "
                                  "vào một cài đặt trống; dùng --force (thư mục cũ được giữ lại bên cạnh).")

        if dialect == "sqlite":
            _restore_sqlite(db_file)
        else:
            _restore_postgresql(db_file)
        try:
            _place_uploads(os.path.join(work, UPLOADS), now)
        except OSError as exc:
            raise BackupError(f"Đã khôi phục cơ sở dữ liệu nhưng không đặt được thư mục tải lên vào "
                              f"{_uploads_root()}: {exc}") from exc

        if dialect == "sqlite":
            actual = _sqlite_counts(db.engine.url.database)
        else:
            with db.engine.connect() as conn:
                actual = _pg_counts(conn)
                conn.rollback()
        restored_files = {name: _sha256_file(os.path.join(current_app.instance_path, *name.split("/")))
                          for name in found if name.startswith(UPLOADS + "/")}
        mismatches = count_mismatches(manifest["tables"], actual)
        for name, (sha, size) in sorted(restored_files.items()):
            if sha != manifest["files"][name]["sha256"] or size != manifest["files"][name]["size"]:
                mismatches.append(f"tệp {name}: SHA-256 sau khi khôi phục không khớp")
        return RestoreReport(dialect, actual, len(restored_files), mismatches)
    finally:
        shutil.rmtree(work, ignore_errors=True)
