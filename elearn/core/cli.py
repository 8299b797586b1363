"""Shared pieces of the command line: the all-or-nothing CSV import report."""
import sys

import click

from ..extensions import db
from .errors import ServiceError


def run_csv_import(file, importer, dry_run: bool, summary):
    """Run ``importer(bytes)``; print file:line errors and write nothing if any, else commit (or roll
    back for a dry run) and print ``summary(result, dry_run)``. Exits 1 on errors."""
    try:
        result = importer(file.read())
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
    click.echo(summary(result, dry_run))
