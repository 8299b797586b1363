"""Course access rules: pure functions of (user, course) plus the facts the caller loaded."""
from .models import Status


def can_edit_course(user, course, is_staff: bool) -> bool:
    """Admins edit every course; instructors only the courses they are staff of."""
    if not user.is_authenticated:
        return False
    return user.role == "admin" or (user.role == "instructor" and is_staff)


def can_create_course(user) -> bool:
    return user.is_authenticated and user.role in ("admin", "instructor")


def can_view_course(user, course, *, enrolled: bool, is_staff: bool) -> bool:
    if can_edit_course(user, course, is_staff):
        return True
    return course.status == Status.PUBLISHED and enrolled
