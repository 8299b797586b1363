"""Instructor side of quizzes: settings and review options, questions from the bank, results,
essay grading, item statistics, and question import from the browser with a preview."""
import os
import secrets

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from ..auth.forms import ConfirmForm
from ..auth.models import User
from ..core import once
from ..core.errors import ServiceError
from ..core.http import db_int
from ..core.text import vi_name_key
from ..core.timeutil import local_to_utc, to_local
from ..courses import loaders
from ..courses.models import Module
from ..extensions import db
from . import bank, bp, services, stats, types
from .forms import ConfirmImportForm, GradeForm, NewQuizForm, QuestionUploadForm, QuizSettingsForm
from .models import (
    DEFAULT_REVIEW,
    QUIZ_KIND,
    REVIEW_WHAT,
    REVIEW_WHEN,
    AttemptAnswer,
    Question,
    QuestionCategory,
    QuizAttempt,
    QuizSlot,
)
from .permissions import can_grade


def _staff_quiz(activity_id):
    activity, course = loaders.load_editable_activity(activity_id, kind=QUIZ_KIND)
    return activity, course, services.get_quiz(activity)


def _staff_course(slug):
    return loaders.load_course(slug, edit=True).course


def _local_naive(dt):
    return to_local(dt).replace(tzinfo=None) if dt else None


def _utc_naive(local_dt):
    return local_to_utc(local_dt)


@bp.route("/<int:activity_id>/manage", methods=["GET", "POST"])
@login_required
def manage(activity_id):
    activity, course, quiz = _staff_quiz(activity_id)
    if request.method == "GET":
        form = QuizSettingsForm(formdata=None, pass_mark=quiz.pass_mark, attempts_allowed=quiz.attempts_allowed,
                                grading_method=quiz.grading_method, time_limit_minutes=quiz.time_limit // 60,
                                overdue=quiz.overdue, grace_minutes=quiz.grace_seconds // 60,
                                open_at=_local_naive(quiz.open_at), close_at=_local_naive(quiz.close_at),
                                per_page=quiz.per_page, shuffle_questions=quiz.shuffle_questions,
                                shuffle_answers=quiz.shuffle_answers)
    else:
        form = QuizSettingsForm()
    if form.validate_on_submit():
        open_at, close_at = _utc_naive(form.open_at.data), _utc_naive(form.close_at.data)
        if open_at and close_at and close_at <= open_at:
            form.close_at.errors.append(_("Thời điểm đóng phải sau thời điểm mở."))
        else:
            quiz.pass_mark = float(form.pass_mark.data)
            quiz.attempts_allowed = form.attempts_allowed.data
            quiz.grading_method = form.grading_method.data
            quiz.time_limit = form.time_limit_minutes.data * 60
            quiz.overdue = form.overdue.data
            quiz.grace_seconds = form.grace_minutes.data * 60
            quiz.open_at, quiz.close_at = open_at, close_at
            quiz.per_page = form.per_page.data
            quiz.shuffle_questions = form.shuffle_questions.data
            quiz.shuffle_answers = form.shuffle_answers.data
            quiz.review = _review_from_form()
            db.session.commit()
            flash(_("Đã lưu thiết lập bài kiểm tra."), "success")
            return redirect(url_for("quizzes.manage", activity_id=activity_id))
    in_quiz = {s.question_id for s in quiz.slots if s.question_id}
    slot_questions = {q.id: q for q in db.session.scalars(select(Question).where(Question.id.in_(in_quiz)))} if in_quiz else {}
    categories = db.session.scalars(select(QuestionCategory).where(QuestionCategory.course_id == course.id)
                                    .order_by(QuestionCategory.path)).all()
    available = db.session.scalars(select(Question).where(Question.course_id == course.id, Question.status == "active",
                                                          Question.id.not_in(in_quiz) if in_quiz else True)
                                   .order_by(Question.category_id, Question.id)).all()
    return render_template("quizzes/manage.html", activity=activity, course=course, quiz=quiz, form=form,
                           slot_questions=slot_questions, categories={c.id: c for c in categories},
                           available=available, confirm=ConfirmForm(), when=REVIEW_WHEN, what=REVIEW_WHAT,
                           types=types)


def _review_from_form():
    return {when: [what for what in REVIEW_WHAT if request.form.get(f"review-{when}-{what}")] for when in REVIEW_WHEN}


