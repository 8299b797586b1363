"""Trainee side: my courses, a course's modules (locked / available / done), activity pages."""
from flask import abort, redirect, render_template, request
from flask_login import current_user, login_required

from ..auth.forms import ConfirmForm
from ..core.db import want_write
from ..core.errors import handle_http, wants_json
from ..core.loading import loads
from ..core.uploads import send_stored
from ..extensions import db
from . import bp, kinds, loaders, outline_cache, services
from .kinds import Rule
from .permissions import courses_page_for


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
@loads(loaders.load_course, into="ca")
def course(ca):
    course, editor = ca.course, ca.editor
    outline = outline_cache.outline(course, include_unpublished=False)  # frozen, cached per content version
    states = services.module_states(current_user, course, outline)
    percent = services.course_percentages(current_user, [course.id]).get(course.id, 0)
    return render_template("courses/course.html", course=course, states=states, percent=percent, editor=editor)


@bp.app_errorhandler(loaders.Locked)
def locked_page(error):
    """Any page refused because its module is locked (an activity, a quiz, an exercise, a module's
    forum) says what unlocks it; a write, or the API, gets the plain 403 (``core.errors``)."""
    if wants_json() or request.method not in ("GET", "HEAD"):
        return handle_http(error)
    return render_template("courses/locked.html", course=error.course, st=error.state), 403


@bp.route("/<slug>/<module_slug>/<activity_slug>")
@login_required
@loads(loaders.load_activity_by_slug, into="access")
def activity(access):
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
@loads(loaders.load_material_file, into=("f", "access"))
def download(f, access):
    """Serve a material file as an attachment (never inline), recording that it was opened."""
    if not access.editor:
        want_write()
        services.record_view(current_user, access.activity)
        db.session.commit()
    return send_stored(f.stored_name, f.original_name, f.mime, "materials")
