"""Progress: mine, and a user's for managers whose scope includes that user."""
from flask_login import current_user
from flask_smorest import abort
from marshmallow import Schema, fields
from sqlalchemy import select

from ..core.loading import loads
from ..courses.models import ActivityProgress, Course
from ..courses.services import enrolled_filter
from ..core.text import vi_collate
from ..extensions import db
from ..progress.loaders import load_progress_owner
from ..progress.models import Certificate, CourseProgress
from . import bp
from .courses import load_activity_or_abort
from .schemas import ErrorSchema, UserProgressSchema


def _progress_of(user):
    courses = db.session.scalars(select(Course).where(Course.status == "published", enrolled_filter(user))
                                 ).all()
    courses = sorted(courses, key=lambda c: vi_collate(c.title))
    ids = [c.id for c in courses]
    # A course grade averages quiz grades: hidden while any of them is (quizzes.permissions.can_see_marks).
    hidden = set()
    if current_user.id == user.id and ids:
        from ..courses.models import Activity
        from ..quizzes.review import hidden_grade_quizzes

        quiz_ids = hidden_grade_quizzes(user, ids)
        if quiz_ids:
            hidden = set(db.session.scalars(select(Activity.course_id).where(Activity.id.in_(list(quiz_ids)))))
    rows = {r.course_id: r for r in db.session.scalars(select(CourseProgress).where(
        CourseProgress.user_id == user.id, CourseProgress.course_id.in_(ids)))} if ids else {}
    certs = {c.course_id: c.code for c in db.session.scalars(select(Certificate).where(
        Certificate.user_id == user.id, Certificate.revoked_at.is_(None)))}
    out = []
    for c in courses:
        r = rows.get(c.id)
        out.append({"course": c.slug, "title": c.title, "state": r.state if r else "new", "percent": r.percent if r else 0,
                    "grade": r.grade if r and c.id not in hidden else None, "completed_at": r.completed_at if r else None,
                    "certificate": certs.get(c.id)})
    return {"user_id": user.id, "name": user.name, "org": user.org.code, "courses": out}


def _user_refused(error):
    """``load_progress_owner``'s refusal (missing, out of scope, or an instructor asking) as this API's 404."""
    abort(404, message="Không tìm thấy người dùng trong phạm vi của bạn.")


@bp.route("/me/progress")
@bp.response(200, UserProgressSchema)
def my_progress():
    """Tiến độ của tôi theo từng khoá học"""
    return _progress_of(current_user)


@bp.route("/users/<int:user_id>/progress")
@bp.doc(operationId="getUserProgress")
@bp.response(200, UserProgressSchema)
@bp.alt_response(404, schema=ErrorSchema, description="Không có, hoặc ngoài phạm vi quản lý")
@loads(load_progress_owner, into="user", on_refusal=_user_refused)
def user_progress(user):
    """Tiến độ của một người dùng (quản lý: chỉ trong cây đơn vị của mình)"""
    return _progress_of(user)


class ManualDoneSchema(Schema):
    activity_id = fields.Int(required=True)
    complete = fields.Bool(required=True)


def _mark(access, done):
    """``access``: the activity through the shared loader (hidden 404, locked 403, as JSON errors)."""
    from ..core.errors import ServiceError
    from ..progress.services import mark_manual

    activity_id = access.activity.id
    if not access.enrolled:
        abort(404, message="Không tìm thấy hoạt động.")
    try:
        mark_manual(current_user, access.activity, done=done)
    except ServiceError as err:
        db.session.rollback()
        abort(err.status, message=err.message)
    db.session.commit()
    row = db.session.scalar(select(ActivityProgress).where(ActivityProgress.user_id == current_user.id,
                                                           ActivityProgress.activity_id == activity_id))
    return {"activity_id": activity_id, "complete": row is not None and row.state == "complete"}


@bp.route("/activities/<int:activity_id>/done", methods=["POST"])
@bp.response(200, ManualDoneSchema)
@bp.alt_response(403, schema=ErrorSchema, description="Module còn khoá")
@bp.alt_response(404, schema=ErrorSchema, description="Không có, không được xem, hoặc không tự đánh dấu được")
@loads(load_activity_or_abort, into="access")
def mark_done(access):
    """Tự đánh dấu hoàn thành một hoạt động (quy tắc hoàn thành “tự đánh dấu”)"""
    return _mark(access, True)


@bp.route("/activities/<int:activity_id>/done", methods=["DELETE"])
@bp.response(200, ManualDoneSchema)
@bp.alt_response(403, schema=ErrorSchema, description="Module còn khoá")
@bp.alt_response(404, schema=ErrorSchema, description="Không có, không được xem, hoặc không tự đánh dấu được")
@loads(load_activity_or_abort, into="access")
def mark_undone(access):
    """Bỏ đánh dấu hoàn thành"""
    return _mark(access, False)
