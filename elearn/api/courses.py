"""Courses, modules and lessons for the offline client, with the same permission checks as pages."""
from flask_login import current_user
from flask_smorest import abort
from werkzeug.exceptions import HTTPException

from ..core.loading import loads
from ..courses import loaders, services
from ..courses.kinds import LESSON
from . import bp, links
from .schemas import CourseDetailSchema, CourseSummarySchema, ErrorSchema, LessonSchema

# A course's first activities, for links to a lesson or a quiz (JSON pointers cannot pick by kind).
_ACTIVITY_LINKS = {f"{name}{i}": (op, {param: f"$response.body#/modules/0/activities/{i}/id"})
                   for i in range(3) for name, op, param in (("lesson", "getLesson", "lesson_id"),
                                                             ("quiz", "startAttempt", "activity_id"))}


def _course_refused(error):
    """``loaders.load_course``'s refusal (a course that is missing or hidden) as this API's 404."""
    abort(404, message="Không tìm thấy khoá học.")


def load_activity_or_abort(activity_id, *, kind=None, missing="Không tìm thấy hoạt động."):
    """The activity through the shared loader; its refusals as this API's JSON errors."""
    try:
        return loaders.load_activity(activity_id, kind=kind)
    except loaders.Locked:
        abort(403, message="Module này chưa mở: hãy hoàn thành các module trước.")
    except HTTPException as e:
        abort(e.code, message=missing if e.code == 404 else "Bạn không có quyền truy cập.")


def load_lesson_or_abort(lesson_id):
    """The lesson ``lesson_id`` (an activity of kind lesson) through the same loader."""
    return load_activity_or_abort(lesson_id, kind=LESSON.name, missing="Không tìm thấy bài học.")


@bp.route("/courses")
@bp.doc(operationId="listCourses")
@links(200, course=("getCourse", {"slug": "$response.body#/0/slug"}))
@bp.response(200, CourseSummarySchema(many=True))
@bp.alt_response(401, schema=ErrorSchema, description="Chưa đăng nhập")
def list_courses():
    """Các khoá học tôi được ghi danh, kèm % hoàn thành"""
    courses, percent = services.my_courses(current_user)
    return [{"slug": c.slug, "title": c.title, "summary": c.summary, "hours": c.hours, "percent": percent.get(c.id, 0)}
            for c in courses]


@bp.route("/courses/<slug>")
@bp.doc(operationId="getCourse")
@links(200, **_ACTIVITY_LINKS)
@bp.response(200, CourseDetailSchema)
@bp.alt_response(404, schema=ErrorSchema, description="Không có hoặc không được xem")
@loads(loaders.load_course, into="ca", on_refusal=_course_refused)
def get_course(ca):
    """Một khoá học: các module (trạng thái mở/khoá) và hoạt động"""
    course, editor = ca.course, ca.editor
    outline = services.load_outline(course, include_unpublished=editor)
    states = services.module_states(current_user, course, outline)
    percent = services.course_percentages(current_user, [course.id]).get(course.id, 0)
    return {
        "slug": course.slug, "title": course.title, "summary": course.summary, "hours": course.hours,
        "percent": percent,
        "modules": [{
            "slug": st.module.slug, "title": st.module.title, "summary": st.module.summary, "state": st.state,
            "locked_by": [m.slug for m in st.missing],
            "activities": [{"id": a.id, "kind": a.kind, "slug": a.slug, "title": a.title,
                            "complete": a.id in st.done_ids} for a in st.activities],
        } for st in states],
    }


@bp.route("/lessons/<int:lesson_id>")
@bp.doc(operationId="getLesson")
@bp.response(200, LessonSchema)
@bp.alt_response(403, schema=ErrorSchema, description="Module còn khoá")
@bp.alt_response(404, schema=ErrorSchema, description="Không có hoặc không được xem")
@loads(load_lesson_or_abort, into="access")
def get_lesson(access):
    """Nội dung một bài học (HTML đã làm sạch)"""
    act, course = access.activity, access.course
    return {"id": act.id, "title": act.title, "course": course.slug, "module": access.module.slug,
            "minutes": act.lesson.minutes, "body_html": act.lesson.body_html, "sources": act.lesson.sources}

