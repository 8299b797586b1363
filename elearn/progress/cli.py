import click
from flask.cli import AppGroup

from ..extensions import db
from . import services

progress_cli = AppGroup("progress", help="Tiến độ học tập.")


@progress_cli.command("rebuild")
@click.option("--course", "slug", help="Chỉ một khoá học")
def rebuild_cmd(slug):
    """Recompute every progress row from the raw events."""
    from ..courses.services import get_course

    n = services.rebuild(get_course(slug) if slug else None)
    db.session.commit()
    click.echo(f"Đã tính lại tiến độ cho {n} (học viên, khoá học).")
