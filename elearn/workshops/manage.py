"""Staff side: create and edit workshops and sessions, sign-ups and the waitlist, the attendance
roster (phone-friendly, "mark all present"), the rotating check-in code, the paper sign-in sheet
and its CSV import; managers approve requests and see attendance for their units."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, select

from ..auth.forms import ConfirmForm
from ..auth.models import User
from ..core import once
from ..core.errors import ServiceError
from ..core.http import db_int
from ..core.text import vi_name_key
from ..core.timeutil import local_to_utc, to_local
from ..courses import kinds
from ..courses import loaders as course_loaders
from ..courses import services as courses
from ..courses.models import Activity, Course, Module
from ..courses.permissions import can_edit_course
from ..extensions import db
from ..orgs.models import OrgUnit
from ..orgs.permissions import can_view_org
from ..orgs.services import tree_rows, visible_units
from . import bp, loaders, services
from .forms import SessionForm, WorkshopForm
from .kind import WORKSHOP
from .models import Registration, Workshop, WorkshopSession, WorkshopTarget


def _utc(local_dt):
    return local_to_utc(local_dt)


def _local(dt):
    return to_local(dt).replace(tzinfo=None) if dt else None


def _staff_ws(workshop_id) -> tuple[Workshop, Course]:
    return loaders.load_staff_workshop(workshop_id)


def _choices(form, course):
    form.targets.choices = [(u.id, "— " * lvl + u.name) for u, lvl in tree_rows(visible_units(current_user))]
    modules = db.session.scalars(select(Module).where(Module.course_id == course.id).order_by(Module.position)).all()
    form.prework.choices = [(m.id, m.title) for m in modules]
    form.completion_module.choices = [(0, _("(Không tính vào hoàn thành)"))] + [(m.id, m.title) for m in modules]
    quizzes = db.session.scalars(select(Activity).where(Activity.course_id == course.id, Activity.kind.in_(kinds.graded_kinds()))).all()
    form.posttest.choices = [(0, _("(Không có)"))] + [(q.id, q.title) for q in quizzes]


def _save(ws, form, course):
    ws.title, ws.description, ws.capacity = form.title.data.strip(), form.description.data or "", form.capacity.data
    ws.signup_opens_at, ws.signup_closes_at = _utc(form.signup_opens_at.data), _utc(form.signup_closes_at.data)
    ws.cancel_cutoff_hours, ws.requires_approval = form.cancel_cutoff_hours.data, form.requires_approval.data
    ws.prework_module_ids, ws.prework_before = list(form.prework.data or []), form.prework_before.data
    ws.posttest_activity_id = form.posttest.data or None
    db.session.flush()
    db.session.query(WorkshopTarget).filter_by(workshop_id=ws.id).delete()
    for org_id in form.targets.data or []:
        db.session.add(WorkshopTarget(workshop_id=ws.id, org_id=org_id))
    module_id = form.completion_module.data
    if module_id:
        act = db.session.get(Activity, ws.activity_id) if ws.activity_id else None
        if act is None:
            position = db.session.scalar(select(func.coalesce(func.max(Activity.position), -1))
                                         .where(Activity.module_id == module_id)) + 1
            act = Activity(module_id=module_id, course_id=course.id, kind=WORKSHOP.name, slug=f"tap-huan-{ws.id}",
                           title=ws.title, position=position, status="published" if ws.status == "published" else "draft",
                           settings={"completion": "attended"})
            db.session.add(act)
            db.session.flush()
            ws.activity_id = act.id
        act.module_id, act.title = module_id, ws.title
    elif ws.activity_id:
        db.session.get(Activity, ws.activity_id).status = "archived"
        ws.activity_id = None
    db.session.flush()
    services.sync_posttest(ws)


@bp.route("/courses/<slug>/workshops/new", methods=["GET", "POST"])
@login_required
def new(slug):
    course = course_loaders.load_course(slug, edit=True).course
    form = WorkshopForm(formdata=None, capacity=30, cancel_cutoff_hours=24) if request.method == "GET" else WorkshopForm()
    _choices(form, course)
    if form.validate_on_submit():
        replay = once.claim(form)
        if replay is not None:
            return replay
        ws = Workshop(course_id=course.id, title=form.title.data.strip(), created_by_id=current_user.id)
        db.session.add(ws)
        db.session.flush()
        _save(ws, form, course)
        once.done(url_for("workshops.edit", workshop_id=ws.id))
        db.session.commit()
        flash(_("Đã tạo lớp tập huấn (bản nháp). Hãy thêm các buổi học rồi mở đăng ký."), "success")
        return redirect(url_for("workshops.edit", workshop_id=ws.id))
    return render_template("workshops/form.html", form=form, course=course, ws=None)


@bp.route("/workshops/<int:workshop_id>/edit", methods=["GET", "POST"])
@login_required
def edit(workshop_id):
    ws, course = _staff_ws(workshop_id)
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
        _save(ws, form, course)
        db.session.commit()
        flash(_("Đã lưu."), "success")
        return redirect(url_for("workshops.edit", workshop_id=ws.id))
    return render_template("workshops/form.html", form=form, course=course, ws=ws, session_form=SessionForm(formdata=None, prefix="session"),
                           confirm=ConfirmForm())


@bp.route("/workshops/<int:workshop_id>/status/<status>", methods=["GET", "POST"])
@login_required
def set_status(workshop_id, status):
    ws, course = _staff_ws(workshop_id)
    if status not in ("published", "cancelled"):
        abort(404)
    form = ConfirmForm()
    if status == "cancelled" and request.method == "GET":
        return render_template("admin/confirm.html", form=form, title=_("Huỷ lớp tập huấn"),
                               message=_("Huỷ cả lớp “%(t)s”? Mọi người đã đăng ký sẽ nhận thư báo huỷ.", t=ws.title),
                               cancel=url_for("workshops.edit", workshop_id=ws.id), button=_("Huỷ lớp"))
    if not form.validate_on_submit():
        abort(400)
    if status == "published" and not ws.sessions:
        flash(_("Hãy thêm ít nhất một buổi học trước khi mở đăng ký."), "error")
        return redirect(url_for("workshops.edit", workshop_id=ws.id))
    if status == "cancelled":
        for s in ws.sessions:
            services.cancel_session(s)
    ws.status = status
    if ws.activity_id:
        db.session.get(Activity, ws.activity_id).status = "published" if status == "published" else "archived"
    db.session.commit()
    flash(_("Đã mở đăng ký.") if status == "published" else _("Đã huỷ lớp."), "success")
    return redirect(url_for("workshops.edit", workshop_id=ws.id))


@bp.route("/workshops/<int:workshop_id>/sessions", methods=["POST"])
@bp.route("/workshops/sessions/<int:session_id>/edit", methods=["GET", "POST"])
@login_required
def session_form(workshop_id=None, session_id=None):
    session = db.get_or_404(WorkshopSession, session_id) if session_id else None
    ws, course = _staff_ws(session.workshop_id if session else workshop_id)
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
def cancel_session(session_id):
    session = db.get_or_404(WorkshopSession, session_id)
    ws, course = _staff_ws(session.workshop_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    services.cancel_session(session)
    db.session.commit()
    flash(_("Đã huỷ buổi học; người đã đăng ký sẽ nhận thư báo."), "success")
    return redirect(url_for("workshops.edit", workshop_id=ws.id))


@bp.route("/workshops/<int:workshop_id>/registrations", methods=["GET", "POST"])
@login_required
def registrations(workshop_id):
    ws, course = _staff_ws(workshop_id)
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
    if current_user.role not in ("manager", "admin"):
        abort(403)
    if request.method == "POST":
        if not ConfirmForm().validate_on_submit():
            abort(400)
        reg = db.get_or_404(Registration, request.form.get("registration", type=db_int) or 0)
        user = db.session.get(User, reg.user_id)
        if not can_view_org(current_user, user.org):
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
def bulk(workshop_id):
    """A manager (or the course staff) signs up a whole unit of their tree."""
    ws = loaders.load_workshop(workshop_id)  # as its page: hidden workshops are a 404
    course = db.session.get(Course, ws.course_id)
    staff = can_edit_course(current_user, course, courses.is_staff(current_user, course))
    if not staff and current_user.role != "manager":
        abort(403)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    unit = db.get_or_404(OrgUnit, request.form.get("unit", type=db_int) or 0)
    if not staff and not can_view_org(current_user, unit):
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
