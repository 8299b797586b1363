"""Who may do what with workshops: named requirements, pure functions of the user and the facts the
caller loaded (``is_staff``: the user is staff of the workshop's course). Views, the API, services
and templates ask these; none of them looks at a role.

Which workshops a user may *see* is ``loaders.load_workshop`` (through ``services.visible_workshops``,
which asks ``sees_every_workshop``, ``sees_workshops_aimed_at_subtree`` and ``sees_only_targeted``).
"""
from ..auth.permissions import can_oversee_or_admin, is_admin, is_learner, oversees_units
from ..courses.permissions import can_edit_course
from ..orgs.permissions import can_view_org


# --- seeing ----------------------------------------------------------------------------------------

def sees_every_workshop(user) -> bool:
    """Admins see every workshop, drafts included."""
    return is_admin(user)


def sees_workshops_aimed_at_subtree(user) -> bool:
    """Managers also see the published workshops aimed at units of their subtree."""
    return oversees_units(user)


def sees_only_targeted(user) -> bool:
    """Trainees see a published workshop only when it is aimed at their unit (or they registered)."""
    return is_learner(user)


def is_workshop_staff(user, *, is_staff: bool) -> bool:
    """The detail page's staff links (edit, registrations, attendance by unit)."""
    return is_admin(user) or is_staff


# --- managing ------------------------------------------------------------------------------------

def can_manage_workshop(user, course, *, is_staff: bool) -> bool:
    """Create, edit, publish and cancel workshops, their sessions and registrations: the course's editors."""
    return can_edit_course(user, course, is_staff)


def can_take_attendance(user, course, *, is_staff: bool) -> bool:
    """The roster, the check-in code, the sign-in sheet and its import: the course's editors."""
    return can_manage_workshop(user, course, is_staff=is_staff)


# --- signing up ------------------------------------------------------------------------------------

def can_register(user) -> bool:
    """Workshops are for learners: staff sign up whole units or manage the lists instead."""
    return is_learner(user)


def can_sign_up_units(user, *, staff: bool) -> bool:
    """Sign up a whole unit: the course's editors (any unit) and managers (their subtree)."""
    return staff or oversees_units(user)


def can_sign_up_unit(user, unit, *, staff: bool) -> bool:
    return staff or (oversees_units(user) and can_view_org(user, unit))


def can_approve(user) -> bool:
    """The approvals page: managers (requests from their subtree) and admins."""
    return can_oversee_or_admin(user)


def can_approve_registration(user, trainee) -> bool:
    return can_approve(user) and can_view_org(user, trainee.org)


# --- attendance reports ------------------------------------------------------------------------------

def can_view_unit_attendance(user, *, staff: bool) -> bool:
    """Attendance by unit and the attendance list: the course's editors (all), managers (their subtree)."""
    return staff or oversees_units(user)


def attendance_scope(user, *, staff: bool):
    """Whose attendance ``user`` sees: None for everyone (staff), else ``user`` (scope their subtree)."""
    return None if staff else user


#: Exposed to every template (registered by the workshops blueprint).
TEMPLATE_HELPERS = (can_register, can_approve, can_sign_up_units, can_view_unit_attendance)
