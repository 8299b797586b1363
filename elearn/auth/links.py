"""Single-use links sent by mail: the password reset and the invitation ("set your password").

Only a link's SHA-256 is stored; a link is claimed in one conditional UPDATE, so two tabs cannot
both use it."""
import secrets
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select, update

from ..core.errors import ServiceError
from ..core.mail import external_url, send_mail
from ..core.timeutil import utcnow
from ..extensions import db
from ..orgs.models import OrgUnit
from .models import Invitation, PasswordReset, User
from .roles import role_label
from .services import check_password_rules, get_user_by_email, hash_token, revoke_all_tokens, set_password


# --- password reset ----------------------------------------------------------------------------

def start_password_reset(email: str) -> None:
    """E-mail a single-use reset link if the account exists. Says nothing about whether it does."""
    user = get_user_by_email(email)
    if user is None or not user.active:
        return
    token = secrets.token_urlsafe(32)
    max_age = current_app.config["PASSWORD_RESET_MAX_AGE"]
    db.session.add(PasswordReset(user_id=user.id, token_hash=hash_token(token),
                                 expires_at=utcnow() + timedelta(seconds=max_age)))
    db.session.flush()
    link = external_url("auth.reset_password", token=token)  # ELEARN_BASE_URL, never the Host header
    body = _(
        "Xin chào %(name)s,\n\nAi đó (có thể là bạn) đã yêu cầu đặt lại mật khẩu cho tài khoản "
        "Thư viện học tập của bạn. Mở liên kết sau trong vòng %(minutes)d phút để đặt mật khẩu mới:\n\n"
        "%(link)s\n\nLiên kết chỉ dùng được một lần. Nếu bạn không yêu cầu, hãy bỏ qua thư này.",
        name=user.name, minutes=max_age // 60, link=link,
    )
    send_mail(user.email, _("Đặt lại mật khẩu Thư viện học tập"), body)


def _live_link(model, token: str):
    """The unused, unexpired single-use link (a PasswordReset or an Invitation) for ``token``."""
    row = db.session.scalar(select(model).where(model.token_hash == hash_token(token or "")))
    if row is None or row.used_at is not None or row.expires_at < utcnow():
        return None
    return row


def _claim_link(model, token: str) -> int | None:
    """Use a single-use link: marked used in one conditional UPDATE, so two tabs cannot both use
    it. Its user's id, or None when it is unknown, used or expired."""
    now = utcnow()
    return db.session.execute(
        update(model)
        .where(model.token_hash == hash_token(token or ""), model.used_at.is_(None), model.expires_at >= now)
        .values(used_at=now)
        .returning(model.user_id)
    ).scalar()


def reset_target(token: str) -> PasswordReset | None:
    return _live_link(PasswordReset, token)


def finish_password_reset(token: str, password: str) -> User:
    """Use the link once: claim it atomically, so two tabs cannot both use it."""
    check_password_rules(password)
    claimed = _claim_link(PasswordReset, token)
    if claimed is None:
        raise ServiceError(_("Liên kết đặt lại mật khẩu không hợp lệ, đã dùng hoặc đã hết hạn."))
    user = db.session.get(User, claimed)
    set_password(user, password)
    revoke_all_tokens(user)  # a reset means the account may be compromised: its API tokens go too
    return user


# --- invitations -----------------------------------------------------------------------------------

def _inviting_library(user: User, by: User | None) -> str:
    """The library that invites: the inviter's unit, else the top of the new user's tree."""
    if by is not None and by.org is not None:
        return by.org.name
    root_id = int(user.org.path.strip("/").split("/")[0]) if user.org.path else user.org.id
    root = db.session.get(OrgUnit, root_id)
    return root.name if root else user.org.name


def invite_user(user: User, by: User | None = None) -> Invitation:
    """E-mail ``user`` their own invitation: a single-use "set your password" link valid 7 days.

    Earlier invitations of ``user`` that are still open stop working (only the newest link counts).
    """
    if not user.active:
        raise ServiceError(_("Tài khoản %(email)s đã bị khoá; không gửi lời mời.", email=user.email))
    if user.password_hash:
        raise ServiceError(_("%(email)s đã đặt mật khẩu; không cần mời lại.", email=user.email))
    now = utcnow()
    db.session.execute(update(Invitation).where(Invitation.user_id == user.id, Invitation.used_at.is_(None))
                       .values(expires_at=now))
    token = secrets.token_urlsafe(32)
    max_age = current_app.config["INVITATION_MAX_AGE"]
    inv = Invitation(user_id=user.id, invited_by_id=by.id if by is not None else None, created_at=now,
                     token_hash=hash_token(token), expires_at=now + timedelta(seconds=max_age))
    db.session.add(inv)
    db.session.flush()
    site = current_app.config["SITE_NAME"]
    library = _inviting_library(user, by)
    link = external_url("auth.accept_invitation", token=token)  # ELEARN_BASE_URL, never the Host header
    body = _(
        "Xin chào %(name)s,\n\n%(library)s mời bạn tham gia %(site)s, nền tảng học trực tuyến dành cho "
        "cán bộ thư viện.\n\nBạn nhận thư này vì %(library)s đã tạo cho bạn một tài khoản với vai trò "
        "%(role)s (đơn vị: %(org)s). Tên đăng nhập của bạn là địa chỉ email này: %(email)s\n\n"
        "Để bắt đầu, hãy đặt mật khẩu của bạn tại:\n\n%(link)s\n\n"
        "Liên kết dùng được một lần và có hiệu lực trong %(days)d ngày. Nếu liên kết đã hết hạn, hãy nhờ "
        "quản trị viên hoặc người quản lý của bạn gửi lại lời mời.\n\n"
        "Nếu bạn không biết vì sao mình nhận thư này, hãy bỏ qua thư; không ai đăng nhập được khi chưa đặt mật khẩu.",
        name=user.name, library=library, site=site, role=role_label(user.role), org=user.org.name,
        email=user.email, link=link, days=max_age // 86400,
    )
    send_mail(user.email, _("Lời mời tham gia %(site)s – %(library)s", site=site, library=library), body)
    return inv


def invitation_target(token: str) -> Invitation | None:
    row = _live_link(Invitation, token)
    return row if row is not None and row.user.active else None


def accept_invitation(token: str, password: str) -> User:
    """Set the first password from an invitation link; the link is claimed atomically (single use)."""
    check_password_rules(password)
    claimed = _claim_link(Invitation, token)
    if claimed is None:
        raise ServiceError(_("Lời mời không hợp lệ, đã dùng hoặc đã hết hạn."))
    user = db.session.get(User, claimed)
    if not user.active:
        raise ServiceError(_("Lời mời không hợp lệ, đã dùng hoặc đã hết hạn."))
    set_password(user, password)
    return user


def invitation_states(users) -> dict:
    """{user id: "pending" | "expired"} for users who have no password yet and were invited."""
    ids = [u.id for u in users if not u.password_hash]
    if not ids:
        return {}
    latest = {}
    for inv in db.session.scalars(select(Invitation).where(Invitation.user_id.in_(ids))
                                  .order_by(Invitation.created_at, Invitation.id)):
        latest[inv.user_id] = inv
    now = utcnow()
    return {uid: ("pending" if inv.used_at is None and inv.expires_at >= now else "expired")
            for uid, inv in latest.items() if inv.used_at is None}
