"""The activity kind "cataloguing" on the registry (elearn/courses/kinds.py): the trainee builds a
biểu ghi for an item and the checker marks it field by field.

Completion rules: ``passed`` (the grade, best or last submitted attempt, reaches the pass mark;
the default), ``graded`` (an attempt was submitted), ``manual`` and ``none``. Progress reads one
query of attempts and one of exercises for a whole batch of trainees (``facts``).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..courses.kinds import ActivityKind, Outcome, Rule, register
from ..extensions import db
from .models import CataloguingAttempt, CataloguingExercise


@dataclass
class Facts:
    """One trainee's attempts at one exercise: what ``outcome`` reads."""

    pass_mark: float = 80.0
    grading: str = "best"
    submitted: list = field(default_factory=list)  # (submitted_at, percent), oldest first
    times: list = field(default_factory=list)  # started, saved and submitted times


class CataloguingKind(ActivityKind):
    name = "cataloguing"
    label = _l("Bài tập biên mục")
    rules = (Rule.PASSED, Rule.GRADED, Rule.MANUAL, Rule.NONE)
    open_verb = None  # opening the page records nothing; drafts and submissions are the facts
    import_key = "cataloguing"
    template = None
    graded = True  # a workshop may name an exercise as its post-test
    content_tables = {"cataloguing_exercises": "activity_id"}

    # --- pages ---------------------------------------------------------------------------------
    def url(self, activity, course):
        return url_for("cataloguing.exercise", activity_id=activity.id)

    def edit_url(self, activity, course):
        return url_for("cataloguing.manage", activity_id=activity.id)

    # --- progress ------------------------------------------------------------------------------
    def facts(self, user_ids, activities):
        ids = [a.id for a in activities]
        user_ids = list(user_ids)
        if not ids or not user_ids:
            return {}
        exercises = {e.activity_id: e for e in db.session.scalars(
            select(CataloguingExercise).where(CataloguingExercise.activity_id.in_(ids)))}
        rows = db.session.execute(select(
            CataloguingAttempt.user_id, CataloguingAttempt.activity_id, CataloguingAttempt.state,
            CataloguingAttempt.started_at, CataloguingAttempt.saved_at, CataloguingAttempt.submitted_at,
            CataloguingAttempt.percent).where(
            CataloguingAttempt.activity_id.in_(ids), CataloguingAttempt.user_id.in_(user_ids))
            .order_by(CataloguingAttempt.number, CataloguingAttempt.id)).all()
        out = {}
        for user_id, activity_id, state, started_at, saved_at, submitted_at, percent in rows:
            fact = out.get((user_id, activity_id))
            if fact is None:
                ex = exercises.get(activity_id)
                fact = out[(user_id, activity_id)] = Facts(ex.pass_mark if ex else 80.0, ex.grading if ex else "best")
            fact.times += [t for t in (started_at, saved_at, submitted_at) if t is not None]
            if state == "submitted" and percent is not None:
                fact.submitted.append((submitted_at, percent))
        for fact in out.values():
            fact.submitted.sort(key=lambda s: s[0])
        return out

    def fact_users(self, course_id):
        from ..courses.models import Activity

        ids = select(Activity.id).where(Activity.course_id == course_id, Activity.kind == self.name)
        return set(db.session.scalars(select(CataloguingAttempt.user_id)
                                      .where(CataloguingAttempt.activity_id.in_(ids)).distinct()))

    def outcome(self, activity, rule, fact):
        from .attempts import grade_of

        if fact is None:
            return Outcome()
        percents = [p for _at, p in fact.submitted]
        completed_at = None
        if rule in (Rule.GRADED, Rule.PASSED):
            for i, (at, _p) in enumerate(fact.submitted):
                g = grade_of(fact.grading, percents[: i + 1])
                if rule == Rule.GRADED or g >= fact.pass_mark:
                    completed_at = at
                    break
        return Outcome(grade=grade_of(fact.grading, percents), attempts=len(percents), completed_at=completed_at,
                       times=list(fact.times))

    # --- curriculum ----------------------------------------------------------------------------
    def read_spec(self, reader, folder, module_path, item, slug, line):
        from .spec import read_cataloguing

        return read_cataloguing(reader, folder, module_path, item, slug, line)

    def apply_spec(self, writer, course, module, activity, spec):
        from .spec import apply_cataloguing

        apply_cataloguing(writer, activity, spec)


CATALOGUING = register(CataloguingKind())
