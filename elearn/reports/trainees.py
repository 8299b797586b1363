"""Trainee lists of the completion report: one SELECT ordered in SQL (Vietnamese name order by the
stored key), paged with LIMIT/OFFSET or streamed in batches for the exports."""
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, case, func, or_, select, false
from sqlalchemy.orm import aliased

from ..auth.models import User
from ..core.timeutil import utcnow
from ..courses.models import Course
from ..extensions import db
from ..orgs.models import OrgUnit
from ..progress.models import Certificate, CourseProgress
from ..auth.models import UserNameKey
from .services import TRAINEE_SORTS, enrolled_conditions, enrolment_paths, is_past_due


# --- trainee lists -------------------------------------------------------------------------------

@dataclass
class TraineeRow:
    id: int
    name: str
    email: str
    unit_code: str
    unit_name: str
    state: str
    percent: int
    grade: float | None
    last_activity_at: datetime | None
    completed_at: datetime | None
    certificate_code: str | None
    overdue: bool

    def as_dict(self):
        return {"id": self.id, "name": self.name, "unit_code": self.unit_code, "unit_name": self.unit_name,
                "state": self.state, "percent": self.percent, "grade": self.grade,
                "last_activity_at": self.last_activity_at, "completed_at": self.completed_at,
                "certificate_code": self.certificate_code, "overdue": self.overdue}


@dataclass
class Page:
    items: list
    page: int
    per_page: int
    total: int

    @property
    def pages(self):
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self):
        return self.page > 1

    @property
    def has_next(self):
        return self.page < self.pages


def _name_key_expr():
    key = func.coalesce(UserNameKey.sort_key, "")
    if db.session.get_bind().dialect.name == "postgresql":
        key = key.collate("C")  # bytewise, like SQLite's BINARY
    return key


def trainee_query(course: Course, unit: OrgUnit, *, state=None, overdue_only=False, sort="name", desc=False,
                  now=None):
    """One SELECT of the enrolled trainees with their course row, ordered in SQL (Vietnamese name
    order by the stored key, then id), so LIMIT/OFFSET pages agree with the order."""
    now = now or utcnow()
    o = aliased(OrgUnit, name="user_org")
    cp = aliased(CourseProgress)
    stmt = (select(User.id, User.name, User.email, o.code, o.name, cp.state, cp.percent, cp.grade,
                   cp.last_activity_at, cp.completed_at, cp.id, Certificate.code)
            .join(o, User.org_id == o.id)
            .outerjoin(cp, and_(cp.user_id == User.id, cp.course_id == course.id))
            .outerjoin(Certificate, and_(Certificate.user_id == User.id, Certificate.course_id == course.id,
                                         Certificate.revoked_at.is_(None)))
            .outerjoin(UserNameKey, UserNameKey.user_id == User.id)
            .where(*enrolled_conditions(course, unit, o, enrolment_paths(course))))
    not_complete = or_(cp.id.is_(None), cp.state != "complete")
    if state == "not_started":
        stmt = stmt.where(cp.id.is_(None))
    elif state == "in_progress":
        stmt = stmt.where(cp.id.is_not(None), cp.state != "complete")
    elif state == "completed":
        stmt = stmt.where(cp.state == "complete")
    if overdue_only:
        stmt = stmt.where(not_complete if is_past_due(course, now) else false())
    name = _name_key_expr()
    if sort not in TRAINEE_SORTS:
        sort = "name"
    direction = (lambda c: c.desc()) if desc else (lambda c: c.asc())
    if sort == "name":
        order = [direction(name), direction(User.id)]
    elif sort == "unit":
        order = [direction(o.code), name, User.id]
    elif sort == "state":
        rank = case((cp.id.is_(None), 0), (cp.state == "complete", 2), else_=1)
        order = [direction(rank), name, User.id]
    elif sort == "percent":
        order = [direction(func.coalesce(cp.percent, 0)), name, User.id]
    elif sort == "grade":
        order = [case((cp.grade.is_(None), 1), else_=0), direction(cp.grade), name, User.id]
    else:  # last_activity
        order = [case((cp.last_activity_at.is_(None), 1), else_=0), direction(cp.last_activity_at), name, User.id]
    return stmt.order_by(*order)


def _trainee_row(r, past_due) -> TraineeRow:
    (uid, name, email, code, unit_name, cstate, percent, grade, last_at, completed_at, cp_id, cert) = r
    state = "not_started" if cp_id is None else ("completed" if cstate == "complete" else "in_progress")
    return TraineeRow(uid, name, email, code, unit_name, state, percent or 0, grade, last_at, completed_at, cert,
                      past_due and state != "completed")


def count_trainees(stmt) -> int:
    return db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))


def trainee_page(course, unit, *, page=1, per_page=25, show_grades=True, now=None, **filters) -> Page:
    now = now or utcnow()
    stmt = trainee_query(course, unit, now=now, **filters)
    total = count_trainees(stmt)
    page = max(1, page)
    past_due = is_past_due(course, now)
    items = [_trainee_row(r, past_due) for r in db.session.execute(stmt.limit(per_page).offset((page - 1) * per_page))]
    if not show_grades:
        for item in items:
            item.grade = None
    return Page(items, page, per_page, total)


def iter_trainees(course, unit, *, show_grades=True, batch=1000, now=None, **filters):
    """Every matching trainee, streamed from the database in batches (for the exports)."""
    now = now or utcnow()
    past_due = is_past_due(course, now)
    stmt = trainee_query(course, unit, now=now, **filters).execution_options(yield_per=batch)
    for r in db.session.execute(stmt):
        row = _trainee_row(r, past_due)
        if not show_grades:
            row.grade = None
        yield row
