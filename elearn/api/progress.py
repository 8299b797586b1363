"""Progress: mine, and a user's for managers whose scope includes that user."""
from flask_login import current_user
from flask_smorest import abort
from sqlalchemy import select

from ..auth.models import User
from ..courses.models import Course
from ..courses.services import enrolled_filter
from ..core.text import vi_collate
from ..extensions import db
from ..progress.models import Certificate, CourseProgress
from ..progress.permissions import can_view_progress_of
from . import bp, links
from .schemas import ErrorSchema, UserProgressSchema


def _progress_of(user):
    courses = db.session.scalars(select(Course).where(Course.status == "published", enrolled_filter(user))
                                 ).all()
    courses = sorted(courses, key=lambda c: vi_collate(c.title))
    ids = [c.id for c in courses]
    rows = {r.course_id: r for r in db.session.scalars(select(CourseProgress).where(
        CourseProgress.user_id == user.id, CourseProgress.course_id.in_(ids)))} if ids else {}
    certs = {c.course_id: c.code for c in db.session.scalars(select(Certificate).where(
        Certificate.user_id == user.id, Certificate.revoked_at.is_(None)))}
    out = []
    for c in courses:
        r = rows.get(c.id)
        out.append({"course": c.slug, "title": c.title, "state": r.state if r else "new", "percent": r.percent if r else 0,
                    "grade": r.grade if r else None, "completed_at": r.completed_at if r else None,
                    "certificate": certs.get(c.id)})
    return {"user_id": user.id, "name": user.name, "org": user.org.code, "courses": out}


@bp.route("/me/progress")
@bp.response(200, UserProgressSchema)
def my_progress():
    """Tiến độ của tôi theo từng khoá học"""
    return _progress_of(current_user)


@bp.route("/users/<int:user_id>/progress")
@bp.doc(operationId="getUserProgress")
@bp.response(200, UserProgressSchema)
@bp.alt_response(404, schema=ErrorSchema, description="Không có, hoặc ngoài phạm vi quản lý")
def user_progress(user_id):
    """Tiến độ của một người dùng (quản lý: chỉ trong cây đơn vị của mình)"""
    user = db.session.get(User, user_id)
    if user is None or not can_view_progress_of(current_user, user) or current_user.role == "instructor":
        abort(404, message="Không tìm thấy người dùng trong phạm vi của bạn.")
    return _progress_of(user)
