"""Discussions in the JSON API (/api/v1): list and start threads, read a thread with its posts,
reply, edit within the window. Every POST honours ``Idempotency-Key`` (a double tap stores once).
Access is the pages' rule: the same loaders."""
import marshmallow as ma
from flask import url_for
from flask_login import current_user
from flask_smorest import abort
from sqlalchemy import select
from werkzeug.exceptions import HTTPException

from ..api import bp, links
from ..api.quizzes import _idempotent
from ..api.schemas import ErrorSchema, IdempotencyHeader, Schema, UtcDateTime
from ..auth.models import User
from ..core.db import want_write
from ..core.errors import ServiceError
from ..core.loading import loads
from ..extensions import db
from . import loaders, services
from .permissions import can_edit, can_reply, can_write

PER_PAGE = 25


class Time(UtcDateTime):
    """RFC 3339 UTC; passes through a time already written out (an answer replayed for an
    ``Idempotency-Key`` is stored as JSON)."""

    def _serialize(self, value, attr, obj, **kwargs):
        return value if isinstance(value, str) else super()._serialize(value, attr, obj, **kwargs)


def _iso(value):
    return Time()._serialize(value, None, None)


class ThreadQuery(Schema):
    q = ma.fields.String(load_default="", validate=ma.validate.Length(max=200),
                         metadata={"description": "Tìm không phân biệt dấu"})
    module = ma.fields.Integer(validate=ma.validate.Range(min=1, max=2**31 - 1), metadata={"description": "id module"})
    workshop = ma.fields.Integer(validate=ma.validate.Range(min=1, max=2**31 - 1),
                                 metadata={"description": "id lớp tập huấn"})
    show = ma.fields.String(load_default="all", validate=ma.validate.OneOf(services.FILTERS))
    page = ma.fields.Integer(load_default=1, validate=ma.validate.Range(min=1, max=2**31 - 1))


class NewThreadSchema(Schema):
    title = ma.fields.String(required=True, validate=ma.validate.Length(min=3, max=services.TITLE_MAX))
    body = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=services.BODY_MAX))
    module = ma.fields.Integer(allow_none=True, validate=ma.validate.Range(min=1, max=2**31 - 1))
    workshop = ma.fields.Integer(allow_none=True, validate=ma.validate.Range(min=1, max=2**31 - 1))
    question = ma.fields.Boolean(load_default=False)


class NewPostSchema(Schema):
    body = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=services.BODY_MAX))
    quote_of = ma.fields.Integer(allow_none=True, validate=ma.validate.Range(min=1, max=2**31 - 1))


class EditPostSchema(Schema):
    body = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=services.BODY_MAX))
    title = ma.fields.String(validate=ma.validate.Length(min=3, max=services.TITLE_MAX),
                             metadata={"description": "Chỉ với bài mở đầu chủ đề"})


class PostSchema(Schema):
    id = ma.fields.Integer()
    author = ma.fields.String(allow_none=True)
    body_html = ma.fields.String(metadata={"description": "HTML đã làm sạch"})
    created_at = Time()
    edited_at = Time(allow_none=True)
    is_answer = ma.fields.Boolean()
    quote_of = ma.fields.Integer(allow_none=True)


class ThreadSchema(Schema):
    id = ma.fields.Integer()
    course = ma.fields.String()
    title = ma.fields.String()
    module = ma.fields.Integer(allow_none=True)
    workshop = ma.fields.Integer(allow_none=True)
    question = ma.fields.Boolean()
    answered = ma.fields.Boolean()
    pinned = ma.fields.Boolean()
    locked = ma.fields.Boolean()
    post_count = ma.fields.Integer()
    last_post_at = Time()
    unread = ma.fields.Boolean()
    url = ma.fields.String(metadata={"description": "Trang web của chủ đề"})


class ThreadPageSchema(Schema):
    page = ma.fields.Integer()
    pages = ma.fields.Integer()
    total = ma.fields.Integer()
    threads = ma.fields.List(ma.fields.Nested(ThreadSchema))


class ThreadDetailSchema(ThreadSchema):
    posts = ma.fields.List(ma.fields.Nested(PostSchema))


def _refused(e: HTTPException, message="Không tìm thấy thảo luận."):
    """A loader's 404/403 as the API's JSON error (``on_refusal`` of the routes' ``loads``)."""
    data = getattr(e, "data", None) or {}
    abort(e.code, message=data.get("message") or (message if e.code == 404 else "Bạn không có quyền làm việc này."))


def _guard(fn, *args):
    """Run a loader in the body (the place named in the query or the body); refusals as ``_refused``."""
    try:
        return fn(*args)
    except HTTPException as e:
        _refused(e)


def _thread_body(thread, unread=False):
    return {"id": thread.id, "course": _course_slug(thread), "title": thread.title, "module": thread.module_id,
            "workshop": thread.workshop_id, "question": thread.is_question, "answered": thread.answered,
            "pinned": thread.pinned, "locked": thread.locked, "post_count": thread.post_count,
            "last_post_at": _iso(thread.last_post_at),
            "unread": unread, "url": url_for("discussions.thread", thread_id=thread.id, _external=True)}


def _course_slug(thread):
    from ..courses.models import Course

    return db.session.get(Course, thread.course_id).slug


def _post_body(post, names):
    return {"id": post.id, "author": names.get(post.author_id), "body_html": post.body_html,
            "created_at": _iso(post.created_at), "edited_at": _iso(post.edited_at), "is_answer": post.is_answer,
            "quote_of": post.quote_of_id}


def _names(posts):
    ids = {p.author_id for p in posts if p.author_id}
    return dict(db.session.execute(select(User.id, User.name).where(User.id.in_(ids))).all()) if ids else {}


