import sys

import click
from flask.cli import AppGroup

from ..core.uploads import STALE_PART_SECONDS, clean_stale_parts
from . import services
from .services import BackupError

backup_cli = AppGroup("backup", help="Sao lưu và khôi phục cơ sở dữ liệu cùng tệp tải lên.")
uploads_cli = AppGroup("uploads", help="Tệp tải lên.")


def _size(n):
    return f"{n / (1024 * 1024):.1f} MB" if n >= 1024 * 1024 else f"{n / 1024:.1f} KB"


@backup_cli.command("create")
@click.argument("path", type=click.Path(dir_okay=True, file_okay=True, writable=True))
def create_cmd(path):
    """Write a consistent .tar.gz backup (database, instance/uploads, manifest.json) to PATH while the
    app keeps serving. PATH may be a folder: the file is then named elearn-backup-<time>.tar.gz."""
    try:
        result = services.create_backup(path)
    except (BackupError, OSError) as err:  # OSError: a full disk, a folder that vanished, …
        click.echo(f"Lỗi: {err}", err=True)
        sys.exit(1)
    for name in result.skipped:
        click.echo(f"Bỏ qua {name}: tên tệp không phải tên ứng dụng tạo ra.", err=True)
    rows = sum(result.tables.values())
    click.echo(f"Đã sao lưu vào {result.path} ({_size(result.size)}, {result.dialect}): "
               f"{len(result.tables)} bảng, {rows} dòng, {result.files} tệp tải lên, {result.seconds:.1f} giây.")


@backup_cli.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--force", is_flag=True,
              help="Khôi phục cả khi cơ sở dữ liệu đích có dữ liệu hoặc thư mục tải lên có tệp "
                   "(dữ liệu cũ bị ghi đè; thư mục tải lên cũ được giữ lại bên cạnh).")
def restore_cmd(path, force):
    """Restore a backup made by `backup create` into this (empty) installation, then check the row
    counts and checksums against its manifest. Stop the app first. Exits 1 on any mismatch."""
    try:
        report = services.restore_backup(path, force=force)
    except (BackupError, OSError) as err:
        click.echo(f"Lỗi: {err}", err=True)
        sys.exit(1)
    rows = sum(report.tables.values())
    if not report.ok:
        click.echo("Đã khôi phục nhưng KHÔNG khớp với manifest.json:", err=True)
        for line in report.mismatches:
            click.echo(f"- {line}", err=True)
        sys.exit(1)
    click.echo(f"Đã khôi phục {path} ({report.dialect}): {len(report.tables)} bảng, {rows} dòng, "
               f"{report.files} tệp tải lên; số dòng và SHA-256 khớp với manifest. "
               "Tiếp theo: flask --app app db upgrade")


@uploads_cli.command("clean")
def clean_cmd():
    """Delete .upload-*.part files left for more than an hour by a worker killed mid-upload (cron)."""
    removed = clean_stale_parts()
    click.echo(f"Đã xoá {removed} tệp tải lên dở dang cũ hơn {STALE_PART_SECONDS // 60} phút.")
