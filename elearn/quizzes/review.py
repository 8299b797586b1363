"""What a trainee may see of a finished attempt, by the quiz's review options and the one rule for
marks (``permissions.can_see_marks``)."""
from sqlalchemy import select

from ..courses.models import Activity
from ..extensions import db
from . import types
from .enums import AttemptState, ReviewItem
from .grading import correctness
from .models import Quiz, QuizAttempt
from .permissions import can_see_marks, review_options
from .services import attempt_questions, saved_answers


def review_allows(quiz: Quiz, attempt: QuizAttempt, now=None) -> set:
    """What the trainee may see of ``attempt`` now (permissions.review_options)."""
    return review_options(quiz, attempt, now)


def hidden_grade_quizzes(user, course_ids=None, now=None) -> set[int]:
    """Activity ids of the quizzes whose grade ``user`` may not see now (permissions.can_see_marks),
    among the quizzes they have finished attempts in (in ``course_ids`` if given). Two queries."""
    stmt = (select(QuizAttempt).join(Activity, Activity.id == QuizAttempt.quiz_id)
            .where(QuizAttempt.user_id == user.id, QuizAttempt.state == AttemptState.FINISHED))
    if course_ids is not None:
        stmt = stmt.where(Activity.course_id.in_(list(course_ids)))
    by_quiz = {}
    for a in db.session.scalars(stmt):
        by_quiz.setdefault(a.quiz_id, []).append(a)
    if not by_quiz:
        return set()
    quizzes = {q.activity_id: q for q in db.session.scalars(select(Quiz).where(Quiz.activity_id.in_(list(by_quiz))))}
    return {qid for qid, atts in by_quiz.items() if not can_see_marks(user, quizzes[qid], attempts=atts, now=now)}


def review_items(attempt: QuizAttempt, allowed: set):
    """Per question: only what ``allowed`` lets out (responses, correctness, marks, feedback, right answer)."""
    questions = attempt_questions(attempt)
    answers = saved_answers(attempt)
    items = []
    for n, key in enumerate(q for page in attempt.layout["pages"] for q in page):
        q = questions[int(key)]
        qt = types.get_type(q.qtype)
        info = attempt.layout["q"][str(key)]
        row = answers.get(q.id)
        response = row.response if row else None
        item = {"number": n + 1, "question": q, "public": qt.public(q.text, q.data, info["layout"]),
                "max_mark": info["mark"], "gradable": qt.gradable}
        if ReviewItem.RESPONSES in allowed:
            item["response"] = response
            item["response_text"] = qt.response_summary(q.data, response) if qt.gradable else ""
        if ReviewItem.CORRECTNESS in allowed and qt.gradable and row and row.fraction is not None:
            item["state"] = correctness(row.fraction)
        if ReviewItem.MARKS in allowed and qt.gradable:
            item["mark"] = row.mark if row else None
        if ReviewItem.FEEDBACK in allowed:
            item["feedback"] = (qt.feedback(q.data, response) if qt.gradable else []) + \
                ([q.general_feedback] if q.general_feedback else []) + ([row.comment] if row and row.comment else [])
        if ReviewItem.GRADER_INFO in allowed and q.qtype == "essay" and q.data.get("grader_info"):
            item["grader_info"] = q.data["grader_info"]
        if ReviewItem.RIGHT_ANSWER in allowed and qt.gradable and not qt.manual:
            item["right_answer"] = qt.right_answer(q.text, q.data)
        items.append(item)
    return items
