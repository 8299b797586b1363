"""Workshops: who may sign up, seats and the waitlist, approval, cancellation, attendance.

The last seat cannot be taken twice: a sign-up locks the workshop row (SELECT … FOR UPDATE on
PostgreSQL; on SQLite a writing request holds the database write lock from BEGIN IMMEDIATE), and
counts the booked seats inside that lock.
"""
import secrets
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import func, or_, select, update

from ..core.errors import Conflict, ServiceError
from ..core.timeutil import utcnow
from ..courses import kinds
from ..courses.models import Activity, Course, Module, ModuleProgress
from ..courses.services import enrolled_filter, is_enrolled
from ..extensions import db
from ..orgs.models import OrgUnit
from .permissions import sees_every_workshop, sees_only_targeted, sees_workshops_aimed_at_subtree
from .models import (Registration, RegistrationEvent, Reminder, Workshop,
                     WorkshopSession, WorkshopTarget)
from .states import ACTIVE, RegStatus, SessionStatus, WorkshopStatus



def lock_workshop(workshop_id) -> Workshop:
    stmt = select(Workshop).where(Workshop.id == workshop_id)
    if db.engine.dialect.name == "postgresql":
        stmt = stmt.with_for_update()
    ws = db.session.scalar(stmt.execution_options(populate_existing=True))
    if ws is None:
        raise ServiceError(_("Không tìm thấy lớp tập huấn."), status=404, code="not_found")
    return ws


# --- who sees what --------------------------------------------------------------------------------

def targets(ws) -> list[OrgUnit]:
    return db.session.scalars(select(OrgUnit).join(WorkshopTarget, WorkshopTarget.org_id == OrgUnit.id)
                              .where(WorkshopTarget.workshop_id == ws.id)).all()


def is_targeted(user, ws, target_units=None) -> bool:
    units = targets(ws) if target_units is None else target_units
    return not units or any(user.org.is_within(u) for u in units)


def visible_workshops(user, ordered=True):
    """Published workshops of courses the user is enrolled in (and targeted at them), plus the ones
    they are registered for; staff and admins also see drafts of their courses. A fixed number of
    queries however many workshops there are; ``ordered``: by first session (else in no order)."""
    from sqlalchemy.orm import selectinload

    from ..courses.models import CourseStaff

    stmt = select(Workshop).join(Course, Workshop.course_id == Course.id)
    if ordered:
        stmt = stmt.options(selectinload(Workshop.sessions))
    if sees_every_workshop(user):
        return db.session.scalars(stmt.order_by(Workshop.id.desc())).all()
    staff = select(CourseStaff.course_id).where(CourseStaff.user_id == user.id)
    mine = select(Registration.workshop_id).where(Registration.user_id == user.id)
    rows = db.session.scalars(stmt.where(or_(
        Workshop.course_id.in_(staff), Workshop.id.in_(mine),
        (Workshop.status != WorkshopStatus.DRAFT) & (Course.status == "published") & enrolled_filter(user),
    ))).all()
    if sees_workshops_aimed_at_subtree(user):
        # managers also see workshops aimed at units in their subtree
        extra = db.session.scalars(stmt.join(WorkshopTarget, WorkshopTarget.workshop_id == Workshop.id)
                                   .join(OrgUnit, WorkshopTarget.org_id == OrgUnit.id)
                                   .where(Workshop.status != WorkshopStatus.DRAFT, OrgUnit.path.startswith(user.org.path))).all()
        rows = list({w.id: w for w in list(rows) + list(extra)}.values())
    checked = [w.id for w in rows if w.status != WorkshopStatus.DRAFT and sees_only_targeted(user)]
    units = {}  # every checked workshop's target units, in one query
    if checked:
        for workshop_id, unit in db.session.execute(
                select(WorkshopTarget.workshop_id, OrgUnit).join(OrgUnit, WorkshopTarget.org_id == OrgUnit.id)
                .where(WorkshopTarget.workshop_id.in_(checked))):
            units.setdefault(workshop_id, []).append(unit)
    registered = None
    out = []
    for w in rows:
        if w.status == WorkshopStatus.DRAFT or not sees_only_targeted(user) or is_targeted(user, w, units.get(w.id, [])):
            out.append(w)
            continue
        if registered is None:
            registered = set(db.session.scalars(select(Registration.workshop_id).where(Registration.user_id == user.id)))
        if w.id in registered:
            out.append(w)
    return sorted(out, key=lambda w: first_start(w) or utcnow()) if ordered else out


def first_start(ws):
    starts = [s.starts_at for s in ws.sessions if s.status == SessionStatus.SCHEDULED]
    return min(starts) if starts else None


