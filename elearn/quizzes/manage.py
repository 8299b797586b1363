"""Instructor side of quizzes: settings and review options, questions from the bank, results,
essay grading, item statistics, and question import from the browser with a preview."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from ..auth.forms import ConfirmForm
from ..auth.models import User
from ..core import once
from ..core.errors import ServiceError
from ..core.http import db_int
from ..core.loading import loads
from ..core.text import vi_name_key
from ..core.timeutil import local_to_utc, to_local
from ..courses.loaders import load_editable_course, load_editable_module
from ..extensions import db
from . import authoring, bank, bp, services, stats, types
from .enums import AttemptState, ReviewItem, ReviewTime
from .forms import ConfirmImportForm, GradeForm, NewQuizForm, QuestionUploadForm, QuizSettingsForm
from .loaders import load_grading_quiz, load_quiz_export, load_staff_quiz
from .models import DEFAULT_REVIEW, AttemptAnswer, Question, QuestionCategory, QuizAttempt


def _local_naive(dt):
    return to_local(dt).replace(tzinfo=None) if dt else None


def _utc_naive(local_dt):
    return local_to_utc(local_dt)


@bp.route("/<int:activity_id>/manage", methods=["GET", "POST"])
@login_required
@loads(load_staff_quiz, into=("activity", "course", "quiz"))
def manage(activity, course, quiz):
    activity_id = activity.id
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
        try:
            authoring.update_settings(
                quiz, pass_mark=form.pass_mark.data, attempts_allowed=form.attempts_allowed.data,
                grading_method=form.grading_method.data, time_limit=form.time_limit_minutes.data * 60,
                overdue=form.overdue.data, grace_seconds=form.grace_minutes.data * 60,
                open_at=_utc_naive(form.open_at.data), close_at=_utc_naive(form.close_at.data),
                per_page=form.per_page.data, shuffle_questions=form.shuffle_questions.data,
                shuffle_answers=form.shuffle_answers.data, review=_review_from_form())
        except ServiceError as err:
            db.session.rollback()
            err.show_on(form)
        else:
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
                           available=available, confirm=ConfirmForm(), when=ReviewTime, what=ReviewItem,
                           types=types)


def _review_from_form():
    return {when.value: [what.value for what in ReviewItem if request.form.get(f"review-{when}-{what}")]
            for when in ReviewTime}


@bp.route("/new/<slug>/<int:module_id>", methods=["GET", "POST"])
@login_required
@loads(load_editable_module, into=("course", "module"))
def new_quiz(course, module):
    """Create a quiz in a module (settings first); then its settings page picks the questions."""
    form = NewQuizForm()
    review = _review_from_form() if request.method == "POST" else DEFAULT_REVIEW
    if form.validate_on_submit():
        replay = once.claim(form)
        if replay is not None:
            return replay
        try:
            quiz = authoring.create_quiz(module, title=form.title.data, pass_mark=form.pass_mark.data,
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
                           when=ReviewTime, what=ReviewItem)


@bp.route("/<int:activity_id>/slots", methods=["POST"])
@login_required
@loads(load_staff_quiz, into=("activity", "course", "quiz"))
def change_slots(activity, course, quiz):
    activity_id = activity.id
    if not ConfirmForm().validate_on_submit():
        abort(400)
    action = request.form.get("action")
    try:
        if action == "add":
            authoring.add_questions(quiz, course, [int(x) for x in request.form.getlist("question") if x.isdigit()])
        elif action == "random":
            category = authoring.category_of(course, request.form.get("category", type=db_int))
            authoring.add_random_slot(quiz, category, request.form.get("count", 1, type=db_int))
        elif action == "remove":
            authoring.remove_slot(quiz, request.form.get("slot", type=db_int))
        else:
            abort(400)
    except ServiceError as err:
        db.session.rollback()
        flash(err.message, "error")
        return redirect(url_for("quizzes.manage", activity_id=activity_id))
    db.session.commit()
    flash(_("Đã cập nhật câu hỏi của bài kiểm tra. Các lượt đã bắt đầu giữ nguyên bộ câu hỏi của mình."), "success")
    return redirect(url_for("quizzes.manage", activity_id=activity_id))


@bp.route("/<int:activity_id>/results")
@login_required
@loads(load_staff_quiz, into=("activity", "course", "quiz"))
def overview(activity, course, quiz):
    attempts = db.session.scalars(select(QuizAttempt).where(QuizAttempt.quiz_id == quiz.activity_id)).all()
    users = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_({a.user_id for a in attempts})))} if attempts else {}
    rows = sorted(attempts, key=lambda a: (vi_name_key(users[a.user_id].name), a.number))
    analysis = stats.item_analysis(quiz)
    qids = list(analysis)
    questions = {q.id: q for q in db.session.scalars(select(Question).where(Question.id.in_(qids)))} if qids else {}
    return render_template("quizzes/overview.html", activity=activity, course=course, quiz=quiz, rows=rows,
                           users=users, analysis=analysis, questions=questions, min_attempts=stats.MIN_ATTEMPTS,
                           pending=sum(1 for a in attempts if a.needs_grading))


@bp.route("/<int:activity_id>/results.<fmt>")
@login_required
@loads(load_quiz_export, into=("activity", "course", "quiz", "fmt"))
def export_results(activity, course, quiz, fmt):
    """The results table as CSV or XLSX (the rules of the manager reports: core.exports)."""
    from ..core.exports import table_response

    attempts = db.session.scalars(select(QuizAttempt).where(QuizAttempt.quiz_id == quiz.activity_id)).all()
    users = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_({a.user_id for a in attempts})))} if attempts else {}
    ordered = sorted(attempts, key=lambda a: (vi_name_key(users[a.user_id].name), a.number))
    header = [_("Học viên"), _("Email"), _("Đơn vị"), _("Lượt"), _("Trạng thái"), _("Nộp lúc"),
              _("Điểm (%%)") % {}]  # gettext without arguments leaves "%%" as it is
    rows = [[users[a.user_id].name, users[a.user_id].email, users[a.user_id].org.name, a.number,
             str(AttemptState(a.state).label) + (" · " + _("chờ chấm") if a.needs_grading else ""),
             _local_naive(a.finished_at), a.percent] for a in ordered]
    return table_response(fmt, f"ket-qua-{activity.slug}", header, rows, title=_("Kết quả"))


@bp.route("/<int:activity_id>/statistics.<fmt>")
@login_required
@loads(load_quiz_export, into=("activity", "course", "quiz", "fmt"))
def export_statistics(activity, course, quiz, fmt):
    from ..core.exports import table_response

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
@loads(load_grading_quiz, into=("activity", "course", "quiz"))
def grading(activity, course, quiz):
    activity_id = activity.id
    kept = {}  # a refused mark: what the grader wrote stays in the form, with the error
    status = 200
    if request.method == "POST":
        form = GradeForm()
        answer = db.get_or_404(AttemptAnswer, request.form.get("answer", type=db_int) or 0)
        attempt = db.session.get(QuizAttempt, answer.attempt_id)
        if attempt.quiz_id != quiz.activity_id:
            abort(404)
        if not form.validate_on_submit():
            abort(400)
        try:
            services.grade_manually(answer, form.mark.data or "", form.comment.data, current_user)
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
        .where(QuizAttempt.quiz_id == quiz.activity_id, QuizAttempt.state == AttemptState.FINISHED,
               AttemptAnswer.question_id.in_(essay_ids), AttemptAnswer.graded_at.is_(None),
               AttemptAnswer.response.is_not(None))
        .order_by(QuizAttempt.finished_at)).all()
    questions = {q.id: q for q in db.session.scalars(select(Question).where(
        Question.id.in_({a.question_id for a, _t, _u in pending})))} if pending else {}
    return render_template("quizzes/grading.html", activity=activity, course=course, quiz=quiz, pending=pending,
                           questions=questions, form=GradeForm(formdata=None), kept=kept), status


# --- the course's question bank ---------------------------------------------------------------------

@bp.route("/bank/<slug>", methods=["GET", "POST"])
@login_required
@loads(load_editable_course, into="course")
def bank_view(course):
    form = QuestionUploadForm()
    if request.method == "POST" and form.validate_on_submit():
        upload = request.files.get("file")
        data = upload.read(bank.MAX_UPLOAD + 1) if upload else b""
        try:
            token = bank.keep_for_import(data)
        except ServiceError as err:
            err.show_on(form)
        else:
            parsed = bank.parse_file(data)
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
@loads(load_editable_course, into="course")
def bank_import(course):
    slug = course.slug  # read before the commit or rollback expires it
    form = ConfirmImportForm()
    if not form.validate_on_submit() or form.mode.data not in ("new", "replace"):
        abort(400)
    try:
        result = bank.import_kept(course, form.token.data, f"{course.slug}/tai-len",
                                  replace=form.mode.data == "replace", skip_bad=form.skip_bad.data)
    except ServiceError as err:
        db.session.rollback()
        flash(err.message, "error")
        return redirect(url_for("quizzes.bank_view", slug=slug))
    db.session.commit()
    bank.forget_kept(form.token.data)
    flash(_("Đã nhập %(n)d câu hỏi (%(new)d mới, %(upd)d cập nhật).", n=len(result.questions),
            new=result.created, upd=result.updated), "success")
    return redirect(url_for("quizzes.bank_view", slug=slug))
