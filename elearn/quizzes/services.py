"""Quiz attempts: start, save, submit, grade, overdue handling, review rules, progress.

Integrity rules, on SQLite and PostgreSQL alike:
- (quiz, user, attempt number) is unique, and so is (quiz, user) among attempts in progress (a
  partial unique index); starts of one pair are serialised (``_lock_pair``): two simultaneous starts
  give one attempt, and N attempts allowed never give N+1;
- a submit claims the attempt with ``UPDATE … WHERE state = 'inprogress'``: only one request
  grades it, the others get 409;
- the server clock decides deadlines; nothing about correctness leaves the server unless the
  quiz's review options allow it at that moment.
"""
import random
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select, text, update
from sqlalchemy.exc import IntegrityError

from ..core.errors import Conflict, ServiceError
from ..core.signals import tell_facts_changed
from ..core.timeutil import utcnow
from ..courses.models import Activity
from ..extensions import db
from . import types
from .models import QUIZ_KIND, AttemptAnswer, Question, QuestionCategory, Quiz, QuizAttempt, QuizSlot
from .permissions import IMMEDIATELY, can_see_marks, review_options  # noqa: F401


class AttemptClosed(Conflict):
    code = "attempt_closed"


class StaleSave(Conflict):
    """A save older than the last one accepted (a replayed or late request): nothing is changed."""

    code = "stale_save"


MAX_SEQ = 2**31 - 1


# --- quiz setup ------------------------------------------------------------------------------------

def get_quiz(activity: Activity) -> Quiz:
    quiz = db.session.get(Quiz, activity.id)
    if quiz is None:
        quiz = Quiz(activity_id=activity.id)
        db.session.add(quiz)
        db.session.flush()
    return quiz


def create_quiz(module, *, title, pass_mark, attempts_allowed, time_limit, open_at, close_at, review) -> Quiz:
    """A new draft quiz activity at the end of ``module`` with its settings (times are naive UTC)."""
    from ..courses.services import new_activity

    if open_at and close_at and close_at <= open_at:
        raise ServiceError(_("Thời điểm đóng phải sau thời điểm mở."), field="close_at")
    activity = new_activity(module, title, QUIZ_KIND)
    quiz = Quiz(activity_id=activity.id, pass_mark=float(pass_mark), attempts_allowed=attempts_allowed,
                time_limit=time_limit, open_at=open_at, close_at=close_at, review=review)
    db.session.add(quiz)
    db.session.flush()
    return quiz


def set_fixed_questions(quiz: Quiz, questions: list[Question]) -> bool:
    """Make the quiz's slots exactly ``questions`` in order; False when they already were."""
    current = [(s.question_id, s.category_id) for s in quiz.slots]
    wanted = [(q.id, None) for q in questions]
    if current == wanted:
        return False
    quiz.slots = [QuizSlot(position=i, question_id=q.id, mark=q.default_mark) for i, q in enumerate(questions)]
    db.session.flush()
    return True


def add_random_slot(quiz: Quiz, category: QuestionCategory, count: int = 1, mark: float = 1.0):
    start = len(quiz.slots)
    for i in range(count):
        quiz.slots.append(QuizSlot(position=start + i, category_id=category.id, mark=mark))
    db.session.flush()


# --- opening rules -------------------------------------------------------------------------------

def attempts_of(user, quiz):
    return db.session.scalars(select(QuizAttempt).where(QuizAttempt.quiz_id == quiz.activity_id,
                                                        QuizAttempt.user_id == user.id)
                              .order_by(QuizAttempt.number)).all()


def why_closed(user, quiz, now=None) -> str | None:
    """None when ``user`` may start a new attempt now, else the reason in Vietnamese."""
    now = now or utcnow()
    if quiz.open_at and now < quiz.open_at:
        return _("Bài kiểm tra chưa mở.")
    if quiz.close_at and now >= quiz.close_at:
        return _("Bài kiểm tra đã đóng.")
    if not quiz.slots:
        return _("Bài kiểm tra chưa có câu hỏi.")
    used = db.session.scalar(select(func.count(QuizAttempt.id)).where(
        QuizAttempt.quiz_id == quiz.activity_id, QuizAttempt.user_id == user.id))
    if quiz.attempts_allowed and used >= quiz.attempts_allowed:
        return _("Bạn đã dùng hết %(n)d lượt làm bài.", n=quiz.attempts_allowed)
    return None


