"""Course → module → activities. Activities are typed by ``kind`` (lesson, material, quiz, …);
each kind keeps its content in its own table keyed by the activity id, so adding a kind is one
table and one entry in ``elearn.courses.kinds``."""
from datetime import datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.timeutil import utcnow
from ..extensions import db


class Status(StrEnum):
    """Where a course, module or activity is in its life."""

    DRAFT = "draft"
    PUBLISHED = "published"
    ARCHIVED = "archived"


class Verb(StrEnum):
    """Raw activity events (``ActivityEvent.verb``)."""

    VIEWED = "viewed"
    OPENED = "opened"
    MARKED_DONE = "marked_done"
    MARKED_UNDONE = "marked_undone"


class ProgressState(StrEnum):
    """A trainee's state in an activity, module or course (the progress rows)."""

    STARTED = "started"
    COMPLETE = "complete"
    MISSED = "missed"


#: The labels, in one place (templates use the ``status_label`` / ``progress_label`` filters).
STATUS_LABELS = {Status.DRAFT: _l("Bản nháp"), Status.PUBLISHED: _l("Đã xuất bản"), Status.ARCHIVED: _l("Lưu trữ")}
PROGRESS_LABELS = {ProgressState.STARTED: _l("Đang học"), ProgressState.COMPLETE: _l("Hoàn thành"),
                   ProgressState.MISSED: _l("Quá hạn")}
STATUSES = tuple(Status)

module_prerequisites = Table(
    "module_prerequisites",
    db.metadata,
    Column("module_id", ForeignKey("modules.id", ondelete="CASCADE"), primary_key=True),
    Column("requires_id", ForeignKey("modules.id", ondelete="CASCADE"), primary_key=True),
)


class Course(db.Model):
    __tablename__ = "courses"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    hours: Mapped[float] = mapped_column(default=0)
    status: Mapped[str] = mapped_column(String(12), default="draft")
    # {"require": "all" | n (any n modules), "min_grade": percent | None, "due": "YYYY-MM-DD" | None}
    completion: Mapped[dict] = mapped_column(JSON, default=dict)
    from_files: Mapped[bool] = mapped_column(default=False)  # managed by `flask courses import`
    # bumped by any edit of the course's content (elearn/courses/outline_cache.py): the outline cache key
    content_version: Mapped[int] = mapped_column(default=1, server_default="1")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    modules: Mapped[list["Module"]] = relationship(back_populates="course", order_by="Module.position")

    __table_args__ = (CheckConstraint("status IN ('draft', 'published', 'archived')", name="status"),)


class Module(db.Model):
    __tablename__ = "modules"

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    slug: Mapped[str] = mapped_column(String(80))
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(default=0)
    status: Mapped[str] = mapped_column(String(12), default="draft")
    # {"require": "all" | n (any n required activities), "min_grade": percent | None, "due": "YYYY-MM-DD" | None}
    completion: Mapped[dict] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    course: Mapped[Course] = relationship(back_populates="modules")
    activities: Mapped[list["Activity"]] = relationship(back_populates="module", order_by="Activity.position")
    prerequisites: Mapped[list["Module"]] = relationship(
        secondary=module_prerequisites,
        primaryjoin=lambda: Module.id == module_prerequisites.c.module_id,
        secondaryjoin=lambda: Module.id == module_prerequisites.c.requires_id,
    )

    __table_args__ = (
        UniqueConstraint("course_id", "slug", name="uq_modules_course_slug"),
        CheckConstraint("status IN ('draft', 'published', 'archived')", name="status"),
    )


