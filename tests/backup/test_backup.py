"""`flask backup create` while 20 writers commit quiz attempts over HTTP, then `flask backup restore`
into a fresh database: every attempt committed before the backup began is there, and the manifest's
counts and checksums match. Runs on SQLite and, with ELEARN_TEST_DATABASE_URL, on PostgreSQL (pg_dump
and pg_restore into a second database)."""
import hashlib
import io
import json
import os
import tarfile
import threading
import time

import pytest

from elearn.auth import services as accounts
from elearn.backup import services as backup
from tests.backup.conftest import invoke, rows, write_uploads
from tests.conftest import TEST_DB_URL

WRITERS = 20


def _manifest(path):
    with tarfile.open(path) as tar:
        return json.load(tar.extractfile("manifest.json"))


def _rewrite(path, out, change):
    """Copy the archive at ``path`` to ``out`` with ``change(name, bytes) -> bytes | None`` applied
    (None drops the member)."""
    with tarfile.open(path) as src, tarfile.open(out, "w:gz") as dst:
        for member in src:
            data = change(member.name, src.extractfile(member).read())
            if data is None:
                continue
            info = tarfile.TarInfo(member.name)
            info.size = len(data)
            dst.addfile(info, io.BytesIO(data))


@pytest.fixture
def source(make_app, tmp_path):
    """The serving installation: the test database, with its own instance folder and some uploads."""
    app = make_app(INSTANCE_PATH=str(tmp_path / "source-instance"))
    names = write_uploads(app, 3, 2048)
    return app, names


def test_backup_while_20_writers_commit_restores_every_attempt_committed_before_it(
        db, make_app, make_user, quiz, source, fresh_target, tmp_path, monkeypatch):
    src, _ = source
    write_uploads(src, 20, 256 * 1024)
    tokens = []
    for i in range(WRITERS):
        user = make_user("trainee", quiz["org"], email=f"hv{i}@example.vn")
        _t, raw = accounts.create_token(user, "t")
        tokens.append(raw)
    db.session.commit()

    url = f"/api/v1/quizzes/{quiz['activity_id']}/attempts"
    committed, errors, lock = [], [], threading.Lock()  # (attempt id, monotonic time its commit returned)
    stop = threading.Event()
    clients = [make_app().test_client() for _ in range(WRITERS)]

    def writer(i):
        headers = {"Authorization": f"Bearer {tokens[i]}"}
        try:
            while not stop.is_set():
                r = clients[i].post(url, headers=headers)
                if r.status_code != 201:
                    errors.append((r.status_code, r.get_data(as_text=True)))
                    return
                with lock:
                    committed.append((r.json["id"], time.monotonic()))
                r = clients[i].post(f"/api/v1/attempts/{r.json['id']}/submit", headers=headers)
                if r.status_code != 200:
                    errors.append((r.status_code, r.get_data(as_text=True)))
                    return
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(repr(exc))

    # The backup is real; only its pace is set: once the database is copied, it holds its archive open
    # until 3 more attempts have been committed, so the writers provably commit while a backup runs
    # (on a loaded machine a small backup could otherwise finish between two commits).
    real_add, overlap = backup.add_file, []

    def add_file_while_writers_commit(tar, name, path, mtime=None):
        if name.startswith("uploads/") and not overlap:
            target, deadline = len(committed) + 3, time.monotonic() + 60
            while len(committed) < target and time.monotonic() < deadline and not errors:
                time.sleep(0.01)
            overlap.append(len(committed) >= target)
        return real_add(tar, name, path, mtime)

    monkeypatch.setattr(backup, "add_file", add_file_while_writers_commit)
    threads = [threading.Thread(target=writer, args=(i,)) for i in range(WRITERS)]
    for t in threads:
        t.start()
    try:
        deadline = time.monotonic() + 60
        while len(committed) < WRITERS and time.monotonic() < deadline and not errors:
            time.sleep(0.02)
        with lock:
            before = {attempt_id for attempt_id, _ in committed}  # committed before the backup began
        began = time.monotonic()
        result = invoke(src, "backup", "create", str(tmp_path / "sao-luu.tar.gz"))
        ended = time.monotonic()
        time.sleep(0.2)  # writers go on after the backup too
    finally:
        stop.set()
        for t in threads:
            t.join(60)
    assert not errors, errors[:3]
    assert result.exit_code == 0, result.output
    during = [a for a, when in committed if began < when < ended]
    assert overlap == [True] and len(during) >= 3, "the writers were blocked while the backup ran"
    assert len(before) >= WRITERS

    archive = tmp_path / "sao-luu.tar.gz"
    manifest = _manifest(archive)
    restored = invoke(fresh_target, "backup", "restore", str(archive))
    assert restored.exit_code == 0, restored.output
    assert "khớp với manifest" in restored.output

    restored_ids = {r[0] for r in rows(fresh_target, "SELECT id FROM quiz_attempts")}
    assert before <= restored_ids, f"missing after restore: {sorted(before - restored_ids)[:10]}"
    assert restored_ids <= {a for a, _ in committed}  # nothing that was never committed
    assert manifest["tables"]["quiz_attempts"] == len(restored_ids)
    for table, count in manifest["tables"].items():
        assert rows(fresh_target, f'SELECT count(*) FROM "{table}"')[0][0] == count, table
    # the uploads came back byte for byte, and the unfinished part file stayed out
    uploads = os.path.join(fresh_target.instance_path, "uploads")
    upload_entries = {n: e for n, e in manifest["files"].items() if n.startswith("uploads/")}
    assert len(upload_entries) == 23
    for name, entry in upload_entries.items():
        with open(os.path.join(fresh_target.instance_path, name), "rb") as fh:
            assert hashlib.sha256(fh.read()).hexdigest() == entry["sha256"]
    assert sorted(os.listdir(os.path.join(uploads, "materials"))) == sorted(
        os.listdir(os.path.join(src.instance_path, "uploads", "materials")))


