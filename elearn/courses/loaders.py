"""Load a course or an activity for the current viewer, and refuse in one place.

Pages, write routes and the API all go through these loaders, so a view cannot forget a check:
- a course the viewer may not see (draft, archived, not enrolled) is a 404, never a 403, so that a
  hidden course is not confirmed to exist; authoring needs ``edit=True`` and is a 403 otherwise;
- an activity that is not published, or sits in a module that is not, is a 404;
- an activity in a module still locked by its prerequisites is a 403 (``Locked``).
Editors (admins, the course's instructors) pass every activity check, as on the pages.
Under /api/ the refusals come back as JSON errors (see ``core.errors``).
"""
from dataclasses import dataclass

from flask import abort
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from werkzeug.exceptions import Forbidden

from ..extensions import db
from . import kinds, outline_cache, services
from .models import Activity, Course, MaterialFile, Module
from .permissions import can_edit_course, can_view_course, may_be_staff


class Locked(Forbidden):
    """The activity's module is locked by a prerequisite the viewer has not done (a 403)."""

    def __init__(self, course, state):
        super().__init__()
        self.course = course
        self.state = state
        # the JSON error handler uses this message instead of the generic 403 one
        self.data = {"message": _("Module này chưa mở: hãy hoàn thành các module trước.")}


@dataclass
class CourseAccess:
    course: Course
    editor: bool  # may author the course (admin, or one of its instructors)
    staff: bool   # listed as course staff
    enrolled: bool


@dataclass
class ActivityAccess:
    activity: Activity
    course: Course
    editor: bool
    enrolled: bool
    outline: list  # the outline the viewer sees (unpublished items too for editors), from outline_cache
    state: "services.ModuleState"  # the activity's module, its state and the viewer's done activities
    states: list = None  # every module's state for the viewer (navigation must not link into a locked one)

    @property
    def module(self):
        return self.state.module


def course_access(course: Course | None, *, edit: bool = False) -> CourseAccess:
    """Check ``course`` for the current viewer: 404 when hidden from them, 403 when ``edit`` is
    asked and they may not author it."""
    if course is None:
        abort(404)
    # only an instructor's staff row matters (admins edit everything, others nothing): one query saved
    staff = may_be_staff(current_user) and services.is_staff(current_user, course)
    editor = can_edit_course(current_user, course, staff)
    if edit:
        if not editor:
            abort(403)
        return CourseAccess(course, True, staff, False)
    enrolled = services.is_enrolled(current_user, course)
    if not can_view_course(current_user, course, enrolled=enrolled, is_staff=staff):
        abort(404)  # not 403: do not confirm that a hidden course exists
    return CourseAccess(course, editor, staff, enrolled)


def load_course(slug: str, *, edit: bool = False) -> CourseAccess:
    return course_access(db.session.scalar(select(Course).where(Course.slug == slug)), edit=edit)


def activity_access(activity: Activity | None, *, kind: str | None = None, course: Course | None = None,
                    ca: CourseAccess | None = None, outline=None, done: bool = False) -> ActivityAccess:
    """Check ``activity`` for the current viewer with the rule of its page: 404 when it (or its
    module or course) is hidden from them, ``Locked`` (403) when its module is locked.
    ``course`` (or an already checked ``ca``) must then be the activity's course, else 404.
    The outline comes from ``outline_cache`` (frozen data, not ORM objects); ``done=True`` also reads
    which activities the viewer has done (``state.done_ids``; empty otherwise: one query saved)."""
    if activity is None or (kind is not None and activity.kind != kind):
        abort(404)
    if ca is None:
        ca = course_access(db.session.get(Course, activity.course_id))
    wanted = course or ca.course
    if activity.course_id != wanted.id or ca.course.id != activity.course_id:
        abort(404)
    if outline is None:
        outline = outline_cache.outline(ca.course, include_unpublished=ca.editor)
    states = services.module_states(current_user, ca.course, outline, done=done)
    state = next((s for s in states if s.module.id == activity.module_id), None)
    if state is None or all(a.id != activity.id for a in state.activities):
        abort(404)  # unpublished activity or module (editors see those in their outline)
    if state.state == "locked" and not ca.editor:
        raise Locked(ca.course, state)
    return ActivityAccess(activity, ca.course, ca.editor, ca.enrolled, outline, state, states)



def load_activity(activity_id: int, *, kind: str | None = None) -> ActivityAccess:
    """The activity ``activity_id`` for the current viewer (see ``activity_access``)."""
    return activity_access(db.session.get(Activity, activity_id), kind=kind)


