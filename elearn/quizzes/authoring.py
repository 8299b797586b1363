"""Quiz setup by the course's editors: create a quiz, change its settings and review options, and
its slots (fixed questions, or questions drawn at random from a category).

Views parse the form and call these; the functions check the rules, raise ``ServiceError`` with a
Vietnamese message (naming the form field where there is one) and flush; the view commits. Times
are naive UTC."""
from flask_babel import gettext as _
from sqlalchemy import select

from ..core.errors import NotFound, ServiceError
from ..courses.models import Activity
from ..courses.services import new_activity
from ..extensions import db
from .enums import GradingMethod, Overdue, ReviewItem, ReviewTime
from .models import QUIZ_KIND, Question, QuestionCategory, Quiz, QuizSlot

#: A random slot draws at most this many questions at once.
MAX_RANDOM = 50


def get_quiz(activity: Activity) -> Quiz:
    """The settings row of a quiz activity, created with the defaults when it is missing."""
    quiz = db.session.get(Quiz, activity.id)
    if quiz is None:
        quiz = Quiz(activity_id=activity.id)
        db.session.add(quiz)
        db.session.flush()
    return quiz


def check_times(open_at, close_at) -> None:
    if open_at and close_at and close_at <= open_at:
        raise ServiceError(_("Thời điểm đóng phải sau thời điểm mở."), field="close_at")


def clean_review(review) -> dict:
    """The review options as stored: for every moment, the items it lets out, in the usual order;
    unknown moments and items are dropped."""
    review = review if isinstance(review, dict) else {}
    out = {}
    for when in ReviewTime:
        shown = review.get(when.value)
        shown = set(shown) if isinstance(shown, (list, tuple, set)) else set()
        out[when.value] = [what.value for what in ReviewItem if what.value in shown]
    return out


def create_quiz(module, *, title, pass_mark, attempts_allowed, time_limit, open_at, close_at, review) -> Quiz:
    """A new draft quiz activity at the end of ``module`` with its settings."""
    check_times(open_at, close_at)
    activity = new_activity(module, title, QUIZ_KIND)
    quiz = Quiz(activity_id=activity.id, pass_mark=float(pass_mark), attempts_allowed=attempts_allowed,
                time_limit=time_limit, open_at=open_at, close_at=close_at, review=clean_review(review))
    db.session.add(quiz)
    db.session.flush()
    return quiz


def update_settings(quiz: Quiz, *, pass_mark, attempts_allowed, grading_method, time_limit, overdue,
                    grace_seconds, open_at, close_at, per_page, shuffle_questions, shuffle_answers,
                    review) -> Quiz:
    """Change a quiz's settings. Attempts already started keep their questions and deadline."""
    check_times(open_at, close_at)
    if grading_method not in GradingMethod.values():
        raise ServiceError(_("Cách tính điểm không hợp lệ."), field="grading_method")
    if overdue not in Overdue.values():
        raise ServiceError(_("Cách xử lý khi hết giờ không hợp lệ."), field="overdue")
    quiz.pass_mark = float(pass_mark)
    quiz.attempts_allowed = attempts_allowed
    quiz.grading_method = GradingMethod(grading_method).value
    quiz.time_limit = time_limit
    quiz.overdue = Overdue(overdue).value
    quiz.grace_seconds = grace_seconds
    quiz.open_at, quiz.close_at = open_at, close_at
    quiz.per_page = per_page
    quiz.shuffle_questions = bool(shuffle_questions)
    quiz.shuffle_answers = bool(shuffle_answers)
    quiz.review = clean_review(review)
    db.session.flush()
    return quiz


def _renumber(quiz: Quiz) -> None:
    for i, slot in enumerate(quiz.slots):
        slot.position = i


def set_fixed_questions(quiz: Quiz, questions: list[Question]) -> bool:
    """Make the quiz's slots exactly ``questions`` in order; False when they already were."""
    current = [(s.question_id, s.category_id) for s in quiz.slots]
    wanted = [(q.id, None) for q in questions]
    if current == wanted:
        return False
    quiz.slots = [QuizSlot(position=i, question_id=q.id, mark=q.default_mark) for i, q in enumerate(questions)]
    db.session.flush()
    return True


def add_questions(quiz: Quiz, course, question_ids) -> int:
    """Add the questions of ``course``'s bank among ``question_ids`` at the end of the quiz, in the
    order of the ids given; ids of other courses' questions are ignored. Returns how many."""
    ids = list(dict.fromkeys(question_ids))
    if not ids:
        raise ServiceError(_("Hãy chọn ít nhất một câu hỏi."), field="question")
    found = {q.id: q for q in db.session.scalars(select(Question).where(Question.id.in_(ids),
                                                                         Question.course_id == course.id))}
    chosen = [found[i] for i in ids if i in found]
    if not chosen:
        raise NotFound(_("Không tìm thấy câu hỏi đã chọn trong ngân hàng của khoá học."), field="question")
    start = len(quiz.slots)
    for i, q in enumerate(chosen):
        quiz.slots.append(QuizSlot(position=start + i, question_id=q.id, mark=q.default_mark))
    db.session.flush()
    return len(chosen)


def category_of(course, category_id) -> QuestionCategory:
    """A question category of ``course``'s bank, or a ServiceError."""
    cat = db.session.get(QuestionCategory, category_id or 0)
    if cat is None or cat.course_id != course.id:
        raise ServiceError(_("Hãy chọn một nhóm câu hỏi của khoá học."), field="category")
    return cat


def add_random_slot(quiz: Quiz, category: QuestionCategory, count: int = 1, mark: float = 1.0) -> None:
    """``count`` slots that each draw one question at random from ``category`` (and its subcategories)."""
    if not isinstance(count, int) or not 1 <= count <= MAX_RANDOM:
        raise ServiceError(_("Số câu rút ngẫu nhiên phải từ 1 đến %(n)d.", n=MAX_RANDOM), field="count")
    start = len(quiz.slots)
    for i in range(count):
        quiz.slots.append(QuizSlot(position=start + i, category_id=category.id, mark=mark))
    db.session.flush()


def remove_slot(quiz: Quiz, slot_id) -> None:
    """Take a slot out of the quiz; the places after it move up."""
    slot = next((s for s in quiz.slots if s.id == slot_id), None)
    if slot is None:
        raise NotFound(_("Câu hỏi này không còn trong bài kiểm tra."))
    quiz.slots.remove(slot)
    _renumber(quiz)
    db.session.flush()
