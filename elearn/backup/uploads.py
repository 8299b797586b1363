"""The uploads side of a backup and a restore: which files under ``instance/uploads`` go into an
archive, and moving restored uploads into place."""
import os
import shutil
from datetime import datetime

from flask import current_app

from .archive import PART_RE, UPLOADS, BackupError, member_name_ok


def uploads_root() -> str:
    return os.path.join(current_app.instance_path, UPLOADS)


def upload_files(root: str):
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
            (out if member_name_ok(name) else skipped).append((name, full))
    return out, [name for name, _ in skipped]


def files_under(root: str) -> list[str]:
    out = []
    if os.path.isdir(root):
        for dirpath, _dirs, filenames in os.walk(root):
            out += [os.path.join(dirpath, n) for n in filenames]
    return out


def place_uploads(staged: str, now: datetime) -> str | None:
    """Move the restored uploads into ``instance/uploads``; a non-empty old one is kept aside."""
    root = uploads_root()
    kept = None
    if os.path.isdir(root):
        if files_under(root):
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
