import click
from flask import current_app
from flask.cli import AppGroup

from . import reminders

reminders_cli = AppGroup("reminders", help="Thư nhắc lịch tập huấn.")


@reminders_cli.command("send")
def send_cmd():
    """Queue T-7/T-1 reminders and send what is due. Idempotent: safe from cron every few minutes."""
    with current_app.test_request_context(base_url=current_app.config["BASE_URL"]):  # for links in mail
        queued = reminders.queue_due()
        stats = reminders.send_due()
    click.echo(f"Thêm {queued} thư nhắc; đã gửi {stats['sent']}, lỗi {stats['failed']} (sẽ thử lại).")
