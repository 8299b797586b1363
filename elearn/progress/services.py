"""The progress engine. Every event (lesson viewed, quiz graded, override, …) calls ``refresh`` for
that trainee and course in the same transaction; report pages only read the rows it keeps.
``rebuild`` runs the same derivation for everyone, from the raw events alone."""
from datetime import datetime

from sqlalchemy import delete, select, text, update

from ..core.signals import course_rules_changed, facts_changed
from ..core.timeutil import utcnow
from ..courses import kinds
from ..courses.kinds import Rule
from ..courses.models import (
    ActivityEvent,
    ActivityProgress,
    Course,
    CourseProgress,
    ModuleProgress,
    ProgressState,
)
from ..courses.outline_cache import outline_of
from ..courses.services import record_event
from ..extensions import db
from .models import CompletionOverride
from .rules import activity_rule, combine, due_end_utc

ROW_FIELDS = ("state", "grade", "attempts", "first_at", "last_at", "completed_at")


def _live_outline(course):
    """Published modules and their published activities, from the per-process outline cache."""
    published = outline_of(course).published
    return [m for m, _acts in published], {m.id: list(acts) for m, acts in published}


def _facts(user_id, course, activities):
    """Raw facts for one trainee in one course: events, overrides, and each kind's own facts (asked of
    the registry: a quiz's attempts, a workshop's attendance, …)."""
    ids = [a.id for a in activities]
    events = db.session.execute(select(ActivityEvent.activity_id, ActivityEvent.verb, ActivityEvent.created_at)
                                .where(ActivityEvent.user_id == user_id, ActivityEvent.course_id == course.id)
                                .order_by(ActivityEvent.created_at, ActivityEvent.id)).all()
    overrides = {}
    for o in db.session.scalars(select(CompletionOverride).where(CompletionOverride.user_id == user_id,
                                                                 CompletionOverride.course_id == course.id)
                                .order_by(CompletionOverride.created_at, CompletionOverride.id)):
        overrides[o.activity_id] = o  # the latest wins
    by_activity = {i: [] for i in ids}
    for activity_id, verb, at in events:
        if activity_id in by_activity:
            by_activity[activity_id].append((verb, at))
    by_kind = {}
    for a in activities:
        by_kind.setdefault(a.kind, []).append(a)
    own = {}
    for name, acts in by_kind.items():
        for (_uid, aid), fact in kinds.get(name).facts([user_id], acts).items():
            own[aid] = fact
    return by_activity, own, overrides


def derive_activity(activity, events, fact, override):
    """The progress row's values for one activity, or None when there is nothing to record.
    ``events`` are its (verb, at) pairs, ``fact`` what its kind's ``facts`` gave for this trainee."""
    kind = kinds.get(activity.kind)
    rule = kind.rule(activity)
    out = kind.outcome(activity, rule, fact)
    times = [at for _verb, at in events] + list(out.times)
    if not times and override is None:
        return None
    completed_at = out.completed_at
    if rule == Rule.VIEWED:
        seen = [at for verb, at in events if verb in ("viewed", "opened")]
        completed_at = seen[0] if seen else None
    elif rule == Rule.MANUAL:
        marks = [(verb, at) for verb, at in events if verb in ("marked_done", "marked_undone")]
        completed_at = marks[-1][1] if marks and marks[-1][0] == "marked_done" else None
    elif rule == Rule.NONE:
        completed_at = None
    if override is not None and override.state in ("complete", "incomplete"):
        completed_at = override.created_at if override.state == ProgressState.COMPLETE else None
        times.append(override.created_at)
    if not times:
        return None  # only a cleared override: nothing to show
    return {"state": "complete" if completed_at else "started", "grade": out.grade, "attempts": out.attempts,
            "first_at": min(times), "last_at": max(times), "completed_at": completed_at}


