import json
import os
import sys

import click
from flask import current_app
from flask.cli import AppGroup

from ..extensions import db
from . import reader
from . import writer

courses_cli = AppGroup("courses", help="Khoá học.")


def default_dir():
    return os.path.join(os.path.dirname(current_app.root_path), "courses")


def import_dir(path):
    """Read, check and (when clean) write the courses under ``path``. The caller commits."""
    report = reader.read_courses(path)
    if not report.errors:
        writer.apply(report)
    return report


@courses_cli.command("import")
@click.argument("directory", required=False, type=click.Path(file_okay=False))
@click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON.")
def import_cmd(directory, as_json):
    """Import the curriculum from DIRECTORY (default: courses/). Idempotent; all or nothing."""
    report = import_dir(directory or default_dir())
    if report.errors:
        db.session.rollback()
    else:
        db.session.commit()
    if as_json:
        click.echo(json.dumps(report.to_json(), ensure_ascii=False, indent=2))
    else:
        for e in report.errors:
            click.echo(str(e), err=True)
        for w in report.warnings:
            click.echo(f"Cảnh báo: {w}", err=True)
        if report.errors:
            click.echo(f"{len(report.errors)} lỗi; không ghi gì.", err=True)
        else:
            for c in report.courses:
                n = c.counts()
                click.echo(f"{n['slug']}: {n['modules']} module, {n['lessons']} bài học, {n['questions']} câu hỏi")
            click.echo(f"{report.changes} thay đổi.")
    if report.errors:
        sys.exit(1)
