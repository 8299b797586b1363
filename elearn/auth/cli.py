import sys

import click
from flask.cli import AppGroup

from ..core.cli import run_csv_import
from ..core.errors import ServiceError
from ..core.seclog import security_event
from ..extensions import db
from ..orgs.services import get_by_code
from . import imports, services
from .roles import ROLES

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
@click.option("--invite", is_flag=True, help="Gửi thư mời đặt mật khẩu (hiệu lực 7 ngày) cho mỗi tài khoản mới.")
def import_cmd(file, dry_run, invite):
    """Import FILE (CSV or XLSX) with columns email,name,role,org_code (all or nothing)."""
    from ..core.mail import MailError

    def importer(data):
        try:
            return imports.import_users(data, filename=file.name, invite=invite and not dry_run)
        except MailError as exc:
            db.session.rollback()
            click.echo(f"{file.name}: chưa gửi được thư mời ({exc}); không tạo tài khoản nào.", err=True)
            sys.exit(1)

    run_csv_import(file, importer, dry_run, lambda r, dry: (
        f"(thử) sẽ tạo {len(r.created)} tài khoản; chưa ghi gì." if dry else
        f"Đã tạo {len(r.created)} tài khoản và gửi {r.invited} thư mời." if invite else
        f"Đã tạo {len(r.created)} tài khoản. Người dùng đặt mật khẩu qua \"Quên mật khẩu\" "
        f"(hoặc dùng --invite để gửi thư mời)."))


@tokens_cli.command("create")
@click.argument("email")
@click.option("--name", default="CLI", help="Tên gợi nhớ")
def token_create_cmd(email, name):
    """Print a new personal API token for EMAIL (shown once)."""
    user = services.get_user_by_email(email)
    if user is None:
        click.echo(f"Không có tài khoản {email}.", err=True)
        sys.exit(1)
    token, raw = services.create_token(user, name)
    db.session.commit()
    security_event("token_created", user_id=user.id, token_id=token.id, prefix=token.prefix, name=token.name,
                   by="cli")
    click.echo(raw)
