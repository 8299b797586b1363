"""Trainee side: my courses, a course's modules (locked / available / done), activity pages."""
from flask import abort, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from ..core.db import want_write
from ..core.uploads import send_stored
from ..extensions import db
from . import bp, services
from .models import Activity, MaterialFile
from .permissions import can_edit_course, can_view_course


def load_course_for_viewer(slug):
    """The course, whether the viewer edits it, and the outline they may see. 404 when hidden."""
    course = services.get_course(slug)
    staff = services.is_staff(current_user, course)
    enrolled = services.is_enrolled(current_user, course)
    if not can_view_course(current_user, course, enrolled=enrolled, is_staff=staff):
        abort(404)  # not 403: do not confirm that a hidden course exists
    editor = can_edit_course(current_user, course, staff)
    return course, editor


@bp.route("/")
@login_required
def index():
    courses, percent = services.my_courses(current_user)
    managed = services.staff_courses(current_user) if current_user.role in ("instructor", "admin") else []
    return render_template("courses/index.html", courses=courses, percent=percent, managed=managed)


@bp.route("/<slug>")
@login_required
def course(slug):
    course, editor = load_course_for_viewer(slug)
    outline = services.load_outline(course, include_unpublished=False)
    states = services.module_states(current_user, course, outline)
    percent = services.course_percentages(current_user, [course.id]).get(course.id, 0)
    return render_template("courses/course.html", course=course, states=states, percent=percent, editor=editor)


def _activity_context(slug, module_slug, activity_slug):
    course, editor = load_course_for_viewer(slug)
    outline = services.load_outline(course, include_unpublished=editor)
    states = services.module_states(current_user, course, outline)
    for st in states:
        if st.module.slug == module_slug:
            for a in st.activities:
                if a.slug == activity_slug:
                    return course, editor, outline, st, a
    abort(404)


@bp.route("/<slug>/<module_slug>/<activity_slug>")
@login_required
def activity(slug, module_slug, activity_slug):
    course, editor, outline, st, act = _activity_context(slug, module_slug, activity_slug)
    if st.state == "locked" and not editor:
        return render_template("courses/locked.html", course=course, st=st), 403
    if act.kind == "quiz":
        return redirect(url_for("quizzes.quiz", activity_id=act.id))
    if act.kind == "workshop":
        from ..workshops.models import Workshop

        ws = db.session.scalar(db.select(Workshop).where(Workshop.activity_id == act.id))
        if ws is None:
            abort(404)
        return redirect(url_for("workshops.detail", workshop_id=ws.id))
    prev, nxt = services.neighbours(outline, act)
    files = []
    if act.kind == "lesson":
        want_write()
        services.record_view(current_user, act)
        db.session.commit()
    elif act.kind == "material":
        files = db.session.scalars(select(MaterialFile).where(MaterialFile.activity_id == act.id)
                                   .order_by(MaterialFile.version.desc())).all()
    from ..auth.forms import ConfirmForm
    from ..progress.rules import activity_rule

    return render_template(f"courses/activity_{act.kind}.html", course=course, module=st.module, activity=act,
                           prev=prev, next=nxt, editor=editor, files=files,
                           modules={m.id: m for m, _a in outline}, manual=activity_rule(act) == "manual",
                           done=act.id in st.done_ids, confirm=ConfirmForm())


@bp.route("/<slug>/files/<int:file_id>")
@login_required
def download(slug, file_id):
    """Serve a material file as an attachment (never inline), recording that it was opened."""
    course, editor = load_course_for_viewer(slug)
    f = db.get_or_404(MaterialFile, file_id)
    act = db.session.get(Activity, f.activity_id)
    if act is None or act.course_id != course.id:
        abort(404)
    access = services.activity_access(current_user, course, act, editor=editor)
    if access != "open":
        abort(404 if access == "hidden" else 403)
    if not editor:
        want_write()
        services.record_view(current_user, act)
        db.session.commit()
    return send_stored(f.stored_name, f.original_name, f.mime, "materials")
