"""Attendance: the roster, the rotating self check-in code, outcomes, and the calendar feed secret.
Attendance feeds the completion rules in the same transaction."""
import hashlib
import hmac
import secrets
import struct
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from ..core.errors import ServiceError
from ..core.signals import tell_facts_changed
from ..core.timeutil import utcnow
from ..extensions import db
from .models import ATTENDANCE, Attendance, CalendarFeed, Registration, Workshop
from .services import last_end, prework_missing

CHECKIN_STEP = 60  # seconds a check-in code lives
CHECKIN_EARLY = timedelta(minutes=30)


def marking_opens_at(session):
    """Attendance can be marked from the session's start minus the check-in margin, not before."""
    return session.starts_at - CHECKIN_EARLY


def mark(session, user_id, status, by=None, source="roster", now=None):
    if status not in ATTENDANCE:
        raise ServiceError(_("Trạng thái điểm danh không hợp lệ."))
    now = now or utcnow()
    if now < marking_opens_at(session):
        from ..core.timeutil import format_datetime

        raise ServiceError(_("Chưa điểm danh được: buổi học bắt đầu lúc %(t)s; điểm danh mở từ %(o)s.",
                             t=format_datetime(session.starts_at), o=format_datetime(marking_opens_at(session))),
                           status=409, code="too_early")
    row = db.session.scalar(select(Attendance).where(Attendance.session_id == session.id, Attendance.user_id == user_id))
    if row is None:
        row = Attendance(session_id=session.id, user_id=user_id, status=status, source=source,
                         marked_by_id=by.id if by else None, marked_at=now)
        db.session.add(row)
    elif row.status != status:
        row.status, row.source, row.marked_by_id, row.marked_at = status, source, by.id if by else None, now
    db.session.flush()
    _attendance_changed(session, user_id)
    _record_outcome(session, user_id, by, now)
    return row


def _record_outcome(session, user_id, by, now):
    """Keep "attended" / "partly attended" in the registration's status history when it changes."""
    from .models import RegistrationEvent

    ws = db.session.get(Workshop, session.workshop_id)
    reg = db.session.scalar(select(Registration).where(Registration.workshop_id == ws.id, Registration.user_id == user_id))
    if reg is None:
        return
    result = outcome(ws, user_id, now)
    last = db.session.scalar(select(RegistrationEvent.status).where(
        RegistrationEvent.registration_id == reg.id,
        RegistrationEvent.status.in_(("attended", "partly_attended", "no_show")))
        .order_by(RegistrationEvent.id.desc()).limit(1))
    if result in ("attended", "partly_attended") and result != last:
        db.session.add(RegistrationEvent(registration_id=reg.id, status=result, by_id=by.id if by else None,
                                         created_at=now))
        db.session.flush()


def _attendance_changed(session, user_id):
    """Attendance feeds the completion rules: refresh the trainee's progress in this transaction."""
    ws = db.session.get(Workshop, session.workshop_id)
    if ws.activity_id:
        tell_facts_changed(ws.course_id, user_id)


def roster(session):
    """Booked trainees with their attendance, for the instructor's phone."""
    from ..auth.models import User
    from ..core.text import vi_name_key

    rows = db.session.execute(
        select(User, Attendance.status).join(Registration, Registration.user_id == User.id)
        .outerjoin(Attendance, (Attendance.user_id == User.id) & (Attendance.session_id == session.id))
        .where(Registration.workshop_id == session.workshop_id, Registration.status == "booked")).all()
    return sorted(rows, key=lambda r: vi_name_key(r[0].name))


def mark_all_present(session, by):
    for user, status in roster(session):
        if status is None:
            mark(session, user.id, "present", by)


def checkin_code(session, now=None) -> str:
    now = now or utcnow()
    step = int(now.timestamp()) // CHECKIN_STEP
    digest = hmac.new(session.checkin_secret.encode(), struct.pack(">Q", step), hashlib.sha256).digest()
    return f"{int.from_bytes(digest[:4], 'big') % 1_000_000:06d}"


def check_in(user, session, code, now=None):
    """A trainee checks in with the code the instructor shows; it rotates and works only in the
    session window."""
    now = now or utcnow()
    if session.status != "scheduled" or not (session.starts_at - CHECKIN_EARLY <= now <= session.ends_at):
        raise ServiceError(_("Chỉ điểm danh được trong thời gian buổi học."), status=409, code="outside_window")
    reg = db.session.scalar(select(Registration).where(Registration.workshop_id == session.workshop_id,
                                                       Registration.user_id == user.id))
    if reg is None or reg.status != "booked":
        raise ServiceError(_("Bạn không có chỗ trong lớp này."), status=403, code="not_booked")
    code = "".join(ch for ch in (code or "") if ch.isdigit())
    valid = {checkin_code(session, now), checkin_code(session, now - timedelta(seconds=CHECKIN_STEP))}
    if not any(hmac.compare_digest(code, v) for v in valid):
        raise ServiceError(_("Mã điểm danh không đúng hoặc đã hết hạn. Hãy nhập mã đang hiển thị."), status=422,
                           code="bad_code", field="code")
    ws = db.session.get(Workshop, session.workshop_id)
    if ws.prework_before == "attend":
        missing = prework_missing(user, ws)
        if missing:
            raise ServiceError(_("Cần hoàn thành trước khi tham dự: %(m)s.", m=", ".join(m.title for m in missing)),
                               status=409, code="prework_missing")
    status = "late" if now > session.starts_at + timedelta(minutes=15) else "present"
    existing = db.session.scalar(select(Attendance).where(Attendance.session_id == session.id,
                                                          Attendance.user_id == user.id))
    if existing is not None and existing.status in ("present", "late"):
        return existing
    return mark(session, user.id, status, None, "checkin", now)


def shown_status(ws, reg, now=None) -> str | None:
    """The status a trainee sees: attendance outcomes only while they hold a seat, else the real status
    of their registration (a trainee who cancelled and signed up again is "waitlisted", not
    "partly attended" from an earlier seat)."""
    if reg is None:
        return None
    if reg.status == "booked":
        return outcome(ws, reg.user_id, now) or reg.status
    return reg.status


def outcome(ws, user_id, now=None):
    """attended, partly attended, no-show or None (not over yet / not booked)."""
    now = now or utcnow()
    sessions = [s for s in ws.sessions if s.status == "scheduled"]
    marks = dict(db.session.execute(select(Attendance.session_id, Attendance.status).where(
        Attendance.user_id == user_id, Attendance.session_id.in_([s.id for s in sessions]))).all())
    came = sum(1 for s in sessions if marks.get(s.id) in ("present", "late"))
    if sessions and came == len(sessions):
        return "attended"
    if came:
        return "partly_attended"
    end = last_end(ws)
    if end and now > end:
        return "no_show"
    return None


def feed_for(user, reset=False) -> CalendarFeed:
    feed = db.session.get(CalendarFeed, user.id)
    if feed is None:
        feed = CalendarFeed(user_id=user.id, secret=secrets.token_urlsafe(24))
        db.session.add(feed)
    elif reset:
        feed.secret = secrets.token_urlsafe(24)
    db.session.flush()
    return feed


