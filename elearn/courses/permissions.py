"""Course access rules: pure functions of (user, course) plus the facts the caller loaded."""
from ..auth.permissions import learners_only
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


def edits_every_course(user) -> bool:
    """Admins see and edit every course without being its staff."""
    return user.is_authenticated and user.role == "admin"


def may_be_staff(user) -> bool:
    """Only instructors hold course-staff rows that give them rights (admins have them anyway)."""
    return user.is_authenticated and user.role == "instructor"


def can_be_course_staff(user) -> bool:
    return user.role in ("instructor", "admin")


def joins_staff_on_create(user) -> bool:
    """An instructor who creates a course becomes its staff; an admin does not need to."""
    return user.role == "instructor"


def courses_page_for(user) -> str:
    """Which "my courses" page the user gets: "teaching" (instructors and admins: what they teach,
    no progress bars or locks), "overseeing" (managers) or "learning" (trainees)."""
    if user.role in ("instructor", "admin"):
        return "teaching"
    if user.role == "manager":
        return "overseeing"
    return "learning"


def learners_condition(viewer, user_model):
    """A condition on ``user_model`` (User) for course-staff lists of trainees' progress: admins see
    everyone enrolled (None: no condition), instructors trainees only."""
    return None if edits_every_course(viewer) else learners_only(user_model)

