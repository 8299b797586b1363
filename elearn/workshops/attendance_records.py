"""Attendance kept by staff: the roster form, the paper sign-in sheet read back in (CSV), attendance
by unit and the attendance list. Every write goes through ``attendance.mark`` (which feeds progress);
nothing here commits.
"""
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import func, select

from ..auth.models import User
from ..core.csvread import read_rows
from ..core.errors import ServiceError
from ..core.timeutil import utcnow
from ..extensions import db
from ..orgs.models import OrgUnit
from . import attendance
from .models import Attendance, Registration
from .states import CAME, AttendanceStatus, RegStatus, SessionStatus

SHEET_COLUMNS = ("email", "session", "status")
MAX_SHEET_ROWS = 5000


def _booked_ids(workshop_id) -> set:
    return set(db.session.scalars(select(Registration.user_id).where(Registration.workshop_id == workshop_id,
                                                                     Registration.status == RegStatus.BOOKED)))


def mark_roster(session, marks: dict, by) -> int:
    """Save the roster form: {user id: status} for people booked on the session (others are ignored).
    Returns how many were marked."""
    booked = _booked_ids(session.workshop_id)
    n = 0
    for user_id, status in marks.items():
        if user_id in booked and status in AttendanceStatus.values():
            attendance.mark(session, user_id, status, by)
            n += 1
    return n


@dataclass
class SheetImport:
    errors: list = field(default_factory=list)  # (line, message)
    marks: list = field(default_factory=list)  # (session, user id, status)


def check_sheet(ws, data, now=None) -> SheetImport:
    """Read a sign-in sheet (``email,session,status``; session = its number 1, 2, … in date order;
    status in English or Vietnamese) and check every row; nothing is written."""
    from ..auth.services import get_user_by_email

    now = now or utcnow()
    result = SheetImport()
    sessions = [s for s in ws.sessions if s.status == SessionStatus.SCHEDULED]
    booked = _booked_ids(ws.id)
    try:
        rows = read_rows(data, SHEET_COLUMNS, max_rows=MAX_SHEET_ROWS)
    except ServiceError as err:
        result.errors.append((1, err.message))
        return result
    for line, r in rows:
        user = get_user_by_email(r["email"])
        status = AttendanceStatus.parse(r["status"])
        number = int(r["session"]) if r["session"].isascii() and r["session"].isdigit() else 0
        session = sessions[number - 1] if 1 <= number <= len(sessions) else None
        problems = []
        if user is None:
            problems.append(_("không có tài khoản %(e)s", e=r["email"] or "∅"))
        elif user.id not in booked:
            problems.append(_("%(e)s không có chỗ trong lớp", e=r["email"]))
        if session is None:
            problems.append(_("buổi phải là số từ 1 đến %(n)d", n=len(sessions)))
        elif now < attendance.marking_opens_at(session):
            problems.append(_("buổi %(n)s chưa bắt đầu; chưa điểm danh được", n=r["session"]))
        if status is None:
            problems.append(_("trạng thái phải là present, late, excused hoặc absent"))
        result.errors += [(line, p) for p in problems]
        if not problems:
            result.marks.append((session, user.id, status))
    return result


def import_sheet(ws, data, by, now=None) -> SheetImport:
    """Check the sheet, then mark every row (source "import"): all or nothing."""
    result = check_sheet(ws, data, now)
    if not result.errors:
        for session, user_id, status in result.marks:
            attendance.mark(session, user_id, status, by, "import", now)
    return result


def by_unit(ws, viewer=None):
    """[(unit, booked, attended sessions, possible sessions, percent)] per unit of the people booked;
    with ``viewer``, only the units in their scope (``orgs.services.scope_to_viewer``)."""
    from ..orgs.services import scope_to_viewer

    sessions = [s.id for s in ws.sessions if s.status == SessionStatus.SCHEDULED]
    stmt = select(User.org_id, func.count(Registration.id)).join(User, Registration.user_id == User.id).where(
        Registration.workshop_id == ws.id, Registration.status == RegStatus.BOOKED).group_by(User.org_id)
    att = select(User.org_id, func.count(Attendance.id)).join(User, Attendance.user_id == User.id).where(
        Attendance.session_id.in_(sessions), Attendance.status.in_(CAME)).group_by(User.org_id)
    if viewer is not None:
        stmt = scope_to_viewer(stmt, User.org_id, viewer)
        att = scope_to_viewer(att, User.org_id, viewer)
    booked, came = dict(db.session.execute(stmt).all()), dict(db.session.execute(att).all())
    units = {u.id: u for u in db.session.scalars(select(OrgUnit).where(OrgUnit.id.in_(set(booked))))} if booked else {}
    out = []
    for org_id, n in booked.items():
        possible = n * len(sessions)
        out.append((units[org_id], n, came.get(org_id, 0), possible,
                    round(100 * came.get(org_id, 0) / possible) if possible else 0))
    return sorted(out, key=lambda r: r[0].path)


def attendance_list(ws, viewer=None):
    """[(user, {session id: status or None})] for the people booked, every session; with ``viewer``,
    only people of their scope."""
    from ..orgs.services import scope_to_viewer

    stmt = select(User).join(Registration, Registration.user_id == User.id).where(
        Registration.workshop_id == ws.id, Registration.status == RegStatus.BOOKED).order_by(User.id)
    if viewer is not None:
        stmt = scope_to_viewer(stmt, User.org_id, viewer)
    users = db.session.scalars(stmt).all()
    ids = [s.id for s in ws.sessions]
    marks = {}
    if ids and users:
        for sid, uid, status in db.session.execute(select(Attendance.session_id, Attendance.user_id, Attendance.status)
                                                   .where(Attendance.session_id.in_(ids))):
            marks[(uid, sid)] = status
    return [(u, {s: marks.get((u.id, s)) for s in ids}) for u in users]