def _in_progress(user, quiz):
    return db.session.scalar(select(QuizAttempt).where(QuizAttempt.quiz_id == quiz.activity_id,
                                                       QuizAttempt.user_id == user.id,
                                                       QuizAttempt.state == "inprogress"))


def _build_layout(quiz: Quiz, rng: random.Random):
    chosen, marks = [], {}
    fixed_ids = {s.question_id for s in quiz.slots if s.question_id}
    for slot in quiz.slots:
        if slot.question_id:
            chosen.append(slot.question_id)
            marks[slot.question_id] = slot.mark
            continue
        cat = db.session.get(QuestionCategory, slot.category_id)
        pool = db.session.scalars(
            select(Question.id).join(QuestionCategory, Question.category_id == QuestionCategory.id)
            .where(Question.course_id == cat.course_id, Question.status == "active",
                   Question.qtype != "description",
                   (QuestionCategory.path == cat.path) | QuestionCategory.path.startswith(cat.path + "/"))
            .order_by(Question.id)).all()
        pool = [q for q in pool if q not in fixed_ids and q not in marks]
        if not pool:
            raise ServiceError(_("Ngân hàng câu hỏi không đủ câu để rút ngẫu nhiên."))
        qid = rng.choice(pool)
        chosen.append(qid)
        marks[qid] = slot.mark
    if quiz.shuffle_questions:
        rng.shuffle(chosen)
    questions = {q.id: q for q in db.session.scalars(select(Question).where(Question.id.in_(chosen)))}
    per_page = max(1, quiz.per_page or 1)
    pages = [chosen[i:i + per_page] for i in range(0, len(chosen), per_page)]
    qlayout = {str(qid): {"mark": marks[qid],
                          "layout": types.get_type(questions[qid].qtype).layout(questions[qid].data, rng,
                                                                                quiz.shuffle_answers)}
               for qid in chosen}
    return {"pages": pages, "q": qlayout}, sum(marks[q] for q in chosen if questions[q].qtype != "description")


