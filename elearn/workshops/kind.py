"""The workshop activity kind (``elearn.courses.kinds``): an in-person workshop in the course outline,
complete when the trainee was present (or late) at every scheduled session."""
from flask import abort, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..courses.kinds import ActivityKind, Outcome, Rule, register
from ..extensions import db
from .models import Attendance, Workshop, WorkshopSession

CAME = ("present", "late")


class WorkshopKind(ActivityKind):
    name = "workshop"
    label = _l("Tập huấn trực tiếp")
    rules = (Rule.ATTENDED, Rule.MANUAL, Rule.NONE)
    open_verb = None

    def _workshop(self, activity):
        return db.session.scalar(select(Workshop).where(Workshop.activity_id == activity.id))

    def url(self, activity, course):
        ws = self._workshop(activity)
        if ws is None:
            abort(404)
        return url_for("workshops.detail", workshop_id=ws.id)

    def edit_url(self, activity, course):
        ws = self._workshop(activity)
        return url_for("workshops.edit", workshop_id=ws.id) if ws else None

    def facts(self, user_ids, activities):
        """{(user, activity): (scheduled session ids, [(session id, status, marked at)])}: two queries."""
        ids = [a.id for a in activities]
        if not ids or not user_ids:
            return {}
        rows = db.session.execute(select(Workshop.activity_id, WorkshopSession.id).join(
            WorkshopSession, WorkshopSession.workshop_id == Workshop.id).where(
            Workshop.activity_id.in_(ids), WorkshopSession.status == "scheduled")).all()
        sessions = {}
        activity_of = {}
        for activity_id, session_id in rows:
            sessions.setdefault(activity_id, set()).add(session_id)
            activity_of[session_id] = activity_id
        if not activity_of:
            return {}
        out = {}
        for user_id, session_id, status, at in db.session.execute(
                select(Attendance.user_id, Attendance.session_id, Attendance.status, Attendance.marked_at).where(
                    Attendance.user_id.in_(list(user_ids)), Attendance.session_id.in_(list(activity_of)))):
            aid = activity_of[session_id]
            out.setdefault((user_id, aid), (sessions[aid], []))[1].append((session_id, status, at))
        return out

    def fact_users(self, course_id):
        sessions = select(WorkshopSession.id).join(Workshop, WorkshopSession.workshop_id == Workshop.id).where(
            Workshop.course_id == course_id)
        return set(db.session.scalars(select(Attendance.user_id).where(Attendance.session_id.in_(sessions)).distinct()))

    def outcome(self, activity, rule, fact):
        if fact is None:
            return Outcome()
        scheduled, marks = fact
        came = {sid: at for sid, status, at in marks if status in CAME}
        completed_at = None
        if rule == Rule.ATTENDED and scheduled and set(came) >= scheduled:
            completed_at = max(came.values())
        return Outcome(completed_at=completed_at, times=[at for _sid, _status, at in marks])


WORKSHOP = register(WorkshopKind())
