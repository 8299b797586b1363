"""Quizzes in the course files: a ``quiz:`` entry in module.yaml naming a GIFT file, read and written
for the curriculum importer through the quiz kind (``kind.QuizKind``)."""
import os
from dataclasses import dataclass, field

from ..extensions import db
from . import bank, gift
from .models import DEFAULT_REVIEW, REVIEW_SHOWN, REVIEW_WHAT, REVIEW_WHEN, Quiz

# `review:` in module.yaml → the quiz's review matrix (when → what the trainee may see of an attempt).
# "after_close": the score and which answers were right during the course, but the right answers and
# the feedback (which often names them) only once the quiz has closed, so a later attempt cannot be
# copied from the review of an earlier one.
_DURING_COURSE = ["responses", "correctness", "marks"]
REVIEW_PRESETS = {
    "full": DEFAULT_REVIEW,
    "after_close": {"during": [], "immediately": _DURING_COURSE, "open": _DURING_COURSE,
                    "closed": list(REVIEW_SHOWN)},
    "marks_only": {"during": [], "immediately": ["marks"], "open": ["marks"], "closed": ["marks"]},
}
#: What gives the answers away when a trainee may try again.
REVIEW_REVEALS = ("right_answer", "feedback")

#: Time a trainee needs for one attempt, in minutes, per question type (essay: writing it).
QUESTION_MINUTES = {"essay": 15, "description": 0}
DEFAULT_QUESTION_MINUTES = 1


def copy_review(review):
    return {when: list(review.get(when, [])) for when in REVIEW_WHEN}


@dataclass
class QuizSpec:
    slug: str
    title: str
    questions_file: str
    questions: list
    pass_mark: float
    attempts: int
    completion: str = "passed"
    review: dict = field(default_factory=lambda: copy_review(DEFAULT_REVIEW))
    kind: str = "quiz"

    def minutes_needed(self) -> int:
        return sum(QUESTION_MINUTES.get(q.qtype, DEFAULT_QUESTION_MINUTES) for q in self.questions)

    def tally(self) -> dict:
        return {"questions": len(self.questions)}


def read_quiz(reader, folder, module_path, item, slug, line) -> QuizSpec | None:
    taken = reader.course_state.setdefault("quiz_slugs", {})
    if slug in taken:
        reader.err(module_path, line, f"bài kiểm tra '{slug}' đã có ở {taken[slug]}")
        return None
    taken[slug] = reader.rel(module_path)
    title = item.get("title")
    if not isinstance(title, str) or not title.strip():
        reader.err(module_path, line, "bài kiểm tra cần 'title'")
        return None
    qfile = item.get("questions")
    qpath = os.path.join(folder, qfile) if isinstance(qfile, str) else None
    if not qpath or os.path.dirname(os.path.normpath(qfile)) or not os.path.isfile(qpath):
        reader.err(module_path, item.lines.get("questions", line), f"không có tệp câu hỏi '{qfile}' trong thư mục module")
        return None
    with open(qpath, encoding="utf-8") as fh:
        parsed = gift.parse(fh.read())
    for e in parsed.errors:
        reader.err(qpath, e.line, e.message)
    if not parsed.questions and not parsed.errors:
        reader.err(qpath, None, "tệp không có câu hỏi nào")
    pass_mark = item.get("pass_mark", 50)
    if not isinstance(pass_mark, (int, float)) or not 0 <= pass_mark <= 100:
        reader.err(module_path, item.lines.get("pass_mark", line), "'pass_mark' phải từ 0 đến 100")
        pass_mark = 50
    attempts = item.get("attempts", 0)
    if not isinstance(attempts, int) or attempts < 0:
        reader.err(module_path, item.lines.get("attempts", line), "'attempts' phải là số nguyên không âm (0 = không giới hạn)")
        attempts = 0
    review = _read_review(reader, module_path, item, attempts)
    return QuizSpec(slug, title.strip(), qfile, parsed.questions, float(pass_mark), attempts, review=review)


def _read_review(reader, module_path, item, attempts):
    """``review:``: a preset name (see REVIEW_PRESETS) or ``{when: [what, ...]}``; default "full"."""
    raw = item.get("review", "full")
    line = item.lines.get("review", item.line)
    if isinstance(raw, str) and raw in REVIEW_PRESETS:
        review = copy_review(REVIEW_PRESETS[raw])
    elif isinstance(raw, dict) and raw and set(raw) <= set(REVIEW_WHEN) and all(
            isinstance(v, list) and set(v) <= set(REVIEW_WHAT) for v in raw.values()):
        review = copy_review(raw)
    else:
        reader.err(module_path, line, f"'review' phải là một trong: {', '.join(REVIEW_PRESETS)}; hoặc bảng "
                                      f"{'/'.join(REVIEW_WHEN)}: danh sách trong {', '.join(REVIEW_WHAT)}")
        return copy_review(DEFAULT_REVIEW)
    leaks = [w for w in ("during", "immediately", "open") if set(review[w]) & set(REVIEW_REVEALS)]
    if leaks and attempts != 1:
        reader.warn(module_path, line, "bài kiểm tra cho làm lại nhưng phần xem lại hiện đáp án đúng hoặc phản hồi "
                                       "trước khi đóng: người học có thể chép đáp án từ lần làm trước "
                                       "(đặt 'review: after_close' hoặc 'attempts: 1')")
    return review


def apply_quiz(writer, course, module, activity, spec: QuizSpec):
    """The quiz's questions go into the course bank (matched by key), in file order as fixed slots."""
    from . import services as quizzes

    settings = {"questions_file": spec.questions_file, "question_count": len(spec.questions),
                "completion": spec.completion}
    if activity.settings != settings:
        activity.settings = settings
        writer.changes += 1
    quiz = db.session.get(Quiz, activity.id)
    if quiz is None:
        quiz = writer.new(Quiz(activity_id=activity.id))
        db.session.flush()
    writer.set(quiz, pass_mark=spec.pass_mark, attempts_allowed=spec.attempts, review=spec.review)
    stored = bank.store_questions(course, spec.questions, f"{course.slug}/{module.slug}", replace=True)
    writer.changes += stored.created + stored.updated
    if quizzes.set_fixed_questions(quiz, stored.questions):
        writer.changes += 1
