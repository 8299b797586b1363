"""Grading arithmetic: pure functions of numbers and already loaded rows (no database, no request).

The attempt services (``services.grade_attempt``, ``grade_manually``) and progress use these, so a
mark, a percentage or a quiz grade is computed the same way everywhere."""
import math

from .enums import AttemptState, Correctness, GradingMethod

#: A fraction at least this high counts as right (three answers of 33.33333 % add up to full marks).
FULL = 0.999


def answer_mark(fraction: float, slot_mark: float) -> float:
    """The mark of one answer: its fraction (0..1) of the slot's mark."""
    return round(fraction * slot_mark, 5)


def attempt_percent(marks: float, max_marks: float) -> float:
    """An attempt's marks as a percentage of its maximum (0 when nothing could be scored)."""
    return round(100 * marks / max_marks, 2) if max_marks else 0.0


def fraction_of(mark: float, max_mark: float) -> float:
    """The fraction (0..1) a grader's mark is of the question's mark."""
    return mark / max_mark if max_mark else 0.0


def correctness(fraction: float) -> Correctness:
    if fraction >= FULL:
        return Correctness.RIGHT
    return Correctness.PARTIAL if fraction > 0 else Correctness.WRONG


def parse_mark(raw) -> float | None:
    """A mark as typed: "0,8" (Vietnamese decimal comma) or "0.8"; None when it is not a number."""
    text = (raw or "").strip().replace(" ", "")
    if text.count(",") == 1 and "." not in text:
        text = text.replace(",", ".")
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def quiz_grade(quiz, attempts) -> float | None:
    """The trainee's grade for ``quiz`` (percent) from their ``attempts``, by the quiz's grading
    method; only finished attempts with a percentage count (an essay waiting for a grader has none).
    None when there is no such attempt."""
    graded = [a for a in attempts if a.state == AttemptState.FINISHED and a.percent is not None]
    if not graded:
        return None
    method = quiz.grading_method
    if method == GradingMethod.HIGHEST:
        return max(a.percent for a in graded)
    if method == GradingMethod.AVERAGE:
        return round(sum(a.percent for a in graded) / len(graded), 2)
    if method == GradingMethod.FIRST:
        return min(graded, key=lambda a: a.number).percent
    return max(graded, key=lambda a: a.number).percent
