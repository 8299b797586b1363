"""Accounts: authentication, passwords, reset links, API tokens, CSV import."""
import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from datetime import timedelta

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.orm.attributes import set_committed_value
from werkzeug.security import check_password_hash, generate_password_hash

from ..core.errors import ServiceError
from ..core.mail import external_url, send_mail
from ..core.timeutil import utcnow
from ..extensions import db
from ..orgs.models import OrgUnit
from ..orgs.services import get_by_code, read_csv_rows, scope_to_viewer
from .models import ROLES, ApiToken, Invitation, PasswordReset, User, UserNameKey

_DUMMY_HASHES = {}


def role_label(role: str) -> str:
    return {
        "trainee": _("Học viên"),
        "instructor": _("Giảng viên"),
        "manager": _("Quản lý"),
        "admin": _("Quản trị"),
    }.get(role, role)


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
        stmt = stmt.where(User.role == role)
    # Vietnamese order (given name first) in SQL, so page boundaries agree with it: the stored key
    key = func.coalesce(UserNameKey.sort_key, "")
    return stmt.outerjoin(UserNameKey, UserNameKey.user_id == User.id).order_by(key, User.id)


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


# --- CSV / XLSX import -------------------------------------------------------------------------------

USER_COLUMNS = ("email", "name", "role", "org_code")
MAX_IMPORT_ROWS = 5000
MAX_IMPORT_BYTES = 2 * 1024 * 1024


def read_xlsx_rows(data: bytes, expected: tuple[str, ...]):
    """(line, row dict) from the first sheet of an XLSX workbook, read with openpyxl in read-only mode."""
    import io
    import zipfile

    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError):
        raise ServiceError(_("Không đọc được tệp XLSX. Hãy lưu lại bằng Excel hoặc LibreOffice dạng .xlsx.")) from None
    try:
        ws = wb.worksheets[0] if wb.worksheets else None
        if ws is None:
            raise ServiceError(_("Tệp XLSX không có trang tính nào."))
        rows = []
        header = None
        for line, values in enumerate(ws.iter_rows(values_only=True), start=1):
            cells = ["" if v is None else str(v).strip() for v in values]
            if header is None:
                header = [c.lower() for c in cells]
                if tuple(header[: len(expected)]) != expected:
                    raise ServiceError(_("Dòng tiêu đề phải là: %(cols)s", cols=",".join(expected)))
                continue
            if not any(cells):
                continue
            if len(rows) >= MAX_IMPORT_ROWS:
                raise ServiceError(_("Tệp có quá %(n)d dòng.", n=MAX_IMPORT_ROWS))
            cells = cells + [""] * (len(expected) - len(cells))
            rows.append((line, {k: cells[i] for i, k in enumerate(expected)}))
        if header is None:
            raise ServiceError(_("Tệp XLSX trống."))
        return rows
    finally:
        wb.close()


def read_user_rows(data: bytes, filename: str = ""):
    """Rows of a user import file: XLSX by content (a zip), else CSV in UTF-8."""
    if isinstance(data, bytes) and data[:4] == b"PK\x03\x04":
        return read_xlsx_rows(data, USER_COLUMNS)
    if (filename or "").lower().endswith(".xlsx"):
        raise ServiceError(_("Không đọc được tệp XLSX. Hãy lưu lại bằng Excel hoặc LibreOffice dạng .xlsx."))
    rows = read_csv_rows(data, USER_COLUMNS)
    if len(rows) > MAX_IMPORT_ROWS:
        raise ServiceError(_("Tệp có quá %(n)d dòng.", n=MAX_IMPORT_ROWS))
    return rows


@dataclass
class UserImport:
    created: list = field(default_factory=list)
    errors: list = field(default_factory=list)  # (line, message)
    rows: list = field(default_factory=list)  # (line, email, name, role, org_code, [problems]) for a preview
    invited: int = 0


def check_user_rows(rows, viewer=None) -> UserImport:
    """Check every row; nothing is written. ``viewer`` (when given) may only place users in units
    they can see."""
    from ..orgs.permissions import can_view_org

    result = UserImport()
    seen = {}
    orgs = {}
    for line, r in rows:
        email = normalize_email(r["email"])
        problems = []
        try:
            validate_email(email, check_deliverability=False)
        except EmailNotValidError:
            problems.append(_("email không hợp lệ: %(email)s", email=r["email"] or "∅"))
        else:
            if email in seen:
                problems.append(_("email %(email)s lặp lại (dòng %(other)d)", email=email, other=seen[email]))
            elif get_user_by_email(email):
                problems.append(_("email %(email)s đã có tài khoản", email=email))
        if not r["name"]:
            problems.append(_("thiếu họ tên"))
        elif len(" ".join(r["name"].split())) > 200:
            problems.append(_("họ tên dài quá 200 ký tự"))
        if r["role"] not in ROLES:
            problems.append(_("vai trò không hợp lệ: %(role)s (chỉ nhận %(roles)s)", role=r["role"] or "∅", roles=", ".join(ROLES)))
        code = (r["org_code"] or "").upper()
        r["org_code"] = code
        if code not in orgs:
            unit = get_by_code(code) if code else None
            if unit is not None and (unit.archived_at is not None or (viewer is not None and not can_view_org(viewer, unit))):
                unit = None
            orgs[code] = unit
        if orgs[code] is None:
            problems.append(_("không có đơn vị mã %(code)s", code=code or "∅"))
        seen.setdefault(email, line)
        for p in problems:
            result.errors.append((line, p))
        result.rows.append((line, email, r["name"], r["role"], code, problems))
    result._orgs = orgs
    return result


def import_users(data, *, filename: str = "", invite: bool = False, by: User | None = None,
                 viewer=None) -> UserImport:
    """Create users from ``email,name,role,org_code`` rows (CSV or XLSX): all or nothing, an error per
    bad row. With ``invite`` every new user gets an invitation mail (MailError propagates: the caller
    rolls back, so nobody is created without their invitation)."""
    rows = read_user_rows(data, filename)
    result = check_user_rows(rows, viewer)
    if result.errors:
        return result
    users = []
    for _line, r in rows:
        user = create_user(r["email"], r["name"], r["role"], result._orgs[r["org_code"]])
        result.created.append(user.email)
        users.append(user)
    if invite:
        for user in users:
            invite_user(user, by)
            result.invited += 1
    return result
