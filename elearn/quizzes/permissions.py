"""Quiz access rules: pure functions (no queries)."""
from datetime import timedelta

from ..core.timeutil import utcnow
from .enums import AttemptState, ReviewItem, ReviewTime

IMMEDIATELY = timedelta(minutes=2)  # "immediately after the attempt" in the review options


def can_take(user, attempt_owner_id: int) -> bool:
    return user.is_authenticated and user.id == attempt_owner_id


def can_grade(user, *, is_staff: bool) -> bool:
    return user.is_authenticated and (user.role == "admin" or (user.role == "instructor" and is_staff))


def review_options(quiz, attempt, now=None) -> set:
    """What the trainee may see of ``attempt`` now, from the quiz's review matrix (the moments
    "during", "immediately" (2 minutes), "open" (later, while the quiz is open) and "closed")."""
    now = now or utcnow()
    review = quiz.review or {}
    if attempt.state == AttemptState.IN_PROGRESS:
        when = ReviewTime.DURING
    elif attempt.state == AttemptState.ABANDONED:
        closed = quiz.close_at and now >= quiz.close_at
        return set(review.get(ReviewTime.CLOSED, [])) & {ReviewItem.RESPONSES} if closed else set()
    elif quiz.close_at and now >= quiz.close_at:
        when = ReviewTime.CLOSED
    elif attempt.finished_at and now - attempt.finished_at <= IMMEDIATELY:
        when = ReviewTime.IMMEDIATELY
    else:
        when = ReviewTime.OPEN
    return set(review.get(when, []))


def marks_released(quiz, now=None) -> bool:
    """Whether trainees' marks for a finished attempt are out now, past the "immediately" window: the
    moment is "closed" once the quiz has closed, "open" before. Reports use it for course averages."""
    now = now or utcnow()
    when = ReviewTime.CLOSED if quiz.close_at and now >= quiz.close_at else ReviewTime.OPEN
    return ReviewItem.MARKS in set((quiz.review or {}).get(when, []))


def can_see_marks(user, quiz, attempt=None, now=None, *, attempts=None, is_staff: bool = False) -> bool:
    """THE rule for showing a grade: every place that shows a score, a grade or pass/fail asks it.

    With ``attempt``: that attempt's marks. Without: the quiz grade computed from ``attempts`` (the
    owner's attempts of this quiz), which gives away the marks of each finished attempt in it, so it
    shows only when all of theirs may be shown. A trainee sees their own marks only when the quiz's
    review options let "marks" out at this moment (e.g. only after the quiz closes). Course staff
    and admins always see them, and so does a viewer looking at someone else's results, whose access
    the caller has already checked (a manager in scope). Completion is not affected: only the
    number (and pass/fail) is hidden."""
    if is_staff or getattr(user, "role", None) == "admin":
        return True
    now = now or utcnow()
    if attempt is not None:
        if attempt.user_id != user.id:
            return True
        return ReviewItem.MARKS in review_options(quiz, attempt, now)
    finished = [a for a in (attempts or []) if a.state == AttemptState.FINISHED]
    if not finished:
        return False
    if any(a.user_id != user.id for a in finished):
        return True
    return all(ReviewItem.MARKS in review_options(quiz, a, now) for a in finished)
