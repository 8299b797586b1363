"""Trainee side: the exercise page (item, editor, attempts), saving and submitting, the result of an
attempt beside the key, and a submission as .mrk or MARCXML. Works without JavaScript; the page's
small script only adds field rows without a round trip."""
from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from ..core.errors import ServiceError
from ..core.http import db_int
from ..core.loading import loads
from ..courses.models import Activity, Module
from ..extensions import db
from . import attempts as svc
from . import bp
from .editor import BLANK_ROWS, rows_from_text, text_from_rows
from .forms import EditorForm
from .loaders import load_attempt, load_attempt_record, load_exercise_activity
from .records import MarcFormatError, read_record, write_marcxml, write_mrk
from .results import field_results

MODES = ("rows", "mrk")


def lesson_links(course_id, slugs) -> dict:
    """{lesson slug: its page} for the published lessons of the course that feedback names."""
    from ..courses.models import Course

    slugs = {s for s in slugs if s}
    if not slugs:
        return {}
    course = db.session.get(Course, course_id)
    rows = db.session.execute(select(Activity.slug, Module.slug).join(Module, Activity.module_id == Module.id).where(
        Activity.course_id == course_id, Activity.kind == "lesson", Activity.slug.in_(slugs),
        Activity.status == "published", Module.status == "published")).all()
    return {a: url_for("courses.activity", slug=course.slug, module_slug=m, activity_slug=a) for a, m in rows}


@bp.route("/<int:activity_id>", methods=["GET", "POST"])
@login_required
@loads(load_exercise_activity, into=("access", "ex"))
def exercise(access, ex):
    if request.method == "POST":
        return _post(access, ex)
    mine = svc.attempts_of(current_user, ex)
    draft = next((a for a in mine if a.state == "draft"), None)
    done = svc.submitted(mine)
    mode = request.args.get("mode") if request.args.get("mode") in MODES else "rows"
    text = draft.record if draft else (done[-1].record if done else "")
    blank = min(max(request.args.get("blank", BLANK_ROWS, type=db_int), 0), 30)
    form = EditorForm(formdata=None, mode=mode, number=draft.number if draft else svc.next_number(ex, current_user),
                      seq=(draft.save_seq if draft else 0) + 1, record=text)
    left = svc.attempts_left(ex, mine)
    grade = svc.grade_of(ex.grading, [a.percent for a in done])
    return render_template("cataloguing/exercise.html", activity=access.activity, course=access.course,
                           module=access.module, ex=ex, attempts=mine, draft=draft, form=form, mode=mode,
                           rows=rows_from_text(text, blank) if mode == "rows" else None, blank=blank,
                           left=left, grade=grade, passed=grade is not None and grade >= ex.pass_mark,
                           editor=access.editor)


def _post(access, ex):
    form = EditorForm()
    mode = form.mode.data if form.mode.data in MODES else "rows"
    action = request.form.get("action", "save")
    back = url_for("cataloguing.exercise", activity_id=ex.activity_id, mode=mode)
    if not form.validate_on_submit():
        if form.csrf_token.errors:
            abort(400)
        flash(" ".join(e for errors in form.errors.values() for e in errors), "error")
        return redirect(back)
    number = request.form.get("number", type=db_int)
    seq = request.form.get("seq", type=db_int)
    if number is None or seq is None or number < 1 or seq < 1:
        flash(_("Trang này đã cũ: hãy tải lại trang."), "error")
        return redirect(back)
    try:
        text = (form.record.data or "") if mode == "mrk" else text_from_rows(request.form)
        attempt = svc.save_draft(ex, current_user, number, seq, text, course_id=access.course.id)
        db.session.commit()  # the draft is kept even if submitting it is refused
        if action == "submit":
            svc.submit(ex, access.activity, current_user, attempt)
            db.session.commit()
            return redirect(url_for("cataloguing.result", attempt_id=attempt.id))
    except svc.AlreadySubmitted as err:
        db.session.rollback()
        flash(err.message, "info")
        return redirect(url_for("cataloguing.result", attempt_id=err.attempt.id))
    except ServiceError as err:
        db.session.rollback()
        flash(err.message, "error")
        return redirect(back)
    if action in MODES:
        return redirect(url_for("cataloguing.exercise", activity_id=ex.activity_id, mode=action))
    flash(_("Đã lưu bản nháp."), "success")
    if action == "add":
        blank = min(max(request.form.get("blank", BLANK_ROWS, type=db_int) or 0, 0) + 3, 30)
        return redirect(url_for("cataloguing.exercise", activity_id=ex.activity_id, mode="rows", blank=blank))
    return redirect(back)


@bp.route("/attempts/<int:attempt_id>")
@login_required
@loads(load_attempt, into=("attempt", "access", "ex"))
def result(attempt, access, ex):
    if attempt.state != "submitted":
        return redirect(url_for("cataloguing.exercise", activity_id=ex.activity_id))
    owner = attempt.user_id == current_user.id
    theirs = svc.attempts_of(attempt_user(attempt), ex)
    show_key = svc.may_see_key(ex, theirs, access.editor and not owner)
    rows = field_results(attempt, ex, show_key)
    links = lesson_links(access.course.id, {d.get("lesson") for d in attempt.differences or []})
    return render_template("cataloguing/result.html", attempt=attempt, activity=access.activity, course=access.course,
                           module=access.module, ex=ex, rows=rows, links=links, show_key=show_key, owner=owner,
                           trainee=attempt_user(attempt), passed=(attempt.percent or 0) >= ex.pass_mark,
                           left=svc.attempts_left(ex, theirs), editor=access.editor)


def attempt_user(attempt):
    from ..auth.models import User

    return db.session.get(User, attempt.user_id)


@bp.route("/attempts/<int:attempt_id>/record.<fmt>")
@login_required
@loads(load_attempt_record, into=("attempt", "access", "ex", "fmt"))
def download(attempt, access, ex, fmt):
    """The submission as .mrk or MARCXML (what the trainee typed, read and written again)."""
    try:
        record = read_record(attempt.record)
    except MarcFormatError:
        body, mime = attempt.record, "text/plain; charset=utf-8"
        fmt = "mrk"
    else:
        body = write_mrk(record) if fmt == "mrk" else write_marcxml(record)
        mime = "text/plain; charset=utf-8" if fmt == "mrk" else "application/marcxml+xml; charset=utf-8"
    name = f"bieu-ghi-{ex.activity_id}-{attempt.user_id}-{attempt.number}.{fmt}"
    return Response(body, mimetype=mime, headers={"Content-Disposition": f'attachment; filename="{name}"',
                                                  "Cache-Control": "no-store"})
