"""Who may see which report. Pure functions of the user, the unit, the course and facts the caller
loaded; the views and the API both go through ``elearn.reports.loaders``."""
from ..core.timeutil import utcnow

REPORT_ROLES = ("manager", "admin", "instructor")


def can_use_reports(user) -> bool:
    """Managers, admins and instructors; trainees never."""
    return user.is_authenticated and user.role in REPORT_ROLES


def can_view_report(user, unit, *, course=None, is_staff: bool = False) -> bool:
    """Admins: every unit and course. Managers: units in their own subtree, any course.
    Instructors: every unit, but only for the courses they teach (``is_staff``)."""
    if not can_use_reports(user):
        return False
    if user.role == "admin":
        return True
    if user.role == "manager":
        return unit.is_within(user.org)
    return course is not None and is_staff


def can_view_trainee_report(user, trainee, *, is_staff: bool = False) -> bool:
    """One trainee's activity detail: the same rule, applied to the trainee's unit."""
    if not can_use_reports(user):
        return False
    if user.role == "admin":
        return True
    if user.role == "manager":
        return trainee.org.is_within(user.org)
    return is_staff


def grades_visible(quizzes, now=None) -> bool:
    """Whether a course's average grade may be shown in reports.

    Rule applied: a grade is shown only where the trainees themselves may see their marks, so
    every quiz of the course must let marks out in review once an attempt is over: "marks" is in
    the quiz's review options for "open" (after the attempt, while the quiz is open), or the quiz
    has closed and "marks" is in its "closed" options. A course without quizzes has no grades to
    hide and counts as visible (its grades are empty anyway).
    """
    now = now or utcnow()
    for quiz in quizzes:
        review = quiz.review or {}
        closed = quiz.close_at is not None and now >= quiz.close_at
        allowed = set(review.get("closed" if closed else "open", []))
        if "marks" not in allowed:
            return False
    return True
