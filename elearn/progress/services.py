"""The progress engine. Every event (lesson viewed, quiz graded, override, …) calls ``refresh`` for
that trainee and course in the same transaction; report pages only read the rows it keeps.
``rebuild`` runs the same derivation for everyone, from the raw events alone."""
from datetime import datetime

from sqlalchemy import delete, select

from ..core.timeutil import utcnow
from ..courses.models import Activity, ActivityEvent, ActivityProgress, Course
from ..courses.outline_cache import outline_of
from ..extensions import db
from .models import CompletionOverride, CourseProgress, ModuleProgress
from .rules import activity_rule, combine

ROW_FIELDS = ("state", "grade", "attempts", "first_at", "last_at", "completed_at")


def _live_outline(course):
    """Published modules and their published activities, from the per-process outline cache."""
    published = outline_of(course).published
    return [m for m, _acts in published], {m.id: list(acts) for m, acts in published}


def _facts(user_id, course, activities):
    """Raw facts for one trainee in one course: events, quiz attempts, overrides (three queries)."""
    from ..quizzes.models import Quiz, QuizAttempt

    ids = [a.id for a in activities]
    events = db.session.execute(select(ActivityEvent.activity_id, ActivityEvent.verb, ActivityEvent.created_at)
                                .where(ActivityEvent.user_id == user_id, ActivityEvent.course_id == course.id)
                                .order_by(ActivityEvent.created_at, ActivityEvent.id)).all()
    quiz_ids = [a.id for a in activities if a.kind == "quiz"]
    attempts, quizzes = {}, {}
    if quiz_ids:
        for att in db.session.scalars(select(QuizAttempt).where(QuizAttempt.user_id == user_id,
                                                                QuizAttempt.quiz_id.in_(quiz_ids))):
            attempts.setdefault(att.quiz_id, []).append(att)
        quizzes = {q.activity_id: q for q in db.session.scalars(select(Quiz).where(Quiz.activity_id.in_(quiz_ids)))}
    overrides = {}
    for o in db.session.scalars(select(CompletionOverride).where(CompletionOverride.user_id == user_id,
                                                                 CompletionOverride.course_id == course.id)
                                .order_by(CompletionOverride.created_at, CompletionOverride.id)):
        overrides[o.activity_id] = o  # the latest wins
    by_activity = {i: [] for i in ids}
    for activity_id, verb, at in events:
        if activity_id in by_activity:
            by_activity[activity_id].append((verb, at))
    # Workshops: attendance at every scheduled session completes the linked activity.
    workshop_acts = [a.id for a in activities if a.kind == "workshop"]
    if workshop_acts:
        from ..workshops.models import Attendance, Workshop, WorkshopSession

        for ws in db.session.scalars(select(Workshop).where(Workshop.activity_id.in_(workshop_acts))):
            sessions = [s.id for s in db.session.scalars(select(WorkshopSession).where(
                WorkshopSession.workshop_id == ws.id, WorkshopSession.status == "scheduled"))]
            marks = db.session.execute(select(Attendance.session_id, Attendance.status, Attendance.marked_at).where(
                Attendance.user_id == user_id, Attendance.session_id.in_(sessions))).all() if sessions else []
            came = {sid: at for sid, status, at in marks if status in ("present", "late")}
            for _sid, _status, at in marks:
                by_activity[ws.activity_id].append(("attendance", at))
            if sessions and len(came) == len(sessions):
                by_activity[ws.activity_id].append(("attended", max(came.values())))
    return by_activity, attempts, quizzes, overrides


def _quiz_completion(rule, quiz, attempts):
    """(grade, attempts finished, completed_at) for a quiz under ``rule``."""
    from ..quizzes.services import quiz_grade

    finished = sorted((a for a in attempts if a.state == "finished"), key=lambda a: (a.finished_at, a.id))
    grade = quiz_grade(quiz, attempts) if quiz else None
    completed_at = None
    for i in range(len(finished)):
        so_far = finished[: i + 1]
        g = quiz_grade(quiz, so_far)
        if rule == "graded" and g is not None:
            completed_at = finished[i].finished_at
            break
        if rule in ("passed", "passed_or_exhausted") and g is not None and g >= quiz.pass_mark:
            completed_at = finished[i].finished_at
            break
    if completed_at is None and rule == "passed_or_exhausted" and quiz and quiz.attempts_allowed:
        used = sorted((a for a in attempts if a.state in ("finished", "abandoned")), key=lambda a: (a.finished_at, a.id))
        if len(used) >= quiz.attempts_allowed and all(a.percent is not None or a.state == "abandoned" for a in used):
            completed_at = used[quiz.attempts_allowed - 1].finished_at
    return grade, len(finished), completed_at


