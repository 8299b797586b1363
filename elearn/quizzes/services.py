"""Quiz attempts: start, save, submit, grade, overdue handling, progress.

Quiz setup (settings, slots) is in ``authoring``, what a trainee may see afterwards in ``review``,
the arithmetic of marks and grades in ``grading``.

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
from sqlalchemy.orm.attributes import set_committed_value

from ..core.errors import Conflict, ServiceError
from ..core.signals import tell_facts_changed
from ..core.timeutil import utcnow
from ..courses.models import Activity
from ..extensions import db
from . import types
from .enums import AttemptState, Overdue
from .grading import answer_mark, attempt_percent, fraction_of, parse_mark
from .models import AttemptAnswer, Question, QuestionCategory, Quiz, QuizAttempt


class AttemptClosed(Conflict):
    code = "attempt_closed"


class StaleSave(Conflict):
    """A save older than the last one accepted (a replayed or late request): nothing is changed."""

    code = "stale_save"


MAX_SEQ = 2**31 - 1


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
                                                       QuizAttempt.state == AttemptState.IN_PROGRESS))


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
    grace = quiz.grace_seconds if quiz.overdue == Overdue.GRACE_PERIOD else 0
    return attempt.deadline_at + timedelta(seconds=grace)


def process_overdue(attempt: QuizAttempt, quiz: Quiz, now=None) -> QuizAttempt:
    """Apply the quiz's overdue rule to an attempt in progress whose time is up."""
    now = now or utcnow()
    if attempt.state != AttemptState.IN_PROGRESS or attempt.deadline_at is None or now <= attempt.deadline_at:
        return attempt
    if quiz.overdue == Overdue.AUTOSUBMIT:
        _finish(attempt, quiz, attempt.deadline_at)
    elif quiz.overdue == Overdue.GRACE_PERIOD:
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
        update(QuizAttempt).where(QuizAttempt.id == attempt.id, QuizAttempt.state == AttemptState.IN_PROGRESS, cond)
        .values(save_seq=new).execution_options(synchronize_session=False)).rowcount
    if claimed == 1 and seq is not None:
        # the UPDATE matched: the attempt is in progress and its save_seq is now ``seq`` (no re-read)
        set_committed_value(attempt, "state", AttemptState.IN_PROGRESS.value)
        set_committed_value(attempt, "save_seq", seq)
        return
    db.session.refresh(attempt, ["state", "save_seq"])
    if claimed == 1:
        return
    if attempt.state != AttemptState.IN_PROGRESS:
        raise AttemptClosed(_("Lượt làm bài đã kết thúc; câu trả lời không được lưu."))
    raise StaleSave(_("Bản lưu này cũ hơn câu trả lời đã lưu (có thể từ một cửa sổ khác hoặc gửi lại); "
                      "không thay đổi gì. Hãy tải lại trang để xem câu trả lời mới nhất."))


def save_responses(attempt: QuizAttempt, quiz: Quiz, responses: dict, now=None, seq: int | None = None) -> int:
    """Store ``{question_id: response}`` (already cleaned). Refused once time is up, and refused
    (409, nothing changed) when ``seq`` is not larger than the last accepted save's."""
    now = now or utcnow()
    process_overdue(attempt, quiz, now)
    if attempt.state != AttemptState.IN_PROGRESS:
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
    if attempt.state == AttemptState.IN_PROGRESS and attempt.deadline_at and now > attempt.deadline_at:
        process_overdue(attempt, quiz, now)
        if attempt.state == AttemptState.IN_PROGRESS and quiz.overdue == Overdue.GRACE_PERIOD:
            _finish(attempt, quiz, now)  # within the grace period: submit what was saved
        if attempt.state == AttemptState.ABANDONED:
            raise AttemptClosed(_("Đã quá hạn nộp bài; lượt làm bài không được tính."))
        return attempt
    if attempt.state != AttemptState.IN_PROGRESS:
        raise AttemptClosed(_("Lượt làm bài này đã được nộp."))
    _finish(attempt, quiz, now)
    return attempt


def _claim(attempt, new_state, now) -> bool:
    claimed = db.session.execute(
        update(QuizAttempt).where(QuizAttempt.id == attempt.id, QuizAttempt.state == AttemptState.IN_PROGRESS)
        .values(state=new_state.value, finished_at=now).execution_options(synchronize_session=False)
    ).rowcount
    db.session.refresh(attempt)
    return claimed == 1


def _finish(attempt, quiz, when):
    if not _claim(attempt, AttemptState.FINISHED, when):
        raise AttemptClosed(_("Lượt làm bài này đã được nộp."))
    grade_attempt(attempt)
    update_progress(attempt.user_id, quiz)


def _abandon(attempt, quiz, now):
    if _claim(attempt, AttemptState.ABANDONED, now):
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
        row.mark = answer_mark(fraction, info["mark"])
        total += row.mark
    attempt.marks = round(total, 5)
    attempt.needs_grading = pending
    attempt.percent = None if pending else attempt_percent(total, attempt.max_marks)
    db.session.flush()


def grade_manually(answer: AttemptAnswer, mark, comment: str, grader) -> QuizAttempt:
    """A grader's ``mark`` for one answer (a number, or the text they typed: "0,8"), out of the
    question's mark in that attempt; the attempt is graded again and progress follows."""
    attempt = db.session.get(QuizAttempt, answer.attempt_id)
    max_mark = attempt.layout["q"][str(answer.question_id)]["mark"]
    value = parse_mark(mark) if isinstance(mark, str) or mark is None else float(mark)
    if value is None or not 0 <= value <= max_mark:
        raise ServiceError(_("Điểm phải là một số từ 0 đến %(m)s (ví dụ 0,8).", m=max_mark), field="mark")
    if attempt.state != AttemptState.FINISHED:
        raise Conflict(_("Chỉ chấm được bài đã nộp."))
    fraction = fraction_of(value, max_mark)
    answer.fraction = fraction
    answer.mark = answer_mark(fraction, max_mark)
    answer.comment = comment or ""
    answer.graded_by_id = grader.id
    answer.graded_at = utcnow()
    db.session.flush()
    grade_attempt(attempt)
    update_progress(attempt.user_id, db.session.get(Quiz, attempt.quiz_id))
    return attempt


# --- progress ----------------------------------------------------------------------------------------

def _touch_progress(user, quiz, now):
    update_progress(user.id, quiz)


def update_progress(user_id: int, quiz: Quiz):
    """Refresh the trainee's progress (grade by the grading method, completion) in this transaction."""
    activity = db.session.get(Activity, quiz.activity_id)
    return tell_facts_changed(activity.course_id, user_id)
