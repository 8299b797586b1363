"""The quiz activity kind (``elearn.courses.kinds``): its page, its completion from attempts, and its
entry in the course files."""
from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..courses.kinds import ActivityKind, Outcome, Rule, register
from ..courses.models import Activity
from ..extensions import db
from .course_files import apply_quiz, read_quiz
from .models import QUIZ_KIND, Quiz, QuizAttempt
from .grading import quiz_grade


class QuizKind(ActivityKind):
    name = QUIZ_KIND
    label = _l("Bài kiểm tra")
    rules = (Rule.PASSED, Rule.GRADED, Rule.PASSED_OR_EXHAUSTED, Rule.MANUAL, Rule.NONE)
    open_verb = None  # starting an attempt is the fact, not opening the page
    graded = True
    content_tables = {"quizzes": "activity_id", "quiz_slots": "quiz_id"}
    import_key = "quiz"

    def url(self, activity, course):
        return url_for("quizzes.quiz", activity_id=activity.id)

    def edit_url(self, activity, course):
        return url_for("quizzes.manage", activity_id=activity.id)

    def open_from(self, activity, when):
        quiz = db.session.get(Quiz, activity.id)
        if quiz is not None:
            quiz.open_at = when
            db.session.flush()

    def facts(self, user_ids, activities):
        ids = [a.id for a in activities]
        if not ids or not user_ids:
            return {}
        quizzes = {q.activity_id: q for q in db.session.scalars(select(Quiz).where(Quiz.activity_id.in_(ids)))}
        out = {}
        for att in db.session.scalars(select(QuizAttempt).where(QuizAttempt.user_id.in_(list(user_ids)),
                                                                QuizAttempt.quiz_id.in_(ids))):
            out.setdefault((att.user_id, att.quiz_id), (quizzes.get(att.quiz_id), []))[1].append(att)
        return out

    def fact_users(self, course_id):
        quiz_ids = select(Activity.id).where(Activity.course_id == course_id, Activity.kind == self.name)
        return set(db.session.scalars(select(QuizAttempt.user_id).where(QuizAttempt.quiz_id.in_(quiz_ids)).distinct()))

    def outcome(self, activity, rule, fact):
        if fact is None:
            return Outcome()
        quiz, attempts = fact
        times = [a.started_at for a in attempts] + [a.finished_at for a in attempts if a.finished_at]
        finished = sorted((a for a in attempts if a.state == "finished"), key=lambda a: (a.finished_at, a.id))
        grade = quiz_grade(quiz, attempts) if quiz else None
        completed_at = None
        for i in range(len(finished)):
            g = quiz_grade(quiz, finished[: i + 1]) if quiz else None
            if rule == Rule.GRADED and g is not None:
                completed_at = finished[i].finished_at
                break
            if rule in (Rule.PASSED, Rule.PASSED_OR_EXHAUSTED) and g is not None and g >= quiz.pass_mark:
                completed_at = finished[i].finished_at
                break
        if completed_at is None and rule == Rule.PASSED_OR_EXHAUSTED and quiz and quiz.attempts_allowed:
            used = sorted((a for a in attempts if a.state in ("finished", "abandoned")),
                          key=lambda a: (a.finished_at, a.id))
            if len(used) >= quiz.attempts_allowed and all(a.percent is not None or a.state == "abandoned" for a in used):
                completed_at = used[quiz.attempts_allowed - 1].finished_at
        return Outcome(grade=grade, attempts=len(finished), completed_at=completed_at, times=times)

    def read_spec(self, reader, folder, module_path, item, slug, line):
        return read_quiz(reader, folder, module_path, item, slug, line)

    def apply_spec(self, writer, course, module, activity, spec):
        apply_quiz(writer, course, module, activity, spec)


QUIZ = register(QuizKind())
