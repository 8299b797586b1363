"""Trainee side: upcoming and past workshops with my status, sign up, cancel, check in,
calendar files and the personal calendar feed."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from ..auth.forms import ConfirmForm
from ..core.db import want_write
from ..core.errors import ServiceError
from ..core.timeutil import utcnow
from ..courses.models import Course
from ..courses.services import is_staff
from ..extensions import db
from ..core.http import db_int
from ..core.loading import loads
from . import attendance, bp, loaders, services
from .forms import CheckinForm
from .permissions import can_sign_up_units, is_workshop_staff
from .models import CalendarFeed, Registration, Workshop, WorkshopSession
from .states import AttendanceStatus, RegStatus, SessionStatus, WorkshopStatus


@bp.route("/workshops/")
@login_required
def index():
    now = utcnow()
    items = services.visible_workshops(current_user)
    regs = {r.workshop_id: r for r in db.session.scalars(select(Registration).where(
        Registration.user_id == current_user.id, Registration.workshop_id.in_([w.id for w in items])))} if items else {}
    upcoming = [w for w in items if (services.last_end(w) or now) >= now and w.status != WorkshopStatus.CANCELLED]
    past = [w for w in items if w not in upcoming]
    return render_template("workshops/index.html", upcoming=upcoming, past=past, regs=regs, now=now,
                           first_start=services.first_start)


@bp.route("/workshops/<int:workshop_id>")
@login_required
@loads(loaders.load_workshop, into="ws")
def detail(ws):
    course = db.session.get(Course, ws.course_id)
    reg = services.registration_of(current_user, ws)
    now = utcnow()
    staff = is_workshop_staff(current_user, is_staff=is_staff(current_user, course))
    live = [s for s in ws.sessions if s.status == SessionStatus.SCHEDULED and s.starts_at - attendance.CHECKIN_EARLY <= now <= s.ends_at]
    return render_template("workshops/detail.html", ws=ws, course=course, reg=reg, staff=staff,
                           booked=services.booked_count(ws), why=services.why_not_signup(current_user, ws, now),
                           shown=attendance.shown_status(ws, reg, now),
                           form=ConfirmForm(), checkin=CheckinForm(formdata=None), live=live,
                           missing=services.prework_missing(current_user, ws) if ws.prework_before == "attend" else [],
                           bulk_units=_bulk_units(ws, staff))


def _bulk_units(ws, staff):
    """Units the viewer may sign up as a whole: managers their tree, staff every unit."""
    from ..orgs.services import tree_rows, visible_units

    if ws.status != WorkshopStatus.PUBLISHED or not can_sign_up_units(current_user, staff=staff):
        return []
    return [(u.id, "— " * lvl + u.name) for u, lvl in tree_rows(visible_units(current_user))]


@bp.route("/workshops/<int:workshop_id>/signup", methods=["POST"])
@login_required
@loads(loaders.load_workshop, into="ws")
def signup(ws):
    workshop_id = ws.id
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        reg = services.sign_up(current_user, workshop_id)
    except ServiceError as err:
        db.session.rollback()
        flash(err.message, "error")
    else:
        db.session.commit()
        flash({RegStatus.BOOKED: _("Đã đăng ký. Bạn có chỗ trong lớp."),
               RegStatus.WAITLISTED: _("Lớp đã đủ chỗ: bạn ở danh sách chờ và sẽ được báo khi có chỗ."),
               RegStatus.REQUESTED: _("Đã gửi yêu cầu; chờ quản lý của bạn duyệt.")}[reg.status], "success")
    return redirect(url_for("workshops.detail", workshop_id=workshop_id))


@bp.route("/workshops/<int:workshop_id>/cancel", methods=["GET", "POST"])
@login_required
@loads(loaders.load_workshop, into="ws")
def cancel(ws):
    workshop_id = ws.id
    reg = services.registration_of(current_user, ws)
    if reg is None:
        abort(404)
    form = ConfirmForm()
    if request.method == "GET":
        return render_template("admin/confirm.html", form=form, title=_("Huỷ đăng ký"),
                               message=_("Huỷ đăng ký lớp “%(t)s”? Chỗ của bạn sẽ được chuyển cho người trong danh sách chờ.", t=ws.title),
                               cancel=url_for("workshops.detail", workshop_id=ws.id), button=_("Huỷ đăng ký"),
                               keep=_("Giữ chỗ"))
    if not form.validate_on_submit():
        abort(400)
    try:
        services.cancel(reg, current_user)
    except ServiceError as err:
        db.session.rollback()
        flash(err.message, "error")
    else:
        db.session.commit()
        flash(_("Đã huỷ đăng ký."), "success")
    return redirect(url_for("workshops.detail", workshop_id=workshop_id))


@bp.route("/workshops/checkin", methods=["GET", "POST"])
@login_required
def checkin():
    """Type the code the instructor shows, or scan its QR code (which fills the code in)."""
    session_id = request.values.get("s", type=db_int)
    session = db.session.get(WorkshopSession, session_id) if session_id else None
    form = CheckinForm(code=request.args.get("c", "")) if request.method == "GET" else CheckinForm()
    if session is None:
        mine = select(Registration.workshop_id).where(Registration.user_id == current_user.id,
                                                      Registration.status == RegStatus.BOOKED)
        now = utcnow()
        live = db.session.scalars(select(WorkshopSession).where(
            WorkshopSession.workshop_id.in_(mine), WorkshopSession.status == SessionStatus.SCHEDULED,
            WorkshopSession.starts_at - attendance.CHECKIN_EARLY <= now, WorkshopSession.ends_at >= now)).all()
        session = live[0] if len(live) == 1 else None
        if session is None:
            return render_template("workshops/checkin.html", form=form, session=None, sessions=live), 200
    if form.validate_on_submit():
        want_write()
        session = db.session.get(WorkshopSession, session.id)
        loaders.load_workshop(session.workshop_id)  # the workshop's page rule: hidden is a 404
        try:
            row = attendance.check_in(current_user, session, form.code.data)
        except ServiceError as err:
            db.session.rollback()
            form.code.errors.append(err.message)
        else:
            db.session.commit()
            flash(_("Đã điểm danh: %(s)s.", s={AttendanceStatus.PRESENT: _("có mặt"), AttendanceStatus.LATE: _("đến muộn")}.get(row.status, row.status)),
                  "success")
            return redirect(url_for("workshops.detail", workshop_id=session.workshop_id))
    return render_template("workshops/checkin.html", form=form, session=session, sessions=[])


def _ics_response(data, filename):
    from flask import Response

    return Response(data, mimetype="text/calendar",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"})


@bp.route("/workshops/<int:workshop_id>.ics")
@login_required
@loads(loaders.load_workshop, into="ws")
def workshop_ics(ws):
    from .reminders import _calendar_for

    return _ics_response(_calendar_for(ws, method=None), f"tap-huan-{ws.id}.ics")


@bp.route("/calendar/<secret>.ics")
def feed(secret):
    """A personal feed for calendar apps (no cookies): the sessions of workshops I am booked on."""
    from .ical import CalSession, build_calendar

    row = db.session.scalar(select(CalendarFeed).where(CalendarFeed.secret == secret))
    if row is None:
        abort(404)
    booked = db.session.scalars(select(Workshop).join(Registration, Registration.workshop_id == Workshop.id)
                                .where(Registration.user_id == row.user_id, Registration.status == RegStatus.BOOKED,
                                       Workshop.status != WorkshopStatus.DRAFT)).all()
    items = [CalSession(uid=f"workshop-{w.id}-session-{s.id}@thuvien-hoctap", sequence=s.sequence,
                        title=f"{w.title}: {s.title}", starts_at=s.starts_at, ends_at=s.ends_at, venue=s.venue,
                        description=w.description or "", cancelled=s.status == SessionStatus.CANCELLED or w.status == WorkshopStatus.CANCELLED,
                        url=url_for("workshops.detail", workshop_id=w.id, _external=True))
             for w in booked for s in w.sessions]
    return _ics_response(build_calendar(items, name=_("Lịch tập huấn của tôi")), "lich-cua-toi.ics")


@bp.route("/account/calendar", methods=["GET", "POST"])
@login_required
def my_calendar():
    form = ConfirmForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        attendance.feed_for(current_user, reset=True)
        db.session.commit()
        flash(_("Đã tạo liên kết lịch mới; liên kết cũ không còn dùng được."), "success")
        return redirect(url_for("workshops.my_calendar"))
    want_write()
    feed = attendance.feed_for(current_user)
    db.session.commit()
    return render_template("workshops/calendar.html", feed=feed, form=form)
