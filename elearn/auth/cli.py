import sys

import click
from flask.cli import AppGroup

from ..core.errors import ServiceError
from ..extensions import db
from ..orgs.services import get_by_code
from . import services
from .models import ROLES

users_cli = AppGroup("users", help="Tài khoản người dùng.")
tokens_cli = AppGroup("tokens", help="Mã truy cập API cá nhân.")


def _read_password():
    if sys.stdin is not None and not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt("Mật khẩu", hide_input=True, confirmation_prompt=True)


@users_cli.command("create")
@click.argument("email")
@click.option("--name", required=True, help="Họ và tên")
@click.option("--role", required=True, type=click.Choice(ROLES))
@click.option("--org", "org_code", required=True, help="Mã đơn vị")
def create_cmd(email, name, role, org_code):
    """Create an account. The password comes on stdin or from a prompt."""
    org = get_by_code(org_code)
    if org is None:
        click.echo(f"Không có đơn vị mã {org_code}.", err=True)
        sys.exit(1)
    password = _read_password()
    try:
        user = services.create_user(email, name, role, org, password=password)
    except ServiceError as err:
        db.session.rollback()
        click.echo(err.message, err=True)
        sys.exit(1)
    db.session.commit()
    click.echo(f"Đã tạo {user.email} ({role}, {org.code}).")


@users_cli.command("import")
@click.argument("file", type=click.File("rb"))
@click.option("--dry-run", is_flag=True, help="Kiểm tra mà không ghi gì.")
def import_cmd(file, dry_run):
    """Import FILE.csv with columns email,name,role,org_code (all or nothing)."""
    try:
        result = services.import_users(file.read())
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
        click.echo(f"(thử) sẽ tạo {len(result.created)} tài khoản; chưa ghi gì.")
    else:
        db.session.commit()
        click.echo(f"Đã tạo {len(result.created)} tài khoản. Người dùng đặt mật khẩu qua \"Quên mật khẩu\".")


@tokens_cli.command("create")
@click.argument("email")
@click.option("--name", default="CLI", help="Tên gợi nhớ")
def token_create_cmd(email, name):
    """Print a new personal API token for EMAIL (shown once)."""
    user = services.get_user_by_email(email)
    if user is None:
        click.echo(f"Không có tài khoản {email}.", err=True)
        sys.exit(1)
    _token, raw = services.create_token(user, name)
    db.session.commit()
    click.echo(raw)