def last_end(ws):
    ends = [s.ends_at for s in ws.sessions if s.status == SessionStatus.SCHEDULED]
    return max(ends) if ends else None


def registration_of(user, ws) -> Registration | None:
    return db.session.scalar(select(Registration).where(Registration.workshop_id == ws.id,
                                                        Registration.user_id == user.id))


def booked_count(ws) -> int:
    return db.session.scalar(select(func.count(Registration.id)).where(Registration.workshop_id == ws.id,
                                                                       Registration.status == RegStatus.BOOKED))


def prework_missing(user, ws) -> list[Module]:
    ids = ws.prework_module_ids or []
    if not ids:
        return []
    done = set(db.session.scalars(select(ModuleProgress.module_id).where(
        ModuleProgress.user_id == user.id, ModuleProgress.module_id.in_(ids), ModuleProgress.state == "complete")))
    return db.session.scalars(select(Module).where(Module.id.in_([i for i in ids if i not in done]))).all()


def why_not_signup(user, ws, now=None) -> str | None:
    now = now or utcnow()
    if ws.status != WorkshopStatus.PUBLISHED:
        return _("Lớp tập huấn chưa mở đăng ký.")
    course = db.session.get(Course, ws.course_id)
    if not is_enrolled(user, course):
        return _("Bạn chưa được ghi danh khoá học của lớp này.")
    if not is_targeted(user, ws):
        return _("Lớp này dành cho đơn vị khác.")
    if ws.signup_opens_at and now < ws.signup_opens_at:
        return _("Chưa đến thời gian đăng ký.")
    if ws.signup_closes_at and now >= ws.signup_closes_at:
        return _("Đã hết hạn đăng ký.")
    start = first_start(ws)
    if start is None or now >= start:
        return _("Lớp tập huấn đã bắt đầu hoặc chưa có buổi học.")
    reg = registration_of(user, ws)
    if reg is not None and reg.status in ACTIVE:
        return _("Bạn đã đăng ký lớp này.")
    if ws.prework_before == "signup":
        missing = prework_missing(user, ws)
        if missing:
            return _("Cần hoàn thành trước: %(m)s.", m=", ".join(m.title for m in missing))
    return None


# --- registration ---------------------------------------------------------------------------------

def _set_status(reg, status, by=None, note="", now=None):
    now = now or utcnow()
    reg.status, reg.updated_at = status, now
    if status == RegStatus.WAITLISTED:
        reg.waitlisted_at = now
    event = RegistrationEvent(registration_id=reg.id, status=status, by_id=by.id if by else None, note=note,
                              created_at=now)
    db.session.add(event)
    db.session.flush()
    return event


def queue_reminder(kind, key, user_id, ws, session_id=None, when=None):
    """Put a reminder in the outbox once (the key is unique)."""
    if db.session.scalar(select(Reminder.id).where(Reminder.key == key)):
        return
    db.session.add(Reminder(key=key, kind=kind, user_id=user_id, workshop_id=ws.id, session_id=session_id,
                            next_try_at=when or utcnow()))
    db.session.flush()


def _book_or_waitlist(reg, ws, by=None, now=None):
    if booked_count(ws) < ws.capacity:
        event = _set_status(reg, RegStatus.BOOKED, by, now=now)
        queue_reminder("booked", f"booked:{event.id}", reg.user_id, ws)
    else:
        event = _set_status(reg, RegStatus.WAITLISTED, by, now=now)
        queue_reminder("waitlisted", f"waitlisted:{event.id}", reg.user_id, ws)


def sign_up(user, workshop_id, now=None) -> Registration:
    now = now or utcnow()
    ws = lock_workshop(workshop_id)
    reason = why_not_signup(user, ws, now)
    if reason:
        raise Conflict(reason)
    reg = registration_of(user, ws)
    if reg is None:
        reg = Registration(workshop_id=ws.id, user_id=user.id, status=RegStatus.REQUESTED, created_at=now)
        db.session.add(reg)
        db.session.flush()
    else:  # signing up again: an unsent "registration cancelled" mail would now be wrong
        db.session.execute(update(Reminder).where(Reminder.user_id == user.id, Reminder.workshop_id == ws.id,
                                                  Reminder.status == "pending", Reminder.kind == "withdrawn")
                           .values(status="dropped", last_error="signed up again")
                           .execution_options(synchronize_session=False))
    if ws.requires_approval:
        event = _set_status(reg, RegStatus.REQUESTED, user, now=now)
        for approver in approvers_for(user, ws):
            queue_reminder("approval", f"approval:{event.id}:{approver.id}", approver.id, ws)
    else:
        _book_or_waitlist(reg, ws, user, now)
    return reg


