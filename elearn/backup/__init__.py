"""Backups and restores (``flask backup create|restore``) and upload housekeeping (``flask uploads clean``)."""


def init_app(app):
    from .cli import backup_cli, uploads_cli

    app.cli.add_command(backup_cli)
    app.cli.add_command(uploads_cli)
