"""Workshops: list what I can see, sign up, cancel, check in, read attendance (staff, and managers
for their own units)."""
from flask_login import current_user
from flask_smorest import abort
from werkzeug.exceptions import Forbidden, NotFound

from ..core.errors import ServiceError
from ..core.loading import loads
from ..courses.models import Course
from ..extensions import db
from ..workshops import attendance as attendance_service
from ..workshops import services
from ..workshops import attendance_records as records
from ..workshops.loaders import load_attendance_view, load_workshop
from ..workshops.models import WorkshopSession
from . import bp, links
from .schemas import AttendanceRowSchema, CheckinSchema, ErrorSchema, RegistrationSchema, WorkshopSchema


def _body(ws):
    reg = services.registration_of(current_user, ws)
    return {"id": ws.id, "course": db.session.get(Course, ws.course_id).slug, "title": ws.title, "status": ws.status,
            "capacity": ws.capacity, "booked": services.booked_count(ws), "my_status": reg.status if reg else None,
            "sessions": ws.sessions}


def _visible(workshop_id):
    """``load_workshop`` (the page's rule), its 404 as this API's JSON error."""
    try:
        return load_workshop(workshop_id)
    except NotFound:
        abort(404, message="Không tìm thấy lớp tập huấn.")


def _checkin_session(session_id):
    """The session to check in to, in a workshop the viewer may see (``_visible``)."""
    session = db.session.get(WorkshopSession, session_id)
    if session is None:
        abort(404, message="Không tìm thấy buổi học.")
    _visible(session.workshop_id)
    return session


def _attendance_refused(error):
    """``load_attendance_view``'s refusals as this API's JSON errors (``on_refusal``)."""
    if isinstance(error, NotFound):
        abort(404, message="Không tìm thấy lớp tập huấn.")
    if isinstance(error, Forbidden):
        abort(403, message="Bạn không xem được điểm danh của lớp này.")
    raise error


@bp.route("/workshops")
@bp.doc(operationId="listWorkshops")
@links(200, signup=("signUp", {"workshop_id": "$response.body#/0/id"}),
       cancel=("cancelRegistration", {"workshop_id": "$response.body#/0/id"}),
       attendance=("getAttendance", {"workshop_id": "$response.body#/0/id"}),
       checkin=("checkIn", {"session_id": "$response.body#/0/sessions/0/id"}))
@bp.response(200, WorkshopSchema(many=True))
def list_workshops():
    """Các lớp tập huấn tôi được xem, kèm trạng thái đăng ký của tôi"""
    return [_body(w) for w in services.visible_workshops(current_user)]


@bp.route("/workshops/<int:workshop_id>/registration", methods=["POST"])
@bp.doc(operationId="signUp")
@links(201, cancel=("cancelRegistration", {"workshop_id": "$response.body#/workshop_id"}),
       attendance=("getAttendance", {"workshop_id": "$response.body#/workshop_id"}))
@bp.response(201, RegistrationSchema)
@bp.alt_response(409, schema=ErrorSchema, description="Không đăng ký được (hết hạn, đã đăng ký, …)")
@loads(_visible, into="ws")
def sign_up(ws):
    """Đăng ký (có chỗ, vào danh sách chờ, hoặc chờ duyệt)"""
    workshop_id = ws.id
    try:
        reg = services.sign_up(current_user, workshop_id)
    except ServiceError as err:
        db.session.rollback()
        abort(err.status, message=err.message)
    db.session.commit()
    return {"workshop_id": workshop_id, "status": reg.status}


@bp.route("/workshops/<int:workshop_id>/registration", methods=["DELETE"])
@bp.doc(operationId="cancelRegistration")
@bp.response(200, RegistrationSchema)
@bp.alt_response(409, schema=ErrorSchema, description="Quá hạn huỷ")
@loads(_visible, into="ws")
def cancel(ws):
    """Huỷ đăng ký"""
    workshop_id = ws.id
    reg = services.registration_of(current_user, ws)
    if reg is None:
        abort(404, message="Bạn chưa đăng ký lớp này.")
    try:
        services.cancel(reg, current_user)
    except ServiceError as err:
        db.session.rollback()
        abort(err.status, message=err.message)
    db.session.commit()
    return {"workshop_id": workshop_id, "status": reg.status}


@bp.route("/sessions/<int:session_id>/checkin", methods=["POST"])
@bp.doc(operationId="checkIn")
@bp.arguments(CheckinSchema)
@bp.response(200, RegistrationSchema)
@bp.alt_response(422, schema=ErrorSchema, description="Mã sai hoặc hết hạn")
@loads(_checkin_session, into="session")
def check_in(args, session):
    """Điểm danh bằng mã giảng viên đang hiển thị"""
    try:
        row = attendance_service.check_in(current_user, session, args["code"])
    except ServiceError as err:
        db.session.rollback()
        abort(err.status, message=err.message)
    db.session.commit()
    return {"workshop_id": session.workshop_id, "status": row.status}


@bp.route("/workshops/<int:workshop_id>/attendance")
@bp.doc(operationId="getAttendance")
@bp.response(200, AttendanceRowSchema(many=True))
@bp.alt_response(403, schema=ErrorSchema, description="Không phải giảng viên của khoá hoặc quản lý")
@loads(load_attendance_view, into=("ws", "scope"), on_refusal=_attendance_refused)  # the same check as the page
def attendance(ws, scope):
    """Điểm danh từng buổi: giảng viên của khoá xem tất cả, quản lý xem người trong đơn vị mình"""
    rows = records.attendance_list(ws, scope)
    return [{"user_id": u.id, "name": u.name, "org": u.org.code,
             "sessions": {str(s): status for s, status in marks.items()}} for u, marks in rows]
