"""Importing accounts from a CSV or XLSX file (``email,name,role,org_code``): checked row by row,
then created all or nothing, optionally each with an invitation mail."""
from dataclasses import dataclass, field

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _

from ..core.csvread import read_rows
from ..core.errors import ServiceError
from ..orgs.services import get_by_code
from .links import invite_user
from .models import User
from .roles import ROLES
from .services import create_user, get_user_by_email, normalize_email

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
    return read_rows(data, USER_COLUMNS, max_rows=MAX_IMPORT_ROWS)


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