def _fail(err: ServiceError):
    db.session.rollback()
    abort(err.status, message=err.message)


@bp.route("/courses/<slug>/threads")
@bp.doc(operationId="listThreads")
@links(200, thread=("getThread", {"thread_id": "$response.body#/threads/0/id"}))
@bp.arguments(ThreadQuery, location="query")
@bp.response(200, ThreadPageSchema)
@bp.alt_response(404, schema=ErrorSchema, description="Khoá học, module hoặc lớp không có hoặc bạn không xem được")
@loads(loaders.load_forum, into="access", on_refusal=_refused)
def list_threads(args, access):
    """Các chủ đề thảo luận của khoá học (lọc theo module, lớp tập huấn, từ khoá), theo trang"""
    module, workshop = _guard(loaders.check_place, access, args.get("module"), args.get("workshop"))
    stmt = services.list_threads(current_user, access, module=module, workshop=workshop, q=args["q"],
                                 show=args["show"])
    page = db.paginate(stmt, page=args["page"], per_page=PER_PAGE, error_out=False)
    unread = services.unread_ids(current_user, page.items)
    return {"page": page.page, "pages": page.pages, "total": page.total,
            "threads": [_thread_body(t, t.id in unread) for t in page.items]}


@bp.route("/courses/<slug>/threads", methods=["POST"])
@bp.doc(operationId="createThread")
@links(201, thread=("getThread", {"thread_id": "$response.body#/id"}),
       reply=("createPost", {"thread_id": "$response.body#/id"}))
@bp.arguments(IdempotencyHeader, location="headers", as_kwargs=True)
@bp.arguments(NewThreadSchema)
@bp.response(201, ThreadSchema)
@bp.alt_response(403, schema=ErrorSchema, description="Chỉ đọc (quản lý) hoặc module chưa mở")
@bp.alt_response(422, schema=ErrorSchema, description="Nội dung rỗng, hoặc Idempotency-Key đã dùng cho yêu cầu khác")
@loads(loaders.load_forum, into="access", on_refusal=_refused)
def create_thread(args, access, idempotency_key=None):
    """Mở chủ đề (hoặc đặt câu hỏi) trong diễn đàn khoá học, một module hoặc một lớp tập huấn"""
    module, workshop = _guard(loaders.check_place, access, args.get("module"), args.get("workshop"))
    if not can_write(access):
        abort(403, message="Bạn chỉ được đọc thảo luận của khoá học này.")

    def action():
        thread = services.create_thread(current_user, access, title=args["title"], body=args["body"],
                                        module=module, workshop=workshop, question=args["question"])
        return 201, _thread_body(thread)

    body, status = _idempotent(idempotency_key, f"thread:{access.course.id}", action)
    return body, status


@bp.route("/threads/<int:thread_id>")
@bp.doc(operationId="getThread")
@bp.response(200, ThreadDetailSchema)
@bp.alt_response(404, schema=ErrorSchema, description="Không có hoặc bạn không xem được")
@loads(loaders.load_thread, into=("thread", "access"), on_refusal=_refused)
def get_thread(thread, access):
    """Một chủ đề và các bài của nó (bài mở đầu, câu trả lời được chọn, rồi theo thời gian)"""
    posts = db.session.scalars(services.thread_posts(access, thread).limit(1000)).all()
    names = _names(posts)
    want_write()
    services.mark_read(current_user, thread)
    db.session.commit()
    return {**_thread_body(thread), "posts": [_post_body(p, names) for p in posts]}


@bp.route("/threads/<int:thread_id>/posts", methods=["POST"])
@bp.doc(operationId="createPost")
@bp.arguments(IdempotencyHeader, location="headers", as_kwargs=True)
@bp.arguments(NewPostSchema)
@bp.response(201, PostSchema)
@bp.alt_response(409, schema=ErrorSchema, description="Chủ đề đã khoá")
@bp.alt_response(422, schema=ErrorSchema, description="Nội dung rỗng, trích dẫn bài khác chủ đề, hoặc "
                                                       "Idempotency-Key đã dùng cho yêu cầu khác")
@loads(loaders.load_thread, into=("thread", "access"), on_refusal=_refused)
def create_post(args, thread, access, idempotency_key=None):
    """Trả lời trong chủ đề"""
    if not can_write(access):
        abort(403, message="Bạn chỉ được đọc thảo luận của khoá học này.")
    if not can_reply(access, thread):
        abort(409, message="Chủ đề đã khoá; không thể trả lời thêm.")

    def action():
        post = services.reply(current_user, thread, body=args["body"], quote_of_id=args.get("quote_of"))
        return 201, _post_body(post, {current_user.id: current_user.name})

    body, status = _idempotent(idempotency_key, f"reply:{thread.id}", action)
    return body, status


@bp.route("/posts/<int:post_id>", methods=["PATCH"])
@bp.doc(operationId="editPost")
@bp.arguments(EditPostSchema)
@bp.response(200, PostSchema)
@bp.alt_response(409, schema=ErrorSchema, description="Không phải tác giả hoặc đã quá 30 phút")
@bp.alt_response(422, schema=ErrorSchema, description="Nội dung rỗng")
@loads(loaders.load_post, into=("post", "thread", "access"), on_refusal=_refused)
def edit_post(args, post, thread, access):
    """Sửa bài của mình trong 30 phút sau khi đăng (bản trước được lưu lại)"""
    if not can_edit(current_user, post):
        abort(409, message="Chỉ tác giả sửa được bài, trong 30 phút sau khi đăng.")
    try:
        services.edit_post(current_user, post, thread, body=args["body"], title=args.get("title"))
    except ServiceError as err:
        _fail(err)
    db.session.commit()
    return _post_body(post, _names([post]))
