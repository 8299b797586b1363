"""Completion reports for managers (their subtree), instructors (their courses) and admins.

Scope and bad input are handled by ``elearn.reports.loaders``, shared with the web pages and the
exports: a unit or course outside the caller's scope is 404, trainees get 403, bad filters 400.
"""

import marshmallow as ma
from flask_login import current_user

from ..reports import loaders, services, trainees
from ..reports.permissions import grades_visible
from . import bp
from .schemas import ErrorSchema, Schema, UtcDateTime


class ReportQuery(Schema):
    course = ma.fields.String(load_default="", metadata={"description": "Mã (slug) khoá học; mặc định khoá đầu tiên"})
    unit = ma.fields.String(load_default="", metadata={"description": "Mã đơn vị; mặc định đơn vị của bạn (quản trị: gốc)"})
    state = ma.fields.String(load_default="", validate=ma.validate.OneOf(("", *services.STATES)),
                             metadata={"description": "not_started, in_progress hoặc completed"})
    overdue = ma.fields.Boolean(load_default=False, metadata={"description": "Chỉ người quá hạn"})
    sort = ma.fields.String(load_default="name",
                            validate=ma.validate.OneOf(tuple(dict.fromkeys(services.UNIT_SORTS + services.TRAINEE_SORTS))),
                            metadata={"description": "Cột sắp xếp (trong danh sách cho phép)"})
    dir = ma.fields.String(load_default="asc", validate=ma.validate.OneOf(("asc", "desc")),
                           metadata={"description": "asc hoặc desc"})


class TraineeQuery(ReportQuery):
    page = ma.fields.Integer(load_default=1, validate=ma.validate.Range(min=1))
    per_page = ma.fields.Integer(load_default=100, validate=ma.validate.Range(min=1, max=1000))


class CourseRefSchema(ma.Schema):
    slug = ma.fields.String()
    title = ma.fields.String()


class UnitRefSchema(ma.Schema):
    code = ma.fields.String()
    name = ma.fields.String()


class CompletionRowSchema(ma.Schema):
    unit_code = ma.fields.String()
    unit_name = ma.fields.String()
    enrolled = ma.fields.Integer()
    not_started = ma.fields.Integer()
    in_progress = ma.fields.Integer()
    completed = ma.fields.Integer()
    completion_rate = ma.fields.Float(allow_none=True, metadata={"description": "%"})
    average_grade = ma.fields.Float(allow_none=True, metadata={"description": "null khi bài kiểm tra không cho xem điểm"})
    attendance_rate = ma.fields.Float(allow_none=True, metadata={"description": "% buổi tập huấn có mặt"})
    overdue = ma.fields.Integer()


class CompletionReportSchema(ma.Schema):
    course = ma.fields.Nested(CourseRefSchema)
    unit = ma.fields.Nested(UnitRefSchema)
    rows = ma.fields.List(ma.fields.Nested(CompletionRowSchema))
    total = ma.fields.Nested(CompletionRowSchema)


class TraineeRowSchema(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()
    unit_code = ma.fields.String()
    unit_name = ma.fields.String()
    state = ma.fields.String(metadata={"description": "not_started, in_progress hoặc completed"})
    percent = ma.fields.Integer()
    grade = ma.fields.Float(allow_none=True)
    last_activity_at = UtcDateTime(allow_none=True)
    completed_at = UtcDateTime(allow_none=True)
    certificate_code = ma.fields.String(allow_none=True)
    overdue = ma.fields.Boolean()


class TraineeReportSchema(ma.Schema):
    course = ma.fields.Nested(CourseRefSchema)
    unit = ma.fields.Nested(UnitRefSchema)
    page = ma.fields.Integer()
    per_page = ma.fields.Integer()
    total = ma.fields.Integer()
    rows = ma.fields.List(ma.fields.Nested(TraineeRowSchema))


def _load(args, level):
    query = dict(args, overdue="1" if args.get("overdue") else "", level=level)
    return loaders.load_report(current_user, query)


def _refs(req):
    return {"course": {"slug": req.course.slug, "title": req.course.title},
            "unit": {"code": req.unit.code, "name": req.unit.name}}


@bp.route("/reports/completion")
@bp.arguments(ReportQuery, location="query")
@bp.response(200, CompletionReportSchema)
@bp.alt_response(403, schema=ErrorSchema, description="Học viên không xem được báo cáo")
@bp.alt_response(404, schema=ErrorSchema, description="Khoá học hoặc đơn vị ngoài phạm vi")
def completion_report(args):
    """Báo cáo hoàn thành theo đơn vị trực thuộc, kèm dòng tổng"""
    req = _load(args, "unit")
    report = services.completion_report(req.course, req.unit)
    rows = services.sort_unit_rows(services.filter_unit_rows(report.rows, state=req.state,
                                                             overdue_only=req.overdue_only), req.sort, req.desc)
    return {**_refs(req), "rows": [r.as_dict() for r in rows], "total": report.total.as_dict()}


@bp.route("/reports/completion/trainees")
@bp.arguments(TraineeQuery, location="query")
@bp.response(200, TraineeReportSchema)
@bp.alt_response(403, schema=ErrorSchema, description="Học viên không xem được báo cáo")
@bp.alt_response(404, schema=ErrorSchema, description="Khoá học hoặc đơn vị ngoài phạm vi")
def completion_trainees(args):
    """Mỗi học viên ghi danh một dòng (theo thứ tự tên tiếng Việt, phân trang)"""
    req = _load(args, "trainee")
    page = trainees.trainee_page(req.course, req.unit, page=args["page"], per_page=args["per_page"],
                                 show_grades=grades_visible(services.course_quizzes(req.course)), **req.filters())
    return {**_refs(req), "page": page.page, "per_page": page.per_page, "total": page.total,
            "rows": [t.as_dict() for t in page.items]}
