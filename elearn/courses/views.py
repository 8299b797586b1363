"""Trainee side: my courses, a course's modules (locked / available / done), activity pages."""
from flask import abort, redirect, render_template
from flask_login import current_user, login_required

from ..auth.forms import ConfirmForm
from ..core.db import want_write
from ..core.uploads import send_stored
from ..extensions import db
from . import bp, kinds, loaders, outline_cache, services
from .kinds import Rule
from .permissions import courses_page_for
from .models import Activity, MaterialFile


def load_course_for_viewer(slug):
    """The course and whether the viewer edits it; 404 when hidden (see ``loaders``)."""
    ca = loaders.load_course(slug)
    return ca.course, ca.editor


@bp.route("/")
@login_required
def index():
    # Staff are not learners: instructors and admins see what they teach, managers what they oversee,
    # without progress bars or locks.
    page = courses_page_for(current_user)
    if page == "teaching":
        return render_template("courses/index.html", courses=[], percent={}, overseen=[],
                               managed=services.staff_courses(current_user))
    if page == "overseeing":
        return render_template("courses/index.html", courses=[], percent={}, managed=[],
                               overseen=services.overseen_courses(current_user))
    courses, percent = services.my_courses(current_user)
    return render_template("courses/index.html", courses=courses, percent=percent, managed=[], overseen=[])


@bp.route("/<slug>")
@login_required
def course(slug):
    course, editor = load_course_for_viewer(slug)
    outline = outline_cache.outline(course, include_unpublished=False)  # frozen, cached per content version
    states = services.module_states(current_user, course, outline)
    percent = services.course_percentages(current_user, [course.id]).get(course.id, 0)
    return render_template("courses/course.html", course=course, states=states, percent=percent, editor=editor)


@bp.route("/<slug>/<module_slug>/<activity_slug>")
@login_required
def activity(slug, module_slug, activity_slug):
    try:
        access = loaders.load_activity_by_slug(slug, module_slug, activity_slug)
    except loaders.Locked as locked:
        return render_template("courses/locked.html", course=locked.course, st=locked.state), 403
    course, editor, outline, st, act = access.course, access.editor, access.outline, access.state, access.activity
    kind = kinds.get(act.kind)
    elsewhere = kind.url(act, course)
    if elsewhere:
        return redirect(elsewhere)
    if kind.template is None:
        abort(404)
    prev, nxt = services.neighbours(outline, act)
    # Never link into a locked module: say what unlocks it instead.
    locked = {s.module.id: s for s in (access.states or []) if s.state == "locked"} if not editor else {}
    next_locked = locked.get(nxt.module_id) if nxt is not None else None
    if next_locked is not None:
        nxt = None
    if prev is not None and prev.module_id in locked:
        prev = None
    if kind.open_verb and kind.page_opens and not editor:
        want_write()
        services.record_view(current_user, act)  # committed after rendering (below)
    page = render_template(kind.template, course=course, module=st.module, activity=act, prev=prev, next=nxt,
                           next_locked=next_locked, editor=editor, modules={m.id: m for m, _a in outline},
                           manual=kind.rule(act) == Rule.MANUAL, done=act.id in st.done_ids,
                           confirm=ConfirmForm(), **kind.page_context(act))
    if kind.open_verb and kind.page_opens and not editor:
        # Commit after rendering: committing first expired the activity, lesson and course, and
        # reloading them opened a second write transaction (BEGIN IMMEDIATE) held to the end anyway.
        db.session.commit()
    return page


@bp.route("/<slug>/files/<int:file_id>")
@login_required
def download(slug, file_id):
    """Serve a material file as an attachment (never inline), recording that it was opened."""
    ca = loaders.load_course(slug)
    f = db.get_or_404(MaterialFile, file_id)
    access = loaders.activity_access(db.session.get(Activity, f.activity_id), kind=kinds.MATERIAL.name, ca=ca)
    if not access.editor:
        want_write()
        services.record_view(current_user, access.activity)
        db.session.commit()
    return send_stored(f.stored_name, f.original_name, f.mime, "materials")