def approvers_for(trainee, ws) -> list:
    """Who is asked to approve ``trainee``'s request: the nearest active manager(s) up the org tree
    (the trainee's own unit first), else the instructors of the workshop's course."""
    from ..auth.models import User
    from ..auth.permissions import approvers_only
    from ..courses.models import CourseStaff

    ids = [int(x) for x in trainee.org.path.strip("/").split("/") if x] or [trainee.org_id]
    managers = db.session.scalars(select(User).join(OrgUnit, User.org_id == OrgUnit.id).where(
        approvers_only(User), User.active.is_(True), User.org_id.in_(ids), User.id != trainee.id)).all()
    if managers:
        nearest = max(m.org.depth for m in managers)
        return sorted((m for m in managers if m.org.depth == nearest), key=lambda m: m.id)
    return db.session.scalars(select(User).join(CourseStaff, CourseStaff.user_id == User.id).where(
        CourseStaff.course_id == ws.course_id, User.active.is_(True)).order_by(User.id)).all()


def pending_approvals_for(manager) -> list:
    """Sign-up requests waiting for ``manager``: requested registrations of trainees for whom
    ``manager`` is the nearest manager up the tree (what the approval mail went to). For the
    managers' home page: ``len(pending_approvals_for(user))`` is the pending count."""
    from ..auth.models import User
    from ..auth.permissions import oversees_units
    from ..orgs.services import subtree_ids

    if not oversees_units(manager):
        return []
    rows = db.session.execute(select(Registration, User).join(User, Registration.user_id == User.id)
                              .join(Workshop, Registration.workshop_id == Workshop.id)
                              .where(Registration.status == RegStatus.REQUESTED, Workshop.status == WorkshopStatus.PUBLISHED,
                                     User.org_id.in_(subtree_ids(manager.org)))
                              .order_by(Registration.created_at, Registration.id)).all()
    out = []
    workshops = {}
    for reg, user in rows:
        ws = workshops.get(reg.workshop_id) or workshops.setdefault(reg.workshop_id, db.session.get(Workshop, reg.workshop_id))
        if any(a.id == manager.id for a in approvers_for(user, ws)):
            out.append(reg)
    return out


def bulk_sign_up(manager, workshop_id, unit, now=None) -> dict:
    """A manager books every trainee of ``unit``'s subtree who may take the workshop (seats first,
    then the waitlist). Returns counts by resulting status."""
    from ..auth.models import User
    from ..auth.permissions import learners_only
    from ..orgs.services import subtree_ids

    now = now or utcnow()
    ws = lock_workshop(workshop_id)
    if ws.status != WorkshopStatus.PUBLISHED:
        raise Conflict(_("Lớp tập huấn chưa mở đăng ký."))
    course = db.session.get(Course, ws.course_id)
    units = targets(ws)
    counts = {RegStatus.BOOKED: 0, RegStatus.WAITLISTED: 0, "skipped": 0}
    trainees = db.session.scalars(select(User).where(User.org_id.in_(subtree_ids(unit)), learners_only(User),
                                                     User.active.is_(True)).order_by(User.id)).all()
    for user in trainees:
        reg = registration_of(user, ws)
        if (reg is not None and reg.status in ACTIVE) or not is_enrolled(user, course) or not is_targeted(user, ws, units):
            counts["skipped"] += 1
            continue
        if reg is None:
            reg = Registration(workshop_id=ws.id, user_id=user.id, status=RegStatus.REQUESTED, created_at=now)
            db.session.add(reg)
            db.session.flush()
        _book_or_waitlist(reg, ws, manager, now)
        counts[reg.status] += 1
    return counts


def decide(reg, approve: bool, by, note=""):
    ws = lock_workshop(reg.workshop_id)
    db.session.refresh(reg)
    if reg.status != RegStatus.REQUESTED:
        raise Conflict(_("Yêu cầu này đã được xử lý."))
    if approve:
        _book_or_waitlist(reg, ws, by)
    else:
        _set_status(reg, RegStatus.DECLINED, by, note)
    return reg


