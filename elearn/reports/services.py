"""Completion reports over the org tree. Every number comes from the precomputed progress rows
(``course_progress``, ``module_progress``, ``activity_progress``), certificates and attendance
marks; never from raw attempts or events. The query count of each function is fixed, whatever
the number of trainees.

States of a trainee in a course:
  not_started  enrolled, no progress row yet
  in_progress  a progress row that is not complete (started, or missed after the due date)
  completed    the course row is complete
Overdue: the course's due date has passed and the trainee has not completed.
"""
from dataclasses import dataclass, field

from sqlalchemy import and_, case, func, or_, select, true, false
from sqlalchemy.orm import aliased

from ..auth.models import User
from ..auth.permissions import learners_only
from ..core.text import vi_collate
from ..core.timeutil import utcnow
from ..courses.models import Activity, Course, Enrolment, Module
from ..courses.models import ActivityProgress
from ..extensions import db
from ..orgs.models import OrgUnit
from ..progress.models import Certificate, CourseProgress, ModuleProgress
from ..progress.rules import due_end_utc
from ..workshops.models import Attendance, Workshop, WorkshopSession
from ..workshops.states import CAME

STATES = ("not_started", "in_progress", "completed")
UNIT_SORTS = ("name", "enrolled", "not_started", "in_progress", "completed", "completion_rate",
              "average_grade", "attendance_rate", "overdue")
TRAINEE_SORTS = ("name", "unit", "state", "percent", "grade", "last_activity")
ATTENDED = CAME


# --- who is enrolled ---------------------------------------------------------------------------

def enrolment_paths(course: Course):
    """The paths of the units whose subtrees are enrolled in ``course`` (a handful of rows)."""
    return db.session.scalars(select(OrgUnit.path).join(Enrolment, Enrolment.org_id == OrgUnit.id)
                              .where(Enrolment.course_id == course.id)).all()


def enrolled_conditions(course: Course, unit: OrgUnit, user_org, paths=None):
    """WHERE conditions on (User, ``user_org`` = the user's OrgUnit alias): active trainees in
    ``unit``'s subtree enrolled in ``course`` by a unit at or above theirs, or by their own row.

    With ``paths`` (from ``enrolment_paths``) the org part is written with literal prefixes: TRUE
    when a unit at or above ``unit`` is enrolled (the usual case), so the database checks nothing
    per trainee; without it, one correlated EXISTS (a single self-contained query)."""
    if paths is None:
        eo = aliased(OrgUnit, name="enrol_org")
        by_org = (select(Enrolment.id).join(eo, Enrolment.org_id == eo.id)
                  .where(Enrolment.course_id == course.id, user_org.path.startswith(eo.path)).exists())
    elif any(unit.path.startswith(p) for p in paths):
        by_org = true()
    else:
        inside = [p for p in paths if p.startswith(unit.path)]
        by_org = or_(*[user_org.path.startswith(p) for p in inside]) if inside else false()
    by_user = select(Enrolment.id).where(Enrolment.course_id == course.id, Enrolment.user_id == User.id).exists()
    return (User.active.is_(True), learners_only(User), user_org.path.startswith(unit.path),
            or_(by_org, by_user))


def enrolled_trainees(course: Course, unit: OrgUnit, paths=None):
    """The reverse of enrolment, as one SELECT of user ids: active trainees in ``unit``'s subtree
    enrolled in ``course`` (through an org-subtree enrolment or an individual one). ``paths``
    (``enrolment_paths(course)``) makes it cheaper on big trees; without it, it stands alone."""
    o = aliased(OrgUnit, name="user_org")
    return select(User.id).join(o, User.org_id == o.id).where(*enrolled_conditions(course, unit, o, paths))


def course_due(course: Course):
    return due_end_utc((course.completion or {}).get("due"))


def is_past_due(course: Course, now=None) -> bool:
    due = course_due(course)
    return due is not None and (now or utcnow()) > due


# --- the unit table ----------------------------------------------------------------------------

