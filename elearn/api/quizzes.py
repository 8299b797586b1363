"""Quiz attempts for the offline client: start, read (never keys), save, submit, review.

Save and submit take an ``Idempotency-Key`` header: a retried request with the same key returns
the first response and changes nothing.
"""
from flask_login import current_user
from flask_smorest import abort
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..core.errors import ServiceError
from ..core.loading import loads
from ..core.models import IdempotencyKey
from ..core.timeutil import utcnow
from ..extensions import db
from ..quizzes import review, services, types
from ..quizzes.enums import AttemptState, ReviewItem
from ..quizzes.loaders import load_attempt, load_quiz
from ..quizzes.permissions import can_see_marks
from . import bp, links
from .schemas import AnswersSchema, AttemptSchema, ErrorSchema, IdempotencyHeader, ReviewSchema, SavedSchema

QUIZ = ("activity", "course", "module", "quiz", "editor")  # what ``load_quiz`` returns
ATTEMPT = ("attempt", "activity", "course", "module", "quiz")  # what ``load_attempt`` returns


def _quiz_refused(e):
    """``load_quiz``'s refusal (hidden 404, locked 403) as this API's JSON error."""
    abort(e.code, message="Không tìm thấy bài kiểm tra." if e.code == 404 else "Module này chưa mở.")


def _attempt_refused(e):
    """``load_attempt``'s refusal (not the viewer's, hidden 404, locked 403) as this API's JSON error."""
    abort(e.code, message="Không tìm thấy lượt làm bài." if e.code == 404 else "Module này chưa mở.")


def _attempt_body(attempt):
    questions = services.attempt_questions(attempt)
    answers = services.saved_answers(attempt)
    out, n = [], 0
    for p, page in enumerate(attempt.layout["pages"]):
        for qid in page:
            q = questions[int(qid)]
            qt = types.get_type(q.qtype)
            info = attempt.layout["q"][str(qid)]
            n += 1
            out.append({"id": q.id, "number": n, "page": p, "qtype": q.qtype, "text_html": q.text_html,
                        "mark": info["mark"], "public": qt.public(q.text, q.data, info["layout"]),
                        "response": answers[q.id].response if q.id in answers else None})
    left = None
    if attempt.deadline_at and attempt.state == AttemptState.IN_PROGRESS:
        left = max(0, int((attempt.deadline_at - utcnow()).total_seconds()))
    return {"id": attempt.id, "quiz_id": attempt.quiz_id, "number": attempt.number, "state": attempt.state,
            "started_at": attempt.started_at, "deadline_at": attempt.deadline_at, "seconds_left": left,
            "save_seq": attempt.save_seq, "questions": out}


def _idempotent(key, endpoint, action):
    """Run ``action()`` → (status, body) once per (user, key); a repeat gets the stored answer."""
    if key:
        done = db.session.scalar(select(IdempotencyKey).where(IdempotencyKey.user_id == current_user.id,
                                                              IdempotencyKey.key == key))
        if done is not None:
            if done.endpoint != endpoint:
                abort(422, message="Idempotency-Key này đã được dùng cho một yêu cầu khác.")
            return done.body, done.status_code
    try:
        status, body = action()
    except ServiceError as err:
        db.session.rollback()
        abort(err.status, message=err.message)
    if key:
        try:
            with db.session.begin_nested():
                db.session.add(IdempotencyKey(user_id=current_user.id, key=key, endpoint=endpoint,
                                              status_code=status, body=body))
        except IntegrityError:
            # The same key is being processed by a simultaneous retry: undo ours, return theirs.
            db.session.rollback()
            done = db.session.scalar(select(IdempotencyKey).where(IdempotencyKey.user_id == current_user.id,
                                                                  IdempotencyKey.key == key))
            return done.body, done.status_code
    db.session.commit()
    return body, status


@bp.route("/quizzes/<int:activity_id>/attempts", methods=["POST"])
@bp.doc(operationId="startAttempt")
@links(201, **{name: (target, {"attempt_id": "$response.body#/id"}) for name, target in (
    ("attempt", "getAttempt"), ("answers", "saveAnswers"), ("submit", "submitAttempt"), ("review", "reviewAttempt"))})
@bp.response(201, AttemptSchema)
@bp.alt_response(409, schema=ErrorSchema, description="Bài đóng hoặc đã hết lượt")
@loads(load_quiz, into=QUIZ, on_refusal=_quiz_refused)
def start_attempt(activity, course, module, quiz, editor):
    """Bắt đầu (hoặc tiếp tục) một lượt làm bài"""
    try:
        attempt = services.start_attempt(current_user, quiz)
    except ServiceError as err:
        db.session.rollback()
        abort(err.status, message=err.message)
    db.session.commit()
    return _attempt_body(attempt)


