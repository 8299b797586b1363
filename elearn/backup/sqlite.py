"""The SQLite side of a backup and a restore: an online copy with the backup API, the integrity check
and the row counts."""
import os
import sqlite3

from ..extensions import db
from .archive import DB_FILES, BackupError


def _sqlite_tables(conn: sqlite3.Connection) -> list[str]:
    return [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]


def sqlite_counts(path: str) -> dict:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return {t: conn.execute(f'SELECT count(*) FROM "{t.replace(chr(34), chr(34) * 2)}"').fetchone()[0]
                for t in _sqlite_tables(conn)}
    finally:
        conn.close()


def check_sqlite_file(path: str):
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


def dump_sqlite(workdir: str) -> tuple[str, dict, str | None]:
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
    check_sqlite_file(out)
    counts, revision = sqlite_counts(out), None
    if "alembic_version" in counts:
        conn = sqlite3.connect(f"file:{out}?mode=ro", uri=True)
        try:
            revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        finally:
            conn.close()
    return out, counts, revision[0] if revision else None


def restore_sqlite(db_file: str):
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
