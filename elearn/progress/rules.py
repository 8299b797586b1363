"""Completion rules, as pure functions over facts already loaded (no queries here).

Activity rules (``activity.settings["completion"]``):
  viewed               the trainee opened it
  manual               the trainee marked it done
  graded               a graded attempt exists
  passed               the grade (by the quiz's grading method) reaches the pass mark
  passed_or_exhausted  passed, or every allowed attempt is used
  none                 not required for completion
Module and course rules (``completion`` dict): require "all" or any n of their parts, an optional
minimum average grade, and an optional date by which it must be complete.
"""
from datetime import date, datetime, timedelta

from ..core.timeutil import local_midnight_utc
from ..courses import kinds


def activity_rule(activity) -> str:
    """The activity's own rule, else its kind's default (``elearn.courses.kinds``)."""
    return kinds.get(activity.kind).rule(activity)


def due_end_utc(due: str | None) -> datetime | None:
    """The end of the due day in Việt Nam, as naive UTC."""
    if not due:
        return None
    d = date.fromisoformat(due)
    return local_midnight_utc(d + timedelta(days=1))


def combine(parts, rule: dict, now: datetime):
    """State of a module (parts = its required activities' progress) or a course (parts = modules).

    ``parts`` is a list of (complete: bool, completed_at, grade). Returns (state, done, required,
    grade, completed_at)."""
    required = len(parts)
    done_parts = sorted((p for p in parts if p[0]), key=lambda p: p[1] or datetime.min)
    done = len(done_parts)
    grades = [p[2] for p in parts if p[2] is not None]
    grade = round(sum(grades) / len(grades), 2) if grades else None
    need = rule.get("require", "all")
    need_n = required if need == "all" else min(int(need), required)
    met = required > 0 and done >= need_n
    completed_at = done_parts[need_n - 1][1] if met and need_n > 0 else None
    if met and rule.get("min_grade") is not None and (grade is None or grade < rule["min_grade"]):
        met, completed_at = False, None
    due = due_end_utc(rule.get("due"))
    if met and due and completed_at and completed_at > due:
        met, completed_at = False, None
    if met:
        return "complete", done, required, grade, completed_at
    if due and now > due:
        return "missed", done, required, grade, None
    return "started", done, required, grade, None
