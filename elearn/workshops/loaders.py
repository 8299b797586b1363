"""The workshops package's loaders: load a workshop for the current viewer and refuse in one place
(see ``elearn.courses.loaders`` and docs/ARCHITECTURE.md, "Loaders"): the trainee pages, their write
routes (sign up, cancel) and the API use ``load_workshop``; the staff pages and their writes use
``load_staff_workshop`` / ``load_staff_session`` (``load_session_form`` for the session form's two
addresses); signing up a whole unit uses ``load_unit_signup``; attendance read by staff or managers
(the page and the API) uses ``load_attendance_view``."""
from flask import abort
from flask_login import current_user

from ..courses import loaders as course_loaders
from ..extensions import db
from . import services
from .models import Workshop, WorkshopSession


def load_workshop(workshop_id) -> Workshop:
    """A workshop the viewer may see (``services.visible_workshops``), else 404."""
    ws = db.session.get(Workshop, workshop_id)
    if ws is None or ws.id not in {w.id for w in services.visible_workshops(current_user, ordered=False)}:
        abort(404)
    return ws


def load_staff_workshop(workshop_id):
    """(workshop, course) for someone who authors the workshop's course, else 404/403."""
    ws = db.session.get(Workshop, workshop_id)
    if ws is None:
        abort(404)
    from ..courses.models import Course

    return ws, course_loaders.course_access(db.session.get(Course, ws.course_id), edit=True).course


def load_staff_session(session_id):
    """(session, workshop, course) for staff of the session's course, else 404/403."""
    session = db.session.get(WorkshopSession, session_id)
    if session is None:
        abort(404)
    ws, course = load_staff_workshop(session.workshop_id)
    return session, ws, course


def load_session_form(workshop_id=None, session_id=None):
    """(session or None, workshop, course) for the session form: adding a session to
    ``workshop_id`` or editing ``session_id``, for staff of the course; else 404/403."""
    session = db.get_or_404(WorkshopSession, session_id) if session_id else None
    ws, course = load_staff_workshop(session.workshop_id if session else workshop_id)
    return session, ws, course


def load_unit_signup(workshop_id):
    """(workshop, staff) for who may sign up a whole unit: a workshop the viewer may see (as its
    page, else 404) and a manager or the course's staff (else 403). ``staff``: the viewer manages the
    workshop (``can_manage_workshop``), which widens the units they may sign up."""
    from ..courses import services as course_services
    from ..courses.models import Course
    from .permissions import can_manage_workshop, can_sign_up_units

    ws = load_workshop(workshop_id)
    course = db.session.get(Course, ws.course_id)
    staff = can_manage_workshop(current_user, course, is_staff=course_services.is_staff(current_user, course))
    if not can_sign_up_units(current_user, staff=staff):
        abort(403)
    return ws, staff


def load_attendance_view(workshop_id):
    """(workshop, scope) for who may read its attendance: the course's staff (everyone in it) and
    managers (people in their subtree, of a workshop they can see). Others: 403; no such workshop, or
    a manager's workshop they cannot see: 404. ``scope`` goes to ``attendance_records``."""
    from ..courses import services as course_services
    from ..courses.models import Course
    from .permissions import attendance_scope, can_manage_workshop, can_view_unit_attendance

    ws = db.session.get(Workshop, workshop_id)
    if ws is None:
        abort(404)
    course = db.session.get(Course, ws.course_id)
    staff = can_manage_workshop(current_user, course, is_staff=course_services.is_staff(current_user, course))
    if not can_view_unit_attendance(current_user, staff=staff):
        abort(403)
    if not staff and ws.id not in {w.id for w in services.visible_workshops(current_user, ordered=False)}:
        abort(404)
    return ws, attendance_scope(current_user, staff=staff)