def _lock_pair(user, quiz) -> None:
    """Serialise starts of one (quiz, trainee) until this transaction ends.

    PostgreSQL: a transaction-level advisory lock on the pair, so the "nothing in progress, number
    of attempts used" checks and the insert happen as one step (without it a start that commits
    between another's checks gave two attempts in progress, or N+1 attempts). SQLite: every write
    request already runs in a BEGIN IMMEDIATE transaction (see create_app), which serialises them."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(hashtextextended(:k, 0))"),
                           {"k": f"quiz-start:{quiz.activity_id}:{user.id}"})


def start_attempt(user, quiz: Quiz, now=None) -> QuizAttempt:
    """Continue the attempt in progress, or start the next one. Safe against simultaneous starts:
    the database allows one attempt in progress per (quiz, trainee) (a partial unique index) and
    one attempt per number, and numbers never pass ``attempts_allowed``."""
    now = now or utcnow()
    _lock_pair(user, quiz)
    current = _in_progress(user, quiz)
    if current is not None:
        return process_overdue(current, quiz, now)
    reason = why_closed(user, quiz, now)
    if reason:
        raise ServiceError(reason, status=409, code="quiz_closed")
    number = (db.session.scalar(select(func.max(QuizAttempt.number)).where(
        QuizAttempt.quiz_id == quiz.activity_id, QuizAttempt.user_id == user.id)) or 0) + 1
    if quiz.attempts_allowed and number > quiz.attempts_allowed:
        # With the unique (quiz, user, number) this caps the attempts even if a check above raced.
        raise ServiceError(_("Bạn đã dùng hết %(n)d lượt làm bài.", n=quiz.attempts_allowed),
                           status=409, code="quiz_closed")
    layout, max_marks = _build_layout(quiz, random.Random())
    deadline = None
    if quiz.time_limit:
        deadline = now + timedelta(seconds=quiz.time_limit)
    if quiz.close_at:
        deadline = min(deadline, quiz.close_at) if deadline else quiz.close_at
    attempt = QuizAttempt(quiz_id=quiz.activity_id, user_id=user.id, number=number, started_at=now,
                          deadline_at=deadline, layout=layout, max_marks=max_marks)
    try:
        with db.session.begin_nested():
            db.session.add(attempt)
    except IntegrityError:
        # A simultaneous start got there first (one in progress, or that number): continue it.
        existing = _in_progress(user, quiz)
        if existing is None:
            raise Conflict(_("Lượt làm bài vừa được tạo ở một cửa sổ khác. Hãy tải lại trang.")) from None
        return existing
    _touch_progress(user, quiz, now)
    return attempt


# --- saving and submitting -------------------------------------------------------------------------

def attempt_questions(attempt: QuizAttempt):
    ids = [int(q) for q in attempt.layout["q"]]
    return {q.id: q for q in db.session.scalars(select(Question).where(Question.id.in_(ids)))}


def saved_answers(attempt: QuizAttempt):
    return {a.question_id: a for a in db.session.scalars(
        select(AttemptAnswer).where(AttemptAnswer.attempt_id == attempt.id))}


def grace_end(attempt, quiz):
    if attempt.deadline_at is None:
        return None
    grace = quiz.grace_seconds if quiz.overdue == "graceperiod" else 0
    return attempt.deadline_at + timedelta(seconds=grace)


def process_overdue(attempt: QuizAttempt, quiz: Quiz, now=None) -> QuizAttempt:
    """Apply the quiz's overdue rule to an attempt in progress whose time is up."""
    now = now or utcnow()
    if attempt.state != "inprogress" or attempt.deadline_at is None or now <= attempt.deadline_at:
        return attempt
    if quiz.overdue == "autosubmit":
        _finish(attempt, quiz, attempt.deadline_at)
    elif quiz.overdue == "graceperiod":
        if now > grace_end(attempt, quiz):
            _abandon(attempt, quiz, now)
    else:
        _abandon(attempt, quiz, now)
    return attempt


def parse_seq(raw) -> int:
    """The sequence number a save carries (form field or JSON), or a 422 in Vietnamese."""
    if isinstance(raw, bool):
        raw = None
    try:
        seq = int(raw) if isinstance(raw, (int, str)) else None
    except ValueError:
        seq = None
    if seq is None or not 1 <= seq <= MAX_SEQ:
        raise ServiceError(_("Thiếu hoặc sai số thứ tự lần lưu (seq). Hãy tải lại trang."), status=422,
                           field="seq", code="bad_seq")
    return seq


def _claim_seq(attempt: QuizAttempt, seq: int | None) -> None:
    """Move the attempt's ``save_seq`` forward to ``seq`` in one conditional UPDATE, or refuse.

    Only a save with a larger number than the last accepted one gets through (a replayed or late
    request gets 409 and changes nothing). The UPDATE also requires the attempt to be in progress,
    so a save racing a submit either lands before it or is refused. ``seq=None`` (server-side
    callers) takes the next number."""
    cond = QuizAttempt.save_seq < seq if seq is not None else QuizAttempt.id == attempt.id
    new = seq if seq is not None else QuizAttempt.save_seq + 1
    claimed = db.session.execute(
        update(QuizAttempt).where(QuizAttempt.id == attempt.id, QuizAttempt.state == "inprogress", cond)
        .values(save_seq=new).execution_options(synchronize_session=False)).rowcount
    db.session.refresh(attempt, ["state", "save_seq"])
    if claimed == 1:
        return
    if attempt.state != "inprogress":
        raise AttemptClosed(_("Lượt làm bài đã kết thúc; câu trả lời không được lưu."))
    raise StaleSave(_("Bản lưu này cũ hơn câu trả lời đã lưu (có thể từ một cửa sổ khác hoặc gửi lại); "
                      "không thay đổi gì. Hãy tải lại trang để xem câu trả lời mới nhất."))


