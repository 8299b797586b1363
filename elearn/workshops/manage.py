"""Staff side: create and edit workshops and sessions, sign-ups and the waitlist, the attendance
roster (phone-friendly, "mark all present"), the rotating check-in code, the paper sign-in sheet
and its CSV import; managers approve requests and see attendance for their units."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from ..auth.forms import ConfirmForm
from ..auth.models import User
from ..core import once
from ..core.errors import ServiceError
from ..core.http import db_int
from ..core.loading import loads
from ..core.text import vi_name_key
from ..core.timeutil import local_to_utc, to_local
from ..courses import loaders as course_loaders
from ..courses.models import Activity, Module
from ..extensions import db
from ..orgs.models import OrgUnit
from ..orgs.services import tree_rows, visible_units
from . import authoring, bp, loaders, services
from .forms import SessionForm, WorkshopForm
from .permissions import can_approve, can_approve_registration, can_sign_up_unit
from .models import Registration, Workshop
from .states import WorkshopStatus


def _utc(local_dt):
    return local_to_utc(local_dt)


def _local(dt):
    return to_local(dt).replace(tzinfo=None) if dt else None


def _choices(form, course):
    form.targets.choices = [(u.id, "— " * lvl + u.name) for u, lvl in tree_rows(visible_units(current_user))]
    modules = db.session.scalars(select(Module).where(Module.course_id == course.id).order_by(Module.position)).all()
    form.prework.choices = [(m.id, m.title) for m in modules]
    form.completion_module.choices = [(0, _("(Không tính vào hoàn thành)"))] + [(m.id, m.title) for m in modules]
    form.posttest.choices = [(0, _("(Không có)"))] + [(q.id, q.title) for q in authoring.posttest_choices(course)]


def _fields(form) -> authoring.WorkshopFields:
    """The form, parsed (local times to UTC); the service checks it."""
    return authoring.WorkshopFields(
        title=form.title.data or "", description=form.description.data or "", capacity=form.capacity.data,
        signup_opens_at=_utc(form.signup_opens_at.data), signup_closes_at=_utc(form.signup_closes_at.data),
        cancel_cutoff_hours=form.cancel_cutoff_hours.data, requires_approval=form.requires_approval.data,
        target_ids=list(form.targets.data or []), prework_module_ids=list(form.prework.data or []),
        prework_before=form.prework_before.data, completion_module_id=form.completion_module.data or None,
        posttest_activity_id=form.posttest.data or None)


@bp.route("/courses/<slug>/workshops/new", methods=["GET", "POST"])
@login_required
@loads(course_loaders.load_course, into="ca", edit=True)
def new(ca):
    course = ca.course
    form = WorkshopForm(formdata=None, capacity=30, cancel_cutoff_hours=24) if request.method == "GET" else WorkshopForm()
    _choices(form, course)
    if form.validate_on_submit():
        replay = once.claim(form)
        if replay is not None:
            return replay
        try:
            ws = authoring.create_workshop(course, current_user, _fields(form))
        except ServiceError as err:
            db.session.rollback()
            err.show_on(form)
        else:
            once.done(url_for("workshops.edit", workshop_id=ws.id))
            db.session.commit()
            flash(_("Đã tạo lớp tập huấn (bản nháp). Hãy thêm các buổi học rồi mở đăng ký."), "success")
            return redirect(url_for("workshops.edit", workshop_id=ws.id))
    return render_template("workshops/form.html", form=form, course=course, ws=None)


@bp.route("/workshops/<int:workshop_id>/edit", methods=["GET", "POST"])
@login_required
@loads(loaders.load_staff_workshop, into=("ws", "course"))
def edit(ws, course):
    if request.method == "GET":
        form = WorkshopForm(formdata=None, obj=ws)
        form.signup_opens_at.data, form.signup_closes_at.data = _local(ws.signup_opens_at), _local(ws.signup_closes_at)
        form.targets.data = [t.id for t in services.targets(ws)]
        form.prework.data = list(ws.prework_module_ids or [])
        act = db.session.get(Activity, ws.activity_id) if ws.activity_id else None
        form.completion_module.data = act.module_id if act else 0
        form.posttest.data = ws.posttest_activity_id or 0
    else:
        form = WorkshopForm()
    _choices(form, course)
    if form.validate_on_submit():
        try:
            authoring.update_workshop(ws, course, _fields(form))
        except ServiceError as err:
            db.session.rollback()
            err.show_on(form)
        else:
            db.session.commit()
            flash(_("Đã lưu."), "success")
            return redirect(url_for("workshops.edit", workshop_id=ws.id))
    return render_template("workshops/form.html", form=form, course=course, ws=ws, session_form=SessionForm(formdata=None, prefix="session"),
                           confirm=ConfirmForm())


@bp.route("/workshops/<int:workshop_id>/status/<status>", methods=["GET", "POST"])
@login_required
@loads(loaders.load_staff_workshop, into=("ws", "course"))
def set_status(ws, course, status):
    if status not in (WorkshopStatus.PUBLISHED, WorkshopStatus.CANCELLED):
        abort(404)
    form = ConfirmForm()
    if status == WorkshopStatus.CANCELLED and request.method == "GET":
        return render_template("admin/confirm.html", form=form, title=_("Huỷ lớp tập huấn"),
                               message=_("Huỷ cả lớp “%(t)s”? Mọi người đã đăng ký sẽ nhận thư báo huỷ.", t=ws.title),
                               cancel=url_for("workshops.edit", workshop_id=ws.id), button=_("Huỷ lớp"))
    if not form.validate_on_submit():
        abort(400)
    try:
        if status == WorkshopStatus.PUBLISHED:
            authoring.publish_workshop(ws)
        else:
            authoring.cancel_workshop(ws)
    except ServiceError as err:
        db.session.rollback()
        flash(err.message, "error")
        return redirect(url_for("workshops.edit", workshop_id=ws.id))
    db.session.commit()
    flash(_("Đã mở đăng ký.") if status == WorkshopStatus.PUBLISHED else _("Đã huỷ lớp."), "success")
    return redirect(url_for("workshops.edit", workshop_id=ws.id))


@bp.route("/workshops/<int:workshop_id>/sessions", methods=["POST"])
@bp.route("/workshops/sessions/<int:session_id>/edit", methods=["GET", "POST"])
@login_required
@loads(loaders.load_session_form, into=("session", "ws", "course"))
def session_form(session, ws, course):
    if request.method == "GET":
        form = SessionForm(formdata=None, obj=session)
        form.starts_at.data, form.ends_at.data = _local(session.starts_at), _local(session.ends_at)
        return render_template("workshops/session_form.html", form=form, ws=ws, session=session, confirm=ConfirmForm())
    form = SessionForm(prefix="session" if session is None else "")
    if form.validate_on_submit():
        values = dict(title=form.title.data.strip(), starts_at=_utc(form.starts_at.data), ends_at=_utc(form.ends_at.data),
                      venue=form.venue.data or "", trainer=form.trainer.data or "")
        replay = once.claim(form) if session is None else None  # adding a session: store once
        if replay is not None:
            return replay
        try:
            if session is None:
                services.new_session(ws, **values)
            else:
                services.change_session(session, **values)
        except ServiceError as err:
            db.session.rollback()
            flash(err.message, "error")
        else:
            once.done(url_for("workshops.edit", workshop_id=ws.id))
            db.session.commit()
            flash(_("Đã lưu buổi học."), "success")
    else:
        for errors in form.errors.values():
            for e in errors:
                flash(e, "error")
    return redirect(url_for("workshops.edit", workshop_id=ws.id))


@bp.route("/workshops/sessions/<int:session_id>/cancel", methods=["POST"])
@login_required
@loads(loaders.load_staff_session, into=("session", "ws", "course"))
def cancel_session(session, ws, course):
    if not ConfirmForm().validate_on_submit():
        abort(400)
    services.cancel_session(session)
    db.session.commit()
    flash(_("Đã huỷ buổi học; người đã đăng ký sẽ nhận thư báo."), "success")
    return redirect(url_for("workshops.edit", workshop_id=ws.id))


@bp.route("/workshops/<int:workshop_id>/registrations", methods=["GET", "POST"])
@login_required
@loads(loaders.load_staff_workshop, into=("ws", "course"))
def registrations(ws, course):
    if request.method == "POST":
        if not ConfirmForm().validate_on_submit():
            abort(400)
        reg = db.get_or_404(Registration, request.form.get("registration", type=db_int) or 0)
        if reg.workshop_id != ws.id:
            abort(404)
        try:
            if request.form.get("action") == "cancel":
                services.cancel(reg, current_user, staff=True)
            else:
                services.decide(reg, request.form.get("action") == "approve", current_user)
        except ServiceError as err:
            db.session.rollback()
            flash(err.message, "error")
        else:
            db.session.commit()
        return redirect(url_for("workshops.registrations", workshop_id=ws.id))
    rows = db.session.execute(select(Registration, User).join(User, Registration.user_id == User.id)
                              .where(Registration.workshop_id == ws.id)).all()
    by_status = {}
    # The waitlist in queue order, everyone else by name: one key shape for all (a datetime never meets a tuple).
    for reg, user in sorted(rows, key=lambda r: ((r[0].waitlisted_at or r[0].created_at).isoformat(), ())
                            if r[0].status == "waitlisted" else ("", vi_name_key(r[1].name))):
        by_status.setdefault(reg.status, []).append((reg, user))
    return render_template("workshops/registrations.html", ws=ws, course=course, by_status=by_status,
                           form=ConfirmForm(), booked=services.booked_count(ws))


@bp.route("/workshops/approvals", methods=["GET", "POST"])
@login_required
def approvals():
    """Managers approve or decline sign-up requests of trainees in their subtree."""
    if not can_approve(current_user):
        abort(403)
    if request.method == "POST":
        if not ConfirmForm().validate_on_submit():
            abort(400)
        reg = db.get_or_404(Registration, request.form.get("registration", type=db_int) or 0)
        user = db.session.get(User, reg.user_id)
        if not can_approve_registration(current_user, user):
            abort(404)
        try:
            services.decide(reg, request.form.get("action") == "approve", current_user)
        except ServiceError as err:
            db.session.rollback()
            flash(err.message, "error")
        else:
            db.session.commit()
            flash(_("Đã xử lý yêu cầu của %(n)s.", n=user.name), "success")
        return redirect(url_for("workshops.approvals"))
    from ..orgs.services import scope_to_viewer

    stmt = scope_to_viewer(select(Registration, User, Workshop).join(User, Registration.user_id == User.id)
                           .join(Workshop, Registration.workshop_id == Workshop.id)
                           .where(Registration.status == "requested"), User.org_id, current_user)
    return render_template("workshops/approvals.html", rows=db.session.execute(stmt).all(), form=ConfirmForm())


@bp.route("/workshops/<int:workshop_id>/bulk", methods=["POST"])
@login_required
@loads(loaders.load_unit_signup, into=("ws", "staff"))
def bulk(ws, staff):
    """A manager (or the course staff) signs up a whole unit of their tree."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    unit = db.get_or_404(OrgUnit, request.form.get("unit", type=db_int) or 0)
    if not can_sign_up_unit(current_user, unit, staff=staff):
        abort(404)
    try:
        counts = services.bulk_sign_up(current_user, ws.id, unit)
    except ServiceError as err:
        db.session.rollback()
        flash(err.message, "error")
    else:
        db.session.commit()
        flash(_("Đã đăng ký: %(b)d có chỗ, %(w)d vào danh sách chờ, %(s)d bỏ qua (đã đăng ký hoặc không thuộc đối tượng).",
                b=counts["booked"], w=counts["waitlisted"], s=counts["skipped"]), "success")
    return redirect(url_for("workshops.detail", workshop_id=ws.id))
