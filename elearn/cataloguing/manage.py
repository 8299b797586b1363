"""Instructor side of a cataloguing exercise: its settings, the key, trainees' submissions and the
most common mistakes (a table, and as CSV/XLSX through ``core.exports``). Only the course's
editors reach these pages (``loaders.load_staff_exercise``)."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..core.exports import table_response
from ..core.loading import loads
from ..core.text import vi_name_key
from ..extensions import db
from . import bp
from .forms import SettingsForm
from .loaders import load_mistakes_export, load_staff_exercise
from .mistakes import common_mistakes, latest_per_trainee, mistake_header, mistake_rows, scoped_attempts


@bp.route("/<int:activity_id>/manage", methods=["GET", "POST"])
@login_required
@loads(load_staff_exercise, into=("activity", "course", "ex"))
def manage(activity, course, ex):
    form = SettingsForm(obj=ex) if request.method == "GET" else SettingsForm()
    if request.method == "POST":
        if form.validate_on_submit():
            ex.pass_mark = float(form.pass_mark.data)
            ex.attempts_allowed = form.attempts_allowed.data or 0
            ex.grading = form.grading.data
            from ..core.signals import course_rules_changed

            course_rules_changed.send(course.id)  # grades and completion follow the new pass mark
            db.session.commit()
            flash(_("Đã lưu thiết lập của bài tập."), "success")
            return redirect(url_for("cataloguing.manage", activity_id=activity.id))
        if form.csrf_token.errors:
            abort(400)
    pairs = scoped_attempts(current_user, course, ex)
    mistakes, total = common_mistakes(pairs)
    trainees = sorted(latest_per_trainee(pairs).values(), key=lambda r: vi_name_key(r[1].name))
    return render_template("cataloguing/manage.html", activity=activity, course=course, ex=ex, form=form,
                           mistakes=mistakes[:50], total=total, trainees=trainees)


@bp.route("/<int:activity_id>/mistakes.<fmt>")
@login_required
@loads(load_mistakes_export, into=("activity", "course", "ex", "fmt"))
def export_mistakes(activity, course, ex, fmt):
    mistakes, total = common_mistakes(scoped_attempts(current_user, course, ex))
    return table_response(fmt, f"loi-thuong-gap-{activity.slug}", mistake_header(), list(mistake_rows(mistakes, total)),
                          title=_("Lỗi thường gặp"), widths=(8, 24, 12, 20, 10, 12, 8, 80))
