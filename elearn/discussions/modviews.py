"""Staff pages: moderate a thread (pin, lock, hide, move) or a post (hide, show, edit history),
open reports, and the moderation log. Only the course's editors (``can_moderate``); others get 403."""
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from ..auth.forms import ConfirmForm
from ..core.errors import ServiceError
from ..core.loading import loads
from ..core.pagination import paginate
from ..extensions import db
from . import bp, loaders, moderation
from .forms import MoveForm, ReasonForm
from .models import PostReport, PostRevision, Thread
from .permissions import can_moderate


def _staff(access):
    if not can_moderate(access):
        abort(403)


def _move_choices(access):
    out = [("course", _("Diễn đàn chung của khoá học"))]
    out += [(f"module:{m.id}", _("Module: %(t)s", t=m.title)) for m in access.modules().values()]
    out += [(f"workshop:{w.id}", _("Tập huấn: %(t)s", t=w.title)) for w in access.workshops().values()]
    return out


@bp.route("/t/<int:thread_id>/moderate", methods=["GET", "POST"])
@login_required
@loads(loaders.load_thread, into=("thread", "access"))
def moderate_thread(thread, access):
    _staff(access)
    form = ReasonForm()
    if form.validate_on_submit():
        try:
            moderation.moderate_thread(current_user, thread, form.action.data or "", form.reason.data)
            db.session.commit()
        except ServiceError as err:
            db.session.rollback()
            err.show_on(form)
        else:
            flash(_("Đã cập nhật chủ đề."), "success")
            return redirect(url_for("discussions.moderate_thread", thread_id=thread.id), 303)
    move = MoveForm(formdata=None)
    move.target.choices = _move_choices(access)
    return _page(thread, access, form, move)


def _page(thread, access, form, move, status=200):
    log = db.session.scalars(moderation.audit_log(thread.course_id).where(
        moderation.ModerationLog.thread_id == thread.id).limit(50)).all()
    return render_template("discussions/moderate_thread.html", thread=thread, course=access.course, form=form,
                           move=move, log=log, names=_names({e.actor_id for e in log})), status


@bp.route("/t/<int:thread_id>/move", methods=["POST"])
@login_required
@loads(loaders.load_thread, into=("thread", "access"))
def move_thread(thread, access):
    _staff(access)
    move = MoveForm()
    move.target.choices = _move_choices(access)
    if move.validate_on_submit():
        kind, _sep, ident = move.target.data.partition(":")
        place = {"module": access.modules().get(int(ident))} if kind == "module" else \
            {"workshop": access.workshops().get(int(ident))} if kind == "workshop" else {}
        try:
            moderation.move_thread(current_user, thread, reason=move.reason.data, **place)
            db.session.commit()
        except ServiceError as err:
            db.session.rollback()
            err.show_on(move)
        else:
            flash(_("Đã chuyển chủ đề."), "success")
            return redirect(url_for("discussions.thread", thread_id=thread.id), 303)
    return _page(thread, access, ReasonForm(formdata=None), move, status=422)


@bp.route("/p/<int:post_id>/moderate", methods=["GET", "POST"])
@login_required
@loads(loaders.load_post, into=("post", "thread", "access"))
def moderate_post(post, thread, access):
    _staff(access)
    form = ReasonForm()
    if form.validate_on_submit():
        try:
            moderation.moderate_post(current_user, thread, post, form.action.data or "", form.reason.data)
            db.session.commit()
        except ServiceError as err:
            db.session.rollback()
            err.show_on(form)
        else:
            flash(_("Đã cập nhật bài."), "success")
            return redirect(url_for("discussions.moderate_post", post_id=post.id), 303)
    revisions = db.session.scalars(select(PostRevision).where(PostRevision.post_id == post.id)
                                   .order_by(PostRevision.id.desc())).all()
    reports = db.session.scalars(select(PostReport).where(PostReport.post_id == post.id)
                                 .order_by(PostReport.id)).all()
    names = _names({post.author_id} | {r.edited_by_id for r in revisions} | {r.reporter_id for r in reports})
    return render_template("discussions/moderate_post.html", post=post, thread=thread, course=access.course,
                           form=form, revisions=revisions, reports=reports, names=names, confirm=ConfirmForm())


@bp.route("/<slug>/reports")
@login_required
@loads(loaders.load_forum, into="access")
def reports(access):
    _staff(access)
    rows = moderation.open_reports(access.course.id)
    names = _names({r.reporter_id for r, _p, _t in rows} | {p.author_id for _r, p, _t in rows})
    return render_template("discussions/reports.html", course=access.course, rows=rows, names=names,
                           confirm=ConfirmForm())


@bp.route("/reports/<int:report_id>/resolve", methods=["POST"])
@login_required
@loads(loaders.load_report, into=("rep", "post", "thread", "access"))
def resolve(rep, post, thread, access):
    _staff(access)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    moderation.resolve_report(current_user, rep, thread)
    db.session.commit()
    flash(_("Đã đánh dấu báo cáo là đã xử lý."), "success")
    return redirect(url_for("discussions.reports", slug=access.course.slug), 303)


@bp.route("/<slug>/log")
@login_required
@loads(loaders.load_forum, into="access")
def audit(access):
    _staff(access)
    page = paginate(moderation.audit_log(access.course.id))
    threads = {t.id: t for t in db.session.scalars(select(Thread).where(
        Thread.id.in_({e.thread_id for e in page.items if e.thread_id})))}
    return render_template("discussions/audit.html", course=access.course, page=page, threads=threads,
                           names=_names({e.actor_id for e in page.items}))


def _names(ids):
    from ..auth.models import User

    ids = {i for i in ids if i}
    return dict(db.session.execute(select(User.id, User.name).where(User.id.in_(ids))).all()) if ids else {}

