"""Who may see which report. Pure functions of the user, the unit, the course and facts the caller
loaded; the views and the API both go through ``elearn.reports.loaders``."""
from ..auth.roles import Role
from ..auth.permissions import can_oversee_or_admin, is_admin, is_learner, oversees_units, teaches
from ..core.timeutil import utcnow
from ..quizzes.permissions import marks_released

REPORT_ROLES = (Role.MANAGER, Role.ADMIN, Role.INSTRUCTOR)


def can_use_reports(user) -> bool:
    """Managers, admins and instructors; trainees never."""
    return user.is_authenticated and user.role in REPORT_ROLES


def reports_on_taught_courses_only(user) -> bool:
    """Instructors report only on the courses they teach (every unit); others on every course."""
    return teaches(user)


def scope_unit(user):
    """The top of ``user``'s reports: a manager's own unit (their subtree), else None (every unit)."""
    return user.org if oversees_units(user) else None


def can_review_units(user) -> bool:
    """The annual review and other whole-unit pages: managers (their subtree) and admins."""
    return can_oversee_or_admin(user)


def is_reported_on(person) -> bool:
    """Reports are about learners: a trainee's detail exists only for trainees."""
    return is_learner(person)


def can_view_report(user, unit, *, course=None, is_staff: bool = False) -> bool:
    """Admins: every unit and course. Managers: units in their own subtree, any course.
    Instructors: every unit, but only for the courses they teach (``is_staff``)."""
    if not can_use_reports(user):
        return False
    if is_admin(user):
        return True
    if oversees_units(user):
        return unit.is_within(user.org)
    return course is not None and is_staff


def can_view_trainee_report(user, trainee, *, is_staff: bool = False) -> bool:
    """One trainee's activity detail: the same rule, applied to the trainee's unit."""
    if not can_use_reports(user):
        return False
    if is_admin(user):
        return True
    if oversees_units(user):
        return trainee.org.is_within(user.org)
    return is_staff


def grades_visible(quizzes, now=None) -> bool:
    """Whether a course's average grade may be shown in reports: only where the trainees themselves
    may see their marks, so every quiz of the course must have released them
    (``quizzes.permissions.marks_released``, the same review rule as the quiz pages and the API).
    A course without quizzes has no grades to hide."""
    now = now or utcnow()
    return all(marks_released(quiz, now) for quiz in quizzes)