@bp.route("/new/<slug>/<int:module_id>", methods=["GET", "POST"])
@login_required
def new_quiz(slug, module_id):
    """Create a quiz in a module (settings first); then its settings page picks the questions."""
    course = _staff_course(slug)
    module = db.get_or_404(Module, module_id)
    if module.course_id != course.id:
        abort(404)
    form = NewQuizForm()
    review = _review_from_form() if request.method == "POST" else DEFAULT_REVIEW
    if form.validate_on_submit():
        replay = once.claim(form)
        if replay is not None:
            return replay
        try:
            quiz = services.create_quiz(module, title=form.title.data, pass_mark=form.pass_mark.data,
                                        attempts_allowed=form.attempts_allowed.data,
                                        time_limit=form.time_limit_minutes.data * 60,
                                        open_at=_utc_naive(form.open_at.data), close_at=_utc_naive(form.close_at.data),
                                        review=review)
        except ServiceError as err:
            db.session.rollback()
            err.show_on(form)
        else:
            target = url_for("quizzes.manage", activity_id=quiz.activity_id)
            once.done(target)
            db.session.commit()
            flash(_("Đã tạo bài kiểm tra (bản nháp). Hãy chọn câu hỏi."), "success")
            return redirect(target)
    return render_template("quizzes/new.html", course=course, module=module, form=form, review=review,
                           when=REVIEW_WHEN, what=REVIEW_WHAT)


@bp.route("/<int:activity_id>/slots", methods=["POST"])
@login_required
def change_slots(activity_id):
    activity, course, quiz = _staff_quiz(activity_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    action = request.form.get("action")
    if action == "add":
        ids = [int(x) for x in request.form.getlist("question") if x.isdigit()]
        chosen = db.session.scalars(select(Question).where(Question.id.in_(ids), Question.course_id == course.id)).all()
        start = len(quiz.slots)
        for i, q in enumerate(chosen):
            quiz.slots.append(QuizSlot(position=start + i, question_id=q.id, mark=q.default_mark))
    elif action == "random":
        cat = db.session.get(QuestionCategory, request.form.get("category", type=db_int) or 0)
        count = request.form.get("count", 1, type=db_int) or 1
        if cat is None or cat.course_id != course.id or not 1 <= count <= 50:
            flash(_("Hãy chọn nhóm câu hỏi và số câu từ 1 đến 50."), "error")
            return redirect(url_for("quizzes.manage", activity_id=activity_id))
        services.add_random_slot(quiz, cat, count)
    elif action == "remove":
        slot = db.session.get(QuizSlot, request.form.get("slot", type=db_int) or 0)
        if slot is None or slot.quiz_id != quiz.activity_id:
            abort(404)
        quiz.slots.remove(slot)
        for i, s in enumerate(quiz.slots):
            s.position = i
    else:
        abort(400)
    db.session.commit()
    flash(_("Đã cập nhật câu hỏi của bài kiểm tra. Các lượt đã bắt đầu giữ nguyên bộ câu hỏi của mình."), "success")
    return redirect(url_for("quizzes.manage", activity_id=activity_id))


@bp.route("/<int:activity_id>/results")
@login_required
def overview(activity_id):
    activity, course, quiz = _staff_quiz(activity_id)
    attempts = db.session.scalars(select(QuizAttempt).where(QuizAttempt.quiz_id == quiz.activity_id)).all()
    users = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_({a.user_id for a in attempts})))} if attempts else {}
    rows = sorted(attempts, key=lambda a: (vi_name_key(users[a.user_id].name), a.number))
    analysis = stats.item_analysis(quiz)
    qids = list(analysis)
    questions = {q.id: q for q in db.session.scalars(select(Question).where(Question.id.in_(qids)))} if qids else {}
    return render_template("quizzes/overview.html", activity=activity, course=course, quiz=quiz, rows=rows,
                           users=users, analysis=analysis, questions=questions, min_attempts=stats.MIN_ATTEMPTS,
                           pending=sum(1 for a in attempts if a.needs_grading))


_STATES = {"inprogress": "Đang làm", "finished": "Đã nộp", "abandoned": "Không được tính"}