@dataclass
class UnitRow:
    unit_id: int
    unit_code: str
    unit_name: str
    is_self: bool = False  # trainees placed directly in the reported unit itself
    enrolled: int = 0
    not_started: int = 0
    in_progress: int = 0
    completed: int = 0
    overdue: int = 0
    grade_sum: float = 0.0
    grade_n: int = 0
    attended: int = 0
    marked: int = 0
    show_grades: bool = True

    @property
    def completion_rate(self):
        return round(100.0 * self.completed / self.enrolled, 1) if self.enrolled else None

    @property
    def average_grade(self):
        if not self.show_grades or not self.grade_n:
            return None
        return round(self.grade_sum / self.grade_n, 1)

    @property
    def attendance_rate(self):
        return round(100.0 * self.attended / self.marked, 1) if self.marked else None

    def add(self, other: "UnitRow"):
        for name in ("enrolled", "not_started", "in_progress", "completed", "overdue", "grade_sum", "grade_n",
                     "attended", "marked"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def as_dict(self):
        return {"unit_code": self.unit_code, "unit_name": self.unit_name, "enrolled": self.enrolled,
                "not_started": self.not_started, "in_progress": self.in_progress, "completed": self.completed,
                "completion_rate": self.completion_rate, "average_grade": self.average_grade,
                "attendance_rate": self.attendance_rate, "overdue": self.overdue}


@dataclass
class CompletionReport:
    course: Course
    unit: OrgUnit
    rows: list
    total: UnitRow
    show_grades: bool
    past_due: bool
    children: list = field(default_factory=list)


def children_of(unit: OrgUnit):
    units = db.session.scalars(select(OrgUnit).where(OrgUnit.parent_id == unit.id)).all()
    return sorted(units, key=lambda u: vi_collate(u.name))


def _enrolled_by_org(course, unit, paths):
    """(user_id, org_id) of every enrolled trainee, as a subquery."""
    o = aliased(OrgUnit, name="user_org")
    return (select(User.id.label("user_id"), User.org_id.label("org_id"))
            .join(o, User.org_id == o.id)
            .where(*enrolled_conditions(course, unit, o, paths))).subquery("enrolled")


def bucket_map(unit):
    """{org id: the child of ``unit`` holding it, or ``unit`` itself} for ``unit``'s subtree (one
    query over the units, not the trainees: grouping is by the trainee's unit in SQL, and the
    roll-up to children is done here, so no LIKE join runs per trainee)."""
    out = {}
    cut = len(unit.path)
    for uid, path in db.session.execute(select(OrgUnit.id, OrgUnit.path).where(OrgUnit.path.startswith(unit.path))):
        rest = path[cut:].split("/", 1)[0]
        out[uid] = int(rest) if rest else unit.id
    return out


def course_quizzes(course):
    from ..quizzes.models import Quiz

    return db.session.scalars(select(Quiz).join(Activity, Activity.id == Quiz.activity_id)
                              .where(Activity.course_id == course.id, Activity.status == "published")).all()


def completion_report(course: Course, unit: OrgUnit, *, now=None) -> CompletionReport:
    """One row per child unit of ``unit`` (plus one for trainees placed in ``unit`` itself, when
    there are any) and a total row. Seven queries, whatever the number of trainees."""
    from .permissions import grades_visible

    now = now or utcnow()
    show_grades = grades_visible(course_quizzes(course), now)
    past_due = is_past_due(course, now)
    children = children_of(unit)
    rows = {c.id: UnitRow(c.id, c.code, c.name, show_grades=show_grades) for c in children}
    self_row = UnitRow(unit.id, unit.code, unit.name, is_self=True, show_grades=show_grades)

    e = _enrolled_by_org(course, unit, enrolment_paths(course))
    bucket_of = bucket_map(unit)
    cp = aliased(CourseProgress)
    complete = cp.state == "complete"
    agg = (select(e.c.org_id, func.count(),
                  func.sum(case((cp.id.is_(None), 1), else_=0)),
                  func.sum(case((complete, 1), else_=0)),
                  func.sum(case((complete, cp.grade), else_=None)),
                  func.count(case((complete, cp.grade), else_=None)))
           .select_from(e)
           .outerjoin(cp, and_(cp.user_id == e.c.user_id, cp.course_id == course.id))
           .group_by(e.c.org_id))
    for org_id, enrolled, not_started, completed, grade_sum, grade_n in db.session.execute(agg):
        row = rows.get(bucket_of.get(org_id), self_row)
        row.enrolled += enrolled
        row.not_started += not_started or 0
        row.completed += completed or 0
        row.in_progress = row.enrolled - row.not_started - row.completed
        row.grade_sum += float(grade_sum or 0)
        row.grade_n += grade_n or 0
        row.overdue = (row.enrolled - row.completed) if past_due else 0

    att = (select(e.c.org_id, func.sum(case((Attendance.status.in_(ATTENDED), 1), else_=0)), func.count())
           .select_from(e)
           .join(Attendance, Attendance.user_id == e.c.user_id)
           .join(WorkshopSession, WorkshopSession.id == Attendance.session_id)
           .join(Workshop, Workshop.id == WorkshopSession.workshop_id)
           .where(Workshop.course_id == course.id, Workshop.status != "cancelled",
                  WorkshopSession.status != "cancelled")
           .group_by(e.c.org_id))
    for org_id, attended, marked in db.session.execute(att):
        row = rows.get(bucket_of.get(org_id), self_row)
        row.attended += attended or 0
        row.marked += marked

    out = list(rows.values())
    if self_row.enrolled or self_row.marked:
        out.insert(0, self_row)
    total = UnitRow(unit.id, unit.code, unit.name, show_grades=show_grades)
    for r in out:
        total.add(r)
    return CompletionReport(course=course, unit=unit, rows=out, total=total, show_grades=show_grades,
                            past_due=past_due, children=children)


def filter_unit_rows(rows, *, state=None, overdue_only=False):
    """The unit table's filters: only units with someone in ``state``, or with someone overdue."""
    if state in STATES:
        rows = [r for r in rows if getattr(r, state) > 0]
    if overdue_only:
        rows = [r for r in rows if r.overdue > 0]
    return rows


def sort_unit_rows(rows, sort="name", desc=False):
    """Sort by an allowlisted column; empty values (no rate, no grade) always last."""
    if sort not in UNIT_SORTS:
        sort = "name"
    if sort == "name":
        return sorted(rows, key=lambda r: (not r.is_self, vi_collate(r.unit_name)), reverse=desc)
    present = [r for r in rows if getattr(r, sort) is not None]
    missing = [r for r in rows if getattr(r, sort) is None]
    present.sort(key=lambda r: (getattr(r, sort), vi_collate(r.unit_name)), reverse=desc)
    return present + missing


# --- one trainee -----------------------------------------------------------------------------------

@dataclass
class TraineeDetail:
    trainee: User
    course: Course
    course_row: CourseProgress | None
    modules: list  # (module, ModuleProgress | None, [(activity, ActivityProgress | None)])
    certificate: Certificate | None
    attendance: list  # (session, status)


def trainee_detail(course: Course, trainee: User) -> TraineeDetail:
    modules = db.session.scalars(select(Module).where(Module.course_id == course.id, Module.status == "published")
                                 .order_by(Module.position)).all()
    acts = db.session.scalars(select(Activity).where(Activity.course_id == course.id, Activity.status == "published")
                              .order_by(Activity.position)).all()
    mrows = {r.module_id: r for r in db.session.scalars(select(ModuleProgress).where(
        ModuleProgress.user_id == trainee.id, ModuleProgress.course_id == course.id))}
    arows = {r.activity_id: r for r in db.session.scalars(select(ActivityProgress).where(
        ActivityProgress.user_id == trainee.id, ActivityProgress.course_id == course.id))}
    crow = db.session.scalar(select(CourseProgress).where(CourseProgress.user_id == trainee.id,
                                                          CourseProgress.course_id == course.id))
    cert = db.session.scalar(select(Certificate).where(Certificate.user_id == trainee.id,
                                                       Certificate.course_id == course.id,
                                                       Certificate.revoked_at.is_(None)))
    att = db.session.execute(select(WorkshopSession, Attendance.status)
                             .join(Attendance, Attendance.session_id == WorkshopSession.id)
                             .join(Workshop, Workshop.id == WorkshopSession.workshop_id)
                             .where(Workshop.course_id == course.id, Attendance.user_id == trainee.id)
                             .order_by(WorkshopSession.starts_at)).all()
    by_module = {}
    for a in acts:
        by_module.setdefault(a.module_id, []).append((a, arows.get(a.id)))
    out = [(m, mrows.get(m.id), by_module.get(m.id, [])) for m in modules]
    return TraineeDetail(trainee, course, crow, out, cert, [(s, st) for s, st in att])


# --- charts ------------------------------------------------------------------------------------

def _local_month(col):
    """'YYYY-MM' of a naive-UTC timestamp, in Việt Nam time (UTC+7, no daylight saving)."""
    if db.session.get_bind().dialect.name == "postgresql":
        return func.to_char(col + func.make_interval(0, 0, 0, 0, 7), "YYYY-MM")
    return func.strftime("%Y-%m", col, "+7 hours")


def completions_by_month(course: Course, unit: OrgUnit, months: int = 12, now=None):
    """[(YYYY-MM, completions)] for the last ``months`` months (oldest first), zeros included."""
    from ..core.timeutil import to_local

    now = now or utcnow()
    local = to_local(now)
    keys = []
    y, m = local.year, local.month
    for _ in range(months):
        keys.append(f"{y:04d}-{m:02d}")
        y, m = (y, m - 1) if m > 1 else (y - 1, 12)
    keys.reverse()
    cp = aliased(CourseProgress)
    month = _local_month(cp.completed_at)
    stmt = (select(month, func.count()).where(cp.course_id == course.id, cp.state == "complete",
                                              cp.completed_at.is_not(None),
                                              cp.user_id.in_(enrolled_trainees(course, unit,
                                                                                enrolment_paths(course))))
            .group_by(month))
    counts = {k: n for k, n in db.session.execute(stmt)}
    return [(k, counts.get(k, 0)) for k in keys]


# --- the export audit log ----------------------------------------------------------------------------

def log_export(user, *, fmt: str, level: str, course: Course, unit: OrgUnit, filters: dict, rows: int):
    from .models import ExportLog

    entry = ExportLog(user_id=user.id, fmt=fmt, level=level, course_id=course.id, unit_id=unit.id,
                      filters=filters, rows=rows)
    db.session.add(entry)
    db.session.flush()
    return entry