class Activity(db.Model):
    __tablename__ = "activities"

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("modules.id", ondelete="CASCADE"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    slug: Mapped[str] = mapped_column(String(80))
    title: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(default=0)
    status: Mapped[str] = mapped_column(String(12), default="draft")
    settings: Mapped[dict] = mapped_column(JSON, default=dict)  # kind-specific (pass mark, file name…)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    module: Mapped[Module] = relationship(back_populates="activities")
    lesson: Mapped["Lesson | None"] = relationship(back_populates="activity", uselist=False)

    __table_args__ = (
        UniqueConstraint("module_id", "slug", name="uq_activities_module_slug"),
        CheckConstraint("status IN ('draft', 'published', 'archived')", name="status"),
    )


class Lesson(db.Model):
    __tablename__ = "lessons"

    activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id", ondelete="CASCADE"), primary_key=True)
    body_md: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str] = mapped_column(Text, default="")  # rendered and sanitized on save
    minutes: Mapped[int] = mapped_column(default=1)
    sources: Mapped[list] = mapped_column(JSON, default=list)

    activity: Mapped[Activity] = relationship(back_populates="lesson")


class MaterialFile(db.Model):
    """One uploaded version of a material. Replacing the file adds a version; old ones are kept."""

    __tablename__ = "material_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(default=1)
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    original_name: Mapped[str] = mapped_column(String(255))
    mime: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    width: Mapped[int | None]
    height: Mapped[int | None]
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (UniqueConstraint("activity_id", "version", name="uq_material_files_activity_version"),)


class Enrolment(db.Model):
    """Who may take a course: a whole org subtree, or one user."""

    __tablename__ = "enrolments"

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    org_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        UniqueConstraint("course_id", "org_id", name="uq_enrolments_course_org"),
        UniqueConstraint("course_id", "user_id", name="uq_enrolments_course_user"),
        CheckConstraint("(org_id IS NULL) <> (user_id IS NULL)", name="one_target"),
    )


class CourseStaff(db.Model):
    __tablename__ = "course_staff"

    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)


class ActivityEvent(db.Model):
    """Raw learning events (lesson viewed, material opened, …). Progress is built from these."""

    __tablename__ = "activity_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id", ondelete="CASCADE"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    verb: Mapped[str] = mapped_column(String(20))  # viewed, opened
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (Index("ix_activity_events_user_course", "user_id", "course_id"),)


class ActivityProgress(db.Model):
    """One row per (user, activity), updated in the same transaction as the event that changes it.
    The progress issue extends it (grades, attempts, overrides); pages read it, never raw events."""

    __tablename__ = "activity_progress"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id", ondelete="CASCADE"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    state: Mapped[str] = mapped_column(String(12), default="started")  # started, complete
    grade: Mapped[float | None]  # percent, by the activity's grading method (quizzes)
    attempts: Mapped[int] = mapped_column(default=0)
    first_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_at: Mapped[datetime] = mapped_column(default=utcnow)
    completed_at: Mapped[datetime | None]

    __table_args__ = (
        UniqueConstraint("user_id", "activity_id", name="uq_activity_progress_user_activity"),
        Index("ix_activity_progress_user_course", "user_id", "course_id"),
    )


class ModuleProgress(db.Model):
    __tablename__ = "module_progress"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    module_id: Mapped[int] = mapped_column(ForeignKey("modules.id", ondelete="CASCADE"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    state: Mapped[str] = mapped_column(String(12), default="started")  # started, complete, missed
    done: Mapped[int] = mapped_column(default=0)  # required activities complete
    required: Mapped[int] = mapped_column(default=0)
    grade: Mapped[float | None]
    completed_at: Mapped[datetime | None]

    __table_args__ = (
        UniqueConstraint("user_id", "module_id", name="uq_module_progress_user_module"),
        Index("ix_module_progress_user_course", "user_id", "course_id"),
    )


class CourseProgress(db.Model):
    __tablename__ = "course_progress"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    state: Mapped[str] = mapped_column(String(12), default="started")  # started, complete, missed
    done: Mapped[int] = mapped_column(default=0)
    required: Mapped[int] = mapped_column(default=0)
    percent: Mapped[int] = mapped_column(default=0)
    grade: Mapped[float | None]
    completed_at: Mapped[datetime | None]
    last_activity_at: Mapped[datetime | None]

    __table_args__ = (UniqueConstraint("user_id", "course_id", name="uq_course_progress_user_course"),)
