"""The question bank in the browser: list, usage, a question from a form (no GIFT), move, delete.

A question written in the form is turned into a ``gift.Question`` and checked by writing it as GIFT
and reading it back, so the form accepts exactly what a GIFT file may contain, with the same
Vietnamese messages."""
import hashlib

from flask_babel import gettext as _
from sqlalchemy import func, select

from ..core.errors import Conflict, ServiceError
from ..extensions import db
from . import gift, types
from .bank import text_to_html
from .models import QUIZ_KIND, AttemptAnswer, Question, QuestionCategory, Quiz, QuizAttempt, QuizSlot

FORM_TYPES = ("multichoice", "truefalse", "shortanswer", "numerical", "essay")
ANSWER_ROWS = 6


def usage(course) -> dict:
    """question id -> {"quizzes": fixed slots in this course's quizzes, "attempts": attempts that hold it}."""
    out: dict = {}
    for qid, n in db.session.execute(select(QuizSlot.question_id, func.count(QuizSlot.id))
                                     .join(Question, Question.id == QuizSlot.question_id)
                                     .where(Question.course_id == course.id).group_by(QuizSlot.question_id)):
        out.setdefault(qid, {"quizzes": 0, "attempts": 0})["quizzes"] = n
    for qid in attempt_question_ids(course):
        out.setdefault(qid, {"quizzes": 0, "attempts": 0})["attempts"] += 1
    return out


def attempt_question_ids(course, only: int | None = None) -> list[int]:
    """One entry per (attempt, question) in the course's attempts: answered or only drawn at start."""
    from ..courses.models import Activity

    quiz_ids = select(Activity.id).where(Activity.course_id == course.id, Activity.kind == QUIZ_KIND)
    seen = []
    for layout in db.session.scalars(select(QuizAttempt.layout).where(QuizAttempt.quiz_id.in_(quiz_ids))):
        for key in (layout or {}).get("q", {}):
            if only is None or int(key) == only:
                seen.append(int(key))
    return seen


def in_use_by_attempts(question) -> bool:
    if db.session.scalar(select(AttemptAnswer.id).where(AttemptAnswer.question_id == question.id).limit(1)):
        return True
    return bool(attempt_question_ids(_course_of(question), only=question.id))


def _course_of(question):
    from ..courses.models import Course

    return db.session.get(Course, question.course_id)


def form_values(question) -> dict:
    """What the edit form shows for a stored question."""
    q = types.to_gift(question.qtype, question.text, question.text_format, question.data, question.general_feedback,
                      title=question.title)
    values = {"qtype": question.qtype, "title": question.title or "", "text": question.text,
              "general_feedback": question.general_feedback or "", "category_id": question.category_id,
              "grader_info": (question.data or {}).get("grader_info", ""), "answers": [], "tf": "true"}
    if question.qtype == "truefalse":
        right = next((a for a in q.answers if a.weight == 100), q.answers[0])
        wrong = next(a for a in q.answers if a is not right)
        values["tf"] = right.text
        values["tf_right_feedback"], values["tf_wrong_feedback"] = right.feedback, wrong.feedback
    for a in q.answers if question.qtype != "truefalse" else []:
        if question.qtype == "numerical":
            if a.text == "*":
                continue
            text = gift._fmt(a.value) if a.value is not None else f"{gift._fmt(a.min)}..{gift._fmt(a.max)}"
            values["answers"].append({"text": text, "tolerance": gift._fmt(a.tolerance or 0) if a.value is not None else "",
                                      "weight": gift._fmt(a.weight), "feedback": a.feedback})
        else:
            values["answers"].append({"text": a.text, "weight": gift._fmt(a.weight), "feedback": a.feedback,
                                      "tolerance": ""})
    return values


def _number(raw, what):
    text = (raw or "").strip().replace(",", ".")
    try:
        return float(text)
    except ValueError:
        raise ServiceError(_("%(what)s phải là một số: '%(v)s'.", what=what, v=raw), field="answers") from None