def save_responses(attempt: QuizAttempt, quiz: Quiz, responses: dict, now=None, seq: int | None = None) -> int:
    """Store ``{question_id: response}`` (already cleaned). Refused once time is up, and refused
    (409, nothing changed) when ``seq`` is not larger than the last accepted save's."""
    now = now or utcnow()
    process_overdue(attempt, quiz, now)
    if attempt.state != "inprogress":
        raise AttemptClosed(_("Lượt làm bài đã kết thúc; câu trả lời không được lưu."))
    if attempt.deadline_at is not None and now > attempt.deadline_at:
        raise AttemptClosed(_("Đã hết giờ làm bài; câu trả lời mới không được lưu. Bạn chỉ có thể nộp bài."))
    allowed = {int(q) for q in attempt.layout["q"]}
    if any(qid not in allowed for qid in responses):
        raise ServiceError(_("Câu hỏi không thuộc lượt làm bài này."), status=422)
    _claim_seq(attempt, seq)
    existing = {a.question_id: a for a in db.session.scalars(
        select(AttemptAnswer).where(AttemptAnswer.attempt_id == attempt.id,
                                    AttemptAnswer.question_id.in_(list(responses))))} if responses else {}
    count = 0
    for qid, response in responses.items():
        row = existing.get(qid)
        if row is None:
            db.session.add(AttemptAnswer(attempt_id=attempt.id, question_id=qid, response=response, saved_at=now))
        elif row.response != response:
            row.response, row.saved_at = response, now
        count += 1
    db.session.flush()
    return count


def submit(attempt: QuizAttempt, quiz: Quiz, now=None) -> QuizAttempt:
    """Finish and grade. Only one request can do it: the others get 409."""
    now = now or utcnow()
    if attempt.state == "inprogress" and attempt.deadline_at and now > attempt.deadline_at:
        process_overdue(attempt, quiz, now)
        if attempt.state == "inprogress" and quiz.overdue == "graceperiod":
            _finish(attempt, quiz, now)  # within the grace period: submit what was saved
        if attempt.state == "abandoned":
            raise AttemptClosed(_("Đã quá hạn nộp bài; lượt làm bài không được tính."))
        return attempt
    if attempt.state != "inprogress":
        raise AttemptClosed(_("Lượt làm bài này đã được nộp."))
    _finish(attempt, quiz, now)
    return attempt


def _claim(attempt, new_state, now) -> bool:
    claimed = db.session.execute(
        update(QuizAttempt).where(QuizAttempt.id == attempt.id, QuizAttempt.state == "inprogress")
        .values(state=new_state, finished_at=now).execution_options(synchronize_session=False)
    ).rowcount
    db.session.refresh(attempt)
    return claimed == 1


def _finish(attempt, quiz, when):
    if not _claim(attempt, "finished", when):
        raise AttemptClosed(_("Lượt làm bài này đã được nộp."))
    grade_attempt(attempt)
    update_progress(attempt.user_id, quiz)


def _abandon(attempt, quiz, now):
    if _claim(attempt, "abandoned", now):
        update_progress(attempt.user_id, quiz)


def grade_attempt(attempt: QuizAttempt) -> None:
    questions = attempt_questions(attempt)
    answers = saved_answers(attempt)
    total, pending = 0.0, False
    for key, info in attempt.layout["q"].items():
        qid = int(key)
        q = questions.get(qid)
        if q is None:
            continue
        qt = types.get_type(q.qtype)
        if not qt.gradable:
            continue
        row = answers.get(qid)
        if row is None:
            row = AttemptAnswer(attempt_id=attempt.id, question_id=qid, response=None, saved_at=attempt.finished_at)
            db.session.add(row)
        if qt.manual:
            if row.fraction is None:
                pending = True if row.response not in (None, "") else pending
                if row.response in (None, ""):
                    row.fraction, row.mark = 0.0, 0.0
            total += row.mark or 0.0
            continue
        fraction = qt.grade(q.data, row.response)
        row.fraction = fraction
        row.mark = round(fraction * info["mark"], 5)
        total += row.mark
    attempt.marks = round(total, 5)
    attempt.needs_grading = pending
    attempt.percent = None if pending else (round(100 * total / attempt.max_marks, 2) if attempt.max_marks else 0.0)
    db.session.flush()