def derive_activity(activity, events, attempts, quiz, override):
    """The progress row's values for one activity, or None when there is nothing to record."""
    rule = activity_rule(activity)
    times = [at for _verb, at in events] + [a.started_at for a in attempts] + \
        [a.finished_at for a in attempts if a.finished_at]
    if not times and override is None:
        return None
    grade, n_attempts, completed_at = None, 0, None
    if activity.kind == "quiz":
        grade, n_attempts, completed_at = _quiz_completion(rule, quiz, attempts)
    if rule == "viewed":
        seen = [at for verb, at in events if verb in ("viewed", "opened")]
        completed_at = seen[0] if seen else None
    elif rule == "manual":
        marks = [(verb, at) for verb, at in events if verb in ("marked_done", "marked_undone")]
        completed_at = marks[-1][1] if marks and marks[-1][0] == "marked_done" else None
    elif rule == "attended":
        done = [at for verb, at in events if verb == "attended"]
        completed_at = done[-1] if done else None
    elif rule == "none":
        completed_at = None
    if override is not None and override.state in ("complete", "incomplete"):
        completed_at = override.created_at if override.state == "complete" else None
        times.append(override.created_at)
    if not times:
        return None  # only a cleared override: nothing to show
    return {"state": "complete" if completed_at else "started", "grade": grade, "attempts": n_attempts,
            "first_at": min(times), "last_at": max(times), "completed_at": completed_at}


def refresh(user_id: int, course: Course, now: datetime | None = None) -> CourseProgress | None:
    """Recompute ``user_id``'s activity, module and course rows for ``course`` from the raw facts."""
    now = now or utcnow()
    modules, by_module = _live_outline(course)
    live = [a for m in modules for a in by_module[m.id]]
    # Rows are kept for every activity, archived ones too (their progress comes back with them);
    # only published modules and activities count towards completion.
    activities = [a for _m, acts in outline_of(course).everything for a in acts]  # cached, frozen
    by_activity, attempts, quizzes, overrides = _facts(user_id, course, activities)

    existing = {r.activity_id: r for r in db.session.scalars(
        select(ActivityProgress).where(ActivityProgress.user_id == user_id, ActivityProgress.course_id == course.id))}
    rows = {}
    for a in activities:
        values = derive_activity(a, by_activity.get(a.id, []), attempts.get(a.id, []), quizzes.get(a.id),
                                 overrides.get(a.id))
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
        required = [a for a in by_module[m.id] if activity_rule(a) != "none"]
        parts = [(a.id in rows and rows[a.id].state == "complete", rows[a.id].completed_at if a.id in rows else None,
                  rows[a.id].grade if a.id in rows else None) for a in required]
        state, done, req, grade, completed_at = combine(parts, m.completion or {}, now)
        row = module_rows.pop(m.id, None)
        if row is None and touched:
            row = ModuleProgress(user_id=user_id, module_id=m.id, course_id=course.id)
            db.session.add(row)
        if row is not None:
            row.state, row.done, row.required, row.grade, row.completed_at = state, done, req, grade, completed_at
        module_parts.append((state == "complete", completed_at, grade))
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
    required_acts = [a for a in live if activity_rule(a) != "none"]
    done_acts = sum(1 for a in required_acts if a.id in rows and rows[a.id].state == "complete")
    if course_row is None:
        course_row = CourseProgress(user_id=user_id, course_id=course.id)
        db.session.add(course_row)
    course_row.state, course_row.grade, course_row.completed_at = state, grade, completed_at
    course_row.done, course_row.required = done_acts, len(required_acts)
    course_row.percent = round(100 * done_acts / len(required_acts)) if required_acts else 0
    course_row.last_activity_at = max((r.last_at for r in rows.values() if r.last_at), default=None)
    db.session.flush()
    if state == "complete":
        from .certificates import issue_for_completion

        issue_for_completion(user_id, course, completed_at)
    return course_row


def record_event(user, activity, verb: str, now=None):
    """Log a raw event and refresh the trainee's progress in this transaction."""
    now = now or utcnow()
    if db.session.get_bind().dialect.name == "postgresql":
        # Two first views at once (two tabs, a double click) both inserted the activity's progress row
        # (a unique violation, a 500): refreshes of one (trainee, course) wait for each other until
        # commit. SQLite already serialises writing requests (BEGIN IMMEDIATE).
        from sqlalchemy import text

        db.session.execute(text("SELECT pg_advisory_xact_lock(hashtextextended(:k, 0))"),
                           {"k": f"progress:{user.id}:{activity.course_id}"})
    db.session.add(ActivityEvent(user_id=user.id, activity_id=activity.id, course_id=activity.course_id,
                                 verb=verb, created_at=now))
    db.session.flush()
    return refresh(user.id, db.session.get(Course, activity.course_id), now)


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
    """Everyone who has any raw fact in ``course`` (events, attempts, overrides) or a progress row."""
    from ..quizzes.models import QuizAttempt

    ids = set(db.session.scalars(select(ActivityEvent.user_id).where(ActivityEvent.course_id == course.id).distinct()))
    quiz_ids = select(Activity.id).where(Activity.course_id == course.id, Activity.kind == "quiz")
    ids |= set(db.session.scalars(select(QuizAttempt.user_id).where(QuizAttempt.quiz_id.in_(quiz_ids)).distinct()))
    ids |= set(db.session.scalars(select(CompletionOverride.user_id).where(CompletionOverride.course_id == course.id).distinct()))
    ids |= set(db.session.scalars(select(CourseProgress.user_id).where(CourseProgress.course_id == course.id)))
    from ..workshops.models import Attendance, Workshop, WorkshopSession

    sessions = select(WorkshopSession.id).join(Workshop, WorkshopSession.workshop_id == Workshop.id).where(
        Workshop.course_id == course.id)
    ids |= set(db.session.scalars(select(Attendance.user_id).where(Attendance.session_id.in_(sessions)).distinct()))
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
