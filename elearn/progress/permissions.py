"""Who may see whose progress and certificates. Pure functions."""
from ..orgs.permissions import can_view_org


def can_view_progress_of(viewer, trainee, *, is_course_staff: bool = False) -> bool:
    if not viewer.is_authenticated:
        return False
    if viewer.id == trainee.id or viewer.role == "admin":
        return True
    if viewer.role == "manager":
        return can_view_org(viewer, trainee.org)
    return viewer.role == "instructor" and is_course_staff


def can_revoke_certificates(user) -> bool:
    return user.is_authenticated and user.role == "admin"
