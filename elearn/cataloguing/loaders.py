"""The cataloguing package's loaders (docs/ARCHITECTURE.md, "Loaders"): an exercise or an attempt
for the current viewer, with the checks of the course pages (``elearn.courses.loaders``: 404 for
what is hidden, ``Locked`` 403 while the module is locked), and an exercise for its course's
editors. They load and refuse; the views in ``views.py`` and ``manage.py`` name them with ``loads``."""
from flask import abort
from flask_login import current_user

from ..courses import loaders
from ..extensions import db
from .models import CataloguingAttempt, CataloguingExercise

KIND = "cataloguing"
EXPORT_FORMATS = ("csv", "xlsx")
RECORD_FORMATS = ("mrk", "xml")


def _exercise_of(activity) -> CataloguingExercise:
    ex = db.session.get(CataloguingExercise, activity.id)
    if ex is None:
        abort(404)
    return ex


def load_exercise_activity(activity_id):
    """The exercise for the viewer (404 hidden, ``Locked`` 403 locked): (its ``ActivityAccess``,
    its settings)."""
    access = loaders.load_activity(activity_id, kind=KIND)
    return access, _exercise_of(access.activity)


def load_attempt(attempt_id):
    """A submitted or draft attempt, after the checks of its exercise: its trainee, or the course's
    staff for a trainee enrolled in it (else 404). Returns (attempt, access, exercise)."""
    from ..courses import services as courses
    from ..progress.permissions import can_manage_progress_in_course

    attempt = db.session.get(CataloguingAttempt, attempt_id)
    if attempt is None:
        abort(404)
    access, ex = load_exercise_activity(attempt.activity_id)
    if attempt.user_id != current_user.id:
        from ..auth.models import User

        trainee = db.session.get(User, attempt.user_id)
        if not access.editor or not can_manage_progress_in_course(
                current_user, trainee, is_course_staff=courses.is_staff(current_user, access.course),
                target_enrolled=courses.is_enrolled(trainee, access.course)):
            abort(404)
    return attempt, access, ex


def load_attempt_record(attempt_id, fmt):
    """An attempt's record as a file: a known format (else 404, before anything is read), then the
    attempt (see ``load_attempt``). Returns (attempt, access, exercise, fmt)."""
    if fmt not in RECORD_FORMATS:
        abort(404)
    return (*load_attempt(attempt_id), fmt)


def load_staff_exercise(activity_id):
    """An exercise to manage: (activity, course, exercise) for someone who edits its course (404 for
    what is not a cataloguing exercise, 403 for someone who does not edit the course)."""
    activity, course = loaders.load_editable_activity(activity_id, kind=KIND)
    return activity, course, _exercise_of(activity)


def load_mistakes_export(activity_id, fmt):
    """The common mistakes as a table: a known format (else 404, before anything is read), then the
    exercise for its editors. Returns (activity, course, exercise, fmt)."""
    if fmt not in EXPORT_FORMATS:
        abort(404)
    return (*load_staff_exercise(activity_id), fmt)
