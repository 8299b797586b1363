"""Load a quiz or an attempt for the current viewer, with the same checks as the course pages
(see ``elearn.courses.loaders``): used by the quiz pages, the attempt routes and the API alike."""
from flask import abort
from flask_login import current_user

from sqlalchemy import select

from ..courses import loaders
from ..courses.models import Activity, Course
from ..extensions import db
from .authoring import get_quiz
from .models import QUIZ_KIND, Quiz, QuizAttempt


def load_quiz(activity_id):
    """The quiz activity, its course and module, the quiz and whether the viewer edits the course:
    404 when hidden from the viewer, 403 (``Locked``) while its module is locked."""
    access = loaders.load_activity(activity_id, kind=QUIZ_KIND)
    return access.activity, access.course, access.module, get_quiz(access.activity), access.editor


def load_attempt(attempt_id):
    """The viewer's own attempt, after the checks of its quiz: the module may have been locked or
    the course closed to them since the attempt started."""
    # one query puts the attempt, its activity, course and quiz in the session, so the checks below
    # find them there (three queries fewer on every autosave)
    row = db.session.execute(
        select(QuizAttempt, Activity, Course, Quiz).join(Activity, Activity.id == QuizAttempt.quiz_id)
        .join(Course, Course.id == Activity.course_id).outerjoin(Quiz, Quiz.activity_id == Activity.id)
        .where(QuizAttempt.id == attempt_id)).first()
    attempt = row[0] if row is not None else None
    if attempt is None or attempt.user_id != current_user.id:
        abort(404)
    activity, course, module, quiz, editor = load_quiz(attempt.quiz_id)
    return attempt, activity, course, module, quiz
