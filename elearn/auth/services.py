"""Accounts: authentication, passwords, sessions, the account records, API tokens.

Mailed single-use links (password reset, invitations) are in ``links``; the CSV/XLSX import of
accounts in ``imports``."""
import hashlib
import hmac
import secrets
from datetime import timedelta

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.orm.attributes import set_committed_value
from werkzeug.security import check_password_hash, generate_password_hash

from ..core.errors import ServiceError
from ..core.timeutil import utcnow
from ..extensions import db
from ..orgs.models import OrgUnit
from ..orgs.services import scope_to_viewer
from .models import ApiToken, User, UserNameKey
from .roles import ROLES

_DUMMY_HASHES = {}


def normalize_email(email: str) -> str:
    return (email or "").strip().lower()


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def _dummy_hash():
    """A hash of a random password with the same cost, so unknown accounts cost the same time."""
    method = current_app.config["PASSWORD_HASH_METHOD"]
    if method not in _DUMMY_HASHES:
        _DUMMY_HASHES[method] = generate_password_hash(secrets.token_hex(16), method=method)
    return _DUMMY_HASHES[method]


def get_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalize_email(email)))


def authenticate(email: str, password: str) -> User | None:
    """The user for these credentials, or None. Unknown accounts cost the same hash check."""
    user = get_user_by_email(email)
    if user is None or not user.active or not user.password_hash:
        check_password_hash(_dummy_hash(), password or "")
        return None
    if not check_password_hash(user.password_hash, password or ""):
        return None
    return user


def check_password_rules(password: str) -> None:
    min_len = current_app.config["PASSWORD_MIN_LENGTH"]
    if not password or len(password) < min_len:
        raise ServiceError(_("Mật khẩu phải có ít nhất %(n)d ký tự.", n=min_len), field="password")
    if len(password) > 256:
        raise ServiceError(_("Mật khẩu quá dài."), field="password")


def set_password(user: User, password: str) -> None:
    """Set a new password and end every session of ``user`` (their session version moves on)."""
    check_password_rules(password)
    user.password_hash = hash_password(password)
    user.session_version = (user.session_version or 0) + 1
    db.session.flush()


def end_sessions(user: User) -> None:
    user.session_version = (user.session_version or 0) + 1
    db.session.flush()


def record_login(user: User) -> None:
    user.last_login_at = user.last_seen_at = utcnow()
    db.session.flush()


SEEN_EVERY = timedelta(minutes=1)


def touch_last_seen(user: User, now=None) -> None:
    """Note that ``user`` is active now, for the "signed in now" usage figure. At most one write a
    minute per account, on its own connection and outside the request's transaction, so a page
    that only reads stays a read (and SQLite's writer is held for one short UPDATE)."""
    from ..core.db import wants_immediate

    now = now or utcnow()
    if user.last_seen_at is not None and now - user.last_seen_at < SEEN_EVERY:
        return
    stmt = update(User).where(User.id == user.id).values(last_seen_at=now)
    if wants_immediate():
        # A writing request (a POST) already holds SQLite's writer in its own transaction: a second
        # connection would wait for it until the busy timeout (15 s, then a 503). Write with it.
        db.session.execute(stmt.execution_options(synchronize_session=False))
    else:
        with db.engine.begin() as conn:
            conn.execute(stmt)
    set_committed_value(user, "last_seen_at", now)  # known, but not a change the request must write


def _check_email(email: str, *, exclude_id=None) -> str:
    email = normalize_email(email)
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError:
        raise ServiceError(_("Địa chỉ email không hợp lệ."), field="email") from None
    stmt = select(User.id).where(User.email == email)
    if exclude_id:
        stmt = stmt.where(User.id != exclude_id)
    if db.session.scalar(stmt):
        raise ServiceError(_("Email %(email)s đã được dùng cho tài khoản khác.", email=email), field="email")
    return email


def _check_role(role: str) -> str:
    if role not in ROLES:
        raise ServiceError(_("Vai trò không hợp lệ: %(role)s", role=role), field="role")
    return role


def _check_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ServiceError(_("Họ và tên không được để trống."), field="name")
    if len(name) > 200:
        raise ServiceError(_("Họ và tên dài tối đa 200 ký tự."), field="name")
    return name


def create_user(email: str, name: str, role: str, org: OrgUnit, password: str | None = None) -> User:
    if org is None:
        raise ServiceError(_("Hãy chọn đơn vị."), field="org")
    user = User(email=_check_email(email), name=_check_name(name), role=_check_role(role), org=org)
    if password:
        check_password_rules(password)
        user.password_hash = hash_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def update_user(user: User, *, email: str, name: str, role: str, org: OrgUnit, active: bool) -> None:
    if org is None:
        raise ServiceError(_("Hãy chọn đơn vị."), field="org")
    user.email = _check_email(email, exclude_id=user.id)
    user.name = _check_name(name)
    user.role = _check_role(role)
    user.org = org
    if user.active and not active:
        user.session_version += 1  # a deactivated account is signed out everywhere
    user.active = active
    db.session.flush()


def list_users(viewer, *, q: str = "", org_id: int | None = None, role: str | None = None):
    """A SELECT of users visible to ``viewer``, filtered; the caller paginates."""
    stmt = scope_to_viewer(select(User), User.org_id, viewer)
    if q:
        like = f"%{q.strip().lower()}%"
        stmt = stmt.where((func.lower(User.name).like(like)) | (User.email.like(like)))
    if org_id:
        stmt = stmt.where(User.org_id == org_id)
    if role in ROLES:
        stmt = stmt.filter_by(role=role)
    # Vietnamese order (given name first) in SQL, so page boundaries agree with it: the stored key
    key = func.coalesce(UserNameKey.sort_key, "")
    return stmt.outerjoin(UserNameKey, UserNameKey.user_id == User.id).order_by(key, User.id)

# --- API tokens ----------------------------------------------------------------------------------

def create_token(user: User, name: str) -> tuple[ApiToken, str]:
    name = (name or "").strip() or _("Mã truy cập")
    raw = "elt_" + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, name=name[:100], token_hash=hash_token(raw), prefix=raw[:10])
    db.session.add(token)
    db.session.flush()
    return token, raw


def user_for_token(raw: str) -> User | None:
    if not raw or not raw.startswith("elt_"):
        return None
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(raw)))
    if token is None or token.revoked_at is not None or not hmac.compare_digest(token.token_hash, hash_token(raw)):
        return None
    if not token.user.active:
        return None
    token.last_used_at = utcnow()
    return token.user


def revoke_token(user: User, token_id: int) -> None:
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        raise ServiceError(_("Không tìm thấy mã truy cập."), status=404)
    if token.revoked_at is None:
        token.revoked_at = utcnow()
    db.session.flush()


def revoke_all_tokens(user: User) -> int:
    """Revoke every live API token of ``user``; returns how many were revoked."""
    now = utcnow()
    n = db.session.execute(update(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
                           .values(revoked_at=now)).rowcount
    db.session.flush()
    return n or 0


def user_tokens(user: User):
    return db.session.scalars(
        select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.created_at.desc())
    ).all()