def test_backup_is_written_under_a_temporary_name_and_renamed_only_when_complete(
        db, source, monkeypatch, tmp_path):
    src, _ = source
    target = tmp_path / "out" / "sao-luu.tar.gz"
    target.parent.mkdir()
    seen = []
    real_add = backup.add_file

    def add_then_fail(tar, name, path, mtime=None):
        entry = real_add(tar, name, path, mtime)
        seen.append(sorted(os.listdir(target.parent)))
        if name.startswith("uploads/"):
            raise OSError("đĩa đầy")  # the backup dies half-way through the uploads
        return entry

    monkeypatch.setattr(backup, "add_file", add_then_fail)
    with pytest.raises(OSError):
        with src.app_context():
            backup.create_backup(str(target))
    # while it ran, only a hidden ".…partial-…" file existed; the real name never appeared
    assert seen and all(len(names) == 1 and names[0].startswith(".sao-luu.tar.gz.partial-") for names in seen)
    assert os.listdir(target.parent) == []  # the partial file is removed on failure
    monkeypatch.undo()
    ok = invoke(src, "backup", "create", str(target))
    assert ok.exit_code == 0, ok.output
    assert os.listdir(target.parent) == ["sao-luu.tar.gz"]
    again = invoke(src, "backup", "create", str(target))
    assert again.exit_code == 1 and "đã có" in again.output  # never overwrites an older backup


def test_backup_into_a_folder_gets_a_dated_name(db, source, tmp_path):
    src, _ = source
    result = invoke(src, "backup", "create", str(tmp_path))
    assert result.exit_code == 0, result.output
    made = [n for n in os.listdir(tmp_path) if n.startswith("elearn-backup-") and n.endswith(".tar.gz")]
    assert len(made) == 1
    assert os.stat(tmp_path / made[0]).st_mode & 0o777 == 0o600  # password hashes: owner only


def test_backup_refuses_to_write_into_the_uploads_folder(db, source):
    src, _ = source
    inside = os.path.join(src.instance_path, "uploads", "materials")
    result = invoke(src, "backup", "create", inside)
    assert result.exit_code == 1 and "thư mục tải lên" in result.output
    assert not [n for n in os.listdir(inside) if "backup" in n]


@pytest.fixture
def archive(db, make_user, source, tmp_path):
    src, names = source
    make_user("trainee")
    path = tmp_path / "sao-luu.tar.gz"
    result = invoke(src, "backup", "create", str(path))
    assert result.exit_code == 0, result.output
    return path


def test_restore_refuses_a_database_with_rows_unless_forced(archive, make_app, make_user, tmp_path):
    # the test database itself has rows (the user made for the archive)
    target = make_app(INSTANCE_PATH=str(tmp_path / "other-instance"))
    refused = invoke(target, "backup", "restore", str(archive))
    assert refused.exit_code == 1
    assert "Cơ sở dữ liệu đích đã có dữ liệu" in refused.output and "users (1)" in refused.output
    assert not os.path.exists(os.path.join(target.instance_path, "uploads", "materials"))  # nothing written
    make_user("trainee", email="them@example.vn")  # a row that is not in the backup
    forced = invoke(target, "backup", "restore", "--force", str(archive))
    assert forced.exit_code == 0, forced.output
    assert [r[0] for r in rows(target, "SELECT email FROM users")] == ["user1@example.vn"]


