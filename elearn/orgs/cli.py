import click
from flask.cli import AppGroup

from ..core.cli import run_csv_import
from . import services

orgs_cli = AppGroup("orgs", help="Đơn vị (org units).")


@orgs_cli.command("import")
@click.argument("file", type=click.File("rb"))
@click.option("--dry-run", is_flag=True, help="Kiểm tra mà không ghi gì.")
def import_cmd(file, dry_run):
    """Import FILE.csv with columns code,name,parent_code (all or nothing)."""
    run_csv_import(file, services.import_units, dry_run, lambda r, dry: (
        f"{'(thử) ' if dry else ''}tạo mới {len(r.created)}, cập nhật {len(r.updated)}, giữ nguyên {r.unchanged}"))