@bp.route("/attempts/<int:attempt_id>")
@bp.doc(operationId="getAttempt")
@bp.response(200, AttemptSchema)
@bp.alt_response(404, schema=ErrorSchema, description="Không có lượt làm bài")
@loads(load_attempt, into=ATTEMPT, on_refusal=_attempt_refused)
def get_attempt(attempt, activity, course, module, quiz):
    """Câu hỏi của lượt làm bài và câu trả lời đã lưu (không có đáp án)"""
    services.process_overdue(attempt, quiz)
    db.session.commit()
    return _attempt_body(attempt)


@bp.route("/attempts/<int:attempt_id>/answers", methods=["PUT"])
@bp.doc(operationId="saveAnswers")
@bp.arguments(IdempotencyHeader, location="headers", as_kwargs=True)
@bp.arguments(AnswersSchema)
@bp.response(200, SavedSchema)
@bp.alt_response(409, schema=ErrorSchema, description="Hết giờ, đã nộp, hoặc seq không lớn hơn lần lưu trước")
@bp.alt_response(422, schema=ErrorSchema, description="Câu trả lời không hợp lệ")
@loads(load_attempt, into=ATTEMPT, on_refusal=_attempt_refused)
def save_answers(args, attempt, activity, course, module, quiz, idempotency_key=None):
    """Lưu câu trả lời (mỗi lần lưu mang seq tăng dần; lần lưu cũ hơn bị từ chối, không thay đổi gì)"""
    questions = services.attempt_questions(attempt)
    cleaned = {}
    for key, raw in args["answers"].items():
        if not key.isdigit() or int(key) not in questions or key not in attempt.layout["q"]:
            abort(422, message=f"Câu hỏi {key} không thuộc lượt làm bài này.")
        q = questions[int(key)]
        try:
            cleaned[q.id] = types.get_type(q.qtype).clean_response(raw, q.data, attempt.layout["q"][key]["layout"])
        except ValueError as exc:
            abort(422, message=f"Câu {key}: {exc}")

    def action():
        saved = services.save_responses(attempt, quiz, cleaned, seq=args["seq"])
        return 200, {"saved": saved, "seq": attempt.save_seq}

    body, status = _idempotent(idempotency_key, f"save:{attempt.id}", action)
    return body, status


@bp.route("/attempts/<int:attempt_id>/submit", methods=["POST"])
@bp.doc(operationId="submitAttempt")
@bp.arguments(IdempotencyHeader, location="headers", as_kwargs=True)
@bp.response(200, ReviewSchema)
@bp.alt_response(409, schema=ErrorSchema, description="Đã nộp")
@loads(load_attempt, into=ATTEMPT, on_refusal=_attempt_refused)
def submit_attempt(attempt, activity, course, module, quiz, idempotency_key=None):
    """Nộp bài"""

    def action():
        services.submit(attempt, quiz)
        return 200, _review_body(attempt, quiz)

    body, status = _idempotent(idempotency_key, f"submit:{attempt.id}", action)
    return body, status


def _review_body(attempt, quiz):
    now = utcnow()
    allowed = review.review_allows(quiz, attempt, now) if attempt.state != AttemptState.IN_PROGRESS else set()
    if not can_see_marks(current_user, quiz, attempt, now):
        allowed.discard(ReviewItem.MARKS)
    items = review.review_items(attempt, allowed) if allowed else []
    out = []
    for it in items:
        d = {"id": it["question"].id, "number": it["number"], "text_html": it["question"].text_html,
             "public": it["public"]}
        for k in ("response", "state", "mark", "feedback", "right_answer"):
            if k in it:
                d[k] = it[k]
        out.append(d)
    show_marks = ReviewItem.MARKS in allowed
    return {"id": attempt.id, "state": attempt.state, "allowed": sorted(allowed),
            "marks": attempt.marks if show_marks else None, "max_marks": attempt.max_marks if show_marks else None,
            "percent": attempt.percent if show_marks else None, "questions": out}


@bp.route("/attempts/<int:attempt_id>/review")
@bp.doc(operationId="reviewAttempt")
@bp.response(200, ReviewSchema)
@loads(load_attempt, into=ATTEMPT, on_refusal=_attempt_refused)
def review_attempt(attempt, activity, course, module, quiz):
    """Xem lại bài đã nộp, theo tuỳ chọn xem lại của bài kiểm tra"""
    services.process_overdue(attempt, quiz)
    db.session.commit()
    if attempt.state == AttemptState.IN_PROGRESS:
        abort(409, message="Lượt làm bài chưa nộp.")
    return _review_body(attempt, quiz)
