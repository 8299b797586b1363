"""Certificates (download, public verification, revoke, issue by hand), the staff view of a
course's progress with overrides, and "mark as done" for trainees."""
from flask import abort, current_app, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from ..auth.forms import ConfirmForm
from ..auth.models import User
from ..auth.services import get_user_by_email
from ..core.errors import ServiceError
from ..core.loading import loads
from ..core.pagination import paginate
from ..core.ratelimit import hit_limit
from ..courses import loaders
from ..courses import services as courses
from ..courses.models import Activity, ActivityProgress
from ..courses.permissions import learners_condition
from ..extensions import db
from ..core.http import db_int
from . import bp, certificates, services
from .loaders import load_certificate, load_course_trainee, load_revocable_certificate, may_manage_progress
from .models import Certificate, CompletionOverride, CourseProgress


@bp.route("/certificates/<int:cert_id>.pdf")
@login_required
@loads(load_certificate, into="cert")
def certificate_pdf(cert):
    from .certificate_pdf import CertificateData, render_certificate

    if cert.revoked_at is not None:
        abort(410)
    pdf = render_certificate(CertificateData(
        full_name=cert.full_name, course_title=cert.course_title, hours=cert.hours, completed_on=cert.completed_on,
        issuer=cert.issuer, signer_name=current_app.config.get("CERTIFICATE_SIGNER_NAME", ""),
        signer_title=current_app.config.get("CERTIFICATE_SIGNER_TITLE", "Giám đốc"), code=cert.code,
        verify_url=url_for("progress.verify", code=cert.code, _external=True), unit_name=cert.unit_name))
    resp = make_response(pdf)
    resp.headers["Content-Type"] = "application/pdf"
    resp.headers["Content-Disposition"] = f'attachment; filename="chung-nhan-{cert.code}.pdf"'
    return resp


@bp.route("/verify/<code>")
def verify(code):
    """Public: valid or revoked, and the certificate's own details, nothing else."""
    if not hit_limit("verify-ip", request.remote_addr, "30 per minute"):
        return render_template("progress/verify.html", cert=None, limited=True), 429
    cert = certificates.by_code(code)
    return render_template("progress/verify.html", cert=cert, limited=False), (200 if cert else 404)


@bp.route("/certificates/<int:cert_id>/revoke", methods=["GET", "POST"])
@login_required
@loads(load_revocable_certificate, into="cert")
def revoke(cert):
    form = ConfirmForm()
    error = None
    if request.method == "POST" and form.validate_on_submit():
        try:
            certificates.revoke(cert, request.form.get("reason", ""), current_user)
        except ServiceError as err:
            db.session.rollback()
            error = err.message
        else:
            db.session.commit()
            flash(_("Đã thu hồi giấy chứng nhận %(code)s.", code=cert.code), "success")
            return redirect(url_for("progress.verify", code=cert.code))
    return render_template("progress/revoke.html", cert=cert, form=form, error=error)


@bp.route("/courses/<slug>/progress")
@login_required
@loads(loaders.load_editable_course, into="course")
def course_progress(course):
    """Course staff: every trainee with a progress row, by Vietnamese name order, paginated."""
    stmt = (select(CourseProgress).join(User, CourseProgress.user_id == User.id)
            .where(CourseProgress.course_id == course.id, courses.enrolled_user_filter(course))
            .order_by(User.name, User.id))
    only = learners_condition(current_user, User)  # instructors: trainees only (as may_manage_progress)
    if only is not None:
        stmt = stmt.where(only)
    page = paginate(stmt)
    from ..core.text import vi_name_key

    users = {u.id: u for u in db.session.scalars(select(User).where(
        User.id.in_([p.user_id for p in page.items])))} if page.items else {}
    rows = sorted(((p, users[p.user_id]) for p in page.items), key=lambda r: vi_name_key(r[1].name))
    certs = {c.user_id: c for c in db.session.scalars(select(Certificate).where(Certificate.course_id == course.id))}
    return render_template("progress/course.html", course=course, page=page, rows=rows, certs=certs,
                           form=ConfirmForm())


@bp.route("/courses/<slug>/progress/<int:user_id>", methods=["GET", "POST"])
@login_required
@loads(load_course_trainee, into=("course", "trainee"))
def trainee_progress(course, trainee):
    slug, user_id = course.slug, trainee.id
    error = None
    if request.method == "POST":
        if not ConfirmForm().validate_on_submit():
            abort(400)
        act = db.get_or_404(Activity, request.form.get("activity", type=db_int) or 0)
        if act.course_id != course.id:
            abort(404)
        try:
            services.override(act, trainee, request.form.get("state", ""), request.form.get("reason", ""), current_user)
        except ServiceError as err:
            db.session.rollback()
            error = err.message
        else:
            db.session.commit()
            flash(_("Đã ghi nhận thay đổi hoàn thành."), "success")
            return redirect(url_for("progress.trainee_progress", slug=slug, user_id=user_id))
    outline = courses.load_outline(course, include_unpublished=False)
    rows = {r.activity_id: r for r in db.session.scalars(select(ActivityProgress).where(
        ActivityProgress.user_id == trainee.id, ActivityProgress.course_id == course.id))}
    history = db.session.scalars(select(CompletionOverride).where(CompletionOverride.user_id == trainee.id,
                                                                  CompletionOverride.course_id == course.id)
                                 .order_by(CompletionOverride.created_at.desc())).all()
    people = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_({h.by_id for h in history})))} if history else {}
    return render_template("progress/trainee.html", course=course, trainee=trainee, outline=outline, rows=rows,
                           history=history, people=people, form=ConfirmForm(), error=error,
                           summary=db.session.scalar(select(CourseProgress).where(
                               CourseProgress.user_id == trainee.id, CourseProgress.course_id == course.id)))


@bp.route("/courses/<slug>/certificates/issue", methods=["GET", "POST"])
@login_required
@loads(loaders.load_editable_course, into="course")
def issue(course):
    """Recognised prior learning: issue a certificate by hand."""
    slug = course.slug
    form = ConfirmForm()
    error = None
    if request.method == "POST" and form.validate_on_submit():
        user = get_user_by_email(request.form.get("email", ""))
        if user is None or not user.active:
            error = _("Không có tài khoản đang hoạt động với email này.")
        elif not may_manage_progress(course, user):
            error = _("Chỉ cấp được cho học viên đã ghi danh khoá học này.")
        else:
            try:
                cert = certificates.issue_manually(user, course, request.form.get("reason", ""), current_user)
            except ServiceError as err:
                db.session.rollback()
                error = err.message
            else:
                db.session.commit()
                flash(_("Đã cấp giấy chứng nhận %(code)s cho %(name)s.", code=cert.code, name=user.name), "success")
                return redirect(url_for("progress.course_progress", slug=slug))
    return render_template("progress/issue.html", course=course, form=form, error=error)


@bp.route("/activities/<int:activity_id>/done", methods=["POST"])
@login_required
@loads(loaders.load_activity, into="access")
def mark_done(access):
    """A trainee marks an activity whose completion rule is "manual" as done (or not): only where the
    activity's page is open to them (``courses.loaders``: hidden 404, locked 403), and enrolled."""
    from ..core.db import want_write

    if not ConfirmForm().validate_on_submit():
        abort(400)
    if not access.enrolled:
        abort(404)
    want_write()
    try:
        services.mark_manual(current_user, access.activity, done=not request.form.get("undo"))
    except ServiceError:
        db.session.rollback()
        abort(404)
    db.session.commit()
    return redirect(request.referrer if request.referrer and request.referrer.startswith(request.host_url)
                    else url_for("courses.course", slug=access.course.slug))