def cancel(reg, by, now=None, *, staff=False):
    """Cancel a registration (up to the cut-off, unless staff do it); the first on the waitlist
    takes a freed seat."""
    now = now or utcnow()
    ws = lock_workshop(reg.workshop_id)
    db.session.refresh(reg)
    if reg.status not in ACTIVE:
        raise Conflict(_("Đăng ký này đã bị huỷ hoặc từ chối."))
    start = first_start(ws)
    if not staff and start and now > start - timedelta(hours=ws.cancel_cutoff_hours):
        raise ServiceError(_("Đã quá hạn huỷ (trước buổi đầu %(h)d giờ). Hãy liên hệ giảng viên.",
                             h=ws.cancel_cutoff_hours), status=409, code="too_late")
    was_booked = reg.status == RegStatus.BOOKED
    event = _set_status(reg, RegStatus.CANCELLED, by, now=now)
    # Mail still waiting in the outbox for this registration ("seat confirmed", waitlist, T-7/T-1, …)
    # is not sent any more; a cancellation mail goes instead.
    db.session.execute(update(Reminder).where(Reminder.user_id == reg.user_id, Reminder.workshop_id == ws.id,
                                              Reminder.status == "pending", Reminder.kind != "approval")
                       .values(status="dropped", last_error="registration cancelled")
                       .execution_options(synchronize_session=False))
    queue_reminder("withdrawn", f"withdrawn:{event.id}", reg.user_id, ws)
    if was_booked:
        promote(ws, now)
    return reg


def promote(ws, now=None):
    """Fill free seats from the waitlist, first come first served."""
    free = ws.capacity - booked_count(ws)
    if free <= 0:
        return []
    waiting = db.session.scalars(select(Registration).where(Registration.workshop_id == ws.id,
                                                            Registration.status == RegStatus.WAITLISTED)
                                 .order_by(Registration.waitlisted_at, Registration.id).limit(free)).all()
    for reg in waiting:
        event = _set_status(reg, RegStatus.BOOKED, None, _("Được chuyển từ danh sách chờ"), now)
        queue_reminder("promoted", f"promoted:{event.id}", reg.user_id, ws)
    return waiting


# --- sessions ------------------------------------------------------------------------------------------

def new_session(ws, *, title, starts_at, ends_at, venue, trainer) -> WorkshopSession:
    if not title or not title.strip():
        raise ServiceError(_("Hãy nhập tên buổi học."), field="title")
    if ends_at <= starts_at:
        raise ServiceError(_("Giờ kết thúc phải sau giờ bắt đầu."), field="ends_at")
    s = WorkshopSession(workshop_id=ws.id, title=title.strip(), starts_at=starts_at, ends_at=ends_at,
                        venue=venue or "", trainer=trainer or "", checkin_secret=secrets.token_hex(20))
    db.session.add(s)
    db.session.flush()
    db.session.refresh(ws)
    sync_posttest(ws)
    return s


def change_session(session, *, title, starts_at, ends_at, venue, trainer):
    if ends_at <= starts_at:
        raise ServiceError(_("Giờ kết thúc phải sau giờ bắt đầu."), field="ends_at")
    changed = (session.title, session.starts_at, session.ends_at, session.venue, session.trainer) != \
        (title, starts_at, ends_at, venue, trainer)
    if not changed:
        return False
    session.title, session.starts_at, session.ends_at, session.venue, session.trainer = \
        title, starts_at, ends_at, venue or "", trainer or ""
    session.sequence += 1
    _notify_booked(session, "changed")
    db.session.flush()
    sync_posttest(db.session.get(Workshop, session.workshop_id))
    return True


def cancel_session(session):
    if session.status == SessionStatus.CANCELLED:
        return
    session.status = SessionStatus.CANCELLED
    session.sequence += 1
    _notify_booked(session, "cancelled")
    db.session.flush()


def _notify_booked(session, kind):
    ws = db.session.get(Workshop, session.workshop_id)
    if ws.status != WorkshopStatus.PUBLISHED:
        return
    for user_id in db.session.scalars(select(Registration.user_id).where(Registration.workshop_id == ws.id,
                                                                         Registration.status == RegStatus.BOOKED)):
        queue_reminder(kind, f"{kind}:{session.id}:{session.sequence}:{user_id}", user_id, ws, session.id)


def sync_posttest(ws):
    """The post-test opens when the last session ends."""
    activity = db.session.get(Activity, ws.posttest_activity_id) if ws.posttest_activity_id else None
    if activity is not None:
        kinds.get(activity.kind).open_from(activity, last_end(ws))


def upcoming_sessions(user, limit=5):
    """The next sessions of workshops the trainee has a seat in (one query)."""
    return db.session.execute(
        select(WorkshopSession, Workshop).join(Workshop, WorkshopSession.workshop_id == Workshop.id)
        .join(Registration, Registration.workshop_id == Workshop.id)
        .where(Registration.user_id == user.id, Registration.status == "booked", Workshop.status == "published",
               WorkshopSession.status == "scheduled", WorkshopSession.ends_at >= utcnow())
        .order_by(WorkshopSession.starts_at).limit(limit)).all()
