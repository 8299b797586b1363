"""Workshop authoring: create, edit, publish and cancel a workshop. Sessions are in ``services``
(``new_session``, ``change_session``, ``cancel_session``). Views parse the form into
``WorkshopFields``, call one function here, commit and redirect; nothing here commits.
"""
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import func, select

from ..core.errors import Conflict, ServiceError
from ..courses import kinds
from ..courses.kinds import Rule
from ..courses.models import Activity, Module
from ..extensions import db
from . import services
from .models import WORKSHOP_KIND, Workshop, WorkshopTarget
from .states import WorkshopStatus

PREWORK_BEFORE = ("none", "signup", "attend")


@dataclass
class WorkshopFields:
    """What the workshop form (or any caller) sets; times are naive UTC."""

    title: str
    description: str = ""
    capacity: int = 30
    signup_opens_at: datetime | None = None
    signup_closes_at: datetime | None = None
    cancel_cutoff_hours: int = 24
    requires_approval: bool = False
    target_ids: list = field(default_factory=list)
    prework_module_ids: list = field(default_factory=list)
    prework_before: str = "none"
    completion_module_id: int | None = None  # attendance completes a "workshop" activity in this module
    posttest_activity_id: int | None = None  # a quiz of the course, opened when the last session ends


def _check(course, f: WorkshopFields) -> WorkshopFields:
    f.title = " ".join((f.title or "").split())
    if not f.title:
        raise ServiceError(_("Hãy nhập tên lớp."), field="title")
    if len(f.title) > 200:
        raise ServiceError(_("Tên lớp dài tối đa 200 ký tự."), field="title")
    if not 1 <= (f.capacity or 0) <= 1000:
        raise ServiceError(_("Từ 1 đến 1000."), field="capacity")
    if not 0 <= (f.cancel_cutoff_hours or 0) <= 720:
        raise ServiceError(_("Số giờ được huỷ phải từ 0 đến 720."), field="cancel_cutoff_hours")
    if f.prework_before not in PREWORK_BEFORE:
        raise ServiceError(_("Yêu cầu học trước không hợp lệ."), field="prework_before")
    if f.signup_opens_at and f.signup_closes_at and f.signup_closes_at <= f.signup_opens_at:
        raise ServiceError(_("Giờ đóng đăng ký phải sau giờ mở đăng ký."), field="signup_closes_at")
    modules = set(db.session.scalars(select(Module.id).where(Module.course_id == course.id)))
    if not set(f.prework_module_ids or []) <= modules:
        raise ServiceError(_("Module cần học trước phải thuộc khoá học này."), field="prework")
    if f.completion_module_id and f.completion_module_id not in modules:
        raise ServiceError(_("Module tính hoàn thành phải thuộc khoá học này."), field="completion_module")
    if f.posttest_activity_id and f.posttest_activity_id not in {a.id for a in posttest_choices(course)}:
        raise ServiceError(_("Bài kiểm tra sau lớp phải là bài kiểm tra của khoá học này."), field="posttest")
    return f


def posttest_choices(course):
    """The quizzes of ``course`` a workshop may open after its last session."""
    return db.session.scalars(select(Activity).where(Activity.course_id == course.id, Activity.kind.in_(kinds.graded_kinds()))
                              .order_by(Activity.position, Activity.id)).all()


def create_workshop(course, by, fields: WorkshopFields) -> Workshop:
    """A new draft workshop of ``course``; sessions are added next, then it is published."""
    fields = _check(course, fields)
    ws = Workshop(course_id=course.id, title=fields.title, created_by_id=by.id if by is not None else None)
    db.session.add(ws)
    db.session.flush()
    _apply(ws, course, fields)
    return ws


def update_workshop(ws, course, fields: WorkshopFields) -> None:
    _apply(ws, course, _check(course, fields))


def _apply(ws, course, f: WorkshopFields):
    ws.title, ws.description, ws.capacity = f.title, f.description or "", f.capacity
    ws.signup_opens_at, ws.signup_closes_at = f.signup_opens_at, f.signup_closes_at
    ws.cancel_cutoff_hours, ws.requires_approval = f.cancel_cutoff_hours, bool(f.requires_approval)
    ws.prework_module_ids, ws.prework_before = list(f.prework_module_ids or []), f.prework_before
    ws.posttest_activity_id = f.posttest_activity_id or None
    db.session.flush()
    db.session.query(WorkshopTarget).filter_by(workshop_id=ws.id).delete()
    for org_id in dict.fromkeys(f.target_ids or []):
        db.session.add(WorkshopTarget(workshop_id=ws.id, org_id=org_id))
    module_id = f.completion_module_id
    if module_id:
        act = db.session.get(Activity, ws.activity_id) if ws.activity_id else None
        if act is None:
            position = db.session.scalar(select(func.coalesce(func.max(Activity.position), -1))
                                         .where(Activity.module_id == module_id)) + 1
            act = Activity(module_id=module_id, course_id=course.id, kind=WORKSHOP_KIND, slug=f"tap-huan-{ws.id}",
                           title=ws.title, position=position,
                           status="published" if ws.status == WorkshopStatus.PUBLISHED else "draft",
                           settings={"completion": Rule.ATTENDED})
            db.session.add(act)
            db.session.flush()
            ws.activity_id = act.id
        act.module_id, act.title = module_id, ws.title
    elif ws.activity_id:
        db.session.get(Activity, ws.activity_id).status = "archived"
        ws.activity_id = None
    db.session.flush()
    services.sync_posttest(ws)


def publish_workshop(ws) -> None:
    """Open sign-up: a draft with at least one session. Its completion activity is published too."""
    if ws.status == WorkshopStatus.PUBLISHED:
        return
    if ws.status == WorkshopStatus.CANCELLED:
        raise Conflict(_("Lớp tập huấn đã huỷ; không mở đăng ký lại được."))
    if not ws.sessions:
        raise ServiceError(_("Hãy thêm ít nhất một buổi học trước khi mở đăng ký."), status=409, code="no_sessions")
    ws.status = WorkshopStatus.PUBLISHED
    if ws.activity_id:
        db.session.get(Activity, ws.activity_id).status = "published"
    db.session.flush()


def cancel_workshop(ws) -> None:
    """Cancel the whole workshop: every session is cancelled (booked people get the cancellation
    mail) and its completion activity is archived."""
    if ws.status == WorkshopStatus.CANCELLED:
        return
    for s in ws.sessions:
        services.cancel_session(s)
    ws.status = WorkshopStatus.CANCELLED
    if ws.activity_id:
        db.session.get(Activity, ws.activity_id).status = "archived"
    db.session.flush()