@bp.route("/<int:activity_id>/results.<fmt>")
@login_required
def export_results(activity_id, fmt):
    """The results table as CSV or XLSX (the rules of the manager reports: core.exports)."""
    from ..core.exports import table_response

    if fmt not in ("csv", "xlsx"):
        abort(404)
    activity, course, quiz = _staff_quiz(activity_id)
    attempts = db.session.scalars(select(QuizAttempt).where(QuizAttempt.quiz_id == quiz.activity_id)).all()
    users = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_({a.user_id for a in attempts})))} if attempts else {}
    ordered = sorted(attempts, key=lambda a: (vi_name_key(users[a.user_id].name), a.number))
    header = [_("Học viên"), _("Email"), _("Đơn vị"), _("Lượt"), _("Trạng thái"), _("Nộp lúc"),
              _("Điểm (%%)") % {}]  # gettext without arguments leaves "%%" as it is
    rows = [[users[a.user_id].name, users[a.user_id].email, users[a.user_id].org.name, a.number,
             _(_STATES.get(a.state, a.state)) + (" · " + _("chờ chấm") if a.needs_grading else ""),
             _local_naive(a.finished_at), a.percent] for a in ordered]
    return table_response(fmt, f"ket-qua-{activity.slug}", header, rows, title=_("Kết quả"))


@bp.route("/<int:activity_id>/statistics.<fmt>")
@login_required
def export_statistics(activity_id, fmt):
    from ..core.exports import table_response

    if fmt not in ("csv", "xlsx"):
        abort(404)
    activity, course, quiz = _staff_quiz(activity_id)
    analysis = stats.item_analysis(quiz)
    questions = {q.id: q for q in db.session.scalars(select(Question).where(Question.id.in_(list(analysis))))} if analysis else {}
    header = [_("Câu hỏi"), _("Loại"), _("Số lượt"), _("Độ dễ"), _("Độ phân biệt")]
    too_few = _("Quá ít lượt làm (cần ít nhất %(n)d)", n=stats.MIN_ATTEMPTS)
    rows = []
    for qid, s in analysis.items():
        q = questions[qid]
        rows.append([q.title or q.text[:200], str(types.get_type(q.qtype).label), s["attempts"],
                     too_few if s["too_few"] else s["facility"], too_few if s["too_few"] else s["discrimination"]])
    return table_response(fmt, f"thong-ke-{activity.slug}", header, rows, title=_("Thống kê"))


@bp.route("/<int:activity_id>/grading", methods=["GET", "POST"])
@login_required
def grading(activity_id):
    activity, course, quiz = _staff_quiz(activity_id)
    if not can_grade(current_user, is_staff=True):
        abort(403)
    kept = {}  # a refused mark: what the grader wrote stays in the form, with the error
    status = 200
    if request.method == "POST":
        form = GradeForm()
        answer = db.get_or_404(AttemptAnswer, request.form.get("answer", type=db_int) or 0)
        attempt = db.session.get(QuizAttempt, answer.attempt_id)
        if attempt.quiz_id != quiz.activity_id:
            abort(404)
        max_mark = attempt.layout["q"][str(answer.question_id)]["mark"]
        mark = parse_mark(form.mark.data)
        error = None
        if not form.validate_on_submit():
            abort(400)
        if mark is None or not 0 <= mark <= max_mark:
            error = _("Điểm phải là một số từ 0 đến %(m)s (ví dụ 0,8).", m=max_mark)
        else:
            try:
                services.grade_manually(answer, mark / max_mark if max_mark else 0.0, form.comment.data, current_user)
            except ServiceError as err:
                db.session.rollback()
                error = err.message
            else:
                db.session.commit()
                flash(_("Đã chấm."), "success")
                return redirect(url_for("quizzes.grading", activity_id=activity_id))
        kept[answer.id] = {"mark": form.mark.data or "", "comment": form.comment.data or "", "error": error}
        status = 422
    essay_ids = select(Question.id).where(Question.qtype == "essay", Question.course_id == course.id)
    pending = db.session.execute(
        select(AttemptAnswer, QuizAttempt, User)
        .join(QuizAttempt, AttemptAnswer.attempt_id == QuizAttempt.id)
        .join(User, QuizAttempt.user_id == User.id)
        .where(QuizAttempt.quiz_id == quiz.activity_id, QuizAttempt.state == "finished",
               AttemptAnswer.question_id.in_(essay_ids), AttemptAnswer.graded_at.is_(None),
               AttemptAnswer.response.is_not(None))
        .order_by(QuizAttempt.finished_at)).all()
    questions = {q.id: q for q in db.session.scalars(select(Question).where(
        Question.id.in_({a.question_id for a, _t, _u in pending})))} if pending else {}
    return render_template("quizzes/grading.html", activity=activity, course=course, quiz=quiz, pending=pending,
                           questions=questions, form=GradeForm(formdata=None), kept=kept), status


