"""Account access rules. Pure functions; views enforce them, templates only hide links."""
from ..orgs.permissions import can_view_org


def is_admin(user) -> bool:
    return user.is_authenticated and user.role == "admin"


def can_manage_users(user) -> bool:
    return is_admin(user)


def can_view_user(viewer, user) -> bool:
    if not viewer.is_authenticated:
        return False
    if viewer.id == user.id or viewer.role == "admin":
        return True
    return viewer.role == "manager" and can_view_org(viewer, user.org)


def can_use_admin_pages(user) -> bool:
    return is_admin(user)


def can_list_users(user) -> bool:
    """Admins see every account; managers see (read-only) the accounts of their subtree."""
    return user.is_authenticated and user.role in ("admin", "manager")


def can_import_users(user) -> bool:
    return is_admin(user)


def can_resend_invitation(viewer, user) -> bool:
    """An admin, or a manager whose subtree holds the user's unit; never for oneself."""
    if not viewer.is_authenticated or viewer.id == user.id:
        return False
    if viewer.role == "admin":
        return True
    return viewer.role == "manager" and can_view_org(viewer, user.org)
