"""Question bank browser: questions by category with type, text and usage; preview; add or edit one
in a form (no GIFT); move between categories; delete one that no attempt holds."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import select

from ..auth.forms import ConfirmForm
from ..core import once
from ..core.errors import ServiceError
from ..core.loading import loads
from ..courses.loaders import load_editable_course
from ..extensions import db
from . import bank, bankedit, bp, types
from .forms import MoveQuestionsForm, QuestionForm
from .loaders import bank_question, load_bank_form, load_bank_question
from .models import Question, QuestionCategory


def _categories(course):
    return db.session.scalars(select(QuestionCategory).where(QuestionCategory.course_id == course.id)
                              .order_by(QuestionCategory.path)).all()


def _answer_rows(values=None):
    if values is not None:
        rows = list(values.get("answers", []))
    else:
        rows = [{k: request.form.get(f"a-{i}-{k}", "") for k in ("text", "weight", "tolerance", "feedback")}
                for i in range(bankedit.ANSWER_ROWS)]
    return (rows + [{"text": "", "weight": "", "tolerance": "", "feedback": ""}] * bankedit.ANSWER_ROWS)[:bankedit.ANSWER_ROWS]


@bp.route("/bank/<slug>/questions")
@login_required
@loads(load_editable_course, into="course")
def bank_questions(course):
    categories = _categories(course)
    rows = db.session.scalars(select(Question).where(Question.course_id == course.id, Question.status == "active")
                              .order_by(Question.category_id, Question.id)).all()
    by_cat = {}
    for q in rows:
        by_cat.setdefault(q.category_id, []).append(q)
    move = MoveQuestionsForm()
    move.category_id.choices = [(c.id, c.path) for c in categories]
    return render_template("quizzes/bank_questions.html", course=course, categories=categories, by_cat=by_cat,
                           usage=bankedit.usage(course), types=types, move=move)


@bp.route("/bank/<slug>/questions/<int:question_id>")
@login_required
@loads(load_bank_question, into=("course", "row"))
def bank_preview(course, row):
    return render_template("quizzes/bank_preview.html", course=course, q=row, values=bankedit.form_values(row),
                           types=types, usage=bankedit.usage(course).get(row.id, {}))


@bp.route("/bank/<slug>/questions/new", methods=["GET", "POST"])
@bp.route("/bank/<slug>/questions/<int:question_id>/edit", methods=["GET", "POST"])
@login_required
@loads(load_bank_form, into=("course", "row"))
def bank_edit(course, row):
    slug = course.slug  # read before a commit or rollback expires them
    question_id = row.id if row is not None else None
    categories = _categories(course)
    if not categories:
        categories = [bank.ensure_category(course, f"{course.slug}/mac-dinh")]
        db.session.commit()
    if request.method == "GET" and row is not None:
        values = bankedit.form_values(row)
        form = QuestionForm(formdata=None, **{k: v for k, v in values.items() if k != "answers"})
        answers = _answer_rows(values)
    else:
        form = QuestionForm()
        if request.method == "GET":
            form.qtype.data = request.args.get("type", "multichoice")
            form.category_id.data = request.args.get("category", type=int)
        answers = _answer_rows(None if request.method == "POST" else {})
    form.category_id.choices = [(c.id, c.path) for c in categories]
    if row is not None:
        form.qtype.data = row.qtype  # the type of a stored question does not change
    if request.method == "POST" and form.validate_on_submit():
        replay = once.claim(form) if row is None else None
        if replay is not None:
            return replay
        try:
            q = bankedit.build(form.qtype.data, title=form.title.data, text=form.text.data,
                               general_feedback=form.general_feedback.data, answers=answers, tf=form.tf.data,
                               tf_right_feedback=form.tf_right_feedback.data,
                               tf_wrong_feedback=form.tf_wrong_feedback.data, grader_info=form.grader_info.data)
            if row is None:
                row = bankedit.create_question(course, form.category_id.data, q)
            else:
                bankedit.update_question(course, row, form.category_id.data, q)
        except ServiceError as err:
            db.session.rollback()
            err.show_on(form)
            if err.field == "answers":
                form.form_errors.append(err.message)
            row = bank_question(course, question_id) if question_id else None
        else:
            target = url_for("quizzes.bank_preview", slug=slug, question_id=row.id)
            if question_id is None:
                once.done(target)
            db.session.commit()
            flash(_("Đã lưu câu hỏi."), "success")
            return redirect(target)
    return render_template("quizzes/bank_edit.html", course=course, form=form, row=row, answers=answers,
                           types=types, usage=bankedit.usage(course).get(row.id, {}) if row else {})


@bp.route("/bank/<slug>/questions/move", methods=["POST"])
@login_required
@loads(load_editable_course, into="course")
def bank_move(course):
    slug = course.slug  # read before the commit expires it
    form = MoveQuestionsForm()
    form.category_id.choices = [(c.id, c.path) for c in _categories(course)]
    if not form.validate_on_submit():
        flash(_("Hãy chọn nhóm đích."), "error")
        return redirect(url_for("quizzes.bank_questions", slug=slug))
    ids = [int(x) for x in request.form.getlist("question") if x.isdigit()]
    rows = db.session.scalars(select(Question).where(Question.id.in_(ids), Question.course_id == course.id)).all() if ids else []
    if not rows:
        flash(_("Hãy chọn ít nhất một câu hỏi."), "error")
        return redirect(url_for("quizzes.bank_questions", slug=slug))
    n = bankedit.move_questions(course, rows, form.category_id.data)
    db.session.commit()
    flash(_("Đã chuyển %(n)d câu hỏi.", n=n), "success")
    return redirect(url_for("quizzes.bank_questions", slug=slug))


@bp.route("/bank/<slug>/questions/<int:question_id>/delete", methods=["GET", "POST"])
@login_required
@loads(load_bank_question, into=("course", "row"))
def bank_delete(course, row):
    form = ConfirmForm()
    back = url_for("quizzes.bank_questions", slug=course.slug)
    if bankedit.in_use_by_attempts(row):
        flash(_("Câu hỏi này đã có trong bài làm của học viên nên không xoá được."), "error")
        return redirect(back), 303
    if request.method == "POST" and form.validate_on_submit():
        bankedit.delete_question(row)
        db.session.commit()
        flash(_("Đã xoá câu hỏi."), "success")
        return redirect(back)
    quizzes = bankedit.usage(course).get(row.id, {}).get("quizzes", 0)
    message = _("Xoá câu hỏi “%(t)s”?", t=row.title or row.text[:80])
    if quizzes:
        message += " " + _("Câu hỏi sẽ được bỏ khỏi %(n)d bài kiểm tra chưa có ai làm.", n=quizzes)
    return render_template("admin/confirm.html", form=form, title=_("Xoá câu hỏi"), message=message,
                           button=_("Xoá câu hỏi"), cancel=back)
