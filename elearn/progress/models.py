from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..core.timeutil import utcnow
from ..courses.models import CourseProgress, ModuleProgress  # noqa: F401  (the rows live with the outline)
from ..extensions import db


class CompletionOverride(db.Model):
    """An instructor set an activity complete or not complete for a trainee: who, when and why.
    Kept as history; the latest one for (user, activity) wins."""

    __tablename__ = "completion_overrides"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id", ondelete="CASCADE"))
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    state: Mapped[str] = mapped_column(String(12))  # complete, incomplete, cleared
    reason: Mapped[str] = mapped_column(Text)
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (Index("ix_completion_overrides_user_course", "user_id", "course_id"),)


class Certificate(db.Model):
    """Issued on course completion (or by hand for recognised prior learning). The printed details
    are kept as issued, so a later rename does not change a certificate."""

    __tablename__ = "certificates"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    full_name: Mapped[str] = mapped_column(String(200))
    course_title: Mapped[str] = mapped_column(String(200))
    unit_name: Mapped[str] = mapped_column(String(200), default="")
    issuer: Mapped[str] = mapped_column(String(200))
    hours: Mapped[float] = mapped_column(default=0)
    completed_on: Mapped[date]
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    manual: Mapped[bool] = mapped_column(default=False)  # recognised prior learning
    manual_reason: Mapped[str] = mapped_column(Text, default="")
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    revoked_at: Mapped[datetime | None]
    revoked_reason: Mapped[str] = mapped_column(Text, default="")
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    __table_args__ = (UniqueConstraint("user_id", "course_id", name="uq_certificates_user_course"),)
