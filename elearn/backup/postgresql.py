"""The PostgreSQL side of a backup and a restore: pg_dump of an exported snapshot, pg_restore in one
transaction, the row counts, and the client programs' options (the password only in the environment)."""
import os
import shutil
import subprocess

from sqlalchemy import text
from sqlalchemy.engine import make_url

from ..extensions import db
from .archive import DB_FILES, BackupError


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


def pg_counts(conn) -> dict:
    tables = conn.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
                               "ORDER BY tablename")).scalars().all()
    return {t: conn.execute(text(f"SELECT count(*) FROM {_quote(t)}")).scalar_one() for t in tables}


def dump_postgresql(workdir: str) -> tuple[str, dict, str | None]:
    pg_dump = find_tool("pg_dump")
    out = os.path.join(workdir, DB_FILES["postgresql"])
    args, env = pg_connection_args(db.engine.url.render_as_string(hide_password=False))
    with db.engine.connect().execution_options(isolation_level="REPEATABLE READ") as conn:
        conn.execute(text("SET TRANSACTION READ ONLY"))
        snapshot = conn.execute(text("SELECT pg_export_snapshot()")).scalar_one()
        counts = pg_counts(conn)  # the same snapshot pg_dump reads
        revision = (conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
                    if "alembic_version" in counts else None)
        _run([pg_dump, "--format=custom", "--file", out, "--snapshot", snapshot, *args], env, "pg_dump")
        conn.rollback()
    return out, counts, revision


def restore_postgresql(dump_file: str):
    pg_restore = find_tool("pg_restore")
    args, env = pg_connection_args(db.engine.url.render_as_string(hide_password=False))
    db.session.remove()
    db.engine.dispose()
    _run([pg_restore, "--no-owner", "--no-privileges", "--clean", "--if-exists", "--single-transaction",
          "--exit-on-error", *args, dump_file], env, "pg_restore")