def refresh(user_id: int, course: Course, now: datetime | None = None) -> CourseProgress | None:
    """Recompute ``user_id``'s activity, module and course rows for ``course`` from the raw facts."""
    now = now or utcnow()
    modules, by_module = _live_outline(course)
    live = [a for m in modules for a in by_module[m.id]]
    # Rows are kept for every activity, archived ones too (their progress comes back with them);
    # only published modules and activities count towards completion.
    activities = [a for _m, acts in outline_of(course).everything for a in acts]  # cached, frozen
    by_activity, own, overrides = _facts(user_id, course, activities)

    existing = {r.activity_id: r for r in db.session.scalars(
        select(ActivityProgress).where(ActivityProgress.user_id == user_id, ActivityProgress.course_id == course.id))}
    rows = {}
    for a in activities:
        values = derive_activity(a, by_activity.get(a.id, []), own.get(a.id), overrides.get(a.id))
        row = existing.pop(a.id, None)
        if values is None:
            if row is not None:
                db.session.delete(row)
            continue
        if row is None:
            row = ActivityProgress(user_id=user_id, activity_id=a.id, course_id=course.id)
            db.session.add(row)
        for k, v in values.items():
            if getattr(row, k) != v:
                setattr(row, k, v)
        rows[a.id] = row
    for row in existing.values():
        db.session.delete(row)

    module_rows = {r.module_id: r for r in db.session.scalars(
        select(ModuleProgress).where(ModuleProgress.user_id == user_id, ModuleProgress.course_id == course.id))}
    module_parts = []
    touched = bool(rows)
    for m in modules:
        required = [a for a in by_module[m.id] if activity_rule(a) != Rule.NONE]
        parts = [(a.id in rows and rows[a.id].state == ProgressState.COMPLETE, rows[a.id].completed_at if a.id in rows else None,
                  rows[a.id].grade if a.id in rows else None) for a in required]
        state, done, req, grade, completed_at = combine(parts, m.completion or {}, now)
        row = module_rows.pop(m.id, None)
        if row is None and touched:
            row = ModuleProgress(user_id=user_id, module_id=m.id, course_id=course.id)
            db.session.add(row)
        if row is not None:
            row.state, row.done, row.required, row.grade, row.completed_at = state, done, req, grade, completed_at
        module_parts.append((state == ProgressState.COMPLETE, completed_at, grade))
    for row in module_rows.values():
        db.session.delete(row)

    course_row = db.session.scalar(select(CourseProgress).where(CourseProgress.user_id == user_id,
                                                                CourseProgress.course_id == course.id))
    if not touched:
        if course_row is not None:
            db.session.delete(course_row)
        db.session.flush()
        return None
    state, _done, _req, grade, completed_at = combine(module_parts, course.completion or {}, now)
    required_acts = [a for a in live if activity_rule(a) != Rule.NONE]
    done_acts = sum(1 for a in required_acts if a.id in rows and rows[a.id].state == ProgressState.COMPLETE)
    if course_row is None:
        course_row = CourseProgress(user_id=user_id, course_id=course.id)
        db.session.add(course_row)
    course_row.state, course_row.grade, course_row.completed_at = state, grade, completed_at
    course_row.done, course_row.required = done_acts, len(required_acts)
    course_row.percent = round(100 * done_acts / len(required_acts)) if required_acts else 0
    course_row.last_activity_at = max((r.last_at for r in rows.values() if r.last_at), default=None)
    db.session.flush()
    if state == ProgressState.COMPLETE:
        from .certificates import issue_for_completion

        issue_for_completion(user_id, course, completed_at)
    return course_row


def override(activity, trainee, state: str, reason: str, by):
    from flask_babel import gettext as _

    from ..core.errors import ServiceError

    if state not in ("complete", "incomplete", "cleared"):
        raise ServiceError(_("Trạng thái không hợp lệ."))
    if not (reason or "").strip():
        raise ServiceError(_("Hãy ghi lý do."), field="reason")
    db.session.add(CompletionOverride(user_id=trainee.id, activity_id=activity.id, course_id=activity.course_id,
                                      state=state, reason=reason.strip(), by_id=by.id))
    db.session.flush()
    return refresh(trainee.id, db.session.get(Course, activity.course_id))


