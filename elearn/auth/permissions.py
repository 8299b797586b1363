"""Account access rules and the named requirements on roles. Pure functions; views enforce them,
templates only hide links (the requirements are Jinja globals, see ``TEMPLATE_HELPERS``).

These and the other ``permissions`` modules are the only places that look at ``user.role``.
"""
from ..orgs.permissions import can_view_org
from .roles import Role


def _has(user, *roles) -> bool:
    return bool(user.is_authenticated) and user.role in roles


# --- named requirements on roles ----------------------------------------------------------------

def is_admin(user) -> bool:
    return _has(user, Role.ADMIN)


def is_learner(user) -> bool:
    """Trainees learn: they have progress, locks, certificates and sign up for workshops. Staff don't."""
    return _has(user, Role.TRAINEE)


def oversees_units(user) -> bool:
    """Managers oversee the people of their unit's subtree (reports, approvals, bulk sign-up)."""
    return _has(user, Role.MANAGER)


def teaches(user) -> bool:
    """Instructors teach the courses they are staff of."""
    return _has(user, Role.INSTRUCTOR)


def can_author(user) -> bool:
    """Admins and instructors write courses (instructors only those they are staff of)."""
    return _has(user, Role.ADMIN, Role.INSTRUCTOR)


def is_staff_member(user) -> bool:
    """Instructors, managers and admins: not learners, so nothing is locked for them and they have no
    progress of their own. Anonymous users are not staff."""
    return _has(user, Role.INSTRUCTOR, Role.MANAGER, Role.ADMIN)


def sees_every_unit(user) -> bool:
    """Admins see every unit and every account."""
    return is_admin(user)


def can_oversee_or_admin(user) -> bool:
    """Managers (their subtree) and admins (everything): approvals, the annual review, unit lists."""
    return _has(user, Role.MANAGER, Role.ADMIN)


# --- accounts -------------------------------------------------------------------------------------

def can_manage_users(user) -> bool:
    return is_admin(user)


def can_view_user(viewer, user) -> bool:
    if not viewer.is_authenticated:
        return False
    if viewer.id == user.id or is_admin(viewer):
        return True
    return oversees_units(viewer) and can_view_org(viewer, user.org)


def can_use_admin_pages(user) -> bool:
    return is_admin(user)


def can_list_users(user) -> bool:
    """Admins see every account; managers see (read-only) the accounts of their subtree."""
    return can_oversee_or_admin(user)


def can_import_users(user) -> bool:
    return is_admin(user)


def can_resend_invitation(viewer, user) -> bool:
    """An admin, or a manager whose subtree holds the user's unit; never for oneself."""
    if not viewer.is_authenticated or viewer.id == user.id:
        return False
    if is_admin(viewer):
        return True
    return oversees_units(viewer) and can_view_org(viewer, user.org)


def can_change_own_admin_rights(viewer, user, *, new_role, active) -> bool:
    """Nobody locks themselves out: an admin editing their own account stays an active admin."""
    return viewer.id != user.id or (bool(active) and new_role == Role.ADMIN)


# --- selecting accounts in SQL ------------------------------------------------------------------

def learners_only(user_model):
    """The WHERE clause that keeps trainees (the people reports, bulk sign-ups and counts are about)."""
    return user_model.role == Role.TRAINEE


def approvers_only(user_model):
    """The WHERE clause that keeps the accounts who approve sign-ups in their subtree (managers)."""
    return user_model.role == Role.MANAGER


#: Exposed to every template (registered by the auth blueprint).
TEMPLATE_HELPERS = (is_admin, is_learner, oversees_units, teaches, can_author, can_oversee_or_admin)
