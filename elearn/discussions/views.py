"""Forum pages: thread lists (course, module, workshop), a thread, writing, editing, following,
reporting, attachments. Everything works without JavaScript; every write is a CSRF-protected POST."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from ..auth.forms import ConfirmForm
from ..core import once
from ..core.db import want_write
from ..core.errors import ServiceError
from ..core.http import db_int
from ..core.loading import loads
from ..core.pagination import paginate
from ..core.uploads import discard, send_stored, store_upload
from ..extensions import db
from . import bp, loaders, moderation, services
from .forms import BODY_HINT, EditForm, FollowForm, ReplyForm, ReportForm, ThreadForm
from .models import Attachment, Post, Thread
from .permissions import can_edit, can_mark_answer, can_moderate, can_reply, can_report, can_write, edit_closes_at

POSTS_PER_PAGE = 30
UPLOADS = "forum"


def _id(value):
    """A positive id the database can hold, or None."""
    try:
        number = db_int(value)
    except (TypeError, ValueError):
        return None
    return number if number > 0 else None


def _place_args():
    return request.args.get("module", type=db_int), request.args.get("workshop", type=db_int)


def _place_kw(module, workshop):
    return {"module": module.id} if module else {"workshop": workshop.id} if workshop else {}


def _follow_form(scope):
    row = services.subscription(current_user, scope)
    return FollowForm(formdata=None, mode=row.mode if row else "off"), row is not None


@bp.route("/<slug>")
@login_required
@loads(loaders.load_forum, into="access")
def forum(access):
    module, workshop = loaders.check_place(access, *_place_args())
    q = (request.args.get("q") or "")[:200]
    show = request.args.get("show") if request.args.get("show") in services.FILTERS else "all"
    page = paginate(services.list_threads(current_user, access, module=module, workshop=workshop, q=q, show=show))
    follow, following = _follow_form(services.scope_of(course_id=access.course.id, module=module, workshop=workshop))
    html = render_template("discussions/forum.html", access=access, course=access.course, module=module,
                           workshop=workshop, page=page, q=q, show=show, unread=services.unread_ids(current_user, page.items),
                           modules=access.modules(), workshops=access.workshops(), follow=follow, following=following,
                           place=_place_kw(module, workshop), can_write=can_write(access),
                           reports=len(moderation.open_reports(access.course.id)) if access.moderator else 0)
    want_write()
    services.visit(current_user, access.course)
    db.session.commit()
    return html


@bp.route("/<slug>/new", methods=["GET", "POST"])
@login_required
@loads(loaders.load_forum, into="access")
def new_thread(access):
    module, workshop = loaders.check_place(access, *_place_args())
    if not can_write(access):
        abort(403)
    form = ThreadForm()
    if form.validate_on_submit():
        replay = once.claim(form)
        if replay is not None:
            return replay
        stored = None
        try:
            thread = services.create_thread(current_user, access, title=form.title.data, body=form.body.data,
                                            module=module, workshop=workshop, question=form.question.data)
            stored = _attach(form, db.session.scalar(select(Post).where(Post.thread_id == thread.id)))
            once.done(url_for("discussions.thread", thread_id=thread.id))
            db.session.commit()
        except BaseException as err:
            db.session.rollback()
            _discard(stored)  # no orphaned file, whatever went wrong
            if not isinstance(err, ServiceError):
                raise
            err.show_on(form)
        else:
            flash(_("Đã đăng chủ đề."), "success")
            return redirect(url_for("discussions.thread", thread_id=thread.id), 303)
    return render_template("discussions/new.html", form=form, course=access.course, module=module,
                           workshop=workshop, place=_place_kw(module, workshop), hint=BODY_HINT)


def _attach(form, post):
    upload = form.file.data if form.file.data and getattr(form.file.data, "filename", "") else None
    if upload is None:
        return None
    stored = store_upload(upload, UPLOADS)
    db.session.add(Attachment(post_id=post.id, stored_name=stored.stored_name, original_name=stored.original_name,
                              mime=stored.mime, size=stored.size))
    return stored


def _discard(stored):
    if stored is not None:
        discard(stored.stored_name, UPLOADS)


def _thread_page(thread, access, form=None, status=200):
    page = paginate(services.thread_posts(access, thread), per_page=POSTS_PER_PAGE)
    posts = page.items
    from ..auth.models import User

    ids = {p.author_id for p in posts if p.author_id}
    quote_ids = {p.quote_of_id for p in posts if p.quote_of_id}
    quotes = {p.id: p for p in db.session.scalars(select(Post).where(Post.id.in_(quote_ids)))} if quote_ids else {}
    ids |= {p.author_id for p in quotes.values() if p.author_id}
    authors = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(ids)))} if ids else {}
    files = {}
    if posts:
        for a in db.session.scalars(select(Attachment).where(Attachment.post_id.in_([p.id for p in posts]))):
            files.setdefault(a.post_id, []).append(a)
    if form is None:
        quote = request.args.get("quote", type=db_int)
        form = ReplyForm(formdata=None, quote_of=str(quote) if quote else "")
    follow, following = _follow_form(services.scope_of(thread=thread))
    quote_id = _id(form.quote_of.data)
    quoting = db.session.get(Post, quote_id) if quote_id else None
    return render_template(
        "discussions/thread.html", thread=thread, access=access, course=access.course, page=page, posts=posts,
        authors=authors, quotes=quotes, files=files, form=form, follow=follow, following=following,
        quoting=quoting if quoting is not None and quoting.thread_id == thread.id and not quoting.hidden else None,
        can_reply=can_reply(access, thread), moderator=can_moderate(access),
        can_edit=lambda p: can_edit(current_user, p), closes=edit_closes_at,
        can_answer=can_mark_answer(current_user, access, thread),
        can_report=lambda p: can_report(current_user, p), confirm=ConfirmForm(), hint=BODY_HINT,
        place=(access.modules().get(thread.module_id), access.workshops().get(thread.workshop_id))), status


@bp.route("/t/<int:thread_id>")
@login_required
@loads(loaders.load_thread, into=("thread", "access"))
def thread(thread, access):
    html, status = _thread_page(thread, access)
    want_write()
    services.mark_read(current_user, thread)
    db.session.commit()
    return html, status


@bp.route("/t/<int:thread_id>/reply", methods=["POST"])
@login_required
@loads(loaders.load_thread, into=("thread", "access"))
def reply(thread, access):
    if not can_reply(access, thread):
        abort(403)
    form = ReplyForm()
    if form.validate_on_submit():
        replay = once.claim(form)
        if replay is not None:
            return replay
        stored = None
        quote = _id(form.quote_of.data)
        try:
            post = services.reply(current_user, thread, body=form.body.data, quote_of_id=quote)
            stored = _attach(form, post)
            url = _post_url(post, access)
            once.done(url)
            db.session.commit()
        except BaseException as err:
            db.session.rollback()
            _discard(stored)  # no orphaned file, whatever went wrong
            if not isinstance(err, ServiceError):
                raise
            err.show_on(form)
        else:
            flash(_("Đã gửi trả lời."), "success")
            return redirect(url, 303)
    return _thread_page(thread, access, form, status=422)


def _post_url(post, access):
    """The thread page (the right page of it) at ``post``."""
    thread = db.session.get(Thread, post.thread_id)
    ids = db.session.scalars(services.thread_posts(access, thread).with_only_columns(Post.id)).all()
    n = ids.index(post.id) // POSTS_PER_PAGE + 1 if post.id in ids else 1
    return url_for("discussions.thread", thread_id=post.thread_id, **({"page": n} if n > 1 else {})) + f"#post-{post.id}"


@bp.route("/p/<int:post_id>/edit", methods=["GET", "POST"])
@login_required
@loads(loaders.load_post, into=("post", "thread", "access"))
def edit(post, thread, access):
    if not can_edit(current_user, post):
        flash(_("Chỉ tác giả sửa được bài, trong 30 phút sau khi đăng."), "error")
        return redirect(_post_url(post, access), 303)
    form = EditForm(obj=None, title=thread.title if post.is_first else None, body=post.body_md) \
        if request.method == "GET" else EditForm()
    if form.validate_on_submit():
        try:
            services.edit_post(current_user, post, thread, body=form.body.data,
                               title=form.title.data if post.is_first else None)
            db.session.commit()
        except ServiceError as err:
            db.session.rollback()
            err.show_on(form)
        else:
            flash(_("Đã lưu bài."), "success")
            return redirect(_post_url(post, access), 303)
    return render_template("discussions/edit.html", form=form, post=post, thread=thread, course=access.course,
                           closes=edit_closes_at(post), hint=BODY_HINT)


@bp.route("/p/<int:post_id>/answer", methods=["POST"])
@login_required
@loads(loaders.load_post, into=("post", "thread", "access"))
def answer(post, thread, access):
    if not can_mark_answer(current_user, access, thread):
        abort(403)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        services.mark_answer(thread, post, answer=request.form.get("undo") != "1")
        db.session.commit()
    except ServiceError as err:
        db.session.rollback()
        flash(err.message, "error")
    return redirect(_post_url(post, access), 303)


@bp.route("/p/<int:post_id>/report", methods=["GET", "POST"])
@login_required
@loads(loaders.load_post, into=("post", "thread", "access"))
def report(post, thread, access):
    if not can_report(current_user, post):
        abort(403)
    form = ReportForm()
    if form.validate_on_submit():
        try:
            fresh = moderation.report(current_user, post, form.reason.data)
            db.session.commit()
        except ServiceError as err:
            db.session.rollback()
            err.show_on(form)
        else:
            flash(_("Đã gửi báo cáo cho giảng viên.") if fresh else _("Bạn đã báo cáo bài này rồi."), "success")
            return redirect(_post_url(post, access), 303)
    return render_template("discussions/report.html", form=form, post=post, thread=thread, course=access.course)


@bp.route("/<slug>/follow", methods=["POST"])
@login_required
@loads(loaders.load_forum, into="access")
def follow_forum(access):
    slug = access.course.slug  # read before _follow commits (no refresh query)
    module, workshop = loaders.check_place(access, *_place_args())
    _follow(access.course.id, module=module, workshop=workshop)
    return redirect(url_for("discussions.forum", slug=slug, **_place_kw(module, workshop)), 303)


@bp.route("/t/<int:thread_id>/follow", methods=["POST"])
@login_required
@loads(loaders.load_thread, into=("thread", "access"))
def follow_thread(thread, access):
    _follow(access.course.id, thread=thread)
    return redirect(url_for("discussions.thread", thread_id=thread.id), 303)


def _follow(course_id, **place):
    form = FollowForm()
    if not form.validate_on_submit():
        flash(_("Cách nhận thư không hợp lệ."), "error")
        return
    mode = None if form.mode.data == "off" else form.mode.data
    services.subscribe(current_user, course_id, mode=mode, **place)
    db.session.commit()
    flash(_("Đã bỏ theo dõi.") if mode is None else _("Đã theo dõi."), "success")


@bp.route("/files/<int:attachment_id>")
@login_required
@loads(loaders.load_attachment, into="att")
def attachment(att):
    return send_stored(att.stored_name, att.original_name, att.mime, UPLOADS)
