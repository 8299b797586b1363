"""The instructor's view of an exercise: trainees' submissions and the most common mistakes, per field.

A mistake is one difference of the checker, grouped by field and by what it is about (a missing or
extra field, an indicator, a subfield, a leader/008 position, a structural problem). Each group
counts the trainees who made it in any submitted attempt, and the attempts. Only trainees the
viewer may follow are counted (``progress.permissions.can_manage_progress_in_course``: enrolled in
the course; instructors see trainees only).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select

from ..auth.models import User
from ..courses.services import enrolled_user_filter
from ..courses.permissions import learners_condition
from ..extensions import db
from . import marc21
from .models import CataloguingAttempt


def scoped_attempts(viewer, course, ex):
    """(attempt, trainee) pairs of the submitted attempts the viewer may see, oldest first."""
    stmt = (select(CataloguingAttempt, User).join(User, User.id == CataloguingAttempt.user_id)
            .where(CataloguingAttempt.activity_id == ex.activity_id, CataloguingAttempt.state == "submitted",
                   enrolled_user_filter(course))
            .order_by(CataloguingAttempt.submitted_at, CataloguingAttempt.id))
    only = learners_condition(viewer, User)  # as the course progress page: instructors see trainees only
    if only is not None:
        stmt = stmt.where(only)
    return db.session.execute(stmt).all()


def latest_per_trainee(pairs):
    """{trainee id: (their last submitted attempt, trainee, their best percent, attempts)}."""
    out = {}
    for attempt, user in pairs:
        last, _u, best, n = out.get(user.id, (None, user, None, 0))
        best = attempt.percent if best is None else max(best, attempt.percent or 0)
        out[user.id] = (attempt, user, best, n + 1)
    return out


def _what(d) -> tuple[str, str]:
    """(where in the field, kind of mistake) of one difference."""
    tag, ind, code = d.get("tag"), d.get("ind"), d.get("code")
    if d.get("kind") == "lint":
        return (f"${code}" if code else ""), _("Cấu trúc (như MARC::Lint)")
    if tag in ("LDR", "008") and code:
        return _("vị trí %(p)s", p=code), _("Sai vị trí")
    if ind:
        return _("chỉ thị %(n)s", n=ind), _("Sai chỉ thị")
    if code:
        if d.get("got") is None:
            return f"${code}", _("Thiếu trường con")
        if d.get("expected") is None:
            return f"${code}", _("Thừa trường con")
        return f"${code}", _("Sai trường con")
    if d.get("got") is None:
        return "", _("Thiếu trường")
    if d.get("expected") is None:
        return "", _("Thừa trường")
    return "", _("Sai giá trị")


@dataclass
class Mistake:
    tag: str
    name: str
    where: str
    what: str
    trainees: set = field(default_factory=set)
    attempts: int = 0
    example: str = ""


def common_mistakes(pairs) -> tuple[list[Mistake], int]:
    """The mistakes, most common first, and how many trainees submitted."""
    groups: dict = {}
    trainees = set()
    for attempt, user in pairs:
        trainees.add(user.id)
        for d in attempt.differences or []:
            where, what = _what(d)
            k = (d.get("tag") or "", where, what)
            m = groups.get(k)
            if m is None:
                m = groups[k] = Mistake(k[0], marc21.field_name(k[0]), where, what, example=d.get("message", ""))
            m.trainees.add(user.id)
            m.attempts += 1
    ordered = sorted(groups.values(), key=lambda m: (-len(m.trainees), -m.attempts, m.tag, m.where))
    return ordered, len(trainees)


def mistake_rows(mistakes, total):
    for m in mistakes:
        yield [m.tag, m.name, m.where, m.what, len(m.trainees),
               round(100 * len(m.trainees) / total, 1) if total else None, m.attempts, m.example]


def mistake_header():
    return [_("Trường"), _("Tên trường"), _("Vị trí"), _("Loại lỗi"), _("Số học viên"), _("Tỉ lệ học viên (%%)") % {},
            _("Số lượt"), _("Ví dụ thông báo")]
