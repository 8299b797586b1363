"""The trainee dashboard: next step per course, % per course, deadlines, certificates.
A fixed number of queries, however long the trainee's history is."""
from dataclasses import dataclass

from sqlalchemy import select

from ..courses import outline_cache
from ..courses.models import Activity, Course, Module
from ..courses.services import completed, enrolled_filter
from ..core.text import vi_collate
from ..courses.models import ProgressState, Status
from ..extensions import db
from .models import Certificate, CourseProgress
from .rules import activity_rule, due_end_utc


@dataclass
class CourseCard:
    course: Course
    percent: int
    state: str
    next_module: Module | None
    next_activity: Activity | None
    deadlines: list  # (title, due_end_utc, done)


def dashboard(user):
    courses = db.session.scalars(select(Course).where(Course.status == Status.PUBLISHED, enrolled_filter(user))
                                 ).all()
    courses = sorted(courses, key=lambda c: vi_collate(c.title))
    ids = [c.id for c in courses]
    if not ids:
        return [], _certificates(user)
    # published modules and activities from the per-process outline cache (frozen data, no query)
    outlines = [outline_cache.outline(c) for c in courses]
    modules = [m for o in outlines for m, _acts in o]
    acts = [a for o in outlines for _m, acts in o for a in acts]
    prereqs = [(m.id, p.id) for m in modules for p in m.prerequisites]
    module_ids = [m.id for m in modules]
    done_acts, done_modules = completed(user.id, ids, all_activities=True)
    course_rows = {r.course_id: r for r in db.session.scalars(select(CourseProgress).where(
        CourseProgress.user_id == user.id, CourseProgress.course_id.in_(ids)))}

    requires = {}
    for mid, rid in prereqs:
        requires.setdefault(mid, []).append(rid)
    live_module_ids = set(module_ids)
    by_module = {}
    for a in acts:
        by_module.setdefault(a.module_id, []).append(a)
    cards = []
    for c in courses:
        next_module = next_activity = None
        deadlines = []
        if (c.completion or {}).get("due"):
            deadlines.append((c.title, due_end_utc(c.completion["due"]), course_rows.get(c.id) is not None
                              and course_rows[c.id].state == ProgressState.COMPLETE))
        for m in (m for m in modules if m.course_id == c.id):
            if (m.completion or {}).get("due"):
                deadlines.append((m.title, due_end_utc(m.completion["due"]), m.id in done_modules))
            if next_activity is not None or m.id in done_modules:
                continue
            if any(r in live_module_ids and r not in done_modules for r in requires.get(m.id, [])):
                continue  # locked
            for a in by_module.get(m.id, []):
                if a.id not in done_acts and activity_rule(a) != "none":
                    next_module, next_activity = m, a
                    break
        row = course_rows.get(c.id)
        cards.append(CourseCard(c, row.percent if row else 0, row.state if row else "new", next_module, next_activity,
                                sorted(deadlines, key=lambda d: d[1])))
    return cards, _certificates(user)


def _certificates(user):
    return db.session.scalars(select(Certificate).where(Certificate.user_id == user.id,
                                                        Certificate.revoked_at.is_(None))
                              .order_by(Certificate.issued_at.desc())).all()
