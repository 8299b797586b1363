"""Orphan ``.upload-*.part`` files (a worker killed while storing an upload) are removed once older
than an hour: when an app starts, and by `flask uploads clean` from cron. Fresh ones stay."""
import os
import time

import pytest

from tests.backup.conftest import invoke


@pytest.fixture
def parts(tmp_path):
    """An instance folder with an old part file, a fresh one and an old real upload."""
    instance = tmp_path / "instance"
    materials = instance / "uploads" / "materials"
    imports = instance / "uploads" / "imports"
    materials.mkdir(parents=True)
    imports.mkdir(parents=True)
    two_hours_ago = time.time() - 2 * 3600
    files = {
        "old": materials / ".upload-k1l2m3.part",
        "old_nested": imports / ".upload-abc.part",
        "fresh": materials / ".upload-n4o5p6.part",
        "stored": materials / ("0" * 32 + ".pdf"),
        "stored_like": materials / "upload-not-a-part.part",
    }
    for name, path in files.items():
        path.write_bytes(b"%PDF-1.4 " + name.encode())
        if name != "fresh":
            os.utime(path, (two_hours_ago, two_hours_ago))
    return str(instance), files


def _left(files):
    return {name for name, path in files.items() if path.exists()}


def test_app_start_removes_old_part_files_only(make_app, parts):
    instance, files = parts
    make_app(INSTANCE_PATH=instance)
    assert _left(files) == {"fresh", "stored", "stored_like"}


def test_uploads_clean_command_removes_old_part_files_only(make_app, parts):
    instance, files = parts
    from elearn.core import uploads

    app = make_app(INSTANCE_PATH=instance)
    # parts orphaned after the app started (a worker killed later)
    for key in ("old", "old_nested"):
        files[key].write_bytes(b"x")
        os.utime(files[key], (time.time() - 3601 - 60, time.time() - 3601 - 60))
    assert _left(files) == {"old", "old_nested", "fresh", "stored", "stored_like"}
    result = invoke(app, "uploads", "clean")
    assert result.exit_code == 0, result.output
    assert "Đã xoá 2 tệp" in result.output
    assert _left(files) == {"fresh", "stored", "stored_like"}
    again = invoke(app, "uploads", "clean")
    assert "Đã xoá 0 tệp" in again.output
    assert uploads.STALE_PART_SECONDS == 3600


def test_a_part_file_of_a_live_upload_survives(make_app, parts):
    instance, files = parts
    app = make_app(INSTANCE_PATH=instance)
    minute_ago = time.time() - 60
    os.utime(files["fresh"], (minute_ago, minute_ago))
    assert invoke(app, "uploads", "clean").exit_code == 0
    assert files["fresh"].exists()


def test_start_up_without_an_uploads_folder_is_fine(make_app, tmp_path):
    app = make_app(INSTANCE_PATH=str(tmp_path / "new-instance"))
    assert invoke(app, "uploads", "clean").output.startswith("Đã xoá 0 tệp")
