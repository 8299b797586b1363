import sys

import click
from flask.cli import AppGroup

from ..core.errors import ServiceError
from ..extensions import db
from . import services

orgs_cli = AppGroup("orgs", help="Đơn vị (org units).")


@orgs_cli.command("import")
@click.argument("file", type=click.File("rb"))
@click.option("--dry-run", is_flag=True, help="Kiểm tra mà không ghi gì.")
def import_cmd(file, dry_run):
    """Import FILE.csv with columns code,name,parent_code (all or nothing)."""
    try:
        result = services.import_units(file.read())
    except ServiceError as err:
        db.session.rollback()
        click.echo(f"{file.name}: {err.message}", err=True)
        sys.exit(1)
    if result.errors:
        db.session.rollback()
        for line, message in result.errors:
            click.echo(f"{file.name}:{line}: {message}", err=True)
        click.echo(f"{len(result.errors)} lỗi; không ghi gì.", err=True)
        sys.exit(1)
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()
    prefix = "(thử) " if dry_run else ""
    click.echo(f"{prefix}tạo mới {len(result.created)}, cập nhật {len(result.updated)}, giữ nguyên {result.unchanged}")
