"""The annual review of a unit: this year against last, per child unit. Việt Nam calendar years."""
from dataclasses import dataclass, field

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import aliased

from ..auth.models import User
from ..auth.permissions import learners_only
from ..extensions import db
from ..orgs.models import OrgUnit
from ..progress.models import Certificate, CourseProgress
from ..workshops.models import Attendance, WorkshopSession
from .services import ATTENDED, bucket_map, children_of


# --- the annual review ----------------------------------------------------------------------------

@dataclass
class YearFigures:
    trainees: int = 0
    completions: int = 0
    certificates: int = 0
    sessions: set = field(default_factory=set)
    attended: int = 0
    marked: int = 0

    @property
    def sessions_held(self):
        return len(self.sessions)

    @property
    def attendance_rate(self):
        return round(100.0 * self.attended / self.marked, 1) if self.marked else None


@dataclass
class AnnualRow:
    unit_id: int
    unit_code: str
    unit_name: str
    is_self: bool
    this: YearFigures
    last: YearFigures


def _year_bounds(year: int):
    from datetime import date

    from ..core.timeutil import local_midnight_utc

    return local_midnight_utc(date(year, 1, 1)), local_midnight_utc(date(year + 1, 1, 1))


def annual_review(unit: OrgUnit, year: int):
    """This year against last, per child unit of ``unit`` (and a total): trainees (active trainee
    accounts that existed by the year's end), course completions, certificates issued (not
    revoked), workshop sessions held with someone of the unit marked present, and the attendance
    rate. Years are Việt Nam calendar years. A fixed number of queries."""
    (a0, a1), (b0, b1) = _year_bounds(year - 1), _year_bounds(year)
    children = children_of(unit)
    bucket_of = bucket_map(unit)
    rows = {c.id: AnnualRow(c.id, c.code, c.name, False, YearFigures(), YearFigures()) for c in children}
    self_row = AnnualRow(unit.id, unit.code, unit.name, True, YearFigures(), YearFigures())
    o = aliased(OrgUnit, name="user_org")
    in_tree = (learners_only(User), User.active.is_(True), o.path.startswith(unit.path))

    def rows_for(org_id):
        return rows.get(bucket_of.get(org_id), self_row)

    def both(col, lo_hi):
        lo, hi = lo_hi
        return func.sum(case((and_(col >= lo, col < hi), 1), else_=0))

    stmt = (select(User.org_id, func.sum(case((User.created_at < a1, 1), else_=0)),
                   func.sum(case((User.created_at < b1, 1), else_=0)))
            .join(o, User.org_id == o.id).where(User.active.is_(True), *in_tree).group_by(User.org_id))
    for org_id, last, this in db.session.execute(stmt):
        r = rows_for(org_id)
        r.last.trainees += last or 0
        r.this.trainees += this or 0
    stmt = (select(User.org_id, both(CourseProgress.completed_at, (a0, a1)), both(CourseProgress.completed_at, (b0, b1)))
            .join(o, User.org_id == o.id).join(CourseProgress, CourseProgress.user_id == User.id)
            .where(CourseProgress.state == "complete", CourseProgress.completed_at >= a0, *in_tree)
            .group_by(User.org_id))
    for org_id, last, this in db.session.execute(stmt):
        r = rows_for(org_id)
        r.last.completions += last or 0
        r.this.completions += this or 0
    stmt = (select(User.org_id, both(Certificate.issued_at, (a0, a1)), both(Certificate.issued_at, (b0, b1)))
            .join(o, User.org_id == o.id).join(Certificate, Certificate.user_id == User.id)
            .where(Certificate.revoked_at.is_(None), Certificate.issued_at >= a0, *in_tree)
            .group_by(User.org_id))
    for org_id, last, this in db.session.execute(stmt):
        r = rows_for(org_id)
        r.last.certificates += last or 0
        r.this.certificates += this or 0
    stmt = (select(User.org_id, Attendance.session_id, WorkshopSession.starts_at, Attendance.status)
            .join(o, User.org_id == o.id).join(Attendance, Attendance.user_id == User.id)
            .join(WorkshopSession, WorkshopSession.id == Attendance.session_id)
            .where(WorkshopSession.status != "cancelled", WorkshopSession.starts_at >= a0,
                   WorkshopSession.starts_at < b1, *in_tree))
    for org_id, session_id, starts_at, status in db.session.execute(stmt):
        r = rows_for(org_id)
        fig = r.this if starts_at >= b0 else r.last
        fig.marked += 1
        if status in ATTENDED:
            fig.attended += 1
            fig.sessions.add(session_id)
    out = list(rows.values())
    if self_row.this.trainees or self_row.last.trainees:
        out.insert(0, self_row)
    total = AnnualRow(unit.id, unit.code, unit.name, False, YearFigures(), YearFigures())
    for r in out:
        for mine, theirs in ((total.this, r.this), (total.last, r.last)):
            mine.trainees += theirs.trainees
            mine.completions += theirs.completions
            mine.certificates += theirs.certificates
            mine.sessions |= theirs.sessions
            mine.attended += theirs.attended
            mine.marked += theirs.marked
    return out, total
