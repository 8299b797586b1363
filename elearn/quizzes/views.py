"""Trainee side of quizzes: the quiz page, the attempt (a few questions a page, works without
JavaScript), the summary, submit and review."""
from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from ..auth.forms import ConfirmForm
from ..core.errors import ServiceError
from ..core.loading import loads
from ..core.timeutil import utcnow
from ..extensions import db
from . import bp, review as reviews, services, types
from .enums import AttemptState, ReviewItem
from .grading import quiz_grade
from .loaders import load_attempt, load_quiz
from .models import Question, QuizAttempt
from .permissions import can_see_marks


@bp.route("/<int:activity_id>")
@login_required
@loads(load_quiz, into=("activity", "course", "module", "quiz", "editor"))
def quiz(activity, course, module, quiz, editor):
    attempts = services.attempts_of(current_user, quiz)
    now = utcnow()
    for a in attempts:
        services.process_overdue(a, quiz, now)
    db.session.commit()
    current = next((a for a in attempts if a.state == AttemptState.IN_PROGRESS), None)
    # Marks only where the review options let them out now (permissions.can_see_marks).
    show_grade = can_see_marks(current_user, quiz, attempts=attempts, now=now)
    shown = {a.id for a in attempts if can_see_marks(current_user, quiz, a, now)}
    return render_template("quizzes/quiz.html", activity=activity, course=course, module=module, quiz=quiz,
                           attempts=attempts, current=current, closed=services.why_closed(current_user, quiz, now),
                           grade=quiz_grade(quiz, attempts) if show_grade else None, marks_shown=shown,
                           editor=editor, form=ConfirmForm(), question_count=len(quiz.slots))


@bp.route("/<int:activity_id>/start", methods=["POST"])
@login_required
@loads(load_quiz, into=("activity", "course", "module", "quiz", "editor"))
def start(activity, course, module, quiz, editor):
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        attempt = services.start_attempt(current_user, quiz)
    except ServiceError as err:
        db.session.rollback()
        flash(err.message, "error")
        return redirect(url_for("quizzes.quiz", activity_id=activity.id))
    db.session.commit()
    return redirect(url_for("quizzes.attempt", attempt_id=attempt.id))


def _page_items(attempt, page):
    questions = services.attempt_questions(attempt)
    answers = services.saved_answers(attempt)
    numbers = {int(q): n + 1 for n, q in enumerate(q for p in attempt.layout["pages"] for q in p)}
    items = []
    for qid in attempt.layout["pages"][page]:
        q = questions[int(qid)]
        qt = types.get_type(q.qtype)
        layout = attempt.layout["q"][str(qid)]["layout"]
        public = dict(qt.public(q.text, q.data, layout))
        public["text_html"] = q.text_html
        row = answers.get(q.id)
        items.append({"number": numbers[q.id], "qt": qt, "q": public, "prefix": f"q{q.id}", "id": q.id,
                      "response": row.response if row else None, "mark": attempt.layout["q"][str(qid)]["mark"]})
    return items


def _responses_from_form(attempt, page):
    ids = [int(q) for q in attempt.layout["pages"][page]]
    questions = {q.id: q for q in db.session.scalars(select(Question).where(Question.id.in_(ids)))}
    out = {}
    for qid in attempt.layout["pages"][page]:
        q = questions[int(qid)]
        qt = types.get_type(q.qtype)
        if not qt.gradable:
            continue
        layout = attempt.layout["q"][str(qid)]["layout"]
        out[q.id] = qt.response_from_form(request.form, f"q{q.id}", q.data, layout)
    return out


@bp.route("/attempt/<int:attempt_id>", methods=["GET", "POST"])
@login_required
@loads(load_attempt, into=("attempt", "activity", "course", "module", "quiz"))
def attempt(attempt, activity, course, module, quiz):
    attempt_id = attempt.id
    pages = len(attempt.layout["pages"])
    page = request.values.get("page", 0, type=int)
    page = min(max(page, 0), pages - 1)
    if request.method == "POST":
        if not ConfirmForm().validate_on_submit():
            abort(400)
        action = request.form.get("action", "next")
        try:
            services.save_responses(attempt, quiz, _responses_from_form(attempt, page),
                                    seq=services.parse_seq(request.form.get("seq")))
        except ServiceError as err:
            db.session.rollback()
            flash(err.message, "error")
            attempt = db.session.get(QuizAttempt, attempt_id)
            if attempt.state != AttemptState.IN_PROGRESS or action == "finish":
                return redirect(url_for("quizzes.summary", attempt_id=attempt_id))
            if err.code in ("stale_save", "bad_seq"):  # nothing saved: show this page's saved answers
                return redirect(url_for("quizzes.attempt", attempt_id=attempt_id, page=page))
        else:
            db.session.commit()
        if action == "finish":
            return redirect(url_for("quizzes.summary", attempt_id=attempt_id))
        target = {"next": page + 1, "prev": page - 1}.get(action)
        if target is None:
            target = request.form.get("goto", page, type=int)
        return redirect(url_for("quizzes.attempt", attempt_id=attempt_id, page=min(max(target, 0), pages - 1)))
    services.process_overdue(attempt, quiz)
    db.session.commit()
    if attempt.state != AttemptState.IN_PROGRESS:
        return redirect(url_for("quizzes.review", attempt_id=attempt_id))
    now = utcnow()
    remaining = int((attempt.deadline_at - now).total_seconds()) if attempt.deadline_at else None
    return render_template("quizzes/attempt.html", attempt=attempt, activity=activity, course=course, quiz=quiz,
                           items=_page_items(attempt, page), page=page, pages=pages, remaining=remaining,
                           form=ConfirmForm(), time_up=remaining is not None and remaining <= 0)


