"""The quizzes package's loaders (docs/ARCHITECTURE.md, "Loaders"): a quiz or an attempt for the
current viewer, with the same checks as the course pages (see ``elearn.courses.loaders``), used by
the quiz pages, the attempt routes and the API alike; and, for the course's editors, a quiz to
author, its grading and exports, and the course's question bank and its questions."""
from flask import abort
from flask_login import current_user

from sqlalchemy import select

from ..courses import loaders
from ..courses.models import Activity, Course
from ..extensions import db
from .authoring import get_quiz
from .models import QUIZ_KIND, Question, Quiz, QuizAttempt
from .permissions import can_grade

EXPORT_FORMATS = ("csv", "xlsx")


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


# --- authoring (``manage.py``) and the question bank (``bank_views.py``): the course's editors -------

def load_staff_quiz(activity_id):
    """A quiz to author: (activity, course, quiz) for someone who edits its course (404 for what is
    not a quiz, 403 for someone who does not edit the course)."""
    activity, course = loaders.load_editable_activity(activity_id, kind=QUIZ_KIND)
    return activity, course, get_quiz(activity)


def load_quiz_export(activity_id, fmt):
    """A quiz's results or statistics as a table: a known format (else 404, before anything is
    read), then the quiz for its editors. Returns (activity, course, quiz, fmt)."""
    if fmt not in EXPORT_FORMATS:
        abort(404)
    return (*load_staff_quiz(activity_id), fmt)


def load_grading_quiz(activity_id):
    """A quiz's essay grading: the quiz for its editors, who must also be allowed to grade (403)."""
    activity, course, quiz = load_staff_quiz(activity_id)
    if not can_grade(current_user, is_staff=True):
        abort(403)
    return activity, course, quiz


def bank_question(course, question_id) -> Question:
    """The question ``question_id`` of ``course``'s bank (already checked for editing), else 404."""
    row = db.session.get(Question, question_id)
    if row is None or row.course_id != course.id:
        abort(404)
    return row


def load_bank_question(slug, question_id):
    """A question of a course's bank: (course, question) for someone who edits the course; 404 for
    another course's question."""
    course = loaders.load_editable_course(slug)
    return course, bank_question(course, question_id)


def load_bank_form(slug, question_id=None):
    """The question form's two addresses: a new question (no ``question_id``: the question is None)
    or the question ``question_id`` of the bank (see ``load_bank_question``)."""
    if question_id:
        return load_bank_question(slug, question_id)
    return loaders.load_editable_course(slug), None