def parse_mark(raw) -> float | None:
    """A mark as typed: "0,8" (Vietnamese decimal comma) or "0.8"; None when it is not a number."""
    import math

    text = (raw or "").strip().replace(" ", "")
    if text.count(",") == 1 and "." not in text:
        text = text.replace(",", ".")
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


# --- the course's question bank ---------------------------------------------------------------------

def _import_dir():
    """Where question files wait between preview and import; previews older than a day are removed."""
    import time

    path = os.path.join(current_app.instance_path, "uploads", "imports")
    os.makedirs(path, exist_ok=True)
    cutoff = time.time() - 24 * 3600
    for name in os.listdir(path):
        full = os.path.join(path, name)
        try:
            if os.path.getmtime(full) < cutoff:
                os.remove(full)
        except OSError:
            pass  # another worker removed it first
    return path


@bp.route("/bank/<slug>", methods=["GET", "POST"])
@login_required
def bank_view(slug):
    course = _staff_course(slug)
    form = QuestionUploadForm()
    if request.method == "POST" and form.validate_on_submit():
        upload = request.files.get("file")
        data = upload.read(2 * 1024 * 1024 + 1) if upload else b""
        if not data:
            form.file.errors.append(_("Hãy chọn một tệp."))
        elif len(data) > 2 * 1024 * 1024:
            form.file.errors.append(_("Tệp câu hỏi tối đa 2 MB."))
        else:
            parsed = bank.parse_file(data)
            token = secrets.token_hex(16)
            with open(os.path.join(_import_dir(), token + ".txt"), "wb") as fh:
                fh.write(data)
            counts = bank.preview_counts(course, parsed.questions, f"{course.slug}/tai-len")
            return render_template("quizzes/import_preview.html", course=course, parsed=parsed, types=types,
                                   counts=counts, form=ConfirmImportForm(formdata=None, token=token))
    categories = db.session.scalars(select(QuestionCategory).where(QuestionCategory.course_id == course.id)
                                    .order_by(QuestionCategory.path)).all()
    counts = {}
    for cid, qtype in db.session.execute(select(Question.category_id, Question.qtype)
                                         .where(Question.course_id == course.id, Question.status == "active")):
        counts.setdefault(cid, {}).setdefault(qtype, 0)
        counts[cid][qtype] += 1
    return render_template("quizzes/bank.html", course=course, form=form, categories=categories, counts=counts,
                           types=types)


@bp.route("/bank/<slug>/import", methods=["POST"])
@login_required
def bank_import(slug):
    course = _staff_course(slug)
    form = ConfirmImportForm()
    token = form.token.data or ""
    if not form.validate_on_submit() or form.mode.data not in ("new", "replace") or not (len(token) == 32 and all(c in "0123456789abcdef" for c in token)):
        abort(400)
    path = os.path.join(_import_dir(), token + ".txt")
    if not os.path.exists(path):
        flash(_("Bản xem trước đã hết hạn; hãy tải tệp lên lại."), "error")
        return redirect(url_for("quizzes.bank_view", slug=slug))
    with open(path, "rb") as fh:
        parsed = bank.parse_file(fh.read())
    if parsed.errors and not form.skip_bad.data:
        flash(_("Tệp có câu hỏi lỗi; không nhập gì. Sửa tệp, hoặc chọn bỏ qua các câu lỗi."), "error")
        return redirect(url_for("quizzes.bank_view", slug=slug))
    result = bank.store_questions(course, parsed.questions, f"{course.slug}/tai-len",
                                  replace=form.mode.data == "replace")
    db.session.commit()
    os.remove(path)
    flash(_("Đã nhập %(n)d câu hỏi (%(new)d mới, %(upd)d cập nhật).", n=len(result.questions),
            new=result.created, upd=result.updated), "success")
    return redirect(url_for("quizzes.bank_view", slug=slug))
