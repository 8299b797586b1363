"""The cataloguing activity: its exercise (one row per activity of kind "cataloguing") and the
trainees' attempts (a draft, then submitted attempts, numbered like quiz attempts)."""
from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from ..core.timeutil import utcnow
from ..extensions import db

GRADINGS = ("best", "last")


class CataloguingExercise(db.Model):
    __tablename__ = "cataloguing_exercises"

    activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id", ondelete="CASCADE"), primary_key=True)
    item: Mapped[str] = mapped_column(Text, default="")  # the item as the cataloguer has it in hand
    key_record: Mapped[str] = mapped_column(Text, default="")  # the answer key (.mrk or MARCXML)
    # The exercise file's checking options: lenient, ignore, extra_ok, lessons, explain, variants.
    options: Mapped[dict] = mapped_column(JSON, default=dict)
    pass_mark: Mapped[float] = mapped_column(default=80.0)  # percent
    attempts_allowed: Mapped[int] = mapped_column(default=0)  # 0 = unlimited
    grading: Mapped[str] = mapped_column(String(10), default="best")  # best or last submitted attempt
    source: Mapped[str] = mapped_column(String(255), default="")  # the exercise file (course import)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    __table_args__ = (CheckConstraint("grading IN ('best', 'last')", name="grading"),)


class CataloguingAttempt(db.Model):
    __tablename__ = "cataloguing_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("cataloguing_exercises.activity_id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    state: Mapped[str] = mapped_column(String(12), default="draft")
    record: Mapped[str] = mapped_column(Text, default="")  # the biểu ghi as typed (.mrk)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    saved_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_at: Mapped[datetime | None]
    score: Mapped[float | None]  # 0..1, from the checker
    percent: Mapped[float | None]
    differences: Mapped[list] = mapped_column(JSON, default=list)
    # The sequence number of the last accepted save: a save must carry a larger one.
    save_seq: Mapped[int] = mapped_column(default=0)

    __table_args__ = (
        UniqueConstraint("activity_id", "user_id", "number", name="uq_cataloguing_attempts_activity_user_number"),
        CheckConstraint("state IN ('draft', 'submitted')", name="state"),
        Index("ix_cataloguing_attempts_activity_state", "activity_id", "state"),
        # At most one draft per (exercise, trainee), enforced by the database on both engines.
        Index("uq_cataloguing_attempts_one_draft", "activity_id", "user_id", unique=True,
              sqlite_where=text("state = 'draft'"), postgresql_where=text("state = 'draft'")),
    )