def test_restore_refuses_a_non_empty_uploads_folder_unless_forced(archive, fresh_target):
    materials = os.path.join(fresh_target.instance_path, "uploads", "materials")
    os.makedirs(materials)
    with open(os.path.join(materials, "cu.pdf"), "wb") as fh:
        fh.write(b"%PDF-1.4 cu")
    refused = invoke(fresh_target, "backup", "restore", str(archive))
    assert refused.exit_code == 1 and "Thư mục tải lên" in refused.output
    assert rows(fresh_target, "SELECT 1") and not _has_users_table(fresh_target)  # database untouched
    forced = invoke(fresh_target, "backup", "restore", "--force", str(archive))
    assert forced.exit_code == 0, forced.output
    assert "cu.pdf" not in os.listdir(materials)
    kept = [n for n in os.listdir(fresh_target.instance_path) if n.startswith("uploads.before-restore-")]
    assert len(kept) == 1  # the old files are kept aside, not deleted


def _has_users_table(app):
    from sqlalchemy import inspect

    from elearn.extensions import db as _db

    with app.app_context():
        return inspect(_db.engine).has_table("users")


def test_restore_into_a_migrated_empty_database_works(archive, fresh_target):
    from flask_migrate import upgrade

    with fresh_target.app_context():
        upgrade()
    result = invoke(fresh_target, "backup", "restore", str(archive))
    assert result.exit_code == 0, result.output
    assert rows(fresh_target, "SELECT count(*) FROM users")[0][0] == 1


def test_restore_reports_a_changed_file_and_writes_nothing(archive, fresh_target, tmp_path):
    bad = tmp_path / "hong.tar.gz"
    _rewrite(archive, bad, lambda name, data: data[:-1] + b"X" if name.startswith("uploads/") else data)
    result = invoke(fresh_target, "backup", "restore", str(bad))
    assert result.exit_code == 1
    assert "SHA-256 không khớp" in result.output and "uploads/materials/" in result.output
    assert not _has_users_table(fresh_target)
    assert not os.path.exists(os.path.join(fresh_target.instance_path, "uploads"))


def test_restore_reports_missing_and_unlisted_files(archive, fresh_target, tmp_path):
    bad = tmp_path / "thieu.tar.gz"
    dropped = []

    def drop_first_upload(name, data):
        if name.startswith("uploads/") and not dropped:
            dropped.append(name)
            return None
        return data

    _rewrite(archive, bad, drop_first_upload)
    result = invoke(fresh_target, "backup", "restore", str(bad))
    assert result.exit_code == 1 and f"thiếu tệp {dropped[0]}" in result.output
    assert not _has_users_table(fresh_target)


def test_restore_reports_row_counts_that_differ_from_the_manifest(archive, fresh_target, tmp_path):
    bad = tmp_path / "so-dong.tar.gz"

    def more_users(name, data):
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        manifest["tables"]["users"] += 5
        return json.dumps(manifest).encode()

    _rewrite(archive, bad, more_users)
    result = invoke(fresh_target, "backup", "restore", str(bad))
    assert result.exit_code == 1
    assert "KHÔNG khớp" in result.output and "bảng users: 1 dòng, manifest ghi 6" in result.output


@pytest.mark.parametrize("name", ["../thoat.pdf", "/etc/passwd", "uploads/../../x", "uploads/a/.upload-1.part",
                                  "uploads/x", "config.py"])
def test_restore_refuses_members_outside_the_layout(archive, fresh_target, tmp_path, name):
    bad = tmp_path / "la.tar.gz"
    with tarfile.open(archive) as src, tarfile.open(bad, "w:gz") as dst:
        for member in src:
            dst.addfile(member, src.extractfile(member))
        info = tarfile.TarInfo(name)
        info.size = 3
        dst.addfile(info, io.BytesIO(b"abc"))
    result = invoke(fresh_target, "backup", "restore", str(bad))
    assert result.exit_code == 1 and "mục không hợp lệ" in result.output
    assert not os.path.exists(os.path.join(os.path.dirname(str(tmp_path)), "thoat.pdf"))
    assert not _has_users_table(fresh_target)