def users_with_facts(course):
    """Everyone who has any raw fact in ``course`` (events, each kind's own facts, overrides) or a row."""
    ids = set(db.session.scalars(select(ActivityEvent.user_id).where(ActivityEvent.course_id == course.id).distinct()))
    for kind in kinds.KINDS.values():
        ids |= kind.fact_users(course.id)
    ids |= set(db.session.scalars(select(CompletionOverride.user_id).where(CompletionOverride.course_id == course.id).distinct()))
    ids |= set(db.session.scalars(select(CourseProgress.user_id).where(CourseProgress.course_id == course.id)))
    return sorted(ids)


def rebuild(course=None) -> int:
    """Recompute every progress row from the raw events (``flask progress rebuild``)."""
    courses = [course] if course else db.session.scalars(select(Course)).all()
    n = 0
    for c in courses:
        users = users_with_facts(c)
        db.session.execute(delete(CourseProgress).where(CourseProgress.course_id == c.id))
        db.session.execute(delete(ModuleProgress).where(ModuleProgress.course_id == c.id))
        db.session.execute(delete(ActivityProgress).where(ActivityProgress.course_id == c.id))
        db.session.expire_all()
        for uid in users:
            refresh(uid, c)
            n += 1
    db.session.flush()
    return n


def mark_manual(user, activity, done: bool = True):
    """The trainee marks an activity whose completion rule is "manual" as done (or not done).
    The caller has loaded ``activity`` for ``user`` (``courses.loaders``): open, not locked."""
    from flask_babel import gettext as _

    from ..core.errors import NotFound

    if activity_rule(activity) != "manual":
        raise NotFound(_("Hoạt động này không tự đánh dấu hoàn thành được."))
    return record_event(user, activity, "marked_done" if done else "marked_undone")


def on_facts_changed(course_id, user_id=None, user_ids=(), now=None, reopened=None):
    """``core.signals.facts_changed``: refresh those trainees' rows in the current transaction."""
    course = db.session.get(Course, course_id)
    row = None
    for uid in ([user_id] if user_id is not None else []) + list(user_ids):
        _serialise(uid, course_id)
        if reopened is not None and _reopened_complete(uid, course, reopened, now or utcnow()):
            continue
        row = refresh(uid, course, now)
    return row


def _reopened_complete(user_id, course, activity_id, now) -> bool:
    """A trainee opened again an activity they have completed: a full ``refresh`` would change only
    the times (the activity's ``last_at``, the course's ``last_activity_at``), unless a due date has
    passed since (a module or the course may turn "missed"). Move the times in two UPDATEs and say
    True; say False (and change nothing) when the full refresh is needed."""
    dues = [course.completion or {}] + [m.completion for m, _acts in outline_of(course).published]
    if any(due and now > due for due in (due_end_utc(rule.get("due")) for rule in dues)):
        return False
    moved = db.session.execute(
        update(ActivityProgress).where(ActivityProgress.user_id == user_id, ActivityProgress.activity_id == activity_id,
                                       ActivityProgress.state == ProgressState.COMPLETE)
        .values(last_at=now).execution_options(synchronize_session=False)).rowcount
    if moved != 1:
        return False
    db.session.execute(
        update(CourseProgress).where(CourseProgress.user_id == user_id, CourseProgress.course_id == course.id)
        .values(last_activity_at=now).execution_options(synchronize_session=False))
    return True


def _serialise(user_id, course_id):
    """Two first views at once (two tabs, a double click) both inserted the activity's progress row (a
    unique violation, a 500): on PostgreSQL refreshes of one (trainee, course) wait for each other
    until commit. SQLite already serialises writing requests (BEGIN IMMEDIATE)."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(hashtextextended(:k, 0))"),
                           {"k": f"progress:{user_id}:{course_id}"})


def on_course_rules_changed(course_id):
    """``core.signals.course_rules_changed``: every trainee's rows follow the new rules or content."""
    rebuild(db.session.get(Course, course_id))


facts_changed.connect(on_facts_changed)
course_rules_changed.connect(on_course_rules_changed)