def build(qtype: str, *, title, text, general_feedback, answers, tf="true", tf_right_feedback="",
          tf_wrong_feedback="", grader_info="") -> gift.Question:
    """A gift.Question from the form's fields, checked as a GIFT file would be (ServiceError if not)."""
    if qtype not in FORM_TYPES:
        raise ServiceError(_("Loại câu hỏi không hợp lệ."), field="qtype")
    text = (text or "").strip()
    if not text:
        raise ServiceError(_("Hãy nhập nội dung câu hỏi."), field="text")
    q = gift.Question(qtype, text, (title or "").strip() or None, "moodle", None,
                      general_feedback=(general_feedback or "").strip())
    rows = [a for a in answers if (a.get("text") or "").strip()]
    tf_right_feedback, tf_wrong_feedback = (tf_right_feedback or "").strip(), (tf_wrong_feedback or "").strip()
    if qtype == "truefalse":
        correct = tf == "true"
        q.answers = [gift.Answer("true", 100.0 if correct else 0.0, tf_right_feedback if correct else tf_wrong_feedback),
                     gift.Answer("false", 0.0 if correct else 100.0, tf_wrong_feedback if correct else tf_right_feedback)]
    elif qtype == "numerical":
        for a in rows:
            ans = gift.Answer("", _number(a.get("weight") or "100", _("Trọng số")), (a.get("feedback") or "").strip())
            ans.value = _number(a["text"], _("Đáp số"))
            ans.tolerance = abs(_number(a.get("tolerance") or "0", _("Sai số")))
            ans.text = gift._num_text(ans)
            q.answers.append(ans)
        if not q.answers:
            raise ServiceError(_("Hãy nhập ít nhất một đáp số."), field="answers")
    elif qtype in ("multichoice", "shortanswer"):
        default = "0" if qtype == "multichoice" else "100"
        for a in rows:
            q.answers.append(gift.Answer(a["text"].strip(), _number(a.get("weight") or default, _("Trọng số")),
                                         (a.get("feedback") or "").strip()))
        q.multiple = qtype == "multichoice" and not any(abs(a.weight - 100) < 1e-9 for a in q.answers)
    elif qtype == "essay":
        q.grader_info = (grader_info or "").strip()
    # The same checks as a GIFT file: write it, read it back.
    parsed = gift.parse(gift.export([q]))
    if parsed.errors:
        raise ServiceError(_("Câu hỏi chưa hợp lệ: %(m)s", m=parsed.errors[0].message), field="answers")
    back = parsed.questions[0]
    if back.qtype != qtype:
        raise ServiceError(_("Câu hỏi chưa hợp lệ: hãy kiểm tra các đáp án."), field="answers")
    if qtype == "essay":
        back.grader_info = q.grader_info
    return back


def _apply(row: Question, q: gift.Question, category) -> None:
    qtype, text, fmt, data, general_feedback = types.from_gift(q)
    problems = types.get_type(qtype).validate(data)
    if problems:
        raise ServiceError(problems[0], field="answers")
    row.category_id = category.id
    row.title, row.qtype, row.text, row.text_format = q.title, qtype, text, fmt
    row.text_html = text_to_html(text, fmt)
    row.data = types.get_type(qtype).assign_ids(data, row.key)
    row.general_feedback = general_feedback
    row.status = "active"


def _category(course, category_id) -> QuestionCategory:
    cat = db.session.get(QuestionCategory, category_id or 0)
    if cat is None or cat.course_id != course.id:
        raise ServiceError(_("Hãy chọn một nhóm câu hỏi của khoá học."), field="category_id")
    return cat


def create_question(course, category_id, q: gift.Question) -> Question:
    category = _category(course, category_id)
    q.category = category.path.split("/")
    key = q.key()
    taken = set(db.session.scalars(select(Question.key).where(Question.course_id == course.id)))
    n = 2
    while key in taken:  # same title in the same category: a new question beside the old one
        key = hashlib.sha1(f"{q.key()}\n{n}".encode()).hexdigest()
        n += 1
    row = Question(course_id=course.id, key=key, category_id=category.id, qtype=q.qtype, text="")
    db.session.add(row)
    _apply(row, q, category)
    db.session.flush()
    return row


def update_question(course, row: Question, category_id, q: gift.Question) -> Question:
    if q.qtype != row.qtype:
        raise ServiceError(_("Không đổi được loại của câu hỏi đã có."), field="qtype")
    _apply(row, q, _category(course, category_id))
    db.session.flush()
    return row


def move_questions(course, rows, category_id) -> int:
    category = _category(course, category_id)
    for row in rows:
        row.category_id = category.id
    db.session.flush()
    return len(rows)


def delete_question(row: Question) -> None:
    """Remove a question that no attempt holds (its fixed places in quizzes go with it)."""
    if in_use_by_attempts(row):
        raise Conflict(_("Câu hỏi này đã có trong bài làm của học viên nên không xoá được."))
    for slot in db.session.scalars(select(QuizSlot).where(QuizSlot.question_id == row.id)).all():
        quiz = db.session.get(Quiz, slot.quiz_id)
        quiz.slots.remove(slot)
        for i, s in enumerate(quiz.slots):
            s.position = i
    db.session.flush()  # the slots first, then the question
    db.session.delete(row)
    db.session.flush()