def test_restore_refuses_a_file_that_is_not_a_backup(fresh_target, tmp_path):
    junk = tmp_path / "khong-phai.tar.gz"
    junk.write_bytes(b"\x1f\x8b\x08\x00" + os.urandom(200))
    result = invoke(fresh_target, "backup", "restore", str(junk))
    assert result.exit_code == 1 and "bị hỏng" in result.output


@pytest.mark.skipif(bool(TEST_DB_URL), reason="SQLite copy")
def test_sqlite_copy_that_fails_integrity_check_is_refused(archive, fresh_target, tmp_path):
    bad = tmp_path / "sqlite-hong.tar.gz"
    manifest = _manifest(archive)
    with tarfile.open(archive) as tar:
        data = bytearray(tar.extractfile("database.sqlite").read())
    page = 4096
    data[2 * page + 8:3 * page] = b"\xa5" * (page - 8)  # scribble over a b-tree page, keep the header
    manifest["files"]["database.sqlite"] = {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}

    def change(name, body):
        return {"database.sqlite": bytes(data), "manifest.json": json.dumps(manifest).encode()}.get(name, body)

    _rewrite(archive, bad, change)
    result = invoke(fresh_target, "backup", "restore", str(bad))
    assert result.exit_code == 1
    assert "toàn vẹn" in result.output or "bị hỏng" in result.output
    assert not _has_users_table(fresh_target)


def test_pg_tools_get_host_port_user_db_and_the_password_only_in_the_environment():
    args, env = backup.pg_connection_args("postgresql+psycopg://elearn:b%C3%AD-m%E1%BA%ADt@db.example:5433/hoctap"
                                          "?sslmode=require", environ={})
    assert args == ["--no-password", "--host", "db.example", "--port", "5433", "--username", "elearn",
                    "--dbname", "hoctap"]
    assert not any("bí-mật" in a for a in args)
    assert env == {"PGPASSWORD": "bí-mật", "PGSSLMODE": "require"}


def test_missing_pg_dump_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(backup.BackupError, match="Không tìm thấy chương trình pg_dump trên PATH"):
        backup.find_tool("pg_dump")


@pytest.mark.skipif(not TEST_DB_URL, reason="PostgreSQL only")
def test_backup_on_postgresql_without_pg_dump_fails_clearly_and_leaves_nothing(db, source, monkeypatch, tmp_path):
    src, _ = source
    monkeypatch.setenv("PATH", "/nonexistent")
    out = tmp_path / "out"
    out.mkdir()
    result = invoke(src, "backup", "create", str(out / "x.tar.gz"))
    assert result.exit_code == 1 and "pg_dump" in result.output
    assert os.listdir(out) == []


def test_backup_skips_and_names_files_a_restore_would_refuse(db, source, fresh_target, tmp_path):
    src, names = source
    odd = os.path.join(src.instance_path, "uploads", "materials", "tên lạ.pdf")
    with open(odd, "wb") as fh:
        fh.write(b"%PDF-1.4 odd")
    archive = tmp_path / "sao-luu.tar.gz"
    made = invoke(src, "backup", "create", str(archive))
    assert made.exit_code == 0, made.output
    assert "Bỏ qua uploads/materials/tên lạ.pdf" in made.output
    manifest = _manifest(archive)
    assert sorted(manifest["files"]) == ["database." + ("dump" if TEST_DB_URL else "sqlite")] + sorted(
        f"uploads/materials/{n}" for n in names)
    assert manifest["alembic_revision"] == rows(src, "SELECT version_num FROM alembic_version")[0][0]
    restored = invoke(fresh_target, "backup", "restore", str(archive))
    assert restored.exit_code == 0, restored.output


def test_a_table_the_backup_does_not_have_is_reported_or_gone(archive, fresh_target):
    from sqlalchemy import text

    from elearn.extensions import db as _db

    with fresh_target.app_context():
        with _db.engine.begin() as conn:
            conn.execute(text("CREATE TABLE bang_thua (id integer primary key)"))
    result = invoke(fresh_target, "backup", "restore", str(archive))
    if TEST_DB_URL:  # pg_restore --clean drops only what the dump holds: the extra table stays, and is named
        assert result.exit_code == 1
        assert "bảng bang_thua: có trong cơ sở dữ liệu đích nhưng không có trong bản sao lưu" in result.output
    else:  # the SQLite backup API replaces the whole file
        assert result.exit_code == 0, result.output
        assert not rows(fresh_target, "SELECT name FROM sqlite_master WHERE name = 'bang_thua'")
