import click
from flask import current_app
from flask.cli import AppGroup

from . import outbox

discussions_cli = AppGroup("discussions", help="Thư theo dõi thảo luận.")


@discussions_cli.command("send")
def send_cmd():
    """Queue yesterday's digests and send what is due. Idempotent: safe from cron every few minutes."""
    with current_app.test_request_context(base_url=current_app.config["BASE_URL"]):  # for links in mail
        queued = outbox.queue_digests()
        stats = outbox.send_due()
    click.echo(f"Thêm {queued} thư tổng hợp; đã gửi {stats['sent']}, lỗi {stats['failed']} (sẽ thử lại), "
               f"bỏ {stats['dropped']}.")
