"""Who may see whose progress and certificates. Pure functions."""
from ..orgs.permissions import can_view_org


def can_view_progress_of(viewer, trainee, *, is_course_staff: bool = False, trainee_enrolled: bool = False) -> bool:
    """Oneself, admins, managers for their subtree; an instructor only through a course they are
    staff of, and only for a trainee enrolled in it (never a manager's or an admin's progress)."""
    if not viewer.is_authenticated:
        return False
    if viewer.id == trainee.id or viewer.role == "admin":
        return True
    if viewer.role == "manager":
        return can_view_org(viewer, trainee.org)
    return (viewer.role == "instructor" and is_course_staff and trainee_enrolled
            and trainee.role == "trainee")


def can_manage_progress_in_course(viewer, target, *, is_course_staff: bool, target_enrolled: bool) -> bool:
    """A course's staff progress pages and overrides (and certificates issued by hand): admins for
    anyone enrolled in the course, its instructors only for trainees enrolled in it."""
    if not viewer.is_authenticated or not target_enrolled:
        return False
    if viewer.role == "admin":
        return True
    return viewer.role == "instructor" and is_course_staff and target.role == "trainee"


def can_revoke_certificates(user) -> bool:
    return user.is_authenticated and user.role == "admin"