def load_activity_by_slug(slug: str, module_slug: str, activity_slug: str) -> ActivityAccess:
    """The activity page's address: course, module and activity slugs (with ``done_ids``)."""
    ca = load_course(slug)
    outline = outline_cache.outline(ca.course, include_unpublished=ca.editor)
    for module, acts in outline:
        if module.slug == module_slug:
            for a in acts:
                if a.slug == activity_slug:
                    return activity_access(db.session.get(Activity, a.id), ca=ca, outline=outline, done=True)
    abort(404)


def load_editable_activity(activity_id: int, *, kind: str | None = None) -> tuple[Activity, Course]:
    """Authoring by activity id: (activity, course) for someone who edits its course, else 404/403."""
    act = db.session.get(Activity, activity_id)
    if act is None or (kind is not None and act.kind != kind):
        abort(404)
    return act, course_access(db.session.get(Course, act.course_id), edit=True).course


def editable_activity(course: Course, activity_id: int, *, kind: str | None = None) -> Activity:
    """Authoring: an activity of ``course`` (already checked with ``edit=True``), any status."""
    act = db.session.get(Activity, activity_id)
    if act is None or act.course_id != course.id or (kind is not None and act.kind != kind):
        abort(404)
    return act


# --- the addresses of the course pages and of authoring (``courses.views``, ``courses.manage``) -----

def load_material_file(slug: str, file_id: int) -> tuple[MaterialFile, ActivityAccess]:
    """A material's file under its course's address: (file, the material's ``ActivityAccess``), with
    the material page's rule (hidden or another course's file 404, ``Locked`` 403)."""
    ca = load_course(slug)
    f = db.get_or_404(MaterialFile, file_id)
    return f, activity_access(db.session.get(Activity, f.activity_id), kind=kinds.MATERIAL.name, ca=ca)


def load_editable_course(slug: str) -> Course:
    """Authoring: the course ``slug`` for someone who edits it (hidden 404, not an editor 403)."""
    return load_course(slug, edit=True).course


def _course_module(course: Course, module_id: int) -> Module:
    module = db.get_or_404(Module, module_id)
    if module.course_id != course.id:
        abort(404)
    return module


def load_editable_module(slug: str, module_id: int) -> tuple[Course, Module]:
    """Authoring: (course, module) for someone who edits the course; 404 for another course's module."""
    course = load_editable_course(slug)
    return course, _course_module(course, module_id)


def load_editable_course_activity(slug: str, activity_id: int, *, kind: str | None = None
                                  ) -> tuple[Course, Activity]:
    """Authoring: (course, activity of that course, any status, of ``kind`` when given)."""
    course = load_editable_course(slug)
    return course, editable_activity(course, activity_id, kind=kind)


OUTLINE_KINDS = ("module", "activity")
OUTLINE_ACTIONS = ("publish", "draft", "archive", "up", "down")


def load_outline_item(slug: str, kind: str, obj_id: int, action: str) -> tuple[Course, Module | Activity, str, str]:
    """The manage page's change of one outline item: a module or an activity (``kind``) of a course
    the viewer edits, and a known ``action``; 404 for any other word. Returns
    (course, item, kind, action), the words as checked."""
    course = load_editable_course(slug)
    if kind not in OUTLINE_KINDS or action not in OUTLINE_ACTIONS:
        abort(404)
    obj = _course_module(course, obj_id) if kind == "module" else editable_activity(course, obj_id)
    return course, obj, kind, action


def load_lesson_form(slug: str, module_id: int | None = None, activity_id: int | None = None
                     ) -> tuple[Course, Module, Activity | None]:
    """The lesson form's two addresses: a new lesson in ``module_id``, or the lesson ``activity_id``
    (its module is then its own), in a course the viewer edits: (course, module, lesson or None)."""
    course = load_editable_course(slug)
    activity = editable_activity(course, activity_id) if activity_id else None
    if activity is not None and activity.kind != kinds.LESSON.name:
        abort(404)
    return course, _course_module(course, activity.module_id if activity else module_id), activity


def load_progress_export(slug: str, fmt: str) -> tuple[Course, str]:
    """The progress export: a known format (else 404, before anything is read), then the course
    for someone who edits it. Returns (course, fmt)."""
    if fmt not in ("csv", "xlsx"):
        abort(404)
    return load_editable_course(slug), fmt