def _refused_json(e):
    """The autosave script's refusals, as JSON (the page shows the message)."""
    if e.code == 404:
        return jsonify(error={"code": "not_found", "message": _("Không tìm thấy lượt làm bài.")}), 404
    return jsonify(error={"code": "forbidden", "message": _("Module này chưa mở: hãy hoàn thành các module trước.")}), 403


@bp.route("/attempt/<int:attempt_id>/autosave", methods=["POST"])
@login_required
@loads(load_attempt, into=("attempt", "activity", "course", "module", "quiz"), on_refusal=lambda e: _refused_json(e))
def autosave(attempt, activity, course, module, quiz):
    """The page's small script posts the form here as the trainee answers (one small request).

    It checks access like every write (``load_attempt``): the module may have been locked or the
    course closed since the attempt started; save_responses enforces its state, deadline and save
    sequence (``seq``: a save older than the last accepted one gets 409 and changes nothing)."""
    if not ConfirmForm().validate_on_submit():
        return jsonify(error={"code": "csrf_failed", "message": _("Phiên làm việc đã hết hạn.")}), 400
    page = min(max(request.form.get("page", 0, type=int), 0), len(attempt.layout["pages"]) - 1)
    try:
        n = services.save_responses(attempt, quiz, _responses_from_form(attempt, page),
                                    seq=services.parse_seq(request.form.get("seq")))
    except ServiceError as err:
        db.session.rollback()
        return jsonify(error={"code": err.code, "message": err.message}), err.status
    seq = attempt.save_seq  # read before the commit expires it (else one more transaction and query)
    db.session.commit()
    return jsonify(saved=n, seq=seq)


@bp.route("/attempt/<int:attempt_id>/summary")
@login_required
@loads(load_attempt, into=("attempt", "activity", "course", "module", "quiz"))
def summary(attempt, activity, course, module, quiz):
    attempt_id = attempt.id
    services.process_overdue(attempt, quiz)
    db.session.commit()
    if attempt.state != AttemptState.IN_PROGRESS:
        return redirect(url_for("quizzes.review", attempt_id=attempt_id))
    answers = services.saved_answers(attempt)
    questions = services.attempt_questions(attempt)
    rows = []
    for p, page in enumerate(attempt.layout["pages"]):
        for qid in page:
            q = questions[int(qid)]
            if not types.get_type(q.qtype).gradable:
                continue
            row = answers.get(int(qid))
            rows.append((len(rows) + 1, p, row is not None and row.response not in (None, "", [], {})))
    return render_template("quizzes/summary.html", attempt=attempt, activity=activity, course=course, quiz=quiz,
                           rows=rows, form=ConfirmForm())


@bp.route("/attempt/<int:attempt_id>/submit", methods=["POST"])
@login_required
@loads(load_attempt, into=("attempt", "activity", "course", "module", "quiz"))
def submit(attempt, activity, course, module, quiz):
    attempt_id = attempt.id
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        services.submit(attempt, quiz)
    except ServiceError as err:
        db.session.rollback()
        flash(err.message, "error")
        return redirect(url_for("quizzes.quiz", activity_id=activity.id)), 303
    db.session.commit()
    flash(_("Đã nộp bài."), "success")
    return redirect(url_for("quizzes.review", attempt_id=attempt_id))


@bp.route("/attempt/<int:attempt_id>/review")
@login_required
@loads(load_attempt, into=("attempt", "activity", "course", "module", "quiz"))
def review(attempt, activity, course, module, quiz):
    attempt_id = attempt.id
    services.process_overdue(attempt, quiz)
    db.session.commit()
    if attempt.state == AttemptState.IN_PROGRESS:
        return redirect(url_for("quizzes.attempt", attempt_id=attempt_id))
    now = utcnow()
    allowed = reviews.review_allows(quiz, attempt, now)
    if not can_see_marks(current_user, quiz, attempt, now):
        allowed.discard(ReviewItem.MARKS)
    return render_template("quizzes/review.html", attempt=attempt, activity=activity, course=course, quiz=quiz,
                           allowed=allowed, items=reviews.review_items(attempt, allowed), types=types)