def grade_manually(answer: AttemptAnswer, fraction: float, comment: str, grader) -> QuizAttempt:
    if not 0 <= fraction <= 1:
        raise ServiceError(_("Điểm phải từ 0 đến điểm tối đa của câu."), field="mark")
    attempt = db.session.get(QuizAttempt, answer.attempt_id)
    if attempt.state != "finished":
        raise Conflict(_("Chỉ chấm được bài đã nộp."))
    info = attempt.layout["q"][str(answer.question_id)]
    answer.fraction = fraction
    answer.mark = round(fraction * info["mark"], 5)
    answer.comment = comment or ""
    answer.graded_by_id = grader.id
    answer.graded_at = utcnow()
    db.session.flush()
    grade_attempt(attempt)
    update_progress(attempt.user_id, db.session.get(Quiz, attempt.quiz_id))
    return attempt


# --- progress ----------------------------------------------------------------------------------------

def quiz_grade(quiz: Quiz, attempts) -> float | None:
    graded = [a for a in attempts if a.state == "finished" and a.percent is not None]
    if not graded:
        return None
    if quiz.grading_method == "highest":
        return max(a.percent for a in graded)
    if quiz.grading_method == "average":
        return round(sum(a.percent for a in graded) / len(graded), 2)
    if quiz.grading_method == "first":
        return min(graded, key=lambda a: a.number).percent
    return max(graded, key=lambda a: a.number).percent


def _touch_progress(user, quiz, now):
    update_progress(user.id, quiz)


def update_progress(user_id: int, quiz: Quiz):
    """Refresh the trainee's progress (grade by the grading method, completion) in this transaction."""
    activity = db.session.get(Activity, quiz.activity_id)
    return tell_facts_changed(activity.course_id, user_id)


# --- review ------------------------------------------------------------------------------------------

def review_allows(quiz: Quiz, attempt: QuizAttempt, now=None) -> set:
    """What the trainee may see of ``attempt`` now (permissions.review_options)."""
    return review_options(quiz, attempt, now)


def hidden_grade_quizzes(user, course_ids=None, now=None) -> set[int]:
    """Activity ids of the quizzes whose grade ``user`` may not see now (permissions.can_see_marks),
    among the quizzes they have finished attempts in (in ``course_ids`` if given). Two queries."""
    stmt = (select(QuizAttempt).join(Activity, Activity.id == QuizAttempt.quiz_id)
            .where(QuizAttempt.user_id == user.id, QuizAttempt.state == "finished"))
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
        if "responses" in allowed:
            item["response"] = response
            item["response_text"] = qt.response_summary(q.data, response) if qt.gradable else ""
        if "correctness" in allowed and qt.gradable and row and row.fraction is not None:
            item["state"] = "right" if row.fraction >= 0.999 else ("partial" if row.fraction > 0 else "wrong")
        if "marks" in allowed and qt.gradable:
            item["mark"] = row.mark if row else None
        if "feedback" in allowed:
            item["feedback"] = (qt.feedback(q.data, response) if qt.gradable else []) + \
                ([q.general_feedback] if q.general_feedback else []) + ([row.comment] if row and row.comment else [])
        if "grader_info" in allowed and q.qtype == "essay" and q.data.get("grader_info"):
            item["grader_info"] = q.data["grader_info"]
        if "right_answer" in allowed and qt.gradable and not qt.manual:
            item["right_answer"] = qt.right_answer(q.text, q.data)
        items.append(item)
    return items
