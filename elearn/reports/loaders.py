"""Load, check access and refuse in one place, for the pages, the exports and the API alike.

Every report request names a course and a unit (or takes the defaults); both are resolved here
against what the viewer may see, so no path, query, form, export or API call can skip the scope.
"""
from dataclasses import dataclass

from flask import request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ..core.errors import NotFound, ServiceError
from ..courses import services as courses
from ..courses.models import Course
from ..extensions import db
from ..orgs.models import OrgUnit
from ..orgs.services import ancestors, get_by_code
from . import services
from .permissions import (can_use_reports, can_view_report, can_view_trainee_report, is_reported_on,
                          reports_on_taught_courses_only, scope_unit)


class Forbidden(ServiceError):
    status = 403
    code = "forbidden"


@dataclass
class ReportRequest:
    course: Course
    unit: OrgUnit
    state: str | None = None
    overdue_only: bool = False
    sort: str = "name"
    desc: bool = False
    page: int = 1
    level: str = "unit"

    def filters(self):
        """The trainee-list filters, as keyword arguments of the services."""
        return {"state": self.state, "overdue_only": self.overdue_only, "sort": self.sort, "desc": self.desc}

    def as_log(self):
        return {"course": self.course.slug, "unit": self.unit.code, "state": self.state or "",
                "overdue": self.overdue_only, "sort": self.sort, "dir": "desc" if self.desc else "asc",
                "level": self.level}


def _is_staff(user, course) -> bool:
    """Whether ``user`` teaches ``course`` (the staff query runs only for instructors)."""
    return reports_on_taught_courses_only(user) and courses.is_staff(user, course)


def require_reports(user):
    if not can_use_reports(user):
        raise Forbidden(_("Bạn không có quyền xem báo cáo."))


def report_courses(user):
    """The courses ``user`` may report on: admins and managers every course that is not a draft,
    instructors the courses they teach."""
    if reports_on_taught_courses_only(user):
        return [c for c in courses.staff_courses(user)]
    from ..core.text import vi_collate

    found = db.session.scalars(select(Course).where(Course.status != "draft")).all()
    return sorted(found, key=lambda c: vi_collate(c.title))


def default_unit(user) -> OrgUnit | None:
    if scope_unit(user) is not None:
        return scope_unit(user)
    return db.session.scalars(select(OrgUnit).where(OrgUnit.parent_id.is_(None)).order_by(OrgUnit.path)).first()


def _course(user, slug, allowed):
    if not slug:
        if not allowed:
            raise NotFound(_("Chưa có khoá học nào để báo cáo."))
        return allowed[0]
    for c in allowed:
        if c.slug == slug:
            return c
    raise NotFound(_("Không tìm thấy khoá học trong phạm vi của bạn."))


def load_unit(user, code, course=None) -> OrgUnit:
    unit = get_by_code(code) if code else default_unit(user)
    if unit is None:
        raise NotFound(_("Không tìm thấy đơn vị trong phạm vi của bạn."))
    is_staff = course is not None and _is_staff(user, course)
    if not can_view_report(user, unit, course=course, is_staff=is_staff):
        raise NotFound(_("Không tìm thấy đơn vị trong phạm vi của bạn."))
    return unit


def _flag(value) -> bool:
    return str(value or "").lower() in ("1", "true", "on", "yes")


def load_report(user, args) -> ReportRequest:
    """Resolve ``args`` (a request's query string, or any mapping) into a checked request."""
    require_reports(user)
    allowed = report_courses(user)
    course = _course(user, (args.get("course") or "").strip(), allowed)
    unit = load_unit(user, (args.get("unit") or "").strip(), course)
    state = (args.get("state") or "").strip() or None
    if state is not None and state not in services.STATES:
        raise ServiceError(_("Trạng thái không hợp lệ: hãy chọn chưa bắt đầu, đang học hoặc đã hoàn thành."),
                           status=400, code="bad_request", field="state")
    level = (args.get("level") or "unit").strip()
    if level not in ("unit", "trainee"):
        raise ServiceError(_("Cấp báo cáo phải là đơn vị (unit) hoặc học viên (trainee)."), status=400,
                           code="bad_request", field="level")
    sort = (args.get("sort") or "name").strip()
    allowed_sorts = services.TRAINEE_SORTS if level == "trainee" else services.UNIT_SORTS
    if sort not in allowed_sorts and sort not in services.UNIT_SORTS + services.TRAINEE_SORTS:
        raise ServiceError(_("Không sắp xếp được theo cột này."), status=400, code="bad_request", field="sort")
    if sort not in allowed_sorts:
        sort = "name"
    direction = (args.get("dir") or "asc").strip()
    if direction not in ("asc", "desc"):
        raise ServiceError(_("Chiều sắp xếp phải là asc hoặc desc."), status=400, code="bad_request", field="dir")
    try:
        page = max(1, int(args.get("page") or 1))
    except (TypeError, ValueError):
        raise ServiceError(_("Số trang không hợp lệ."), status=400, code="bad_request", field="page") from None
    return ReportRequest(course=course, unit=unit, state=state, overdue_only=_flag(args.get("overdue")),
                         sort=sort, desc=direction == "desc", page=page, level=level)


def load_trainee(user, course, trainee_id):
    """A trainee enrolled in ``course`` whom ``user`` may see; 404 otherwise."""
    from ..auth.models import User

    trainee = db.session.get(User, trainee_id)
    is_staff = _is_staff(user, course)
    if trainee is None or not is_reported_on(trainee) or not can_view_trainee_report(user, trainee, is_staff=is_staff):
        raise NotFound(_("Không tìm thấy học viên trong phạm vi của bạn."))
    return trainee


def load_trainee_report(user_id: int):
    """The trainee page of the completion report: the request its query string names (see
    ``load_report``), then the trainee ``user_id`` in it (see ``load_trainee``), for the viewer:
    (request, trainee)."""
    req = load_report(current_user, request.args)
    return req, load_trainee(current_user, req.course, user_id)


def scope_chain(user, unit):
    """The breadcrumb: the units from the top of ``user``'s scope down to ``unit``."""
    chain = ancestors(unit)
    top = scope_unit(user)
    if top is not None:
        chain = [u for u in chain if u.is_within(top)]
    return chain


def load_year(value) -> int:
    from ..core.timeutil import to_local, utcnow

    if value in (None, ""):
        return to_local(utcnow()).year
    try:
        year = int(value)
    except (TypeError, ValueError):
        year = 0
    if not 2000 <= year <= 2100:
        raise ServiceError(_("Năm không hợp lệ."), status=400, code="bad_request", field="year")
    return year
