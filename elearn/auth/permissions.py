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
