"""`flask reminders send`: the e-mail outbox for workshops.

Events (booking, waitlist, promotion, change, cancellation) put a row in ``reminders`` in their own
transaction; this command adds the T-7 and T-1 day reminders, then sends what is due. Each row has
a unique key, so running it from cron every few minutes sends each reminder once. A send claims its
row first (two crons never send the same one); when the SMTP server is down the row stays pending
and is retried later with a growing delay. A worker killed mid-send leaves a claim that expires
after CLAIM_TIMEOUT, and the row is sent again then (at least once, never lost).
"""
from datetime import timedelta

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from ..auth.models import User
from ..core import outbox
from ..core.mail import external_url
from ..core.timeutil import format_datetime, utcnow
from ..extensions import db
from .ical import CalSession, build_calendar
from .models import Registration, Reminder, Workshop, WorkshopSession
from .permissions import can_approve
from .states import RegStatus, SessionStatus, WorkshopStatus
from .services import queue_reminder



def queue_due(now=None) -> int:
    """Queue T-7 and T-1 reminders for booked trainees of sessions coming up."""
    now = now or utcnow()
    n = 0
    sessions = db.session.scalars(select(WorkshopSession).join(Workshop, WorkshopSession.workshop_id == Workshop.id)
                                  .where(Workshop.status == WorkshopStatus.PUBLISHED, WorkshopSession.status == SessionStatus.SCHEDULED,
                                         WorkshopSession.starts_at > now,
                                         WorkshopSession.starts_at <= now + timedelta(days=7))).all()
    for s in sessions:
        kind = "t1" if s.starts_at - now <= timedelta(days=1) else "t7"
        ws = db.session.get(Workshop, s.workshop_id)
        for user_id in db.session.scalars(select(Registration.user_id).where(Registration.workshop_id == ws.id,
                                                                             Registration.status == RegStatus.BOOKED)):
            key = f"{kind}:{s.id}:{user_id}:{s.starts_at:%Y%m%d%H%M}"
            before = db.session.scalar(select(Reminder.id).where(Reminder.key == key))
            if before is None:
                queue_reminder(kind, key, user_id, ws, s.id)
                n += 1
    db.session.commit()
    return n


def _calendar_for(ws, session=None, method="REQUEST"):
    sessions = [session] if session is not None else list(ws.sessions)
    items = [CalSession(uid=f"workshop-{ws.id}-session-{s.id}@thuvien-hoctap", sequence=s.sequence,
                        title=f"{ws.title}: {s.title}", starts_at=s.starts_at, ends_at=s.ends_at, venue=s.venue,
                        description=ws.description or "", cancelled=s.status == SessionStatus.CANCELLED,
                        url=external_url("workshops.detail", workshop_id=ws.id))
             for s in sessions]
    return build_calendar(items, name=ws.title, method=method)


def _message(rem, user, ws, session):
    cancelled = " (" + _("ĐÃ HUỶ") + ")"
    when = "\n".join(f"- {s.title}: {format_datetime(s.starts_at)} – {format_datetime(s.ends_at)[-5:]}, {s.venue}"
                     + (cancelled if s.status == SessionStatus.CANCELLED else "")
                     for s in ws.sessions)
    link = external_url("workshops.detail", workshop_id=ws.id)
    subjects = {
        "booked": _("Đã xác nhận chỗ: %(t)s", t=ws.title),
        "waitlisted": _("Bạn đang trong danh sách chờ: %(t)s", t=ws.title),
        "promoted": _("Bạn đã có chỗ: %(t)s", t=ws.title),
        "t7": _("Còn một tuần: %(t)s", t=ws.title),
        "t1": _("Ngày mai: %(t)s", t=ws.title),
        "changed": _("Thay đổi lịch: %(t)s", t=ws.title),
        "cancelled": _("Huỷ buổi học: %(t)s", t=ws.title),
        "withdrawn": _("Đã huỷ đăng ký: %(t)s", t=ws.title),
        "approval": _("Cần duyệt đăng ký: %(t)s", t=ws.title),
    }
    intro = {
        "booked": _("Bạn đã có chỗ trong lớp tập huấn dưới đây."),
        "waitlisted": _("Lớp đã đủ chỗ; bạn ở danh sách chờ và sẽ được báo ngay khi có chỗ."),
        "promoted": _("Có người huỷ, bạn đã được chuyển từ danh sách chờ sang danh sách chính thức."),
        "t7": _("Lớp tập huấn bạn đăng ký sẽ bắt đầu sau một tuần."),
        "t1": _("Lớp tập huấn bạn đăng ký bắt đầu vào ngày mai."),
        "changed": _("Lịch của một buổi học đã thay đổi. Lịch mới ở dưới và trong tệp đính kèm."),
        "cancelled": _("Một buổi học đã bị huỷ."),
        "withdrawn": _("Đăng ký của bạn cho lớp tập huấn dưới đây đã được huỷ. Bạn không còn giữ chỗ; "
                       "nếu muốn tham dự, hãy đăng ký lại khi lớp còn mở."),
    }
    if rem.kind == "approval":
        return _approval_message(rem, user, ws, when)
    body = _("Xin chào %(name)s,", name=user.name) + "\n\n" + intro[rem.kind] + "\n\n" + ws.title + "\n" + when + \
        "\n\n" + _("Xem chi tiết, huỷ đăng ký hoặc thêm vào lịch: %(link)s", link=link) + "\n"
    method = "CANCEL" if rem.kind == "cancelled" else "REQUEST"
    attach = [("lich-tap-huan.ics", "text/calendar", _calendar_for(ws, session, method))] \
        if rem.kind not in ("waitlisted", "withdrawn") else []
    return subjects[rem.kind], body, attach


def _approval_message(rem, approver, ws, when):
    """The request to approve a sign-up: to the trainee's nearest manager, else the course's instructors."""
    from .models import RegistrationEvent

    event = db.session.get(RegistrationEvent, int(rem.key.split(":")[1]))
    reg = db.session.get(Registration, event.registration_id) if event else None
    trainee = db.session.get(User, reg.user_id) if reg else None
    who = f"{trainee.name} ({trainee.org.name})" if trainee else "?"
    link = external_url("workshops.approvals") if can_approve(approver) else \
        external_url("workshops.registrations", workshop_id=ws.id)
    body = _("Xin chào %(name)s,", name=approver.name) + "\n\n" + \
        _("%(who)s đăng ký lớp tập huấn dưới đây; lớp cần được duyệt trước khi học viên có chỗ.", who=who) + \
        "\n\n" + ws.title + "\n" + when + "\n\n" + _("Duyệt hoặc từ chối tại: %(link)s", link=link) + "\n"
    return _("Cần duyệt đăng ký: %(t)s", t=ws.title), body, []


def _compose(rem):
    user = db.session.get(User, rem.user_id)
    ws = db.session.get(Workshop, rem.workshop_id)
    session = db.session.get(WorkshopSession, rem.session_id) if rem.session_id else None
    with force_locale(user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        subject, body, attach = _message(rem, user, ws, session)
    return user.email, subject, body, attach


def send_due(now=None) -> dict:
    """Send the due reminders (``core.outbox``): {"sent": n, "failed": n}."""
    stats = outbox.send_due(Reminder, _compose, now)
    stats.pop("dropped")  # a reminder is never dropped before it is tried
    return stats
