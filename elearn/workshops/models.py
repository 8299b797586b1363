from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.timeutil import utcnow
from ..extensions import db
from .states import AttendanceStatus, RegStatus, SessionStatus, WorkshopStatus

#: ``Activity.kind`` of a workshop in a course outline (the kind itself is ``kind.WorkshopKind``).
WORKSHOP_KIND = "workshop"

REG_STATES = RegStatus.values()
ATTENDANCE = AttendanceStatus.values()


def _one_of(column, values):
    return CheckConstraint(f"{column} IN (" + ", ".join(f"'{v}'" for v in values) + ")", name=column)


class Workshop(db.Model):
    __tablename__ = "workshops"

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    # The "workshop" activity in the course that attendance completes (optional).
    activity_id: Mapped[int | None] = mapped_column(ForeignKey("activities.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    capacity: Mapped[int] = mapped_column(default=30)
    signup_opens_at: Mapped[datetime | None]
    signup_closes_at: Mapped[datetime | None]
    cancel_cutoff_hours: Mapped[int] = mapped_column(default=24)
    requires_approval: Mapped[bool] = mapped_column(default=False)
    prework_module_ids: Mapped[list] = mapped_column(JSON, default=list)
    prework_before: Mapped[str] = mapped_column(String(10), default="none")  # none, signup, attend
    posttest_activity_id: Mapped[int | None] = mapped_column(ForeignKey("activities.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(12), default=WorkshopStatus.DRAFT.value)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    sessions: Mapped[list["WorkshopSession"]] = relationship(order_by="WorkshopSession.starts_at",
                                                             back_populates="workshop")

    __table_args__ = (
        _one_of("status", WorkshopStatus.values()),
        CheckConstraint("prework_before IN ('none', 'signup', 'attend')", name="prework_before"),
        CheckConstraint("capacity > 0", name="capacity"),
    )


class WorkshopTarget(db.Model):
    """Who may sign up: the subtrees of these units (none: everyone enrolled in the course)."""

    __tablename__ = "workshop_targets"

    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"), primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("org_units.id", ondelete="CASCADE"), primary_key=True)


class WorkshopSession(db.Model):
    __tablename__ = "workshop_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime]  # naive UTC
    ends_at: Mapped[datetime]
    venue: Mapped[str] = mapped_column(String(300), default="")
    trainer: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(12), default=SessionStatus.SCHEDULED.value)
    sequence: Mapped[int] = mapped_column(default=0)  # RFC 5545 SEQUENCE: up on every change
    checkin_secret: Mapped[str] = mapped_column(String(64))

    workshop: Mapped[Workshop] = relationship(back_populates="sessions")

    __table_args__ = (CheckConstraint("ends_at > starts_at", name="times"),)


class Registration(db.Model):
    __tablename__ = "registrations"

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(12))
    waitlisted_at: Mapped[datetime | None]  # the waitlist is served in this order
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        UniqueConstraint("workshop_id", "user_id", name="uq_registrations_workshop_user"),
        _one_of("status", REG_STATES),
        Index("ix_registrations_workshop_status", "workshop_id", "status"),
    )


class RegistrationEvent(db.Model):
    """The status history of a registration (also attended / partly attended / no-show)."""

    __tablename__ = "registration_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(20))  # a RegStatus or an Outcome
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Attendance(db.Model):
    __tablename__ = "attendance"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("workshop_sessions.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(10))
    source: Mapped[str] = mapped_column(String(10), default="roster")  # roster, checkin, import
    marked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    marked_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        UniqueConstraint("session_id", "user_id", name="uq_attendance_session_user"),
        _one_of("status", ATTENDANCE),
    )


class CalendarFeed(db.Model):
    """A user's personal calendar feed: /calendar/<secret>.ics. Resetting the secret kills old links."""

    __tablename__ = "calendar_feeds"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    secret: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Reminder(db.Model):
    """The e-mail outbox. ``key`` is unique, so a reminder is queued once however often cron runs;
    a failed send stays pending with a later ``next_try_at``."""

    __tablename__ = "reminders"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(160), unique=True)
    kind: Mapped[str] = mapped_column(String(20))  # booked, promoted, t7, t1, changed, cancelled, waitlisted
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"))
    session_id: Mapped[int | None] = mapped_column(ForeignKey("workshop_sessions.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(10), default="pending")  # pending, sending, sent, dropped
    attempts: Mapped[int] = mapped_column(default=0)
    next_try_at: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (Index("ix_reminders_status_next", "status", "next_try_at"),)
